// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

/// @title AggregatorV3Interface
/// @notice The read surface of a Chainlink price feed (the ABI every Chainlink aggregator proxy serves).
interface AggregatorV3Interface {
    /// @notice Decimals of `answer`.
    function decimals() external view returns (uint8);

    function description() external view returns (string memory);

    function version() external view returns (uint256);

    function getRoundData(uint80 roundId)
        external
        view
        returns (uint80 roundId_, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound);

    /// @notice The latest round: `answer` with `decimals()` decimals, `updatedAt` in seconds.
    function latestRoundData()
        external
        view
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound);
}
