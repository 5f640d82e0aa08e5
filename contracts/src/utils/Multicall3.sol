// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

/// @title Multicall3
/// @notice Batches calls into one `eth_call`, with the ABI of the canonical Multicall3 so that viem and
/// wagmi (`multicall`, `readContracts`) use it unchanged. anvil ships no Multicall3; the devnet places this
/// contract's runtime code at the canonical address 0xcA11bde05977b3631167028862bE2a173976CA11.
/// @dev Stateless. `aggregate3Value` checks that the ether attached equals the sum of the values forwarded,
/// so no ether can be left behind or spent from the contract's balance.
contract Multicall3 {
    struct Call {
        address target;
        bytes callData;
    }

    struct Call3 {
        address target;
        bool allowFailure;
        bytes callData;
    }

    struct Call3Value {
        address target;
        bool allowFailure;
        uint256 value;
        bytes callData;
    }

    struct Result {
        bool success;
        bytes returnData;
    }

    /// @notice A call that was not allowed to fail failed.
    error CallFailed(uint256 index);
    /// @notice `msg.value` differs from the sum of the forwarded values.
    error ValueMismatch(uint256 sent, uint256 forwarded);

    /// @notice Calls every target; reverts when any call fails.
    function aggregate(Call[] calldata calls)
        public
        payable
        returns (uint256 blockNumber, bytes[] memory returnData)
    {
        blockNumber = block.number;
        returnData = new bytes[](calls.length);
        for (uint256 i; i < calls.length; ++i) {
            bool success;
            (success, returnData[i]) = calls[i].target.call(calls[i].callData);
            if (!success) revert CallFailed(i);
        }
    }

    /// @notice Calls every target; reverts on a failure only when `requireSuccess`.
    function tryAggregate(bool requireSuccess, Call[] calldata calls)
        public
        payable
        returns (Result[] memory results)
    {
        results = new Result[](calls.length);
        for (uint256 i; i < calls.length; ++i) {
            (results[i].success, results[i].returnData) = calls[i].target.call(calls[i].callData);
            if (requireSuccess && !results[i].success) revert CallFailed(i);
        }
    }

    /// @notice `tryAggregate` plus the block number and hash the calls ran at.
    function tryBlockAndAggregate(bool requireSuccess, Call[] calldata calls)
        public
        payable
        returns (uint256 blockNumber, bytes32 blockHash, Result[] memory results)
    {
        blockNumber = block.number;
        blockHash = blockhash(block.number);
        results = tryAggregate(requireSuccess, calls);
    }

    /// @notice `tryBlockAndAggregate(true, calls)`.
    function blockAndAggregate(Call[] calldata calls)
        external
        payable
        returns (uint256 blockNumber, bytes32 blockHash, Result[] memory results)
    {
        return tryBlockAndAggregate(true, calls);
    }

    /// @notice Calls every target; each call says whether it may fail.
    function aggregate3(Call3[] calldata calls) external payable returns (Result[] memory results) {
        results = new Result[](calls.length);
        for (uint256 i; i < calls.length; ++i) {
            (results[i].success, results[i].returnData) = calls[i].target.call(calls[i].callData);
            if (!results[i].success && !calls[i].allowFailure) revert CallFailed(i);
        }
    }

    /// @notice `aggregate3` with ether forwarded per call; the values must add up to `msg.value`.
    function aggregate3Value(Call3Value[] calldata calls) external payable returns (Result[] memory results) {
        uint256 forwarded;
        results = new Result[](calls.length);
        for (uint256 i; i < calls.length; ++i) {
            forwarded += calls[i].value;
            (results[i].success, results[i].returnData) =
                calls[i].target.call{value: calls[i].value}(calls[i].callData);
            if (!results[i].success && !calls[i].allowFailure) revert CallFailed(i);
        }
        if (forwarded != msg.value) revert ValueMismatch(msg.value, forwarded);
    }

    function getBlockHash(uint256 blockNumber) external view returns (bytes32) {
        return blockhash(blockNumber);
    }

    function getBlockNumber() external view returns (uint256) {
        return block.number;
    }

    function getCurrentBlockCoinbase() external view returns (address) {
        return block.coinbase;
    }

    function getCurrentBlockDifficulty() external view returns (uint256) {
        return block.prevrandao;
    }

    function getCurrentBlockGasLimit() external view returns (uint256) {
        return block.gaslimit;
    }

    function getCurrentBlockTimestamp() external view returns (uint256) {
        return block.timestamp;
    }

    function getEthBalance(address account) external view returns (uint256) {
        return account.balance;
    }

    function getLastBlockHash() external view returns (bytes32) {
        return blockhash(block.number - 1);
    }

    function getBasefee() external view returns (uint256) {
        return block.basefee;
    }

    function getChainId() external view returns (uint256) {
        return block.chainid;
    }
}
