// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {IPermitConsumer} from "./IPermitConsumer.sol";
import {MarginPermit} from "./IRiskGuard.sol";

enum InstrumentKind {
    Perp,
    Option
}

/// @notice A listed instrument. Perpetuals have `expiry = 0`, `strike = 0`, `isCall = false`.
/// @param kind Perp or European cash-settled option.
/// @param underlying OracleRouter key of the underlying, e.g. "ETH".
/// @param expiry Option expiry (seconds); 0 for perps.
/// @param strike Option strike (wad USD).
/// @param isCall Call or put.
struct Instrument {
    InstrumentKind kind;
    bytes32 underlying;
    uint64 expiry;
    uint256 strike;
    bool isCall;
}

/// @notice An account's position in one instrument.
/// @param size Wad units of the underlying, long > 0.
/// @param openNotional Signed cost basis (wad USD): unrealised P&L = size * mark - openNotional.
/// @param fundingIndex The perp's cumulative funding index when funding was last settled.
struct Position {
    int256 size;
    int256 openNotional;
    int256 fundingIndex;
}

/// @notice A matched trade the venue settles. The buyer's size grows by `size`, the seller's shrinks.
/// @param tradeId Unique per trade (the venue's id); a second settlement reverts.
/// @param instrumentId The instrument.
/// @param buyer Buying account.
/// @param seller Selling account.
/// @param size Wad units, > 0.
/// @param price Wad USD per unit (an option's premium).
struct Trade {
    bytes32 tradeId;
    uint32 instrumentId;
    address buyer;
    address seller;
    uint256 size;
    uint256 price;
}

/// @notice A permit with its signatures; empty `signatures` means no permit.
struct SignedPermit {
    MarginPermit permit;
    bytes signatures;
}

/// @notice Perp funding state: the index at `updatedAt` and the rate since.
/// @param index Cumulative funding (wad USD per unit of size; longs pay when it rises).
/// @param ratePerSecond Wad USD per unit per second.
/// @param updatedAt When `index` was last written.
struct FundingState {
    int256 index;
    int256 ratePerSecond;
    uint64 updatedAt;
}

enum ChangeReason {
    Trade,
    Liquidation,
    Expiry,
    Funding
}

/// @title IPositionBook
/// @notice Perpetuals and European cash-settled options per underlying. Trades are settled by the
/// `VENUE` role between two accounts; a side whose risk grows carries an IncreaseRisk permit. Realised
/// P&L and funding are paid in cash against the P&L pool (this contract's vault account).
/// @dev Position accounting: opening adds `delta * price` (rounded up) to `openNotional`; closing `c`
/// of `size` realises `-c * price (rounded down) - openNotional * |c| / |size| (rounded up)`; a flip
/// closes the old side and opens the rest. Funding owed = `size * (index_now - index_snapshot)`
/// (rounded up), settled on every change. The risk increase of a change from `old` to `new` is
/// `|new| - |old|` when they share a sign, `|new|` when the sign flips or `old = 0`, else 0.
interface IPositionBook is IPermitConsumer {
    event InstrumentListed(
        uint32 indexed instrumentId,
        InstrumentKind kind,
        bytes32 indexed underlying,
        uint64 expiry,
        uint256 strike,
        bool isCall
    );
    /// @notice The full new position of `account` (an indexer never needs a second read).
    event PositionChanged(
        address indexed account,
        uint32 indexed instrumentId,
        int256 sizeAfter,
        int256 openNotionalAfter,
        int256 fundingIndexAfter,
        int256 sizeDelta,
        uint256 price,
        int256 realisedPnl,
        int256 fundingPaid,
        ChangeReason reason
    );
    event TradeSettled(
        bytes32 indexed tradeId,
        uint32 indexed instrumentId,
        address indexed buyer,
        address seller,
        uint256 size,
        uint256 price
    );
    /// @notice The funding index of `instrumentId` was `index` at `timestamp`; it grows by
    /// `ratePerSecond` every second from then on.
    event FundingUpdated(uint32 indexed instrumentId, int256 index, int256 ratePerSecond, uint64 timestamp);
    event SettlementPriceFixed(uint32 indexed instrumentId, uint256 price, uint64 updatedAt);
    event TradePriceBandSet(uint256 band);

    error UnknownInstrument(uint32 instrumentId);
    error InvalidInstrument();
    error InstrumentExpired(uint32 instrumentId, uint64 expiry);
    error NotExpired(uint32 instrumentId, uint64 expiry);
    error NotAPerp(uint32 instrumentId);
    error NotAnOption(uint32 instrumentId);
    error SelfTrade(address account);
    error ZeroSize();
    error ZeroAddress();
    error TradeAlreadySettled(bytes32 tradeId);
    /// @notice `account` increases its risk by `increase` without an IncreaseRisk permit.
    error PermitRequired(address account, uint32 instrumentId, uint256 increase);
    /// @notice The trade price is outside the oracle band `[lo, hi]`.
    error TradePriceOutOfBand(uint32 instrumentId, uint256 price, uint256 lo, uint256 hi);
    error SettlementPriceNotFixed(uint32 instrumentId);
    error SettlementPriceAlreadyFixed(uint32 instrumentId);
    /// @notice The oracle's answer predates the expiry, so it cannot be the settlement price.
    error OraclePriceBeforeExpiry(uint32 instrumentId, uint64 updatedAt, uint64 expiry);
    /// @notice A liquidation transfer must move the position toward zero without crossing it.
    error NotReducing(address account, uint32 instrumentId, int256 size, int256 delta);
    /// @notice The perp trade price band is 0 or above 50%.
    error InvalidTradePriceBand(uint256 band);

