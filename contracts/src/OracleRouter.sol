// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {AggregatorV3Interface} from "./interfaces/AggregatorV3Interface.sol";
import {FeedConfig, IOracleRouter} from "./interfaces/IOracleRouter.sol";
import {WadMath} from "./libraries/WadMath.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";

/// @title OracleRouter
/// @notice See {IOracleRouter}.
contract OracleRouter is IOracleRouter, AccessControl {
    uint8 internal constant MAX_DECIMALS = 36;

    struct VolFeed {
        address aggregator;
        uint64 heartbeatS;
        uint8 decimals;
    }

    mapping(bytes32 key => FeedConfig) private _feeds;
    mapping(bytes32 underlying => mapping(uint64 expiry => VolFeed)) private _volFeeds;
    mapping(bytes32 underlying => int256) public rate;

    constructor(address admin) {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    // ------------------------------------------------------------------ admin

    /// @inheritdoc IOracleRouter
    function setFeed(bytes32 key, address aggregator, uint64 heartbeatS, uint256 maxDeviation)
        external
        onlyRole(DEFAULT_ADMIN_ROLE)
    {
        if (aggregator == address(0) || heartbeatS == 0 || maxDeviation > WadMath.WAD) {
            revert InvalidFeed(aggregator);
        }
        uint8 decimals = AggregatorV3Interface(aggregator).decimals();
        if (decimals > MAX_DECIMALS) revert InvalidFeed(aggregator);
        FeedConfig storage config = _feeds[key];
        config.aggregator = aggregator;
        config.heartbeatS = heartbeatS;
        config.decimals = decimals;
        config.maxDeviation = maxDeviation;
        // The first answer must pass the freshness guards; it becomes the reference.
        (uint256 answer, uint64 updatedAt) = _readFresh(key, aggregator, heartbeatS, decimals);
        config.lastAccepted = answer;
        emit FeedSet(key, aggregator, heartbeatS, decimals, maxDeviation);
        emit PriceAccepted(key, answer, updatedAt, true);
    }

    /// @inheritdoc IOracleRouter
    function setVolFeed(bytes32 underlying, uint64 expiry, address aggregator, uint64 heartbeatS)
        external
        onlyRole(DEFAULT_ADMIN_ROLE)
    {
        if (aggregator == address(0) || heartbeatS == 0) revert InvalidFeed(aggregator);
        uint8 decimals = AggregatorV3Interface(aggregator).decimals();
        if (decimals > MAX_DECIMALS) revert InvalidFeed(aggregator);
        _volFeeds[underlying][expiry] = VolFeed(aggregator, heartbeatS, decimals);
        emit VolFeedSet(underlying, expiry, aggregator, heartbeatS);
    }

    /// @inheritdoc IOracleRouter
    function setRate(bytes32 underlying, int256 newRate) external onlyRole(DEFAULT_ADMIN_ROLE) {
        rate[underlying] = newRate;
        emit RateSet(underlying, newRate);
    }

    /// @inheritdoc IOracleRouter
    function acceptPrice(bytes32 key) external returns (uint256 answer) {
        uint64 updatedAt;
        (answer, updatedAt) = _guardedPrice(key);
        _feeds[key].lastAccepted = answer;
        emit PriceAccepted(key, answer, updatedAt, false);
    }

    /// @inheritdoc IOracleRouter
    function forceAcceptPrice(bytes32 key) external onlyRole(DEFAULT_ADMIN_ROLE) returns (uint256 answer) {
        FeedConfig storage config = _feeds[key];
        if (config.aggregator == address(0)) revert FeedNotSet(key);
        uint64 updatedAt;
        (answer, updatedAt) = _readFresh(key, config.aggregator, config.heartbeatS, config.decimals);
        config.lastAccepted = answer;
        emit PriceAccepted(key, answer, updatedAt, true);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IOracleRouter
    function price(bytes32 key) external view returns (uint256 answer) {
        (answer,) = _guardedPrice(key);
    }

    /// @inheritdoc IOracleRouter
    function priceWithTime(bytes32 key) external view returns (uint256 answer, uint64 updatedAt) {
        return _guardedPrice(key);
    }

    /// @inheritdoc IOracleRouter
    function vol(bytes32 underlying, uint64 expiry) external view returns (uint256 answer) {
        VolFeed memory volFeed = _volFeeds[underlying][expiry];
        if (volFeed.aggregator == address(0)) revert VolFeedNotSet(underlying, expiry);
        (answer,) = _readFresh(underlying, volFeed.aggregator, volFeed.heartbeatS, volFeed.decimals);
    }

    /// @inheritdoc IOracleRouter
    function feed(bytes32 key) external view returns (FeedConfig memory) {
        return _feeds[key];
    }

    // ------------------------------------------------------------------ internal

    /// @dev Fresh answer, and `|answer - lastAccepted| <= maxDeviation * lastAccepted` when a band is set.
    function _guardedPrice(bytes32 key) internal view returns (uint256 answer, uint64 updatedAt) {
        FeedConfig memory config = _feeds[key];
        if (config.aggregator == address(0)) revert FeedNotSet(key);
        (answer, updatedAt) = _readFresh(key, config.aggregator, config.heartbeatS, config.decimals);
        if (config.maxDeviation != 0 && config.lastAccepted != 0) {
            uint256 lastAccepted = config.lastAccepted;
            uint256 distance = answer > lastAccepted ? answer - lastAccepted : lastAccepted - answer;
            if (distance > WadMath.mulWadDown(lastAccepted, config.maxDeviation)) {
                revert PriceDeviation(key, answer, lastAccepted, config.maxDeviation);
            }
        }
    }

    /// @dev `answer > 0`, `updatedAt <= now`, `now - updatedAt <= heartbeat`; normalised to 18 decimals.
    function _readFresh(bytes32 key, address aggregator, uint64 heartbeatS, uint8 decimals)
        internal
        view
        returns (uint256 answer, uint64 updatedAt)
    {
        (, int256 raw,, uint256 updated,) = AggregatorV3Interface(aggregator).latestRoundData();
        if (raw <= 0) revert InvalidAnswer(key, raw);
        if (updated > block.timestamp) revert FutureTimestamp(key, uint64(updated));
        if (block.timestamp - updated > heartbeatS) revert StalePrice(key, uint64(updated), heartbeatS);
        updatedAt = uint64(updated);
        answer = decimals <= 18 ? uint256(raw) * 10 ** (18 - decimals) : uint256(raw) / 10 ** (decimals - 18);
        if (answer == 0) revert InvalidAnswer(key, raw);
    }
}
