// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {AggregatorV3Interface} from "../interfaces/AggregatorV3Interface.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// @title MockAggregator
/// @notice A Chainlink-shaped feed whose owner sets the answer: the devnet's and the tests' oracle.
/// Never deploy it on a real network.
contract MockAggregator is AggregatorV3Interface, Ownable {
    event AnswerUpdated(int256 indexed current, uint256 indexed roundId, uint256 updatedAt);

    uint8 public immutable decimals;
    string public description;
    uint80 public latestRound;
    int256 public latestAnswer;
    uint256 public latestTimestamp;

    constructor(address owner, uint8 decimals_, int256 answer, string memory description_) Ownable(owner) {
        decimals = decimals_;
        description = description_;
        _setRound(answer, block.timestamp);
    }

    function version() external pure returns (uint256) {
        return 4;
    }

    /// @notice Sets the answer, updated now.
    function setAnswer(int256 answer) external onlyOwner {
        _setRound(answer, block.timestamp);
    }

    /// @notice Sets the answer with any `updatedAt` (stale or future rounds in tests).
    function setRound(int256 answer, uint256 updatedAt) external onlyOwner {
        _setRound(answer, updatedAt);
    }

    function getRoundData(uint80 roundId) external view returns (uint80, int256, uint256, uint256, uint80) {
        return (roundId, latestAnswer, latestTimestamp, latestTimestamp, roundId);
    }

    function latestRoundData() external view returns (uint80, int256, uint256, uint256, uint80) {
        return (latestRound, latestAnswer, latestTimestamp, latestTimestamp, latestRound);
    }

    function _setRound(int256 answer, uint256 updatedAt) internal {
        latestRound += 1;
        latestAnswer = answer;
        latestTimestamp = updatedAt;
        emit AnswerUpdated(answer, latestRound, updatedAt);
    }
}