    /// @notice Permit action for risk increases on either side (1).
    function ACTION_INCREASE_RISK() external view returns (uint8);
    /// @notice Permit action for risk increases that leave the position long (2).
    function ACTION_INCREASE_LONG() external view returns (uint8);
    /// @notice Permit action for risk increases that leave the position short (3).
    function ACTION_INCREASE_SHORT() external view returns (uint8);
    function VENUE_ROLE() external view returns (bytes32);
    function FUNDING_ROLE() external view returns (bytes32);
    function LIQUIDATOR_ROLE() external view returns (bytes32);
    /// @notice Accounts that never need permits (the backstop).
    function RISK_EXEMPT_ROLE() external view returns (bytes32);

    /// @notice Lists an instrument. Only admin.
    /// @dev Resists: malformed series (perps carry no expiry or strike; options need a future expiry and
    /// a strike). Ids are never reused, so `(chainId, instrumentId)` stays a stable identity.
    /// @return instrumentId Sequential from 1.
    function listInstrument(Instrument calldata instrument) external returns (uint32 instrumentId);

    /// @notice Settles a matched trade. Only `VENUE_ROLE`.
    /// @dev Resists: double settlement of one trade (`tradeId`), a side growing risk without the relay's
    /// permit (checked per side, limit = largest absolute increase, target = instrument), a permit of
    /// another account, trading an expired option, self-trades, off-market prices (perps within
    /// `tradePriceBand` of spot, option premiums at most spot (calls) or strike (puts)). A compromised
    /// venue can still choose prices inside the band: the venue key is trusted for that much.
    function settleTrade(
        Trade calldata trade,
        SignedPermit calldata buyerPermit,
        SignedPermit calldata sellerPermit
    ) external;

    /// @notice Accrues the funding index to now and sets the new rate. Only `FUNDING_ROLE`.
    /// @dev Resists: retroactive rates (the index is accrued at the old rate up to now first). The rate
    /// itself is trusted to the funding key; funding is zero-sum between longs and shorts via the pool.
    function setFundingRate(uint32 instrumentId, int256 ratePerSecond) external;

    /// @notice Settles accrued funding of `account` into cash. Anyone; equity-neutral, so it does not
    /// move `lastChangeBlock` (it cannot be used to block a liquidation).
    function settleFunding(address account, uint32 instrumentId) external;

    /// @notice Fixes an expired option's settlement price from the oracle. Anyone, once.
    /// @dev Resists: settling at a pre-expiry price (the oracle answer must be updated at or after
    /// expiry and pass the router's guards).
    function fixSettlementPrice(uint32 instrumentId) external returns (uint256 price);

    /// @notice Closes `account`'s expired option at its intrinsic value. Anyone; equity-neutral.
    function settleExpired(address account, uint32 instrumentId) external;

    /// @notice Moves `delta` of `account`'s position to `to` at `price` (the backstop takes it over).
    /// Only `LIQUIDATOR_ROLE`.
    /// @dev Resists: a close that grows or flips the position (`NotReducing`); expired options (settle
    /// them first). The price and size limits are the Liquidator's (attested marks, `maxClose`).
    /// @return realisedPnl The account's realised P&L (wad USD) including funding.
    function liquidationTransfer(
        address account,
        address to,
        uint32 instrumentId,
        int256 delta,
        uint256 price
    ) external returns (int256 realisedPnl);

    /// @notice Sets the perp trade price band around spot (wad). Only admin.
    /// @dev Bounded to (0, 50%] so a venue can never be given free rein over perp prices.
    function setTradePriceBand(uint256 band) external;

    function vault() external view returns (address);
    function oracle() external view returns (address);
    function riskGuard() external view returns (address);
    function tradePriceBand() external view returns (uint256);
    function instrumentCount() external view returns (uint32);
    function instrument(uint32 instrumentId) external view returns (Instrument memory);
    function position(address account, uint32 instrumentId) external view returns (Position memory);
    /// @notice The funding index accrued to now.
    function fundingIndex(uint32 instrumentId) external view returns (int256);
    function fundingState(uint32 instrumentId) external view returns (FundingState memory);
    /// @notice An expired option's settlement price (0 until fixed).
    function settlementPrice(uint32 instrumentId) external view returns (uint256);
    function tradeSettled(bytes32 tradeId) external view returns (bool);
    /// @notice How many instruments the account holds a non-zero position in.
    function openPositionCount(address account) external view returns (uint256);
    /// @notice Last block in which a trade or liquidation changed the account's positions.
    function lastChangeBlock(address account) external view returns (uint64);
}
