// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {CollateralVault} from "../src/CollateralVault.sol";
import {ICollateralVault} from "../src/interfaces/ICollateralVault.sol";
import {IPermitConsumer} from "../src/interfaces/IPermitConsumer.sol";
import {IRiskGuard, MarginPermit} from "../src/interfaces/IRiskGuard.sol";
import {MockERC20} from "../src/mocks/MockERC20.sol";
import {MockFeeOnTransferERC20} from "../src/mocks/MockFeeOnTransferERC20.sol";
import {NoReturnERC20} from "./utils/NoReturnERC20.sol";
import {XmarginTest} from "./utils/XmarginFixture.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";

contract CollateralVaultTest is XmarginTest {
    CollateralVault internal vault;
    address internal seizer = makeAddr("seizer");
    address internal settler = makeAddr("settler");

    function setUp() public override {
        super.setUp();
        vault = s.vault;
        vault.grantRole(vault.SEIZER_ROLE(), seizer);
        vault.grantRole(vault.SETTLER_ROLE(), settler);
    }

    function _withdrawPermit(address account, address asset, uint256 limit)
        internal
        returns (MarginPermit memory p, bytes memory sigs)
    {
        p = _permit(s, account, 0, bytes32(uint256(uint160(asset))), limit);
        sigs = _sign(s.guard.hashMarginPermit(p), _quorum());
    }

    function _tokenSum(address asset, address[] memory holders) internal view returns (int256 sum) {
        for (uint256 i; i < holders.length; ++i) {
            sum += vault.balanceOf(holders[i], asset);
        }
    }

    // ------------------------------------------------------------------ deposit

    function test_deposit_creditsAnyAccount() public {
        s.weth.mint(bob, 2e18);
        vm.startPrank(bob);
        s.weth.approve(address(vault), 2e18);
        vm.expectEmit(address(vault));
        emit ICollateralVault.Deposited(alice, address(s.weth), bob, 2e18, 2e18);
        vault.deposit(address(s.weth), 2e18, alice);
        vm.stopPrank();
        assertEq(vault.balanceOf(alice, address(s.weth)), 2e18);
        assertEq(vault.lastChangeBlock(alice), block.number);
        assertTrue(vault.hasCollateral(alice));
        assertEq(s.weth.balanceOf(address(vault)), 2e18);
    }

    function test_deposit_revertsForUnlistedAsset() public {
        MockERC20 other = new MockERC20("Other", "OTH", 18);
        vm.expectRevert(abi.encodeWithSelector(ICollateralVault.AssetNotListed.selector, address(other)));
        vault.deposit(address(other), 1, alice);
    }

    function test_deposit_revertsForZero() public {
        vm.expectRevert(ICollateralVault.ZeroAmount.selector);
        vault.deposit(address(s.weth), 0, alice);
        vm.expectRevert(ICollateralVault.ZeroAddress.selector);
        vault.deposit(address(s.weth), 1, address(0));
    }

    function test_deposit_revertsBelowMinimum() public {
        MockERC20 dust = new MockERC20("Dust", "DST", 18);
        vault.listAsset(address(dust), "ETH", 1e15);
        vm.expectRevert(abi.encodeWithSelector(ICollateralVault.DepositTooSmall.selector, 1e15 - 1, 1e15));
        vault.deposit(address(dust), 1e15 - 1, alice);
    }

    function test_deposit_revertsForFeeOnTransferToken() public {
        MockFeeOnTransferERC20 fot = new MockFeeOnTransferERC20(100);
        vault.listAsset(address(fot), "ETH", 1);
        fot.mint(address(this), 1e18);
        fot.approve(address(vault), 1e18);
        vm.expectRevert(
            abi.encodeWithSelector(
                ICollateralVault.FeeOnTransferNotSupported.selector, address(fot), 1e18, 0.99e18
            )
        );
        vault.deposit(address(fot), 1e18, alice);
    }

    function test_deposit_andWithdraw_workForNoReturnToken() public {
        NoReturnERC20 usdt = new NoReturnERC20();
        vault.listAsset(address(usdt), "ETH", 1);
        usdt.mint(alice, 5e6);
        vm.startPrank(alice);
        usdt.approve(address(vault), 5e6);
        vault.deposit(address(usdt), 5e6, alice);
        vm.stopPrank();
        (MarginPermit memory p, bytes memory sigs) = _withdrawPermit(alice, address(usdt), 5e6);
        vm.prank(alice);
        vault.withdraw(address(usdt), 5e6, alice, p, sigs);
        assertEq(usdt.balanceOf(alice), 5e6);
    }

    function testFuzz_deposit_conservesBalances(uint256 a, uint256 b) public {
        a = bound(a, 1, 1e30);
        b = bound(b, 1, 1e30);
        _deposit(s, address(s.weth), alice, a);
        _deposit(s, address(s.weth), bob, b);
        address[] memory holders = new address[](2);
        (holders[0], holders[1]) = (alice, bob);
        assertEq(uint256(_tokenSum(address(s.weth), holders)), s.weth.balanceOf(address(vault)));
    }

    // ------------------------------------------------------------------ withdraw

    function test_withdraw_sendsWithPermit() public {
        _deposit(s, address(s.usdc), alice, 100e6);
        (MarginPermit memory p, bytes memory sigs) = _withdrawPermit(alice, address(s.usdc), 60e6);
        vm.expectEmit(address(vault));
        emit ICollateralVault.Withdrawn(alice, address(s.usdc), carol, 60e6, 40e6, p.nonce);
        vm.prank(alice);
        vault.withdraw(address(s.usdc), 60e6, carol, p, sigs);
        assertEq(s.usdc.balanceOf(carol), 60e6);
        assertEq(vault.cashOf(alice), 40e6);
        assertTrue(s.guard.permitUsed(alice, p.nonce));
    }

    function test_withdraw_revertsForAnotherAccountsPermit() public {
        _deposit(s, address(s.usdc), alice, 100e6);
        (MarginPermit memory p, bytes memory sigs) = _withdrawPermit(alice, address(s.usdc), 60e6);
        vm.expectRevert(abi.encodeWithSelector(IPermitConsumer.NotPermitHolder.selector, bob, alice));
        vm.prank(bob);
        vault.withdraw(address(s.usdc), 60e6, bob, p, sigs);
    }

    function test_withdraw_revertsForWrongAction() public {
        _deposit(s, address(s.usdc), alice, 100e6);
        MarginPermit memory p = _permit(s, alice, 1, bytes32(uint256(uint160(address(s.usdc)))), 60e6);
        bytes memory sigs = _sign(s.guard.hashMarginPermit(p), _quorum());
        vm.expectRevert(abi.encodeWithSelector(IPermitConsumer.WrongPermitAction.selector, 1, 0));
        vm.prank(alice);
        vault.withdraw(address(s.usdc), 60e6, alice, p, sigs);
    }

    function test_withdraw_revertsForOtherAsset() public {
        _deposit(s, address(s.weth), alice, 1e18);
        (MarginPermit memory p, bytes memory sigs) = _withdrawPermit(alice, address(s.usdc), 60e6);
        vm.expectRevert(
            abi.encodeWithSelector(
                IPermitConsumer.PermitTargetMismatch.selector,
                p.target,
                bytes32(uint256(uint160(address(s.weth))))
            )
        );
        vm.prank(alice);
        vault.withdraw(address(s.weth), 1, alice, p, sigs);
    }

    function test_withdraw_revertsAboveLimit() public {
        _deposit(s, address(s.usdc), alice, 100e6);
        (MarginPermit memory p, bytes memory sigs) = _withdrawPermit(alice, address(s.usdc), 60e6);
        vm.expectRevert(abi.encodeWithSelector(IPermitConsumer.PermitLimitExceeded.selector, 60e6 + 1, 60e6));
        vm.prank(alice);
        vault.withdraw(address(s.usdc), 60e6 + 1, alice, p, sigs);
    }

    function test_withdraw_revertsAboveBalance() public {
        _deposit(s, address(s.usdc), alice, 10e6);
        (MarginPermit memory p, bytes memory sigs) = _withdrawPermit(alice, address(s.usdc), 60e6);
        vm.expectRevert(
            abi.encodeWithSelector(
                ICollateralVault.InsufficientBalance.selector, alice, address(s.usdc), int256(10e6), 11e6
            )
        );
        vm.prank(alice);
        vault.withdraw(address(s.usdc), 11e6, alice, p, sigs);
    }

    function test_withdraw_revertsWhenPermitReused() public {
        _deposit(s, address(s.usdc), alice, 100e6);
        (MarginPermit memory p, bytes memory sigs) = _withdrawPermit(alice, address(s.usdc), 10e6);
        vm.startPrank(alice);
        vault.withdraw(address(s.usdc), 5e6, alice, p, sigs);
        vm.expectRevert(abi.encodeWithSelector(IRiskGuard.PermitAlreadyUsed.selector, alice, p.nonce));
        vault.withdraw(address(s.usdc), 5e6, alice, p, sigs);
        vm.stopPrank();
    }

    function test_withdraw_revertsForExpiredPermit() public {
        _deposit(s, address(s.usdc), alice, 100e6);
        (MarginPermit memory p, bytes memory sigs) = _withdrawPermit(alice, address(s.usdc), 10e6);
        vm.warp(p.expiry + 1);
        vm.expectRevert(abi.encodeWithSelector(IRiskGuard.PermitExpired.selector, p.expiry, p.expiry + 1));
        vm.prank(alice);
        vault.withdraw(address(s.usdc), 5e6, alice, p, sigs);
    }

    function test_withdraw_revertsForUnsignedPermit() public {
        _deposit(s, address(s.usdc), alice, 100e6);
        (MarginPermit memory p,) = _withdrawPermit(alice, address(s.usdc), 10e6);
        vm.expectRevert(abi.encodeWithSelector(IRiskGuard.BelowThreshold.selector, 0, 2));
        vm.prank(alice);
        vault.withdraw(address(s.usdc), 5e6, alice, p, "");
    }

    function testFuzz_withdraw_anyAmountUpToBalanceAndLimit(uint256 deposited, uint256 limit, uint256 amount)
        public
    {
        deposited = bound(deposited, 1, 1e30);
        limit = bound(limit, 1, 1e30);
        amount = bound(amount, 1, 1e30);
        _deposit(s, address(s.weth), alice, deposited);
        (MarginPermit memory p, bytes memory sigs) = _withdrawPermit(alice, address(s.weth), limit);
        if (amount > limit) {
            vm.expectRevert(
                abi.encodeWithSelector(IPermitConsumer.PermitLimitExceeded.selector, amount, limit)
            );
        } else if (amount > deposited) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    ICollateralVault.InsufficientBalance.selector,
                    alice,
                    address(s.weth),
                    int256(deposited),
                    amount
                )
            );
        }
        vm.prank(alice);
        vault.withdraw(address(s.weth), amount, alice, p, sigs);
        if (amount <= limit && amount <= deposited) {
            assertEq(vault.balanceOf(alice, address(s.weth)), int256(deposited - amount));
            assertEq(s.weth.balanceOf(address(vault)), deposited - amount);
        }
    }

    // ------------------------------------------------------------------ seize

    function test_seizeValue_onlySeizer() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, bob, vault.SEIZER_ROLE()
            )
        );
        vm.prank(bob);
        vault.seizeValue(alice, 1e18, bob, true);
    }

    function test_seizeValue_takesCashFirstThenAssetsAtOraclePrice() public {
        _deposit(s, address(s.usdc), alice, 100e6);
        _deposit(s, address(s.weth), alice, 1e18); // $3000
        _deposit(s, address(s.wbtc), alice, 1e8); // $60000
        vm.prank(seizer);
        uint256 seized = vault.seizeValue(alice, 1600e18, s.backstop, true);
        assertEq(seized, 1600e18);
        assertEq(vault.cashOf(alice), 0);
        // 1500 of ETH at 3000 = 0.5 WETH
        assertEq(vault.balanceOf(alice, address(s.weth)), 0.5e18);
        assertEq(vault.balanceOf(s.backstop, address(s.weth)), 0.5e18);
        assertEq(vault.balanceOf(alice, address(s.wbtc)), 1e8);
    }

    function test_seizeValue_intoTheSameAccountDoesNothing() public {
        _deposit(s, address(s.weth), alice, 1e18);
        vm.prank(seizer);
        assertEq(vault.seizeValue(alice, 1000e18, alice, true), 0);
        assertEq(vault.balanceOf(alice, address(s.weth)), 1e18);
    }

    function test_seizeValue_leavesCashWhenExcluded() public {
        _deposit(s, address(s.usdc), alice, 100e6);
        _deposit(s, address(s.weth), alice, 1e18);
        vm.prank(seizer);
        uint256 seized = vault.seizeValue(alice, 6000e18, s.backstop, false);
        assertEq(seized, 3000e18);
        assertEq(vault.cashOf(alice), 100e6);
        assertFalse(vault.hasCollateral(alice));
    }

    function test_seizeValue_skipsAssetsWithoutPrice() public {
        _deposit(s, address(s.weth), alice, 1e18);
        _deposit(s, address(s.wbtc), alice, 1e8);
        s.ethFeed.setRound(3000e8, block.timestamp - 3601); // stale
        vm.prank(seizer);
        uint256 seized = vault.seizeValue(alice, 1000e18, s.backstop, true);
        // ceil(1000 USD / 0.0006 USD per sat) = 1 666 667 sats, worth 1000.0002 USD: rounded against the account
        assertEq(seized, 1000.0002e18);
        assertEq(vault.balanceOf(alice, address(s.weth)), 1e18);
        assertLt(vault.balanceOf(alice, address(s.wbtc)), 1e8);
    }

    function testFuzz_seizeValue_roundsAgainstTheAccount(uint256 wbtcUnits, uint256 maxUsd, uint256 btcPrice)
        public
    {
        wbtcUnits = bound(wbtcUnits, 1, 1e12);
        maxUsd = bound(maxUsd, 1, 1e26);
        btcPrice = bound(btcPrice, 1, 1e14);
        s.btcFeed.setAnswer(int256(btcPrice));
        s.oracle.forceAcceptPrice("BTC");
        _deposit(s, address(s.wbtc), alice, wbtcUnits);
        vm.prank(seizer);
        uint256 seized = vault.seizeValue(alice, maxUsd, s.backstop, true);
        uint256 taken = wbtcUnits - uint256(vault.balanceOf(alice, address(s.wbtc)));
        uint256 priceWad = btcPrice * 1e10;
        // the value credited never exceeds what was taken, and covers maxUsd unless the balance ran out
        assertLe(seized, taken * priceWad / 1e8);
        if (taken < wbtcUnits) assertGe(seized, maxUsd);
        assertEq(uint256(vault.balanceOf(s.backstop, address(s.wbtc))), taken);
    }

    // ------------------------------------------------------------------ cash

    function test_settleCash_roundsAgainstTheAccount() public {
        vm.startPrank(settler);
        assertEq(vault.settleCash(alice, 1.9999999e12, bob), 1); // 1.9999999e12 wad = 1.9999999 units, down
        assertEq(vault.settleCash(alice, -1.0000001e12, bob), -2); // up
        vm.stopPrank();
        assertEq(vault.cashOf(alice), -1);
        assertEq(vault.cashOf(bob), 1);
    }

    function test_settleCash_onlySettler() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, bob, vault.SETTLER_ROLE()
            )
        );
        vm.prank(bob);
        vault.settleCash(alice, 1, bob);
    }

    function testFuzz_settleCash_conservesUnits(int256 usd) public {
        usd = bound(usd, -1e36, 1e36);
        vm.prank(settler);
        int256 units = vault.settleCash(alice, usd, bob);
        assertEq(vault.cashOf(alice) + vault.cashOf(bob), 0);
        assertEq(vault.cashOf(alice), units);
        // credits never exceed, debits never fall short of, the USD amount
        assertLe(units * 1e12, usd);
        assertGt(units * 1e12 + 1e12, usd);
    }

    function test_payOut_sendsTokensFromLedger() public {
        vm.prank(settler);
        vault.payOut(s.backstop, 5e6, keeper);
        assertEq(s.usdc.balanceOf(keeper), 5e6);
        assertEq(vault.cashOf(s.backstop), 1_000_000e6 - 5e6);
    }

    function test_transferCash_movesUnits() public {
        vm.prank(settler);
        vm.expectEmit(address(vault));
        emit ICollateralVault.CashMoved(s.backstop, alice, 7, 1_000_000e6 - 7, 7);
        vault.transferCash(s.backstop, alice, 7);
    }

    // ------------------------------------------------------------------ admin

    function test_listAsset_revertsForDuplicateAndTooMany() public {
        vm.expectRevert(abi.encodeWithSelector(ICollateralVault.AssetAlreadyListed.selector, address(s.weth)));
        vault.listAsset(address(s.weth), "ETH", 1);
        for (uint256 i = 3; i < 16; ++i) {
            vault.listAsset(address(new MockERC20("T", "T", 18)), "ETH", 1);
        }
        address extra = address(new MockERC20("T", "T", 18));
        vm.expectRevert(abi.encodeWithSelector(ICollateralVault.TooManyAssets.selector, 16));
        vault.listAsset(extra, "ETH", 1);
    }

    function test_listAsset_revertsForTooManyDecimals() public {
        MockERC20 wide = new MockERC20("Wide", "W", 37);
        vm.expectRevert(abi.encodeWithSelector(ICollateralVault.UnsupportedDecimals.selector, 37));
        vault.listAsset(address(wide), "ETH", 1);
    }

    function test_constructor_revertsForSettlementAbove18Decimals() public {
        MockERC20 wide = new MockERC20("Wide", "W", 19);
        vm.expectRevert(abi.encodeWithSelector(ICollateralVault.UnsupportedDecimals.selector, 19));
        new CollateralVault(admin, address(wide), 1, address(s.oracle), address(s.guard), s.backstop);
    }

    function test_setBackstop_onlyAdmin() public {
        vault.setBackstop(carol);
        assertEq(vault.backstop(), carol);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, bob, vault.DEFAULT_ADMIN_ROLE()
            )
        );
        vm.prank(bob);
        vault.setBackstop(bob);
    }

    function test_withdraw_revertsForZeroAmountRecipientOrUnlistedAsset() public {
        _deposit(s, address(s.usdc), alice, 100e6);
        (MarginPermit memory p, bytes memory sigs) = _withdrawPermit(alice, address(s.usdc), 60e6);
        vm.startPrank(alice);
        vm.expectRevert(ICollateralVault.ZeroAmount.selector);
        vault.withdraw(address(s.usdc), 0, alice, p, sigs);
        vm.expectRevert(ICollateralVault.ZeroAddress.selector);
        vault.withdraw(address(s.usdc), 1, address(0), p, sigs);
        vm.stopPrank();
        MockERC20 other = new MockERC20("Other", "OTH", 18);
        (p, sigs) = _withdrawPermit(alice, address(other), 1);
        vm.expectRevert(abi.encodeWithSelector(ICollateralVault.AssetNotListed.selector, address(other)));
        vm.prank(alice);
        vault.withdraw(address(other), 1, alice, p, sigs);
    }

    function test_transferCashAndPayOut_onlySettler() public {
        bytes memory unauthorized = abi.encodeWithSelector(
            IAccessControl.AccessControlUnauthorizedAccount.selector, bob, vault.SETTLER_ROLE()
        );
        vm.startPrank(bob);
        vm.expectRevert(unauthorized);
        vault.transferCash(s.backstop, bob, 1);
        vm.expectRevert(unauthorized);
        vault.payOut(s.backstop, 1, bob);
        vm.stopPrank();
    }
}
