// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {Messenger} from "../src/Messenger.sol";
import {ILiquidator} from "../src/interfaces/ILiquidator.sol";
import {IMessenger} from "../src/interfaces/IMessenger.sol";
import {MockEndpoint} from "./utils/MockEndpoint.sol";
import {XmarginTest} from "./utils/XmarginFixture.sol";
import {Origin} from "@layerzerolabs/oapp-evm/contracts/oapp/OApp.sol";
import {OAppReceiver} from "@layerzerolabs/oapp-evm/contracts/oapp/OAppReceiver.sol";
import {IOAppCore} from "@layerzerolabs/oapp-evm/contracts/oapp/interfaces/IOAppCore.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

contract MessengerTest is XmarginTest {
    Messenger internal messenger;
    bytes32 internal constant ID = keccak256("liquidation on chain B");
    uint64 internal nonce;

    function setUp() public override {
        super.setUp();
        messenger = s.messenger;
    }

    function _peer() internal view returns (bytes32) {
        return bytes32(uint256(uint160(remoteMessenger)));
    }

    function _receive(uint8 kind, bytes32 id, address account, uint256 usd) internal {
        vm.prank(endpoint);
        messenger.lzReceive(
            Origin(REMOTE_EID, _peer(), ++nonce),
            keccak256(abi.encode(nonce)),
            abi.encode(kind, id, account, usd),
            keeper,
            ""
        );
    }

    function test_sendSeizeRequest_onlyLiquidator() public {
        vm.expectRevert(abi.encodeWithSelector(IMessenger.OnlyLiquidator.selector, address(this)));
        messenger.sendSeizeRequest{value: 100}(REMOTE_EID, ID, alice, 1e18, address(this));
    }

    function test_sendSeizeRequest_usesEnforcedOptionsAndPeer() public {
        vm.deal(address(s.liquidator), 1 ether);
        vm.prank(address(s.liquidator));
        messenger.sendSeizeRequest{value: 100}(REMOTE_EID, ID, alice, 1e18, keeper);
        MockEndpoint.Sent memory sent = MockEndpoint(endpoint).sent(0);
        assertEq(sent.receiver, _peer());
        assertEq(sent.options, messenger.enforcedOptions(REMOTE_EID, 1));
        assertEq(sent.message, abi.encode(uint8(1), ID, alice, uint256(1e18)));
    }

    function test_sendSeizeRequest_revertsWithoutEnforcedOptions() public {
        vm.deal(address(s.liquidator), 1 ether);
        vm.expectRevert(abi.encodeWithSelector(IMessenger.EnforcedOptionsMissing.selector, 7, 1));
        vm.prank(address(s.liquidator));
        messenger.sendSeizeRequest{value: 100}(7, ID, alice, 1e18, keeper);
    }

    function test_sendSeizeRequest_revertsBelowTheQuote() public {
        vm.deal(address(s.liquidator), 1 ether);
        vm.expectRevert(abi.encodeWithSelector(IMessenger.InsufficientNative.selector, 100, 99));
        vm.prank(address(s.liquidator));
        messenger.sendSeizeRequest{value: 99}(REMOTE_EID, ID, alice, 1e18, keeper);
    }

    function test_lzReceive_seizesIntoTheBackstopAndReplies() public {
        _deposit(s, address(s.usdc), alice, 100e6);
        _deposit(s, address(s.weth), alice, 1e18);
        vm.expectEmit(address(messenger));
        bytes32 replyGuid =
            keccak256(abi.encode(uint64(1), LOCAL_EID, address(messenger), REMOTE_EID, _peer()));
        emit IMessenger.SeizeExecuted(ID, REMOTE_EID, alice, 1600e18, 1600e18, replyGuid);
        _receive(1, ID, alice, 1600e18);
        assertEq(s.vault.cashOf(alice), 0);
        assertEq(s.vault.balanceOf(alice, address(s.weth)), 0.5e18);
        assertEq(s.vault.balanceOf(s.backstop, address(s.weth)), 0.5e18);
        MockEndpoint.Sent memory reply = MockEndpoint(endpoint).sent(0);
        assertEq(reply.dstEid, REMOTE_EID);
        assertEq(reply.message, abi.encode(uint8(2), ID, alice, uint256(1600e18)));
        assertEq(reply.options, messenger.enforcedOptions(REMOTE_EID, 2));
        assertEq(address(messenger).balance, 1 ether - 100);
        assertTrue(messenger.processed(REMOTE_EID, ID, 1));
    }

    function test_lzReceive_repliesZeroWhenNothingIsThere() public {
        _receive(1, ID, alice, 1600e18);
        assertEq(MockEndpoint(endpoint).sent(0).message, abi.encode(uint8(2), ID, alice, uint256(0)));
    }

    function test_lzReceive_ignoresADuplicateRequest() public {
        _deposit(s, address(s.weth), alice, 1e18);
        _receive(1, ID, alice, 300e18);
        vm.expectEmit(address(messenger));
        emit IMessenger.DuplicateMessage(ID, REMOTE_EID, 1);
        _receive(1, ID, alice, 300e18);
        assertEq(s.vault.balanceOf(alice, address(s.weth)), 0.9e18);
        assertEq(MockEndpoint(endpoint).sentCount(), 1);
    }

    function test_lzReceive_forwardsResultsToTheLiquidator() public {
        vm.expectEmit(address(s.liquidator));
        emit ILiquidator.SeizeReplyIgnored(ID, REMOTE_EID, 5e18);
        _receive(2, ID, alice, 5e18);
    }

    function test_lzReceive_revertsForUnknownKind() public {
        vm.expectRevert(abi.encodeWithSelector(IMessenger.UnknownMessageKind.selector, 3));
        _receive(3, ID, alice, 1);
    }

    function test_lzReceive_revertsForNonPeer() public {
        vm.expectRevert(abi.encodeWithSelector(IOAppCore.OnlyPeer.selector, REMOTE_EID, bytes32(uint256(1))));
        vm.prank(endpoint);
        messenger.lzReceive(
            Origin(REMOTE_EID, bytes32(uint256(1)), 1),
            bytes32(0),
            abi.encode(uint8(1), ID, alice, 1),
            keeper,
            ""
        );
    }

    function test_lzReceive_revertsForNonEndpoint() public {
        vm.expectRevert(abi.encodeWithSelector(OAppReceiver.OnlyEndpoint.selector, address(this)));
        messenger.lzReceive(
            Origin(REMOTE_EID, _peer(), 1), bytes32(0), abi.encode(uint8(1), ID, alice, 1), keeper, ""
        );
    }

    function test_lzReceive_revertsWhenTheReplyCannotBePaid() public {
        vm.deal(address(messenger), 0);
        vm.expectRevert(abi.encodeWithSelector(IMessenger.InsufficientNative.selector, 100, 0));
        _receive(1, ID, alice, 1e18);
    }

    function test_owner_setsLiquidatorAndWithdraws() public {
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, bob));
        vm.prank(bob);
        messenger.setLiquidator(bob);
        messenger.withdrawNative(payable(carol), 0.5 ether);
        assertEq(carol.balance, 0.5 ether);
        assertEq(messenger.quoteSeizeResult(REMOTE_EID, ID, alice, 1), 100);
    }
}
