// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {MockERC20} from "../../src/mocks/MockERC20.sol";
import {MockFeeOnTransferERC20} from "../../src/mocks/MockFeeOnTransferERC20.sol";
import {XmarginTest} from "../utils/XmarginFixture.sol";
import {VaultHandler} from "./handlers/VaultHandler.sol";

/// @notice Collateral is conserved: for every asset, the vault's ledger (accounts, backstop, P&L pool)
/// sums to the tokens it holds, whatever mix of deposits, withdrawals, seizures and cash moves ran.
contract VaultConservationInvariantTest is XmarginTest {
    VaultHandler internal handler;

    function setUp() public override {
        super.setUp();
        MockFeeOnTransferERC20 fot = new MockFeeOnTransferERC20(50);
        s.vault.listAsset(address(fot), "ETH", 1);
        // price feeds without deviation band, so random moves stay readable
        s.oracle.setFeed("ETH", address(s.ethFeed), 3600, 0);
        s.oracle.setFeed("BTC", address(s.btcFeed), 3600, 0);
        handler = new VaultHandler(s, fot);
        s.ethFeed.transferOwnership(address(handler));
        s.btcFeed.transferOwnership(address(handler));
        s.vault.grantRole(s.vault.SEIZER_ROLE(), address(handler));
        s.vault.grantRole(s.vault.SETTLER_ROLE(), address(handler));
        targetContract(address(handler));
    }

    function invariant_ledgerEqualsTokenBalances() public view {
        for (uint256 t; t < handler.tokenCount(); ++t) {
            address token = handler.tokens(t);
            int256 sum;
            for (uint256 h; h < handler.holderCount(); ++h) {
                sum += s.vault.balanceOf(handler.holders(h), token);
            }
            assertEq(sum, int256(MockERC20(token).balanceOf(address(s.vault))), "ledger != tokens");
        }
    }

    function invariant_collateralBalancesNeverNegative() public view {
        // every token but the settlement asset (index 0), whose balance is cash and may be negative
        for (uint256 t = 1; t < handler.tokenCount(); ++t) {
            for (uint256 h; h < handler.holderCount(); ++h) {
                assertGe(s.vault.balanceOf(handler.holders(h), handler.tokens(t)), 0);
            }
        }
    }

    function invariant_feeOnTransferTokensAreNeverAccepted() public view {
        assertEq(handler.fotAccepted(), 0);
        assertEq(s.vault.balanceOf(alice, address(handler.fot())), 0);
    }
}
