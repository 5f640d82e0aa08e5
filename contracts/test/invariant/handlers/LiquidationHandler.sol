// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {Close, LiquidationOrder, SeizeRoute} from "../../../src/interfaces/ILiquidator.sol";
import {SignedPermit, Trade} from "../../../src/interfaces/IPositionBook.sol";
import {AccountHealth} from "../../../src/interfaces/IRiskGuard.sol";
import {XmarginFixture} from "../../utils/XmarginFixture.sol";

/// @notice Trades, moves prices, posts healthy attestations and tries liquidations with random
/// (healthy or unhealthy) attestations and random close sizes, and replays attestations and permits.
/// Ghost counters record every success that would break a safety property; the invariants read them.
contract LiquidationHandler is XmarginFixture {
    System internal sys;
    address[] public actors;
    address public dave = makeAddr("dave");

    // ghosts
    uint256 public liquidations;
    uint256 public healthyLiquidated;
    uint256 public liquidatedBelowHealthySequence;
    uint256 public overClosed;
    uint256 public wrongDirection;
    /// An attestation stored twice by the RiskGuard, or serving two liquidations.
    uint256 public attestationsAcceptedTwice;
    uint256 public permitsAcceptedTwice;
    mapping(address account => uint64) public lastHealthySequence;
    mapping(bytes32 key => bool) internal _posted;
    mapping(bytes32 key => bool) internal _liquidated;
    bytes[] internal _acceptedHealth; // abi.encode(AccountHealth, signatures)
    bytes[] internal _usedPermits; // abi.encode(SignedPermit)
    mapping(bytes4 => uint256) public calls;

    constructor(System memory system) {
        sys = system;
        _initSigners();
        actors.push(alice);
        actors.push(bob);
        actors.push(carol);
        actors.push(dave);
    }

    function actorCount() external view returns (uint256) {
        return actors.length;
    }

    function _actor(uint256 seed) internal view returns (address) {
        return actors[seed % actors.length];
    }

    function _abs(int256 x) internal pure returns (uint256) {
        return uint256(x >= 0 ? x : -x);
    }

    function _spot() internal view returns (uint256) {
        return sys.oracle.price("ETH");
    }

    // ------------------------------------------------------------------ actions

    function deposit(uint256 actorSeed, uint256 amount) external {
        calls[msg.sig]++;
        _deposit(sys, address(sys.usdc), _actor(actorSeed), bound(amount, 1e6, 1e12));
    }

    function trade(uint256 buyerSeed, uint256 sellerSeed, uint256 size, uint256 priceSeed) external {
        calls[msg.sig]++;
        address buyer = _actor(buyerSeed);
        address seller = _actor(sellerSeed);
        if (buyer == seller) seller = _actor(sellerSeed + 1);
        size = bound(size, 1e15, 20e18);
        uint256 spot = _spot();
        uint256 price = bound(priceSeed, spot * 95 / 100, spot * 105 / 100);
        SignedPermit memory buyerPermit = _signedPermit(sys, buyer, 1, bytes32(uint256(sys.ethPerp)), size);
        SignedPermit memory sellerPermit = _signedPermit(sys, seller, 1, bytes32(uint256(sys.ethPerp)), size);
        vm.prank(venue);
        try sys.book
            .settleTrade(
                Trade(keccak256(abi.encode(++_tradeCount)), sys.ethPerp, buyer, seller, size, price),
                buyerPermit,
                sellerPermit
            ) {
            if (sys.guard.permitUsed(buyer, buyerPermit.permit.nonce)) {
                _usedPermits.push(abi.encode(buyerPermit));
            }
            if (sys.guard.permitUsed(seller, sellerPermit.permit.nonce)) {
                _usedPermits.push(abi.encode(sellerPermit));
            }
        } catch {}
    }

    /// Re-presents a consumed IncreaseRisk permit for a trade that needs it.
    function replayPermit(uint256 index, uint256 counterpartySeed) external {
        calls[msg.sig]++;
        if (_usedPermits.length == 0) return;
        SignedPermit memory used = abi.decode(_usedPermits[index % _usedPermits.length], (SignedPermit));
        address account = used.permit.account;
        int256 current = sys.book.position(account, sys.ethPerp).size;
        address counterparty = _actor(counterpartySeed);
        if (counterparty == account) counterparty = _actor(counterpartySeed + 1);
        uint256 size = used.permit.limit;
        SignedPermit memory fresh = _signedPermit(sys, counterparty, 1, bytes32(uint256(sys.ethPerp)), size);
        // the replayed side's risk grows whichever way it trades: buy when flat or long, sell when short
        bool buy = current >= 0;
        Trade memory t = Trade(
            keccak256(abi.encode(++_tradeCount)),
            sys.ethPerp,
            buy ? account : counterparty,
            buy ? counterparty : account,
            size,
            _spot()
        );
        vm.prank(venue);
        try sys.book.settleTrade(t, buy ? used : fresh, buy ? fresh : used) {
            permitsAcceptedTwice++;
        } catch {}
    }

    function movePrice(uint256 bps) external {
        calls[msg.sig]++;
        uint256 spot = _spot();
        uint256 next = spot * bound(bps, 9000, 11_000) / 10_000;
        sys.ethFeed.setAnswer(int256(next / 1e10));
    }

    function warp(uint256 secondsForward) external {
        calls[msg.sig]++;
        vm.warp(block.timestamp + bound(secondsForward, 0, 300));
        vm.roll(block.number + 1);
        sys.ethFeed.setAnswer(sys.ethFeed.latestAnswer()); // keep the feed within its heartbeat
    }

    function postHealthy(uint256 actorSeed, uint256 margin) external {
        calls[msg.sig]++;
        address account = _actor(actorSeed);
        uint256 maintenanceMargin = bound(margin, 0, 1e24);
        AccountHealth memory h = _health(sys, account, int256(maintenanceMargin) + 1, maintenanceMargin);
        bytes memory sigs = _signHealth(sys, h);
        try sys.guard.postHealth(h, sigs) {
            _recordPosted(h, sigs);
            lastHealthySequence[account] = h.sequence;
        } catch {}
    }

    struct Attempt {
        address account;
        int256 sizeBefore;
        int256 equity;
        uint256 maintenanceMargin;
        uint256 maxClose;
        int256 close;
        bool frontRun;
    }

    function liquidate(
        uint256 actorSeed,
        int256 equity,
        uint256 maintenanceMargin,
        uint256 maxCloseSeed,
        uint256 closeSeed,
        uint256 directionSeed
    ) external {
        calls[msg.sig]++;
        vm.roll(block.number + 1);
        Attempt memory attempt;
        attempt.account = _actor(actorSeed);
        attempt.sizeBefore = sys.book.position(attempt.account, sys.ethPerp).size;
        uint256 sizeAbs = _abs(attempt.sizeBefore);
        attempt.equity = bound(equity, -1e24, 1e24);
        attempt.maintenanceMargin = bound(maintenanceMargin, 0, 1e24);
        attempt.maxClose = bound(maxCloseSeed, 0, sizeAbs);
        uint256 closeAbs = bound(closeSeed, 1, sizeAbs * 2 + 1);
        // mostly toward zero; one in five the wrong way
        bool towardZero = directionSeed % 5 != 0;
        attempt.close = (attempt.sizeBefore > 0) == towardZero ? -int256(closeAbs) : int256(closeAbs);
        attempt.frontRun = directionSeed % 3 == 1;
        _tryLiquidate(attempt);
    }

    function _tryLiquidate(Attempt memory attempt) internal {
        AccountHealth memory h = _health(sys, attempt.account, attempt.equity, attempt.maintenanceMargin);
        h = _withMark(h, sys.ethPerp, _spot(), attempt.maxClose);
        bytes memory sigs = _signHealth(sys, h);
        LiquidationOrder memory order;
        order.closes = new Close[](1);
        order.closes[0] = Close(sys.ethPerp, attempt.close);
        order.routes = new SeizeRoute[](0);
        uint64 healthyBarrier = lastHealthySequence[attempt.account];
        // one in three: someone posts the keeper's attestation first (front-running)
        if (attempt.frontRun) {
            try sys.guard.postHealth(h, sigs) {
                _recordPosted(h, sigs);
            } catch {}
        }
        try sys.liquidator.liquidate(attempt.account, h, sigs, order) {
            liquidations++;
            if (attempt.equity >= int256(attempt.maintenanceMargin)) healthyLiquidated++;
            if (h.sequence <= healthyBarrier) liquidatedBelowHealthySequence++;
            int256 sizeAfter = sys.book.position(attempt.account, sys.ethPerp).size;
            if (_abs(attempt.sizeBefore - sizeAfter) > attempt.maxClose) overClosed++;
            if (
                _abs(sizeAfter) > _abs(attempt.sizeBefore)
                    || (sizeAfter != 0 && (sizeAfter > 0) != (attempt.sizeBefore > 0))
            ) wrongDirection++;
            bytes32 key = keccak256(abi.encode(h.account, h.sequence));
            if (_liquidated[key]) attestationsAcceptedTwice++;
            _liquidated[key] = true;
            if (!_posted[key]) _recordPosted(h, sigs);
        } catch {}
    }

    /// Re-presents an attestation that was already accepted, to the RiskGuard or to the Liquidator.
    function replayHealth(uint256 index, bool viaLiquidator) external {
        calls[msg.sig]++;
        if (_acceptedHealth.length == 0) return;
        (AccountHealth memory h, bytes memory sigs) =
            abi.decode(_acceptedHealth[index % _acceptedHealth.length], (AccountHealth, bytes));
        if (viaLiquidator) {
            LiquidationOrder memory order;
            order.closes = new Close[](1);
            int256 size = sys.book.position(h.account, sys.ethPerp).size;
            order.closes[0] = Close(sys.ethPerp, size > 0 ? int256(-1) : int256(1));
            try sys.liquidator.liquidate(h.account, h, sigs, order) {
                // legitimate only for a posted (front-run) attestation that never served a liquidation
                bytes32 key = keccak256(abi.encode(h.account, h.sequence));
                if (_liquidated[key]) attestationsAcceptedTwice++;
                _liquidated[key] = true;
                liquidations++;
                if (h.equity >= int256(h.maintenanceMargin)) healthyLiquidated++;
                if (h.sequence <= lastHealthySequence[h.account]) liquidatedBelowHealthySequence++;
            } catch {}
        } else {
            try sys.guard.postHealth(h, sigs) {
                attestationsAcceptedTwice++;
            } catch {}
        }
    }

    function _recordPosted(AccountHealth memory h, bytes memory sigs) internal {
        bytes32 key = keccak256(abi.encode(h.account, h.sequence));
        if (_posted[key]) attestationsAcceptedTwice++;
        _posted[key] = true;
        _acceptedHealth.push(abi.encode(h, sigs));
    }
}
