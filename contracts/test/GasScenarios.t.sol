// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {Close, LiquidationOrder, SeizeRoute} from "../src/interfaces/ILiquidator.sol";
import {SignedPermit, Trade} from "../src/interfaces/IPositionBook.sol";
import {AccountHealth, MarginPermit} from "../src/interfaces/IRiskGuard.sol";
import {XmarginTest} from "./utils/XmarginFixture.sol";

/// @notice Typical calls of the three hot paths, measured by `npm run gas` (scripts/gas-report.mjs) into
/// GAS.md. Each test makes one call of the measured function, after warm-up that a real chain would
/// also have (accounts with balances and positions).
contract GasScenariosTest is XmarginTest {
    SignedPermit internal none;

    function setUp() public override {
        super.setUp();
        _deposit(s, address(s.usdc), alice, 5000e6);
        _deposit(s, address(s.usdc), bob, 50_000e6);
        _deposit(s, address(s.weth), carol, 2e18);
        _trade(s, alice, bob, s.ethPerp, 10e18, 3000e18);
        _trade(s, carol, bob, s.ethPerp, 10e18, 3000e18);
        vm.roll(block.number + 1);
    }

    function _order(int256 size) internal view returns (LiquidationOrder memory order) {
        order.closes = new Close[](1);
        order.closes[0] = Close(s.ethPerp, size);
        order.routes = new SeizeRoute[](0);
    }

    function test_gas_withdraw() public {
        MarginPermit memory p = _permit(s, alice, 0, bytes32(uint256(uint160(address(s.usdc)))), 1000e6);
        bytes memory sigs = _sign(s.guard.hashMarginPermit(p), _quorum());
        vm.prank(alice);
        s.vault.withdraw(address(s.usdc), 1000e6, alice, p, sigs);
    }

    function test_gas_settleTrade_increaseBothSides() public {
        SignedPermit memory buyer = _signedPermit(s, alice, 1, bytes32(uint256(s.ethPerp)), 1e18);
        SignedPermit memory seller = _signedPermit(s, bob, 1, bytes32(uint256(s.ethPerp)), 1e18);
        vm.prank(venue);
        s.book.settleTrade(Trade("gas-open", s.ethPerp, alice, bob, 1e18, 3000e18), buyer, seller);
    }

    function test_gas_settleTrade_reduceBothSides() public {
        vm.prank(venue);
        s.book.settleTrade(Trade("gas-close", s.ethPerp, bob, alice, 1e18, 3010e18), none, none);
    }

    function test_gas_liquidate_oneClose() public {
        _setEth(s, 2900);
        vm.roll(block.number + 1);
        AccountHealth memory h = _withMark(_health(s, alice, 4000e18, 4500e18), s.ethPerp, 2900e18, 4e18);
        bytes memory sigs = _signHealth(s, h);
        vm.prank(keeper);
        s.liquidator.liquidate(alice, h, sigs, _order(-4e18));
    }

    function test_gas_liquidate_oneCloseAndLocalSeize() public {
        _setEth(s, 2900);
        vm.roll(block.number + 1);
        AccountHealth memory h = _withMark(_health(s, carol, 4000e18, 4500e18), s.ethPerp, 2900e18, 4e18);
        bytes memory sigs = _signHealth(s, h);
        vm.prank(keeper);
        s.liquidator.liquidate(carol, h, sigs, _order(-4e18));
    }

    function test_gas_liquidate_fullCloseAndRemoteSeize() public {
        _setEth(s, 2000);
        s.oracle.forceAcceptPrice("ETH");
        vm.roll(block.number + 1);
        AccountHealth memory h = _withMark(_health(s, alice, -5000e18, 3000e18), s.ethPerp, 2000e18, 10e18);
        bytes memory sigs = _signHealth(s, h);
        LiquidationOrder memory order = _order(-10e18);
        order.routes = new SeizeRoute[](1);
        order.routes[0] = SeizeRoute(REMOTE_EID, 5200e18);
        vm.prank(keeper);
        s.liquidator.liquidate{value: 100}(alice, h, sigs, order);
    }
}
