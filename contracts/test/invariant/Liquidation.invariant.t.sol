// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {XmarginTest} from "../utils/XmarginFixture.sol";
import {LiquidationHandler} from "./handlers/LiquidationHandler.sol";

/// @notice Safety of the attestation and liquidation path under random trading, prices, attestations
/// and replays: no healthy account is liquidated, an attestation or a permit is accepted once, a
/// liquidation never closes more than the plan allows (nor moves a position away from zero), cash is
/// conserved and positions net to zero.
contract LiquidationInvariantTest is XmarginTest {
    LiquidationHandler internal handler;

    function setUp() public override {
        super.setUp();
        s.oracle.setFeed("ETH", address(s.ethFeed), 3600, 0); // random walks, no deviation band
        handler = new LiquidationHandler(s);
        s.ethFeed.transferOwnership(address(handler));
        for (uint256 i; i < handler.actorCount(); ++i) {
            _deposit(s, address(s.usdc), handler.actors(i), 100_000e6);
        }
        targetContract(address(handler));
    }

    function invariant_noHealthyAccountIsLiquidated() public view {
        assertEq(handler.healthyLiquidated(), 0, "liquidated on a healthy attestation");
        assertEq(
            handler.liquidatedBelowHealthySequence(),
            0,
            "liquidated with an attestation older than a healthy one"
        );
    }

    function invariant_attestationsAndPermitsAreAcceptedOnce() public view {
        assertEq(handler.attestationsAcceptedTwice(), 0, "attestation accepted twice");
        assertEq(handler.permitsAcceptedTwice(), 0, "permit accepted twice");
    }

    function invariant_liquidationNeverClosesMoreThanPlanned() public view {
        assertEq(handler.overClosed(), 0, "closed more than maxClose");
        assertEq(handler.wrongDirection(), 0, "moved a position away from zero");
    }

    function invariant_cashIsConservedAndPositionsNetToZero() public view {
        int256 cash = s.vault.cashOf(s.backstop) + s.vault.cashOf(address(s.book));
        int256 net = s.book.position(s.backstop, s.ethPerp).size;
        for (uint256 i; i < handler.actorCount(); ++i) {
            cash += s.vault.cashOf(handler.actors(i));
            net += s.book.position(handler.actors(i), s.ethPerp).size;
        }
        assertEq(cash, int256(s.usdc.balanceOf(address(s.vault))), "cash ledger != USDC held");
        assertEq(net, 0, "positions do not net to zero");
    }

    /// The handler's liquidation path does liquidate (so the invariants above are not vacuous).
    function test_handler_liquidatesAnUnhealthyAccount() public {
        handler.trade(0, 1, 10e18, 0);
        handler.liquidate(0, -1, 1e18, type(uint256).max, 1, 1);
        assertEq(handler.liquidations(), 1);
        handler.replayHealth(0, true);
        handler.replayHealth(0, false);
        assertEq(handler.attestationsAcceptedTwice(), 0);
    }
}
