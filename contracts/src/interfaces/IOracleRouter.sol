// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

/// @notice A spot feed as configured.
/// @param aggregator The Chainlink `AggregatorV3Interface`.
/// @param heartbeatS Largest accepted age of an answer (seconds).
/// @param decimals The aggregator's decimals (read when listed).
/// @param maxDeviation Largest accepted relative move from `lastAccepted` (wad; 0 = unchecked).
/// @param lastAccepted The reference answer (wad) moves are measured against.
struct FeedConfig {
    address aggregator;
    uint64 heartbeatS;
    uint8 decimals;
    uint256 maxDeviation;
    uint256 lastAccepted;
}

/// @title IOracleRouter
/// @notice Chainlink spot feeds per key (an underlying such as "ETH" or a collateral's price key), vol
/// feeds per (underlying, expiry) and an annualised rate per underlying, all normalised to 18 decimals.
/// @dev Guards on every read: an answer must be positive, not from the future, at most `heartbeatS` old,
/// and within `maxDeviation` of the last accepted answer. The reference ratchets forward when anyone
/// calls `acceptPrice` with an answer inside the band; a larger jump stays rejected until an admin
/// calls `forceAcceptPrice` (a misreporting feed cannot move marks and liquidations by itself).
/// Off-chain pricing uses forward `F = spot * e^(rate * T)` and discount `D = e^(-rate * T)`.
interface IOracleRouter {
    event FeedSet(
        bytes32 indexed key, address aggregator, uint64 heartbeatS, uint8 decimals, uint256 maxDeviation
    );
    event PriceAccepted(bytes32 indexed key, uint256 price, uint64 updatedAt, bool forced);
    event VolFeedSet(
        bytes32 indexed underlying, uint64 indexed expiry, address aggregator, uint64 heartbeatS
    );
    event RateSet(bytes32 indexed underlying, int256 rate);

    /// @notice No feed is listed for `key`.
    error FeedNotSet(bytes32 key);
    /// @notice No vol feed is listed for `(underlying, expiry)`.
    error VolFeedNotSet(bytes32 underlying, uint64 expiry);
    /// @notice The aggregator answered zero or less.
    error InvalidAnswer(bytes32 key, int256 answer);
    /// @notice The answer is older than the heartbeat.
    error StalePrice(bytes32 key, uint64 updatedAt, uint64 heartbeatS);
    /// @notice The answer claims a time after `block.timestamp`.
    error FutureTimestamp(bytes32 key, uint64 updatedAt);
    /// @notice The answer moved more than `maxDeviation` from the last accepted one.
    error PriceDeviation(bytes32 key, uint256 price, uint256 lastAccepted, uint256 maxDeviation);
    /// @notice Zero aggregator, zero heartbeat, more than 36 decimals or a deviation above 100%.
    error InvalidFeed(address aggregator);

    /// @notice Lists or replaces the spot feed of `key`; its current answer becomes the reference.
    /// @dev Only admin. Resists: listing a dead or broken feed (the first read must pass the guards).
    function setFeed(bytes32 key, address aggregator, uint64 heartbeatS, uint256 maxDeviation) external;

    /// @notice Lists or replaces the vol feed of `(underlying, expiry)`. Only admin.
    /// @dev Vol is read for off-chain pricing only; it has the freshness guards but no deviation band.
    function setVolFeed(bytes32 underlying, uint64 expiry, address aggregator, uint64 heartbeatS) external;

    /// @notice Sets the annualised rate (wad, signed) of `underlying`. Only admin.
    /// @dev Read off chain (forward and discount); nothing on chain settles against it.
    function setRate(bytes32 underlying, int256 rate) external;

    /// @notice Makes the current answer the reference when it is within the band. Anyone.
    /// @dev Resists: a keeper walking the reference past a jump (each step must be inside the band of
    /// the previous reference, and every step is a real, fresh aggregator answer).
    function acceptPrice(bytes32 key) external returns (uint256 price);

    /// @notice Makes the current answer the reference even beyond the band. Only admin.
    /// @dev The answer must still be positive and fresh: an admin cannot force a dead feed.
    function forceAcceptPrice(bytes32 key) external returns (uint256 price);

    /// @notice The guarded spot price of `key` (wad USD).
    function price(bytes32 key) external view returns (uint256 price);

    /// @notice The guarded spot price of `key` (wad USD) and when the aggregator updated it.
    function priceWithTime(bytes32 key) external view returns (uint256 price, uint64 updatedAt);

    /// @notice The guarded implied vol of `(underlying, expiry)` (wad, 0.64e18 = 64%).
    function vol(bytes32 underlying, uint64 expiry) external view returns (uint256);

    /// @notice The annualised rate of `underlying` (wad, signed; 0 when unset).
    function rate(bytes32 underlying) external view returns (int256);

    function feed(bytes32 key) external view returns (FeedConfig memory);
}
