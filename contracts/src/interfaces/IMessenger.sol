// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

/// @title IMessenger
/// @notice The LayerZero V2 OApp that carries seize requests and their results between xmargin chains.
/// Messages: `abi.encode(uint8 kind, bytes32 liquidationId, address account, uint256 usd)` with kind 1 =
/// SEIZE_REQUEST (`usd` = max to seize) and 2 = SEIZE_RESULT (`usd` = seized).
/// @dev Options are always the owner's enforced options for `(dstEid, kind)` (LZ_RECEIVE gas): a sender
/// cannot under-gas delivery. Replies are paid from the Messenger's own native balance (fund it);
/// a reply that cannot be paid reverts the delivery, which stays verified and can be retried.
interface IMessenger {
    event LiquidatorSet(address indexed liquidator);
    event SeizeRequestSent(
        bytes32 indexed liquidationId,
        uint32 indexed dstEid,
        address indexed account,
        uint256 maxUsd,
        bytes32 guid
    );
    /// @notice A request from `srcEid` was executed: `seizedUsd` moved into this chain's backstop.
    event SeizeExecuted(
        bytes32 indexed liquidationId,
        uint32 indexed srcEid,
        address indexed account,
        uint256 requestedUsd,
        uint256 seizedUsd,
        bytes32 replyGuid
    );
    event SeizeResultReceived(bytes32 indexed liquidationId, uint32 indexed srcEid, uint256 seizedUsd);
    /// @notice A second message of the same kind and id from the same chain: ignored.
    event DuplicateMessage(bytes32 indexed liquidationId, uint32 indexed srcEid, uint8 kind);

    error OnlyLiquidator(address caller);
    error EnforcedOptionsMissing(uint32 eid, uint16 kind);
    error UnknownMessageKind(uint8 kind);
    error InsufficientNative(uint256 required, uint256 available);
    error ZeroAddress();

    function SEIZE_REQUEST() external view returns (uint16);
    function SEIZE_RESULT() external view returns (uint16);

    /// @notice Sends a seize request to `dstEid`. Only the Liquidator; `msg.value` must cover the quote.
    /// @dev Resists: anyone else asking a remote chain to seize (only the Liquidator, and the remote
    /// side accepts only its configured peer); under-gassed delivery (enforced options).
    function sendSeizeRequest(
        uint32 dstEid,
        bytes32 liquidationId,
        address account,
        uint256 maxUsd,
        address refundTo
    ) external payable returns (bytes32 guid);

    /// @notice The native fee of `sendSeizeRequest`.
    function quoteSeizeRequest(uint32 dstEid, bytes32 liquidationId, address account, uint256 maxUsd)
        external
        view
        returns (uint256 nativeFee);

    /// @notice The native fee this Messenger pays for a reply to `dstEid`.
    function quoteSeizeResult(uint32 dstEid, bytes32 liquidationId, address account, uint256 seizedUsd)
        external
        view
        returns (uint256 nativeFee);

    /// @notice Sets the Liquidator that may send and receives results. Only owner.
    /// @dev The owner also sets peers and enforced options (OApp): it is the chain's admin key.
    function setLiquidator(address liquidator) external;

    /// @notice Sends `amount` of the reply-fee balance to `to`. Only owner.
    /// @dev Emptying it makes replies revert until it is funded again; deliveries stay retryable.
    function withdrawNative(address payable to, uint256 amount) external;

    function vault() external view returns (address);
    function liquidator() external view returns (address);
    /// @notice Whether a message of `kind` for `liquidationId` from `srcEid` was processed.
    function processed(uint32 srcEid, bytes32 liquidationId, uint8 kind) external view returns (bool);
}
