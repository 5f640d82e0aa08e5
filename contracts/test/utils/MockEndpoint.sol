// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {
    MessagingFee,
    MessagingParams,
    MessagingReceipt
} from "@layerzerolabs/lz-evm-protocol-v2/contracts/interfaces/ILayerZeroEndpointV2.sol";

/// @notice The part of a LayerZero endpoint an OApp calls when sending, recording every message, for
/// unit tests that need no delivery (the cross-chain test uses TestHelperOz5's real endpoints).
contract MockEndpoint {
    struct Sent {
        address sender;
        uint32 dstEid;
        bytes32 receiver;
        bytes message;
        bytes options;
        uint256 value;
        address refundAddress;
    }

    uint32 public immutable eid;
    uint256 public nativeFee = 100;
    uint64 public nonce;
    mapping(address oapp => address) public delegates;
    Sent[] private _sent;

    constructor(uint32 eid_) {
        eid = eid_;
    }

    function setDelegate(address delegate) external {
        delegates[msg.sender] = delegate;
    }

    function setFee(uint256 fee) external {
        nativeFee = fee;
    }

    function quote(MessagingParams calldata, address) external view returns (MessagingFee memory) {
        return MessagingFee(nativeFee, 0);
    }

    function send(MessagingParams calldata params, address refundAddress)
        external
        payable
        returns (MessagingReceipt memory receipt)
    {
        require(msg.value >= nativeFee, "MockEndpoint: fee");
        _sent.push(
            Sent(
                msg.sender,
                params.dstEid,
                params.receiver,
                params.message,
                params.options,
                msg.value,
                refundAddress
            )
        );
        receipt.nonce = ++nonce;
        receipt.guid = keccak256(abi.encode(receipt.nonce, eid, msg.sender, params.dstEid, params.receiver));
        receipt.fee = MessagingFee(nativeFee, 0);
        if (msg.value > nativeFee) payable(refundAddress).transfer(msg.value - nativeFee);
    }

    function sentCount() external view returns (uint256) {
        return _sent.length;
    }

    function sent(uint256 i) external view returns (Sent memory) {
        return _sent[i];
    }
}
