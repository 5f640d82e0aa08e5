// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {ICollateralVault} from "./interfaces/ICollateralVault.sol";
import {IOracleRouter} from "./interfaces/IOracleRouter.sol";
import {
    ChangeReason,
    FundingState,
    IPositionBook,
    Instrument,
    InstrumentKind,
    Position,
    SignedPermit,
    Trade
} from "./interfaces/IPositionBook.sol";
import {IRiskGuard, MarginPermit} from "./interfaces/IRiskGuard.sol";
import {WadMath} from "./libraries/WadMath.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title PositionBook
/// @notice See {IPositionBook}.
contract PositionBook is IPositionBook, AccessControl {
    using WadMath for uint256;
    using WadMath for int256;

    uint8 public constant ACTION_INCREASE_RISK = 1;
    uint8 public constant ACTION_INCREASE_LONG = 2;
    uint8 public constant ACTION_INCREASE_SHORT = 3;
    bytes32 public constant VENUE_ROLE = keccak256("VENUE_ROLE");
    bytes32 public constant FUNDING_ROLE = keccak256("FUNDING_ROLE");
    bytes32 public constant LIQUIDATOR_ROLE = keccak256("LIQUIDATOR_ROLE");
    bytes32 public constant RISK_EXEMPT_ROLE = keccak256("RISK_EXEMPT_ROLE");
    uint256 public constant MAX_TRADE_PRICE_BAND = 0.5e18;

    address public immutable vault;
    address public immutable oracle;
    address public immutable riskGuard;

    uint32 public instrumentCount;
    uint256 public tradePriceBand;

    mapping(uint32 instrumentId => Instrument) private _instruments;
    mapping(uint32 instrumentId => FundingState) private _funding;
    mapping(uint32 instrumentId => uint256) public settlementPrice;
    mapping(address account => mapping(uint32 instrumentId => Position)) private _positions;
    mapping(address account => uint256) public openPositionCount;
    mapping(address account => uint64) public lastChangeBlock;
    mapping(bytes32 tradeId => bool) public tradeSettled;

    constructor(address admin, address vault_, address oracle_, address riskGuard_, uint256 tradePriceBand_) {
        if (admin == address(0) || vault_ == address(0) || oracle_ == address(0) || riskGuard_ == address(0))
        {
            revert ZeroAddress();
        }
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        vault = vault_;
        oracle = oracle_;
        riskGuard = riskGuard_;
        _setTradePriceBand(tradePriceBand_);
    }

    // ------------------------------------------------------------------ admin

    /// @inheritdoc IPositionBook
    function listInstrument(Instrument calldata spec)
        external
        onlyRole(DEFAULT_ADMIN_ROLE)
        returns (uint32 instrumentId)
    {
        if (spec.underlying == bytes32(0)) revert InvalidInstrument();
        if (spec.kind == InstrumentKind.Perp) {
            if (spec.expiry != 0 || spec.strike != 0 || spec.isCall) revert InvalidInstrument();
        } else if (spec.expiry <= block.timestamp || spec.strike == 0) {
            revert InvalidInstrument();
        }
        instrumentId = ++instrumentCount;
        _instruments[instrumentId] = spec;
        emit InstrumentListed(instrumentId, spec.kind, spec.underlying, spec.expiry, spec.strike, spec.isCall);
        if (spec.kind == InstrumentKind.Perp) {
            _funding[instrumentId].updatedAt = uint64(block.timestamp);
            emit FundingUpdated(instrumentId, 0, 0, uint64(block.timestamp));
        }
    }

    /// @inheritdoc IPositionBook
    function setTradePriceBand(uint256 band) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setTradePriceBand(band);
    }

    /// @inheritdoc IPositionBook
    function setFundingRate(uint32 instrumentId, int256 ratePerSecond) external onlyRole(FUNDING_ROLE) {
        if (_instrument(instrumentId).kind != InstrumentKind.Perp) revert NotAPerp(instrumentId);
        int256 index = _accrueFunding(instrumentId);
        _funding[instrumentId].ratePerSecond = ratePerSecond;
        emit FundingUpdated(instrumentId, index, ratePerSecond, uint64(block.timestamp));
    }

    // ------------------------------------------------------------------ venue

    /// @inheritdoc IPositionBook
    function settleTrade(
        Trade calldata trade,
        SignedPermit calldata buyerPermit,
        SignedPermit calldata sellerPermit
    ) external onlyRole(VENUE_ROLE) {
        if (tradeSettled[trade.tradeId]) {
            revert TradeAlreadySettled(trade.tradeId);
        }
        tradeSettled[trade.tradeId] = true;
        if (trade.buyer == address(0) || trade.seller == address(0)) revert ZeroAddress();
        if (trade.buyer == trade.seller) revert SelfTrade(trade.buyer);
        if (trade.size == 0) revert ZeroSize();
        uint32 instrumentId = trade.instrumentId;
        Instrument memory spec = _instrument(instrumentId);
        _requireLive(instrumentId, spec);
        _checkTradePrice(instrumentId, spec, trade.price);

        int256 delta = WadMath.toInt(trade.size);
        _checkRisk(trade.buyer, instrumentId, delta, buyerPermit);
        _checkRisk(trade.seller, instrumentId, -delta, sellerPermit);
        _change(trade.buyer, instrumentId, spec, delta, trade.price, ChangeReason.Trade);
        _change(trade.seller, instrumentId, spec, -delta, trade.price, ChangeReason.Trade);
        lastChangeBlock[trade.buyer] = uint64(block.number);
        lastChangeBlock[trade.seller] = uint64(block.number);
        emit TradeSettled(trade.tradeId, instrumentId, trade.buyer, trade.seller, trade.size, trade.price);
    }

    // ------------------------------------------------------------------ anyone (equity-neutral)

    /// @inheritdoc IPositionBook
    function settleFunding(address account, uint32 instrumentId) external {
        Instrument memory spec = _instrument(instrumentId);
        if (spec.kind != InstrumentKind.Perp) revert NotAPerp(instrumentId);
        _change(account, instrumentId, spec, 0, 0, ChangeReason.Funding);
    }

    /// @inheritdoc IPositionBook
    function fixSettlementPrice(uint32 instrumentId) external returns (uint256 priceUsd) {
        Instrument memory spec = _instrument(instrumentId);
        if (spec.kind != InstrumentKind.Option) revert NotAnOption(instrumentId);
        if (block.timestamp < spec.expiry) revert NotExpired(instrumentId, spec.expiry);
        if (settlementPrice[instrumentId] != 0) revert SettlementPriceAlreadyFixed(instrumentId);
        uint64 updatedAt;
        (priceUsd, updatedAt) = IOracleRouter(oracle).priceWithTime(spec.underlying);
        if (updatedAt < spec.expiry) revert OraclePriceBeforeExpiry(instrumentId, updatedAt, spec.expiry);
        settlementPrice[instrumentId] = priceUsd;
        emit SettlementPriceFixed(instrumentId, priceUsd, updatedAt);
    }

    /// @inheritdoc IPositionBook
    function settleExpired(address account, uint32 instrumentId) external {
        Instrument memory spec = _instrument(instrumentId);
        if (spec.kind != InstrumentKind.Option) revert NotAnOption(instrumentId);
        uint256 spot = settlementPrice[instrumentId];
        if (spot == 0) revert SettlementPriceNotFixed(instrumentId);
        int256 size = _positions[account][instrumentId].size;
        if (size == 0) return;
        _change(account, instrumentId, spec, -size, _intrinsic(spec, spot), ChangeReason.Expiry);
    }

    // ------------------------------------------------------------------ liquidator

    /// @inheritdoc IPositionBook
    function liquidationTransfer(
        address account,
        address to,
        uint32 instrumentId,
        int256 delta,
        uint256 price
    ) external onlyRole(LIQUIDATOR_ROLE) returns (int256 realisedPnl) {
        Instrument memory spec = _instrument(instrumentId);
        _requireLive(instrumentId, spec);
        int256 size = _positions[account][instrumentId].size;
        // toward zero, never across it
        if (delta == 0 || (delta > 0) == (size > 0) || WadMath.abs(delta) > WadMath.abs(size)) {
            revert NotReducing(account, instrumentId, size, delta);
        }
        realisedPnl = _change(account, instrumentId, spec, delta, price, ChangeReason.Liquidation);
        _change(to, instrumentId, spec, -delta, price, ChangeReason.Liquidation);
        lastChangeBlock[account] = uint64(block.number);
        lastChangeBlock[to] = uint64(block.number);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IPositionBook
    function instrument(uint32 instrumentId) external view returns (Instrument memory) {
        return _instrument(instrumentId);
    }

    /// @inheritdoc IPositionBook
    function position(address account, uint32 instrumentId) external view returns (Position memory) {
        return _positions[account][instrumentId];
    }

    /// @inheritdoc IPositionBook
    function fundingIndex(uint32 instrumentId) external view returns (int256) {
        FundingState memory state = _funding[instrumentId];
        return state.index + state.ratePerSecond * int256(block.timestamp - state.updatedAt);
    }

    /// @inheritdoc IPositionBook
    function fundingState(uint32 instrumentId) external view returns (FundingState memory) {
        return _funding[instrumentId];
    }

    // ------------------------------------------------------------------ internal

    /// @dev Applies `delta` at `price` to `account`'s position, settling funding and realised P&L in cash
    /// against the P&L pool (this contract's vault account).
    ///   open/increase:  openNotional += ceil(delta * price)
    ///   reduce by c:    basis = ceil(openNotional * |c| / |size|); realised = floor(-c * price) - basis
    ///   flip:           the rest opens at `price`
    ///   funding paid:   ceil(size * (index - snapshot))   (positive: the account pays)
    /// Every rounding is against the account; the pool takes the exact opposite in token units.
    /// @return cashPnl `realised - fundingPaid` (wad USD).
    function _change(
        address account,
        uint32 instrumentId,
        Instrument memory spec,
        int256 delta,
        uint256 price,
        ChangeReason reason
    ) internal returns (int256 cashPnl) {
        Position storage pos = _positions[account][instrumentId];
        int256 size = pos.size;
        int256 fundingPaid;
        if (spec.kind == InstrumentKind.Perp) {
            int256 index = _accrueFunding(instrumentId);
            if (size != 0) fundingPaid = size.mulWadCeil(index - pos.fundingIndex);
            pos.fundingIndex = index;
        }
        int256 realised;
        if (delta != 0) {
            int256 openNotional;
            (openNotional, realised) = _trade(size, pos.openNotional, delta, WadMath.toInt(price));
            pos.openNotional = openNotional;
            pos.size = size + delta;
            if (size == 0) ++openPositionCount[account];
            else if (size + delta == 0) --openPositionCount[account];
        }
        cashPnl = realised - fundingPaid;
        if (cashPnl != 0) ICollateralVault(vault).settleCash(account, cashPnl, address(this));
        _emitPositionChanged(account, instrumentId, pos, delta, price, realised, fundingPaid, reason);
    }

    /// @dev Its own frame (ten event fields); reads the position just written.
    function _emitPositionChanged(
        address account,
        uint32 instrumentId,
        Position storage pos,
        int256 delta,
        uint256 price,
        int256 realised,
        int256 fundingPaid,
        ChangeReason reason
    ) internal {
        emit PositionChanged(
            account,
            instrumentId,
            pos.size,
            pos.openNotional,
            pos.fundingIndex,
            delta,
            price,
            realised,
            fundingPaid,
            reason
        );
    }

    /// @dev The cost-basis arithmetic of `_change` for a non-zero `delta`.
    function _trade(int256 size, int256 openNotional, int256 delta, int256 price)
        internal
        pure
        returns (int256 openNotionalAfter, int256 realised)
    {
        if (size == 0 || (size > 0) == (delta > 0)) return (openNotional + delta.mulWadCeil(price), 0);
        uint256 sizeAbs = WadMath.abs(size);
        uint256 closed = Math.min(WadMath.abs(delta), sizeAbs);
        int256 closedDelta = delta > 0 ? int256(closed) : -int256(closed);
        int256 basis = WadMath.mulDivCeil(openNotional, int256(closed), sizeAbs);
        realised = (-closedDelta).mulWadFloor(price) - basis;
        int256 rest = delta - closedDelta;
        // a flip: the old side is closed (its basis is gone), the rest opens at `price`
        openNotionalAfter = rest == 0 ? openNotional - basis : rest.mulWadCeil(price);
    }

    /// @dev The risk a change from `old` to `new` adds: the part of `new` that is not what is left of `old`.
    function _riskIncrease(int256 oldSize, int256 newSize) internal pure returns (uint256) {
        if (newSize == 0) return 0;
        if (oldSize == 0 || (oldSize > 0) != (newSize > 0)) return WadMath.abs(newSize);
        uint256 oldAbs = WadMath.abs(oldSize);
        uint256 newAbs = WadMath.abs(newSize);
        return newAbs > oldAbs ? newAbs - oldAbs : 0;
    }

    function _checkRisk(address account, uint32 instrumentId, int256 delta, SignedPermit calldata signed)
        internal
    {
        int256 oldSize = _positions[account][instrumentId].size;
        uint256 increase = _riskIncrease(oldSize, oldSize + delta);
        if (increase == 0 || hasRole(RISK_EXEMPT_ROLE, account)) return;
        if (signed.signatures.length == 0) revert PermitRequired(account, instrumentId, increase);
        MarginPermit calldata permit = signed.permit;
        if (permit.account != account) revert NotPermitHolder(account, permit.account);
        // IncreaseRisk allows either side; IncreaseLong only a position that ends long, IncreaseShort only
        // one that ends short (the relay priced the permit for that side only, e.g. one leg of a hedge).
        uint8 side = oldSize + delta > 0 ? ACTION_INCREASE_LONG : ACTION_INCREASE_SHORT;
        if (permit.action != ACTION_INCREASE_RISK && permit.action != side) {
            revert WrongPermitAction(permit.action, side);
        }
        bytes32 target = bytes32(uint256(instrumentId));
        if (permit.target != target) revert PermitTargetMismatch(permit.target, target);
        if (increase > permit.limit) revert PermitLimitExceeded(increase, permit.limit);
        IRiskGuard(riskGuard).usePermit(permit, signed.signatures);
    }

    /// @dev Perps within `tradePriceBand` of spot; option premiums in `[0, spot]` (calls) or `[0, strike]` (puts).
    function _checkTradePrice(uint32 instrumentId, Instrument memory spec, uint256 price) internal view {
        uint256 lo;
        uint256 hi;
        if (spec.kind == InstrumentKind.Perp) {
            uint256 spot = IOracleRouter(oracle).price(spec.underlying);
            uint256 band = spot.mulWadDown(tradePriceBand);
            (lo, hi) = (spot - band, spot + band);
        } else {
            hi = spec.isCall ? IOracleRouter(oracle).price(spec.underlying) : spec.strike;
        }
        if (price < lo || price > hi) revert TradePriceOutOfBand(instrumentId, price, lo, hi);
    }

    function _accrueFunding(uint32 instrumentId) internal returns (int256 index) {
        FundingState storage state = _funding[instrumentId];
        index = state.index;
        if (state.updatedAt == block.timestamp) return index;
        index += state.ratePerSecond * int256(block.timestamp - state.updatedAt);
        state.index = index;
        state.updatedAt = uint64(block.timestamp);
    }

    function _requireLive(uint32 instrumentId, Instrument memory spec) internal view {
        if (spec.kind == InstrumentKind.Option && block.timestamp >= spec.expiry) {
            revert InstrumentExpired(instrumentId, spec.expiry);
        }
    }

    function _instrument(uint32 instrumentId) internal view returns (Instrument memory spec) {
        if (instrumentId == 0 || instrumentId > instrumentCount) revert UnknownInstrument(instrumentId);
        return _instruments[instrumentId];
    }

    function _intrinsic(Instrument memory spec, uint256 spot) internal pure returns (uint256) {
        if (spec.isCall) return spot > spec.strike ? spot - spec.strike : 0;
        return spec.strike > spot ? spec.strike - spot : 0;
    }

    function _setTradePriceBand(uint256 band) internal {
        if (band == 0 || band > MAX_TRADE_PRICE_BAND) revert InvalidTradePriceBand(band);
        tradePriceBand = band;
        emit TradePriceBandSet(band);
    }
}
