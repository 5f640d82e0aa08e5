// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {ICollateralVault} from "./interfaces/ICollateralVault.sol";
import {ILiquidator} from "./interfaces/ILiquidator.sol";
import {IMessenger} from "./interfaces/IMessenger.sol";
import {MessagingFee, MessagingReceipt, OApp, Origin} from "@layerzerolabs/oapp-evm/contracts/oapp/OApp.sol";
import {OAppOptionsType3} from "@layerzerolabs/oapp-evm/contracts/oapp/libs/OAppOptionsType3.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// @title Messenger
/// @notice See {IMessenger}.
contract Messenger is IMessenger, OApp, OAppOptionsType3 {
    uint16 public constant SEIZE_REQUEST = 1;
    uint16 public constant SEIZE_RESULT = 2;

    address public immutable vault;
    address public liquidator;

    mapping(bytes32 key => bool) private _processed;

    constructor(address endpoint_, address owner_, address vault_) OApp(endpoint_, owner_) Ownable(owner_) {
        if (vault_ == address(0)) revert ZeroAddress();
        vault = vault_;
    }

    /// @notice Funds reply fees.
    receive() external payable {}

    // ------------------------------------------------------------------ send

    /// @inheritdoc IMessenger
    function sendSeizeRequest(
        uint32 dstEid,
        bytes32 liquidationId,
        address account,
        uint256 maxUsd,
        address refundTo
    ) external payable returns (bytes32 guid) {
        if (msg.sender != liquidator) revert OnlyLiquidator(msg.sender);
        bytes memory message = abi.encode(uint8(SEIZE_REQUEST), liquidationId, account, maxUsd);
        bytes memory options = _enforced(dstEid, SEIZE_REQUEST);
        MessagingFee memory fee = _quote(dstEid, message, options, false);
        if (msg.value < fee.nativeFee) revert InsufficientNative(fee.nativeFee, msg.value);
        MessagingReceipt memory receipt =
            _lzSend(dstEid, message, options, MessagingFee(msg.value, 0), refundTo);
        guid = receipt.guid;
        emit SeizeRequestSent(liquidationId, dstEid, account, maxUsd, guid);
    }

    // ------------------------------------------------------------------ owner

    /// @inheritdoc IMessenger
    function setLiquidator(address newLiquidator) external onlyOwner {
        if (newLiquidator == address(0)) revert ZeroAddress();
        liquidator = newLiquidator;
        emit LiquidatorSet(newLiquidator);
    }

    /// @inheritdoc IMessenger
    function withdrawNative(address payable to, uint256 amount) external onlyOwner {
        if (to == address(0)) revert ZeroAddress();
        (bool ok,) = to.call{value: amount}("");
        if (!ok) revert InsufficientNative(amount, address(this).balance);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IMessenger
    function quoteSeizeRequest(uint32 dstEid, bytes32 liquidationId, address account, uint256 maxUsd)
        external
        view
        returns (uint256)
    {
        bytes memory message = abi.encode(uint8(SEIZE_REQUEST), liquidationId, account, maxUsd);
        return _quote(dstEid, message, _enforced(dstEid, SEIZE_REQUEST), false).nativeFee;
    }

    /// @inheritdoc IMessenger
    function quoteSeizeResult(uint32 dstEid, bytes32 liquidationId, address account, uint256 seizedUsd)
        external
        view
        returns (uint256)
    {
        bytes memory message = abi.encode(uint8(SEIZE_RESULT), liquidationId, account, seizedUsd);
        return _quote(dstEid, message, _enforced(dstEid, SEIZE_RESULT), false).nativeFee;
    }

    /// @inheritdoc IMessenger
    function processed(uint32 srcEid, bytes32 liquidationId, uint8 kind) external view returns (bool) {
        return _processed[_key(srcEid, liquidationId, kind)];
    }

    // ------------------------------------------------------------------ receive

    /// @dev The OApp base already checked that the endpoint calls and the sender is the peer of `srcEid`.
    /// A request seizes into this chain's backstop and replies; a result goes to the Liquidator.
    /// Duplicates (same kind, id and source) are ignored: the endpoint's nonce gives exactly-once per
    /// packet, this guards against two packets carrying one liquidation.
    function _lzReceive(Origin calldata origin, bytes32, bytes calldata message, address, bytes calldata)
        internal
        override
    {
        (uint8 kind, bytes32 liquidationId, address account, uint256 usd) =
            abi.decode(message, (uint8, bytes32, address, uint256));
        if (kind != SEIZE_REQUEST && kind != SEIZE_RESULT) revert UnknownMessageKind(kind);
        bytes32 key = _key(origin.srcEid, liquidationId, kind);
        if (_processed[key]) {
            emit DuplicateMessage(liquidationId, origin.srcEid, kind);
            return;
        }
        _processed[key] = true;
        if (kind == SEIZE_RESULT) {
            emit SeizeResultReceived(liquidationId, origin.srcEid, usd);
            ILiquidator(liquidator).onSeizeResult(liquidationId, origin.srcEid, usd);
            return;
        }
        _executeSeize(origin.srcEid, liquidationId, account, usd);
    }

    /// @dev Seizes up to `maxUsd` of `account`'s collateral into this chain's backstop and replies with
    /// the USD value seized (cash first, then assets in listing order, at this chain's oracle prices).
    function _executeSeize(uint32 srcEid, bytes32 liquidationId, address account, uint256 maxUsd) internal {
        ICollateralVault collateral = ICollateralVault(vault);
        uint256 seizedUsd = collateral.seizeValue(account, maxUsd, collateral.backstop(), true);
        bytes memory reply = abi.encode(uint8(SEIZE_RESULT), liquidationId, account, seizedUsd);
        bytes memory options = _enforced(srcEid, SEIZE_RESULT);
        MessagingReceipt memory receipt =
            _lzSend(srcEid, reply, options, _quote(srcEid, reply, options, false), address(this));
        emit SeizeExecuted(liquidationId, srcEid, account, maxUsd, seizedUsd, receipt.guid);
    }

    /// @dev Pays from this contract's balance (which includes any `msg.value`): replies are sent from
    /// inside `lzReceive`, where no caller pays.
    function _payNative(uint256 nativeFee) internal view override returns (uint256) {
        if (address(this).balance < nativeFee) revert InsufficientNative(nativeFee, address(this).balance);
        return nativeFee;
    }

    function _enforced(uint32 eid, uint16 kind) internal view returns (bytes memory options) {
        options = enforcedOptions[eid][kind];
        if (options.length == 0) revert EnforcedOptionsMissing(eid, kind);
    }

    function _key(uint32 srcEid, bytes32 liquidationId, uint8 kind) internal pure returns (bytes32) {
        return keccak256(abi.encode(srcEid, liquidationId, kind));
    }
}
