// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {Close, ILiquidator, LiquidationOrder, SeizeRoute} from "../src/interfaces/ILiquidator.sol";
import {IMessenger} from "../src/interfaces/IMessenger.sol";
import {AccountHealth} from "../src/interfaces/IRiskGuard.sol";
import {XmarginFixture} from "./utils/XmarginFixture.sol";
import {TestHelperOz5} from "@layerzerolabs/test-devtools-evm-foundry/contracts/TestHelperOz5.sol";

/// @notice Two xmargin chains on two LayerZero endpoints (TestHelperOz5, ULN302 with DVN and executor):
/// a liquidation on chain A seizes collateral on chain B and the result comes back to A.
/// @dev This is the only test world with the LayerZero mocks (they take ~20 s to compile).
contract CrossChainLiquidationTest is XmarginFixture, TestHelperOz5 {
    uint32 internal constant A_EID = 1;
    uint32 internal constant B_EID = 2;

    System internal a;
    System internal b;

    function setUp() public override {
        vm.warp(START_TIME);
        vm.roll(START_BLOCK);
        super.setUp();
        setUpEndpoints(2, LibraryType.UltraLightNode);
        _initSigners();
        a = _deploySystem(endpoints[A_EID], "a");
        b = _deploySystem(endpoints[B_EID], "b");
        address[] memory messengers = new address[](2);
        messengers[0] = address(a.messenger);
        messengers[1] = address(b.messenger);
        wireOApps(messengers);
        _wireMessenger(a, B_EID, address(b.messenger));
        _wireMessenger(b, A_EID, address(a.messenger));
        vm.deal(keeper, 10 ether);

        // alice: 1000 USDC and long 10 ETH-PERP at 3000 on A; 2 WETH on B
        _deposit(a, address(a.usdc), alice, 1000e6);
        _deposit(a, address(a.usdc), bob, 100_000e6);
        _trade(a, alice, bob, a.ethPerp, 10e18, 3000e18);
        _deposit(b, address(b.weth), alice, 2e18);
        // ETH crashes to 2000 on both chains
        for (uint256 i; i < 2; ++i) {
            System memory chain = i == 0 ? a : b;
            _setEth(chain, 2000);
            chain.oracle.forceAcceptPrice("ETH");
        }
        vm.roll(block.number + 1);
    }

    function _insolvent() internal returns (AccountHealth memory h, LiquidationOrder memory order) {
        // equity = 1000 - 10 000 + 2 * 2000 = -5000: close everything, seize the rest on B
        h = _withMark(_health(a, alice, -5000e18, 3000e18), a.ethPerp, 2000e18, 10e18);
        order.closes = new Close[](1);
        order.closes[0] = Close(a.ethPerp, -10e18);
        order.routes = new SeizeRoute[](1);
        // cash after the close: 1000 - 10 000 - penalty 1% * 20 000 = -9200
        order.routes[0] = SeizeRoute(B_EID, 9200e18);
    }

    function test_liquidate_seizesOnChainBAndTheResultComesBack() public {
        (AccountHealth memory h, LiquidationOrder memory order) = _insolvent();
        bytes memory sigs = _signHealth(a, h);
        uint256 fee = a.liquidator.quoteRoutes(alice, order.routes);
        assertGt(fee, 0);

        vm.prank(keeper);
        bytes32 id = a.liquidator.liquidate{value: fee}(alice, h, sigs, order);
        assertEq(a.vault.cashOf(alice), -9200e6);
        assertEq(a.liquidator.liquidation(id).pendingReplies, 1);

        // deliver A -> B: B seizes 2 WETH (4000 USD at B's oracle) into its backstop and replies
        vm.expectEmit(true, true, true, false, address(b.messenger)); // the reply's guid is not known here
        emit IMessenger.SeizeExecuted(id, A_EID, alice, 9200e18, 4000e18, bytes32(0));
        this.deliver(B_EID, address(b.messenger));
        assertEq(b.vault.balanceOf(alice, address(b.weth)), 0);
        assertEq(b.vault.balanceOf(b.backstop, address(b.weth)), 2e18);
        assertTrue(b.messenger.processed(A_EID, id, 1));

        // deliver B -> A: A credits 4000 from its backstop; the remaining 5200 is bad debt
        vm.expectEmit(address(a.liquidator));
        emit ILiquidator.SeizeCompleted(id, alice, B_EID, 4000e18, 4000e6);
        vm.expectEmit(address(a.liquidator));
        emit ILiquidator.BadDebtRecorded(alice, id, 5200e6, 5200e18);
        this.deliver(A_EID, address(a.messenger));
        assertEq(a.vault.cashOf(alice), 0);
        assertTrue(a.liquidator.liquidation(id).finalised);
        assertEq(a.liquidator.liquidation(id).remoteSeizedUsd, 4000e18);
        // backstop on A: + penalty 200 - reward 100 - credit 4000 - bad debt 5200
        assertEq(a.vault.cashOf(a.backstop), int256(1_000_000e6 + 200e6 - 100e6 - 4000e6 - 5200e6));
    }

    function test_liquidate_solventAccountKeepsItsDebtUntilMoreIsSeized() public {
        (AccountHealth memory h, LiquidationOrder memory order) = _insolvent();
        h.equity = 100e18; // the relay knows of collateral elsewhere: no bad debt
        order.routes[0].maxUsd = 3000e18;
        bytes memory sigs = _signHealth(a, h);
        uint256 fee = a.liquidator.quoteRoutes(alice, order.routes);
        vm.prank(keeper);
        a.liquidator.liquidate{value: fee + 1 ether}(alice, h, sigs, order);
        verifyPackets(B_EID, address(b.messenger));
        verifyPackets(A_EID, address(a.messenger));
        assertEq(a.vault.cashOf(alice), -6200e6);
        // 3000 / 2000 = 1.5 WETH seized, 0.5 left on B
        assertEq(b.vault.balanceOf(alice, address(b.weth)), 0.5e18);
    }

    /// @dev One external call around the delivery, so `expectEmit` sees the events it causes.
    function deliver(uint32 eid, address oapp) external {
        verifyPackets(eid, oapp);
    }
}
