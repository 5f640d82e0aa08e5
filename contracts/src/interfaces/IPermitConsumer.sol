// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

/// @title IPermitConsumer
/// @notice Errors of contracts that spend `MarginPermit`s through the RiskGuard (vault and book).
interface IPermitConsumer {
    /// @notice The permit belongs to `permitAccount`, not to `account`.
    error NotPermitHolder(address account, address permitAccount);
    /// @notice The permit's action is `action`, this use needs `expected`.
    error WrongPermitAction(uint8 action, uint8 expected);
    /// @notice The permit names `target`, this use needs `expected`.
    error PermitTargetMismatch(bytes32 target, bytes32 expected);
    /// @notice This use needs `amount`, the permit allows `limit`.
    error PermitLimitExceeded(uint256 amount, uint256 limit);
}
