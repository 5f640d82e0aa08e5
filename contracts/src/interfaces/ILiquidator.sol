// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {AccountHealth} from "./IRiskGuard.sol";

/// @notice Close `size` (signed delta applied to the account, toward zero) of one instrument.
struct Close {
    uint32 instrumentId;
    int256 size;
}

/// @notice Ask the chain at `dstEid` to seize up to `maxUsd` (wad) of the account's collateral.
struct SeizeRoute {
    uint32 dstEid;
    uint256 maxUsd;
}

/// @notice What a keeper asks for: closes (strictly ascending instrument ids) and remote seizures
/// (strictly ascending eids).
struct LiquidationOrder {
    Close[] closes;
    SeizeRoute[] routes;
}

/// @notice Auction, reward and mark-bound parameters (wad unless stated).
/// @param startDiscount Discount at the moment the account was flagged (0.01e18).
/// @param maxDiscount Discount from `auctionDurationS` on (0.05e18).
/// @param auctionDurationS Seconds from start to max discount (600).
/// @param rewardShare Keeper share of the penalty (0.5e18).
/// @param minRewardUsd Keeper reward floor before gas (1e18).
/// @param maxRewardUsd Keeper reward cap (2500e18).
/// @param gasOverhead Gas units the cost floor pays for (400 000).
/// @param perpMarkBand Largest relative distance of a perp mark from spot (0.05e18).
/// @param optionTolerance An option mark may sit this far below intrinsic value (0.1e18).
/// @param bufferRatio Buffer above MM the relay's plan restores (0.1e18); enforced through `maxClose`.
/// @param nativeKey OracleRouter key of the native gas token's USD price ("ETH").
struct LiquidationParams {
    uint256 startDiscount;
    uint256 maxDiscount;
    uint64 auctionDurationS;
    uint256 rewardShare;
    uint256 minRewardUsd;
    uint256 maxRewardUsd;
    uint256 gasOverhead;
    uint256 perpMarkBand;
    uint256 optionTolerance;
    uint256 bufferRatio;
    bytes32 nativeKey;
}

/// @notice A liquidation that waits for seize replies, or is done.
struct LiquidationRecord {
    address account;
    address keeper;
    uint64 createdAt;
    uint32 pendingReplies;
    bool finalised;
    int256 attestedEquity;
    uint256 requestedUsd;
    uint256 remoteSeizedUsd;
}

enum RouteState {
    None,
    Pending,
    Completed
}

/// @title ILiquidator
/// @notice Liquidates on the chain that holds the risk: closes positions against the backstop at
/// attested marks, charges a Dutch-auction penalty, pays the keeper, seizes local collateral and asks
/// other chains (through the Messenger) to seize the rest; records bad debt.
/// @dev Formulas (the TypeScript margin engine implements the same):
/// `d(t) = t >= auctionDurationS ? maxDiscount : startDiscount + (maxDiscount - startDiscount) * t / auctionDurationS`,
/// `penalty = d * Σ |closeSize_i| * spot_i` (up), `costFloor = minRewardUsd + tx.gasprice * gasOverhead * nativeUsd / 1e18`,
/// `reward = min(maxRewardUsd, max(costFloor, rewardShare * penalty))` (down), `backstopTake = penalty - reward`.
interface ILiquidator {
    event Liquidated(
        address indexed account,
        bytes32 indexed liquidationId,
        address indexed keeper,
        uint64 sequence,
        uint256 discount,
        uint256 closedNotionalUsd,
        uint256 penaltyUsd,
        uint256 rewardUsd,
        int256 backstopTakeUsd,
        uint256 localSeizedUsd,
        uint256 requestedUsd
    );
    /// @notice One close of a liquidation, at the attested mark, with the oracle spot used for the penalty.
    event LiquidationClose(
        bytes32 indexed liquidationId,
        address indexed account,
        uint32 indexed instrumentId,
        int256 size,
        uint256 mark,
        uint256 spot,
        int256 realisedPnl
    );
    event SeizeRequested(
        bytes32 indexed liquidationId,
        address indexed account,
        uint32 indexed dstEid,
        uint256 maxUsd,
        uint256 fee
    );
    event SeizeCompleted(
        bytes32 indexed liquidationId,
        address indexed account,
        uint32 indexed srcEid,
        uint256 seizedUsd,
        uint256 creditedUnits
    );
    /// @notice A reply for an unknown liquidation, an unasked chain or a second time: nothing happened.
    event SeizeReplyIgnored(bytes32 indexed liquidationId, uint32 indexed srcEid, uint256 seizedUsd);
    event BadDebtRecorded(address indexed account, bytes32 indexed liquidationId, uint256 units, uint256 usd);
    event LiquidationFinalised(
        bytes32 indexed liquidationId, address indexed account, int256 cashAfter, uint256 badDebtUnits
    );
    event ParamsSet(LiquidationParams params);

