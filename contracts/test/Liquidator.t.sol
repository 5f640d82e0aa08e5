// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {Liquidator} from "../src/Liquidator.sol";
import {
    Close,
    ILiquidator,
    LiquidationOrder,
    LiquidationParams,
    LiquidationRecord,
    RouteState,
    SeizeRoute
} from "../src/interfaces/ILiquidator.sol";
import {IRiskGuard} from "../src/interfaces/IRiskGuard.sol";
import {AccountHealth} from "../src/interfaces/IRiskGuard.sol";
import {MockEndpoint} from "./utils/MockEndpoint.sol";
import {XmarginTest} from "./utils/XmarginFixture.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";

contract LiquidatorTest is XmarginTest {
    Liquidator internal liquidator;

    function setUp() public override {
        super.setUp();
        liquidator = s.liquidator;
        // alice: long 10 ETH-PERP at 3000 against bob, 5000 USDC of cash
        _deposit(s, address(s.usdc), alice, 5000e6);
        _deposit(s, address(s.usdc), bob, 50_000e6);
        _trade(s, alice, bob, s.ethPerp, 10e18, 3000e18);
        _setEth(s, 2900);
        vm.roll(block.number + 1);
    }

    // ------------------------------------------------------------------ helpers

    function _unhealthy(uint256 maxClose) internal returns (AccountHealth memory) {
        return _withMark(_health(s, alice, 4000e18, 4500e18), s.ethPerp, 2900e18, maxClose);
    }

    function _order(int256 size) internal view returns (LiquidationOrder memory order) {
        order.closes = new Close[](1);
        order.closes[0] = Close(s.ethPerp, size);
        order.routes = new SeizeRoute[](0);
    }

    function _liquidate(AccountHealth memory h, LiquidationOrder memory order) internal returns (bytes32) {
        bytes memory sigs = _signHealth(s, h);
        vm.prank(keeper);
        return liquidator.liquidate(alice, h, sigs, order);
    }

    function _expectLiquidateRevert(
        AccountHealth memory h,
        LiquidationOrder memory order,
        bytes memory reason
    ) internal {
        bytes memory sigs = _signHealth(s, h);
        vm.expectRevert(reason);
        vm.prank(keeper);
        liquidator.liquidate(alice, h, sigs, order);
    }

    /// @dev alice loses everything: ETH at 2000, all 10 closed, equity negative.
    function _crash() internal returns (AccountHealth memory h) {
        _setEth(s, 2000);
        s.oracle.forceAcceptPrice("ETH");
        vm.roll(block.number + 1);
        h = _withMark(_health(s, alice, -5000e18, 3000e18), s.ethPerp, 2000e18, 10e18);
    }

    // ------------------------------------------------------------------ the happy path

    function test_liquidate_closesAtMarkAndPaysTheKeeper() public {
        AccountHealth memory h = _unhealthy(4e18);
        bytes memory sigs = _signHealth(s, h);
        bytes32 id = keccak256(abi.encode(block.chainid, address(liquidator), uint256(1)));
        // penalty = 1% * 4 * 2900 = 116, reward = max(1 + 0 gas, 50% * 116) = 58
        vm.expectEmit(address(liquidator));
        emit ILiquidator.Liquidated(
            alice, id, keeper, h.sequence, 0.01e18, 11_600e18, 116e18, 58e18, 58e18, 0, 0
        );
        vm.prank(keeper);
        assertEq(liquidator.liquidate(alice, h, sigs, _order(-4e18)), id);

        assertEq(s.book.position(alice, s.ethPerp).size, 6e18);
        assertEq(s.book.position(s.backstop, s.ethPerp).size, 4e18);
        assertEq(s.book.position(s.backstop, s.ethPerp).openNotional, 11_600e18);
        // cash: 5000 - 4 * (3000 - 2900) - 116
        assertEq(s.vault.cashOf(alice), 4484e6);
        assertEq(s.usdc.balanceOf(keeper), 58e6);
        assertEq(s.vault.cashOf(s.backstop), 1_000_000e6 + 116e6 - 58e6);
        assertEq(s.guard.flaggedAt(alice), block.timestamp);
        assertEq(s.guard.lastSequence(alice), h.sequence);
        assertEq(liquidator.lastChangeBlock(alice), block.number);
    }

    function test_liquidate_reachesMaxClosePlanExactly() public {
        _liquidate(_unhealthy(10e18), _order(-10e18));
        assertEq(s.book.position(alice, s.ethPerp).size, 0);
        assertEq(s.book.openPositionCount(alice), 0);
    }

    // ------------------------------------------------------------------ not liquidatable

    function test_liquidate_revertsWhenHealthy() public {
        AccountHealth memory h = _withMark(_health(s, alice, 4500e18, 4500e18), s.ethPerp, 2900e18, 4e18);
        _expectLiquidateRevert(
            h, _order(-1e18), abi.encodeWithSelector(ILiquidator.AccountHealthy.selector, 4500e18, 4500e18)
        );
    }

    function test_liquidate_revertsForAnotherAccountsAttestation() public {
        AccountHealth memory h = _withMark(_health(s, bob, 0, 4500e18), s.ethPerp, 2900e18, 4e18);
        _expectLiquidateRevert(
            h, _order(-1e18), abi.encodeWithSelector(ILiquidator.AccountMismatch.selector, alice, bob)
        );
    }

    function test_liquidate_revertsWhenAnchoredBeforeTheLastChange() public {
        AccountHealth memory h = _unhealthy(4e18); // anchored at block.number - 1
        _deposit(s, address(s.usdc), alice, 1000e6); // alice tops up in this block
        vm.roll(block.number + 1);
        _expectLiquidateRevert(
            h,
            _order(-1e18),
            abi.encodeWithSelector(ILiquidator.StaleAnchor.selector, h.anchorBlock, uint64(block.number - 1))
        );
    }

    function test_liquidate_revertsWhenAnchorIsNotAPastBlock() public {
        AccountHealth memory h = _unhealthy(4e18);
        h.anchorBlock = uint64(block.number);
        _expectLiquidateRevert(
            h,
            _order(-1e18),
            abi.encodeWithSelector(ILiquidator.AnchorNotFinal.selector, h.anchorBlock, block.number)
        );
    }

    function test_liquidate_acceptsAnAttestationSomeonePostedFirst() public {
        AccountHealth memory h = _unhealthy(4e18);
        bytes memory sigs = _signHealth(s, h);
        s.guard.postHealth(h, sigs); // a front-runner posts the keeper's attestation
        vm.prank(keeper);
        liquidator.liquidate(alice, h, sigs, _order(-4e18));
        assertEq(s.book.position(alice, s.ethPerp).size, 6e18);
        assertEq(liquidator.lastLiquidationSequence(alice), h.sequence);
    }

    function test_liquidate_usesTheFlaggingAttestationWhileFresh() public {
        AccountHealth memory h = _unhealthy(4e18);
        bytes memory sigs = _signHealth(s, h);
        liquidator.flag(alice, h, sigs);
        vm.warp(block.timestamp + 60);
        s.ethFeed.setAnswer(2900e8);
        vm.prank(keeper);
        liquidator.liquidate(alice, h, sigs, _order(-4e18));
        // d(60) = 1% + 4% * 60 / 600 = 1.4%: penalty 162.4, reward 81.2
        assertEq(s.usdc.balanceOf(keeper), 81.2e6);
        // the latest attestation is reusable only while it is fresh
        vm.warp(block.timestamp + MAX_AGE_S);
        vm.expectRevert(
            abi.encodeWithSelector(IRiskGuard.AttestationExpired.selector, h.expiry, uint64(block.timestamp))
        );
        s.guard.acceptHealth(h, sigs);
    }

    function test_liquidate_revertsWhenTheAttestationServedALiquidation() public {
        // a debt-only account: remote seizures do not change anything on this chain
        AccountHealth memory crash = _crash();
        crash.equity = 100e18;
        _liquidate(crash, _order(-10e18));
        vm.roll(block.number + 1);
        AccountHealth memory h = _health(s, alice, 100e18, 1000e18);
        LiquidationOrder memory order;
        order.routes = new SeizeRoute[](1);
        order.routes[0] = SeizeRoute(REMOTE_EID, 1000e18);
        bytes memory sigs = _signHealth(s, h);
        vm.prank(keeper);
        liquidator.liquidate{value: 100}(alice, h, sigs, order);
        vm.expectRevert(
            abi.encodeWithSelector(ILiquidator.AttestationAlreadyUsed.selector, h.sequence, h.sequence)
        );
        vm.prank(keeper);
        liquidator.liquidate{value: 100}(alice, h, sigs, order);
    }

    function test_liquidate_revertsAfterANewerHealthyAttestation() public {
        AccountHealth memory unhealthy = _unhealthy(4e18);
        AccountHealth memory healthy = _health(s, alice, 5000e18, 4500e18);
        s.guard.postHealth(healthy, _signHealth(s, healthy));
        _expectLiquidateRevert(
            unhealthy,
            _order(-1e18),
            abi.encodeWithSelector(
                IRiskGuard.AttestationReplayed.selector, unhealthy.sequence, healthy.sequence
            )
        );
    }

    function test_liquidate_revertsForForgedSignatures() public {
        AccountHealth memory h = _unhealthy(4e18);
        uint256[] memory keys = new uint256[](2);
        keys[0] = 0xBAD;
        keys[1] = 0xBAD2;
        bytes memory sigs = _sign(s.guard.hashAccountHealth(h), _sortKeys(keys));
        vm.expectRevert(
            abi.encodeWithSelector(IRiskGuard.UnknownSigner.selector, vm.addr(_sortKeys(keys)[0]))
        );
        vm.prank(keeper);
        liquidator.liquidate(alice, h, sigs, _order(-1e18));
    }

    function test_liquidate_revertsForADebtWithNothingToTakeOrAsk() public {
        AccountHealth memory crash = _crash();
        crash.equity = 100e18; // solvent elsewhere: the debt stays, no bad debt
        _liquidate(crash, _order(-10e18));
        vm.roll(block.number + 1);
        LiquidationOrder memory order;
        _expectLiquidateRevert(
            _health(s, alice, 100e18, 1000e18),
            order,
            abi.encodeWithSelector(ILiquidator.NothingToLiquidate.selector)
        );
    }

    function test_liquidate_revertsWithNothingToDo() public {
        LiquidationOrder memory order;
        _expectLiquidateRevert(
            _unhealthy(4e18), order, abi.encodeWithSelector(ILiquidator.NothingToLiquidate.selector)
        );
    }

    // ------------------------------------------------------------------ the plan

    function test_liquidate_revertsWhenCloseExceedsPlan() public {
        _expectLiquidateRevert(
            _unhealthy(4e18),
            _order(-4e18 - 1),
            abi.encodeWithSelector(ILiquidator.CloseExceedsPlan.selector, s.ethPerp, 4e18 + 1, 4e18)
        );
    }

    function test_liquidate_revertsForASecondCloseOfOneInstrument() public {
        LiquidationOrder memory order = _order(-2e18);
        order.closes = new Close[](2);
        order.closes[0] = Close(s.ethPerp, -2e18);
        order.closes[1] = Close(s.ethPerp, -2e18);
        _expectLiquidateRevert(
            _unhealthy(3e18), order, abi.encodeWithSelector(ILiquidator.ClosesUnsorted.selector, 1)
        );
    }

    function test_liquidate_revertsForACloseAwayFromZero() public {
        _expectLiquidateRevert(
            _unhealthy(4e18),
            _order(1e18),
            abi.encodeWithSelector(ILiquidator.CloseNotReducing.selector, s.ethPerp, 1e18, 10e18)
        );
    }

    function test_liquidate_revertsForACloseAcrossZero() public {
        _expectLiquidateRevert(
            _unhealthy(20e18),
            _order(-11e18),
            abi.encodeWithSelector(ILiquidator.CloseNotReducing.selector, s.ethPerp, -11e18, 10e18)
        );
    }

    function test_liquidate_revertsWhenMarkIsMissing() public {
        AccountHealth memory h = _withMark(_health(s, alice, 0, 4500e18), s.btcPerp, 60_000e18, 4e18);
        _expectLiquidateRevert(
            h, _order(-1e18), abi.encodeWithSelector(ILiquidator.MarkMissing.selector, s.ethPerp)
        );
    }

    function test_liquidate_revertsForPerpMarkOutsideOracleBand() public {
        // band 5% of 2900 = 145
        AccountHealth memory h = _withMark(_health(s, alice, 0, 4500e18), s.ethPerp, 3046e18, 4e18);
        _expectLiquidateRevert(
            h,
            _order(-1e18),
            abi.encodeWithSelector(ILiquidator.MarkOutOfBounds.selector, s.ethPerp, 3046e18, 2755e18, 3045e18)
        );
    }

    function test_markBounds_options() public view {
        // call 3000 at spot 2900: intrinsic 0, cap spot
        (uint256 lo, uint256 hi, uint256 spot) = liquidator.markBounds(s.ethCall);
        assertEq(lo, 0);
        assertEq(hi, 2900e18);
        assertEq(spot, 2900e18);
        // put 3000 at 2900: intrinsic 100, floor 90, cap strike
        (lo, hi,) = liquidator.markBounds(s.ethPut);
        assertEq(lo, 90e18);
        assertEq(hi, 3000e18);
    }

    function test_liquidate_revertsForOptionMarkBelowDiscountedIntrinsic() public {
        _trade(s, bob, alice, s.ethPut, 1e18, 150e18); // alice short a put
        vm.roll(block.number + 1);
        AccountHealth memory h = _withMark(_health(s, alice, 0, 4500e18), s.ethPut, 89e18, 1e18);
        LiquidationOrder memory order = _order(1e18);
        order.closes[0].instrumentId = s.ethPut;
        _expectLiquidateRevert(
            h,
            order,
            abi.encodeWithSelector(ILiquidator.MarkOutOfBounds.selector, s.ethPut, 89e18, 90e18, 3000e18)
        );
    }

    function test_liquidate_closesOptionsAndPerpsTogether() public {
        _trade(s, bob, alice, s.ethPut, 1e18, 150e18); // alice short a put
        vm.roll(block.number + 1);
        AccountHealth memory h = _withMark(_unhealthy(4e18), s.ethPut, 160e18, 1e18);
        LiquidationOrder memory order = _order(-4e18);
        order.closes = new Close[](2);
        order.closes[0] = Close(s.ethPerp, -4e18);
        order.closes[1] = Close(s.ethPut, 1e18);
        _liquidate(h, order);
        assertEq(s.book.position(alice, s.ethPut).size, 0);
        assertEq(s.book.position(s.backstop, s.ethPut).size, -1e18);
        // penalty on spot notional of both: 1% * (4 + 1) * 2900 = 145
        assertEq(s.vault.cashOf(alice), 5000e6 - 400e6 - 10e6 - 145e6);
    }

    // ------------------------------------------------------------------ auction and reward

    function test_flag_startsTheAuctionAndTheDiscountGrows() public {
        AccountHealth memory first = _unhealthy(4e18);
        liquidator.flag(alice, first, _signHealth(s, first));
        assertEq(s.guard.flaggedAt(alice), block.timestamp);
        vm.warp(block.timestamp + 300);
        s.ethFeed.setAnswer(2900e8);
        AccountHealth memory h = _unhealthy(4e18);
        bytes memory sigs = _signHealth(s, h);
        bytes32 id = keccak256(abi.encode(block.chainid, address(liquidator), uint256(1)));
        // d(300) = 1% + 4% * 300 / 600 = 3%: penalty 348, reward 174
        vm.expectEmit(address(liquidator));
        emit ILiquidator.Liquidated(
            alice, id, keeper, h.sequence, 0.03e18, 11_600e18, 348e18, 174e18, 174e18, 0, 0
        );
        vm.prank(keeper);
        liquidator.liquidate(alice, h, sigs, _order(-4e18));
    }

    function test_flag_revertsWhenHealthy() public {
        AccountHealth memory h = _health(s, alice, 5000e18, 4500e18);
        bytes memory sigs = _signHealth(s, h);
        vm.expectRevert(abi.encodeWithSelector(ILiquidator.AccountHealthy.selector, 5000e18, 4500e18));
        liquidator.flag(alice, h, sigs);
    }

    function test_liquidate_restartsTheAuctionAfterAHealthyAttestation() public {
        AccountHealth memory first = _unhealthy(4e18);
        liquidator.flag(alice, first, _signHealth(s, first));
        vm.warp(block.timestamp + 500);
        s.ethFeed.setAnswer(2900e8);
        AccountHealth memory healthy = _health(s, alice, 5000e18, 4500e18);
        s.guard.postHealth(healthy, _signHealth(s, healthy));
        assertEq(s.guard.flaggedAt(alice), 0);
        _liquidate(_unhealthy(4e18), _order(-4e18));
        assertEq(s.guard.flaggedAt(alice), block.timestamp);
        assertEq(s.usdc.balanceOf(keeper), 58e6); // back to the 1% start discount
    }

    function test_discountAt_followsTheSchedule() public view {
        assertEq(liquidator.discountAt(0), 0.01e18);
        assertEq(liquidator.discountAt(150), 0.02e18);
        assertEq(liquidator.discountAt(599), 0.01e18 + uint256(0.04e18) * 599 / 600 + 1);
        assertEq(liquidator.discountAt(600), 0.05e18);
        assertEq(liquidator.discountAt(1 days), 0.05e18);
    }

    function test_keeperReward_floorAndCap() public {
        // no penalty share above the floor: 1 + 100 gwei * 400k * 2900 / 1e18 = 117
        assertEq(liquidator.keeperReward(10e18, 100 gwei), 117e18);
        assertEq(liquidator.keeperReward(1_000_000e18, 100 gwei), 2500e18);
        assertEq(liquidator.keeperReward(1000e18, 0), 500e18);
        // a stale native feed counts as zero gas cost, it never blocks
        s.ethFeed.setRound(2900e8, block.timestamp - 3601);
        assertEq(liquidator.keeperReward(0, 100 gwei), 1e18);
    }

    function test_liquidate_payTheCostFloorFromTheBackstop() public {
        vm.txGasPrice(100 gwei);
        _liquidate(_unhealthy(4e18), _order(-0.01e18)); // penalty 0.29, reward 117
        assertEq(s.usdc.balanceOf(keeper), 117e6);
    }

    function test_setParams_validatesAndIsAdminOnly() public {
        LiquidationParams memory p = _defaultParams();
        p.startDiscount = 0.06e18;
        vm.expectRevert(ILiquidator.InvalidParams.selector);
        liquidator.setParams(p);
        p = _defaultParams();
        p.auctionDurationS = 0;
        vm.expectRevert(ILiquidator.InvalidParams.selector);
        liquidator.setParams(p);
        p = _defaultParams();
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, bob, liquidator.DEFAULT_ADMIN_ROLE()
            )
        );
        vm.prank(bob);
        liquidator.setParams(p);
        p.maxRewardUsd = 100e18;
        liquidator.setParams(p);
        assertEq(liquidator.params().maxRewardUsd, 100e18);
    }

    // ------------------------------------------------------------------ shortfall: local, remote, bad debt

    function test_liquidate_seizesLocalCollateralForNegativeCash() public {
        // carol: long 10 ETH at 3000 with only WETH as collateral
        _deposit(s, address(s.weth), carol, 2e18);
        _trade(s, carol, bob, s.ethPerp, 10e18, 3000e18);
        vm.roll(block.number + 1);
        AccountHealth memory h = _withMark(_health(s, carol, 4000e18, 4500e18), s.ethPerp, 2900e18, 4e18);
        bytes memory sigs = _signHealth(s, h);
        vm.prank(keeper);
        liquidator.liquidate(carol, h, sigs, _order(-4e18));
        // loss 400 + penalty 116 = 516 USD, paid with 516 / 2900 WETH (rounded up)
        uint256 sold = 2e18 - uint256(s.vault.balanceOf(carol, address(s.weth)));
        assertEq(sold, uint256(516e18 * 1e18 + 2900e18 - 1) / 2900e18);
        assertEq(s.vault.balanceOf(s.backstop, address(s.weth)), int256(sold));
        assertGe(s.vault.cashOf(carol), 0);
        assertLe(s.vault.cashOf(carol), 1);
    }

    function test_liquidate_sendsSeizeRequestsForTheRest() public {
        AccountHealth memory h = _crash(); // alice: cash 5000, loss 10 * 1000, penalty 200 -> -5200
        LiquidationOrder memory order = _order(-10e18);
        order.routes = new SeizeRoute[](1);
        order.routes[0] = SeizeRoute(REMOTE_EID, 5200e18);
        assertEq(liquidator.quoteRoutes(alice, order.routes), 100);
        bytes memory sigs = _signHealth(s, h);
        uint256 balanceBefore = keeper.balance;
        vm.prank(keeper);
        bytes32 id = liquidator.liquidate{value: 1 ether}(alice, h, sigs, order);

        assertEq(keeper.balance, balanceBefore - 100); // the rest refunded
        MockEndpoint.Sent memory sent = MockEndpoint(endpoint).sent(0);
        assertEq(sent.dstEid, REMOTE_EID);
        assertEq(sent.receiver, bytes32(uint256(uint160(remoteMessenger))));
        assertEq(sent.message, abi.encode(uint8(1), id, alice, uint256(5200e18)));
        assertEq(sent.options, s.messenger.enforcedOptions(REMOTE_EID, 1));
        LiquidationRecord memory record = liquidator.liquidation(id);
        assertEq(record.pendingReplies, 1);
        assertEq(record.requestedUsd, 5200e18);
        assertEq(uint8(liquidator.routeState(id, REMOTE_EID)), uint8(RouteState.Pending));
        assertEq(s.vault.cashOf(alice), -5200e6);
    }

    function test_liquidate_revertsWhenRoutesExceedTheShortfall() public {
        AccountHealth memory h = _crash();
        LiquidationOrder memory order = _order(-10e18);
        order.routes = new SeizeRoute[](1);
        order.routes[0] = SeizeRoute(REMOTE_EID, 5200e18 + 1);
        bytes memory sigs = _signHealth(s, h);
        vm.expectRevert(
            abi.encodeWithSelector(ILiquidator.SeizeExceedsShortfall.selector, 5200e18 + 1, 5200e18)
        );
        vm.prank(keeper);
        liquidator.liquidate{value: 1 ether}(alice, h, sigs, order);
    }

    function test_liquidate_revertsForUnsortedRoutes() public {
        AccountHealth memory h = _crash();
        LiquidationOrder memory order = _order(-10e18);
        order.routes = new SeizeRoute[](2);
        order.routes[0] = SeizeRoute(REMOTE_EID, 1e18);
        order.routes[1] = SeizeRoute(REMOTE_EID, 1e18);
        bytes memory sigs = _signHealth(s, h);
        vm.expectRevert(abi.encodeWithSelector(ILiquidator.RoutesUnsorted.selector, 1));
        vm.prank(keeper);
        liquidator.liquidate{value: 1 ether}(alice, h, sigs, order);
    }

    function test_liquidate_revertsWithoutTheFee() public {
        AccountHealth memory h = _crash();
        LiquidationOrder memory order = _order(-10e18);
        order.routes = new SeizeRoute[](1);
        order.routes[0] = SeizeRoute(REMOTE_EID, 1e18);
        bytes memory sigs = _signHealth(s, h);
        vm.expectRevert(abi.encodeWithSelector(ILiquidator.InsufficientFee.selector, 100, 99));
        vm.prank(keeper);
        liquidator.liquidate{value: 99}(alice, h, sigs, order);
    }

    function test_onSeizeResult_creditsIgnoresDuplicatesAndRecordsBadDebt() public {
        AccountHealth memory h = _crash();
        LiquidationOrder memory order = _order(-10e18);
        order.routes = new SeizeRoute[](1);
        order.routes[0] = SeizeRoute(REMOTE_EID, 5200e18);
        bytes memory sigs = _signHealth(s, h);
        vm.prank(keeper);
        bytes32 id = liquidator.liquidate{value: 100}(alice, h, sigs, order);

        vm.expectRevert(abi.encodeWithSelector(ILiquidator.OnlyMessenger.selector, address(this)));
        liquidator.onSeizeResult(id, REMOTE_EID, 1);

        vm.prank(address(s.messenger));
        vm.expectEmit(address(liquidator));
        emit ILiquidator.SeizeReplyIgnored(keccak256("unknown"), REMOTE_EID, 1);
        liquidator.onSeizeResult(keccak256("unknown"), REMOTE_EID, 1);

        // the remote chain found 3000 USD: 2200 stay uncovered and become bad debt
        vm.expectEmit(address(liquidator));
        emit ILiquidator.SeizeCompleted(id, alice, REMOTE_EID, 3000e18, 3000e6);
        vm.expectEmit(address(liquidator));
        emit ILiquidator.BadDebtRecorded(alice, id, 2200e6, 2200e18);
        vm.prank(address(s.messenger));
        liquidator.onSeizeResult(id, REMOTE_EID, 3000e18);
        assertEq(s.vault.cashOf(alice), 0);
        assertTrue(liquidator.liquidation(id).finalised);

        vm.expectEmit(address(liquidator));
        emit ILiquidator.SeizeReplyIgnored(id, REMOTE_EID, 3000e18);
        vm.prank(address(s.messenger));
        liquidator.onSeizeResult(id, REMOTE_EID, 3000e18);
        assertEq(s.vault.cashOf(alice), 0);
    }

    function test_liquidate_recordsBadDebtWhenInsolventAndNothingIsLeft() public {
        AccountHealth memory h = _crash();
        uint256 backstopBefore = uint256(s.vault.cashOf(s.backstop));
        _liquidate(h, _order(-10e18));
        assertEq(s.vault.cashOf(alice), 0);
        // backstop: + penalty 200 - reward 100 - bad debt 5200
        assertEq(uint256(s.vault.cashOf(s.backstop)), backstopBefore + 200e6 - 100e6 - 5200e6);
    }

    function test_liquidate_keepsTheDebtWhenTheAccountIsSolvent() public {
        AccountHealth memory h = _crash();
        h.equity = 100e18; // the relay says collateral elsewhere covers it
        _liquidate(h, _order(-10e18));
        assertEq(s.vault.cashOf(alice), -5200e6);
    }

    function test_liquidate_coversDebtWithoutCloses() public {
        AccountHealth memory h = _crash();
        h.equity = 100e18;
        _liquidate(h, _order(-10e18));
        _deposit(s, address(s.weth), alice, 1e18); // later found collateral: 2000 USD
        vm.roll(block.number + 1);
        AccountHealth memory next = _health(s, alice, -3200e18, 0);
        LiquidationOrder memory order;
        _liquidate(next, order);
        assertEq(s.vault.balanceOf(alice, address(s.weth)), 0);
        assertEq(s.vault.cashOf(alice), 0); // 5200 - 2000 - keeper floor 0 = 3200 written off
    }

    // ------------------------------------------------------------------ fuzz

    function testFuzz_discountAt_staysWithinTheSchedule(uint64 a, uint64 b) public view {
        (a, b) = a < b ? (a, b) : (b, a);
        uint256 da = liquidator.discountAt(a);
        uint256 db = liquidator.discountAt(b);
        assertLe(da, db);
        assertGe(da, 0.01e18);
        assertLe(db, 0.05e18);
    }

    function testFuzz_keeperReward_isBounded(uint256 penalty, uint256 gasPrice) public view {
        penalty = bound(penalty, 0, 1e30);
        gasPrice = bound(gasPrice, 0, 1e13);
        uint256 reward = liquidator.keeperReward(penalty, gasPrice);
        assertLe(reward, 2500e18);
        assertGe(reward, penalty / 2 < 2500e18 ? penalty / 2 : 2500e18);
        assertGe(reward, 1e18);
    }

    function testFuzz_liquidate_closesAnySizeWithinThePlan(uint256 maxClose, uint256 size) public {
        maxClose = bound(maxClose, 1, 10e18);
        size = bound(size, 1, 12e18);
        AccountHealth memory h = _unhealthy(maxClose);
        if (size > maxClose) {
            _expectLiquidateRevert(
                h,
                _order(-int256(size)),
                abi.encodeWithSelector(ILiquidator.CloseExceedsPlan.selector, s.ethPerp, size, maxClose)
            );
            return;
        }
        _liquidate(h, _order(-int256(size)));
        assertEq(s.book.position(alice, s.ethPerp).size, 10e18 - int256(size));
        assertEq(s.book.position(s.backstop, s.ethPerp).size, int256(size));
    }
}