    error AccountMismatch(address account, address attested);
    /// @notice The attestation already served a liquidation of the account (or an older one did).
    error AttestationAlreadyUsed(uint64 sequence, uint64 lastUsed);
    /// @notice The attestation says the account is not liquidatable.
    error AccountHealthy(int256 equity, uint256 maintenanceMargin);
    /// @notice The attestation was read before the account's last local change.
    error StaleAnchor(uint64 anchorBlock, uint64 lastChangeBlock);
    /// @notice The attestation's anchor block is not yet a past block of this chain.
    error AnchorNotFinal(uint64 anchorBlock, uint256 blockNumber);
    error ClosesUnsorted(uint256 index);
    error RoutesUnsorted(uint256 index);
    error MarkMissing(uint32 instrumentId);
    /// @notice The close exceeds the plan's `maxClose` for the instrument.
    error CloseExceedsPlan(uint32 instrumentId, uint256 size, uint256 maxClose);
    /// @notice The close does not move the position toward zero (or crosses it).
    error CloseNotReducing(uint32 instrumentId, int256 size, int256 position);
    /// @notice The attested mark is outside the oracle bounds `[lo, hi]`.
    error MarkOutOfBounds(uint32 instrumentId, uint256 mark, uint256 lo, uint256 hi);
    /// @notice No close, and no negative cash to cover (or nothing to seize, ask or write off for it).
    error NothingToLiquidate();
    error SeizeExceedsShortfall(uint256 requestedUsd, uint256 shortfallUsd);
    error InsufficientFee(uint256 required, uint256 provided);
    error RefundFailed(address to, uint256 amount);
    error OnlyMessenger(address caller);
    error InvalidParams();

    /// @notice Liquidates `account` with a fresh unhealthy attestation. `msg.value` pays the LayerZero
    /// fees of `order.routes` (see `quoteRoutes`); the excess is refunded.
    /// @dev Resists: liquidating a healthy account (attested `equity < MM` required; a newer healthy
    /// attestation makes older ones unusable by sequence); liquidating on a state the relay did not see
    /// (`lastChangeBlock <= anchorBlock < block.number`); replaying an attestation (one liquidation per
    /// attestation sequence); front-running by posting the keeper's attestation first (the latest posted
    /// attestation is accepted as is);
    /// over-liquidation (per-instrument `|size| <= maxClose`, one close per instrument, toward zero only);
    /// manipulated marks (oracle bounds); over-asking remote chains (routes capped at the shortfall);
    /// reentrancy (non-reentrant; the refund is the last call). A keeper that omits chains from
    /// `routes` cannot create bad debt out of a solvent account: bad debt needs attested equity < 0.
    /// @return liquidationId Unique across chains; carried in every seize message.
    function liquidate(
        address account,
        AccountHealth calldata health,
        bytes calldata signatures,
        LiquidationOrder calldata order
    ) external payable returns (bytes32 liquidationId);

    /// @notice Starts the Dutch auction of an account with a fresh unhealthy attestation.
    /// @dev Same checks as `liquidate` (unhealthy, fresh anchor, signatures, sequence).
    function flag(address account, AccountHealth calldata health, bytes calldata signatures) external;

    /// @notice A seize reply from the chain at `srcEid`. Only the Messenger. Unknown or duplicate replies
    /// do nothing but emit `SeizeReplyIgnored` (the endpoint must not be blocked).
    /// @dev Resists: double credit (each `(liquidationId, srcEid)` pair is credited once, only if it was
    /// asked), results from anyone but the Messenger (which only accepts its configured peers).
    function onSeizeResult(bytes32 liquidationId, uint32 srcEid, uint256 seizedUsd) external;

    /// @notice Sets the parameters. Only admin.
    /// @dev Resists: nonsensical auctions (start <= max < 100%, duration > 0, share <= 100%, min <= max
    /// reward, bands below 100%), which would let keepers take more than the account owes.
    function setParams(LiquidationParams calldata params) external;

    /// @notice The LayerZero fee of sending `routes` for `account`.
    function quoteRoutes(address account, SeizeRoute[] calldata routes)
        external
        view
        returns (uint256 nativeFee);

    /// @notice The auction discount `elapsed` seconds after the flag (wad).
    function discountAt(uint64 elapsed) external view returns (uint256);

    /// @notice The keeper reward for `penaltyUsd` at `gasPrice` (wad USD, rounded down).
    function keeperReward(uint256 penaltyUsd, uint256 gasPrice) external view returns (uint256);

    /// @notice The oracle bounds `[lo, hi]` of an instrument's mark (wad).
    function markBounds(uint32 instrumentId) external view returns (uint256 lo, uint256 hi, uint256 spot);

    /// @notice `max(vault.lastChangeBlock, book.lastChangeBlock)`: attestations must be anchored at or after it.
    function lastChangeBlock(address account) external view returns (uint64);
    /// @notice The sequence of the attestation that served the account's last liquidation.
    function lastLiquidationSequence(address account) external view returns (uint64);

    function params() external view returns (LiquidationParams memory);
    function liquidation(bytes32 liquidationId) external view returns (LiquidationRecord memory);
    function routeState(bytes32 liquidationId, uint32 eid) external view returns (RouteState);
    function liquidationCount() external view returns (uint256);
    function riskGuard() external view returns (address);
    function vault() external view returns (address);
    function book() external view returns (address);
    function oracle() external view returns (address);
    function messenger() external view returns (address);
}
