// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {PositionBook} from "../src/PositionBook.sol";
import {IPermitConsumer} from "../src/interfaces/IPermitConsumer.sol";
import {
    ChangeReason,
    IPositionBook,
    Instrument,
    InstrumentKind,
    Position,
    SignedPermit,
    Trade
} from "../src/interfaces/IPositionBook.sol";
import {IRiskGuard} from "../src/interfaces/IRiskGuard.sol";
import {XmarginTest} from "./utils/XmarginFixture.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";

contract PositionBookTest is XmarginTest {
    PositionBook internal book;
    SignedPermit internal none;

    function setUp() public override {
        super.setUp();
        book = s.book;
    }

    function _t(bytes32 id, uint32 instrumentId, address buyer, address seller, uint256 size, uint256 price)
        internal
        pure
        returns (Trade memory)
    {
        return Trade(id, instrumentId, buyer, seller, size, price);
    }

    function _increase(address account, uint32 instrumentId, uint256 limit)
        internal
        returns (SignedPermit memory)
    {
        return _signedPermit(s, account, 1, bytes32(uint256(instrumentId)), limit);
    }

    function _pool() internal view returns (address) {
        return address(book);
    }

    // ------------------------------------------------------------------ listing

    function test_listInstrument_assignsSequentialIds() public {
        vm.expectEmit(address(book));
        emit IPositionBook.InstrumentListed(5, InstrumentKind.Perp, "SOL", 0, 0, false);
        uint32 id = book.listInstrument(Instrument(InstrumentKind.Perp, "SOL", 0, 0, false));
        assertEq(id, 5);
        assertEq(book.instrumentCount(), 5);
        assertEq(book.instrument(s.ethCall).strike, 3000e18);
    }

    function test_listInstrument_rejectsMalformed() public {
        vm.expectRevert(IPositionBook.InvalidInstrument.selector);
        book.listInstrument(Instrument(InstrumentKind.Perp, "SOL", 1, 0, false));
        vm.expectRevert(IPositionBook.InvalidInstrument.selector);
        book.listInstrument(Instrument(InstrumentKind.Option, "SOL", uint64(block.timestamp), 1, true));
        vm.expectRevert(IPositionBook.InvalidInstrument.selector);
        book.listInstrument(Instrument(InstrumentKind.Option, "SOL", uint64(block.timestamp + 1), 0, true));
        vm.expectRevert(IPositionBook.InvalidInstrument.selector);
        book.listInstrument(Instrument(InstrumentKind.Perp, bytes32(0), 0, 0, false));
    }

    function test_listInstrument_onlyAdmin() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, bob, book.DEFAULT_ADMIN_ROLE()
            )
        );
        vm.prank(bob);
        book.listInstrument(Instrument(InstrumentKind.Perp, "SOL", 0, 0, false));
    }

    // ------------------------------------------------------------------ settleTrade

    function test_settleTrade_opensBothSidesWithPermits() public {
        SignedPermit memory buyerPermit = _increase(alice, s.ethPerp, 2e18);
        SignedPermit memory sellerPermit = _increase(bob, s.ethPerp, 2e18);
        vm.expectEmit(address(book));
        emit IPositionBook.PositionChanged(
            alice, s.ethPerp, 2e18, 6000e18, 0, 2e18, 3000e18, 0, 0, ChangeReason.Trade
        );
        vm.expectEmit(address(book));
        emit IPositionBook.PositionChanged(
            bob, s.ethPerp, -2e18, -6000e18, 0, -2e18, 3000e18, 0, 0, ChangeReason.Trade
        );
        vm.prank(venue);
        book.settleTrade(_t("t1", s.ethPerp, alice, bob, 2e18, 3000e18), buyerPermit, sellerPermit);
        assertEq(book.position(alice, s.ethPerp).size, 2e18);
        assertEq(book.position(bob, s.ethPerp).size, -2e18);
        assertEq(book.openPositionCount(alice), 1);
        assertEq(book.lastChangeBlock(alice), block.number);
        assertTrue(book.tradeSettled("t1"));
        assertTrue(s.guard.permitUsed(alice, buyerPermit.permit.nonce));
        assertTrue(s.guard.permitUsed(bob, sellerPermit.permit.nonce));
    }

    function test_settleTrade_revertsWithoutPermitForIncrease() public {
        SignedPermit memory bobs = _increase(bob, s.ethPerp, 1e18);
        vm.expectRevert(abi.encodeWithSelector(IPositionBook.PermitRequired.selector, alice, s.ethPerp, 1e18));
        vm.prank(venue);
        book.settleTrade(_t("t1", s.ethPerp, alice, bob, 1e18, 3000e18), none, bobs);
    }

    function test_settleTrade_reducingNeedsNoPermit() public {
        _trade(s, alice, bob, s.ethPerp, 2e18, 3000e18);
        vm.prank(venue);
        book.settleTrade(_t("t2", s.ethPerp, bob, alice, 1e18, 3000e18), none, none);
        assertEq(book.position(alice, s.ethPerp).size, 1e18);
        assertEq(book.position(bob, s.ethPerp).size, -1e18);
    }

    function test_settleTrade_flipNeedsPermitForTheNewSide() public {
        _trade(s, alice, bob, s.ethPerp, 1e18, 3000e18);
        // alice sells 3: from +1 to -2, a new short of 2
        SignedPermit memory bobs = _increase(bob, s.ethPerp, 3e18);
        vm.expectRevert(abi.encodeWithSelector(IPositionBook.PermitRequired.selector, alice, s.ethPerp, 2e18));
        vm.prank(venue);
        book.settleTrade(_t("t2", s.ethPerp, bob, alice, 3e18, 3000e18), bobs, none);
        SignedPermit memory small = _increase(alice, s.ethPerp, 2e18 - 1);
        vm.expectRevert(abi.encodeWithSelector(IPermitConsumer.PermitLimitExceeded.selector, 2e18, 2e18 - 1));
        vm.prank(venue);
        book.settleTrade(_t("t2", s.ethPerp, bob, alice, 3e18, 3000e18), bobs, small);
        SignedPermit memory enough = _increase(alice, s.ethPerp, 2e18);
        vm.prank(venue);
        book.settleTrade(_t("t2", s.ethPerp, bob, alice, 3e18, 3000e18), bobs, enough);
        assertEq(book.position(alice, s.ethPerp).size, -2e18);
        assertEq(book.position(alice, s.ethPerp).openNotional, -6000e18);
    }

    function test_settleTrade_directionalPermitsAllowTheirSideOnly() public {
        // alice buys 2 with an IncreaseLong permit, bob sells 2 with an IncreaseShort permit
        SignedPermit memory long_ = _signedPermit(s, alice, 2, bytes32(uint256(s.ethPerp)), 2e18);
        SignedPermit memory short_ = _signedPermit(s, bob, 3, bytes32(uint256(s.ethPerp)), 2e18);
        vm.prank(venue);
        book.settleTrade(_t("t1", s.ethPerp, alice, bob, 2e18, 3000e18), long_, short_);
        assertEq(book.position(alice, s.ethPerp).size, 2e18);
        assertEq(book.position(bob, s.ethPerp).size, -2e18);
    }

    function test_settleTrade_revertsForAPermitOfTheOtherSide() public {
        // an IncreaseShort permit cannot open a long, nor an IncreaseLong a short
        SignedPermit memory wrongLong = _signedPermit(s, alice, 3, bytes32(uint256(s.ethPerp)), 1e18);
        SignedPermit memory bobs = _increase(bob, s.ethPerp, 1e18);
        vm.expectRevert(abi.encodeWithSelector(IPermitConsumer.WrongPermitAction.selector, 3, 2));
        vm.prank(venue);
        book.settleTrade(_t("t1", s.ethPerp, alice, bob, 1e18, 3000e18), wrongLong, bobs);
        SignedPermit memory alices = _increase(alice, s.ethPerp, 1e18);
        SignedPermit memory wrongShort = _signedPermit(s, bob, 2, bytes32(uint256(s.ethPerp)), 1e18);
        vm.expectRevert(abi.encodeWithSelector(IPermitConsumer.WrongPermitAction.selector, 2, 3));
        vm.prank(venue);
        book.settleTrade(_t("t1", s.ethPerp, alice, bob, 1e18, 3000e18), alices, wrongShort);
    }

    function test_settleTrade_flipTakesThePermitOfTheNewSide() public {
        _trade(s, alice, bob, s.ethPerp, 1e18, 3000e18);
        // alice sells 3: from +1 to -2, so the risk added is short
        SignedPermit memory bobs = _increase(bob, s.ethPerp, 3e18);
        SignedPermit memory long_ = _signedPermit(s, alice, 2, bytes32(uint256(s.ethPerp)), 2e18);
        vm.expectRevert(abi.encodeWithSelector(IPermitConsumer.WrongPermitAction.selector, 2, 3));
        vm.prank(venue);
        book.settleTrade(_t("t2", s.ethPerp, bob, alice, 3e18, 3000e18), bobs, long_);
        SignedPermit memory short_ = _signedPermit(s, alice, 3, bytes32(uint256(s.ethPerp)), 2e18);
        vm.prank(venue);
        book.settleTrade(_t("t2", s.ethPerp, bob, alice, 3e18, 3000e18), bobs, short_);
        assertEq(book.position(alice, s.ethPerp).size, -2e18);
    }

    /// Any permit action other than 1, or the side the position ends on, is refused.
    function testFuzz_settleTrade_permitActionMustMatchTheSide(uint8 action, bool buy) public {
        action = uint8(bound(action, 0, 8));
        address account = buy ? alice : bob;
        SignedPermit memory permit = _signedPermit(s, account, action, bytes32(uint256(s.ethPerp)), 1e18);
        SignedPermit memory other = _increase(buy ? bob : alice, s.ethPerp, 1e18);
        uint8 side = buy ? 2 : 3;
        if (action != 1 && action != side) {
            vm.expectRevert(abi.encodeWithSelector(IPermitConsumer.WrongPermitAction.selector, action, side));
        }
        vm.prank(venue);
        book.settleTrade(
            _t("t1", s.ethPerp, alice, bob, 1e18, 3000e18), buy ? permit : other, buy ? other : permit
        );
    }

    function test_settleTrade_revertsForPermitOfAnotherAccount() public {
        SignedPermit memory bobs = _increase(bob, s.ethPerp, 1e18);
        SignedPermit memory carols = _increase(carol, s.ethPerp, 1e18);
        vm.expectRevert(abi.encodeWithSelector(IPermitConsumer.NotPermitHolder.selector, alice, bob));
        vm.prank(venue);
        book.settleTrade(_t("t1", s.ethPerp, alice, carol, 1e18, 3000e18), bobs, carols);
    }

    function test_settleTrade_revertsForPermitOfAnotherInstrument() public {
        SignedPermit memory btc = _increase(alice, s.btcPerp, 1e18);
        SignedPermit memory bobs = _increase(bob, s.ethPerp, 1e18);
        vm.expectRevert(
            abi.encodeWithSelector(
                IPermitConsumer.PermitTargetMismatch.selector,
                bytes32(uint256(s.btcPerp)),
                bytes32(uint256(s.ethPerp))
            )
        );
        vm.prank(venue);
        book.settleTrade(_t("t1", s.ethPerp, alice, bob, 1e18, 3000e18), btc, bobs);
    }

    function test_settleTrade_revertsForWithdrawPermit() public {
        SignedPermit memory withdrawal = _signedPermit(s, alice, 0, bytes32(uint256(s.ethPerp)), 1e18);
        SignedPermit memory bobs = _increase(bob, s.ethPerp, 1e18);
        vm.expectRevert(abi.encodeWithSelector(IPermitConsumer.WrongPermitAction.selector, 0, 2));
        vm.prank(venue);
        book.settleTrade(_t("t1", s.ethPerp, alice, bob, 1e18, 3000e18), withdrawal, bobs);
    }

    function test_settleTrade_revertsWhenPermitReused() public {
        SignedPermit memory p = _increase(alice, s.ethPerp, 5e18);
        SignedPermit memory bobs = _increase(bob, s.ethPerp, 1e18);
        vm.prank(venue);
        book.settleTrade(_t("t1", s.ethPerp, alice, bob, 1e18, 3000e18), p, bobs);
        bobs = _increase(bob, s.ethPerp, 1e18);
        vm.expectRevert(abi.encodeWithSelector(IRiskGuard.PermitAlreadyUsed.selector, alice, p.permit.nonce));
        vm.prank(venue);
        book.settleTrade(_t("t2", s.ethPerp, alice, bob, 1e18, 3000e18), p, bobs);
    }

    function test_settleTrade_revertsWhenSettledTwice() public {
        _trade(s, alice, bob, s.ethPerp, 1e18, 3000e18);
        bytes32 id = keccak256(abi.encode(_tradeCount));
        vm.expectRevert(abi.encodeWithSelector(IPositionBook.TradeAlreadySettled.selector, id));
        vm.prank(venue);
        book.settleTrade(_t(id, s.ethPerp, bob, alice, 1e18, 3000e18), none, none);
    }

    function test_settleTrade_revertsForNonVenue() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, alice, book.VENUE_ROLE()
            )
        );
        vm.prank(alice);
        book.settleTrade(_t("t1", s.ethPerp, alice, bob, 1e18, 3000e18), none, none);
    }

    function test_settleTrade_revertsForSelfTradeZeroSizeUnknownInstrument() public {
        vm.startPrank(venue);
        vm.expectRevert(abi.encodeWithSelector(IPositionBook.SelfTrade.selector, alice));
        book.settleTrade(_t("t1", s.ethPerp, alice, alice, 1e18, 3000e18), none, none);
        vm.expectRevert(IPositionBook.ZeroSize.selector);
        book.settleTrade(_t("t2", s.ethPerp, alice, bob, 0, 3000e18), none, none);
        vm.expectRevert(abi.encodeWithSelector(IPositionBook.UnknownInstrument.selector, 99));
        book.settleTrade(_t("t3", 99, alice, bob, 1e18, 3000e18), none, none);
        vm.stopPrank();
    }

    function test_settleTrade_revertsOutsidePerpBand() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IPositionBook.TradePriceOutOfBand.selector, s.ethPerp, 3301e18, 2700e18, 3300e18
            )
        );
        vm.prank(venue);
        book.settleTrade(_t("t1", s.ethPerp, alice, bob, 1e18, 3301e18), none, none);
    }

    function test_settleTrade_revertsForOptionPremiumAboveCap() public {
        vm.expectRevert(
            abi.encodeWithSelector(IPositionBook.TradePriceOutOfBand.selector, s.ethPut, 3001e18, 0, 3000e18)
        );
        vm.prank(venue);
        book.settleTrade(_t("t1", s.ethPut, alice, bob, 1e18, 3001e18), none, none);
    }

    function test_settleTrade_revertsForExpiredOption() public {
        vm.warp(OPTION_EXPIRY);
        vm.expectRevert(
            abi.encodeWithSelector(IPositionBook.InstrumentExpired.selector, s.ethCall, OPTION_EXPIRY)
        );
        vm.prank(venue);
        book.settleTrade(_t("t1", s.ethCall, alice, bob, 1e18, 100e18), none, none);
    }

    function test_settleTrade_backstopNeedsNoPermit() public {
        SignedPermit memory bobs = _increase(bob, s.ethPerp, 1e18);
        vm.prank(venue);
        book.settleTrade(_t("t1", s.ethPerp, s.backstop, bob, 1e18, 3000e18), none, bobs);
        assertEq(book.position(s.backstop, s.ethPerp).size, 1e18);
    }

    function test_settleTrade_realisesProfitAgainstThePool() public {
        _trade(s, alice, bob, s.ethPerp, 2e18, 3000e18);
        vm.prank(venue);
        book.settleTrade(_t("close", s.ethPerp, bob, alice, 2e18, 3200e18), none, none);
        assertEq(s.vault.cashOf(alice), 400e6);
        assertEq(s.vault.cashOf(bob), -400e6);
        assertEq(s.vault.cashOf(_pool()), 0);
        assertEq(book.openPositionCount(alice), 0);
        assertEq(book.position(alice, s.ethPerp).openNotional, 0);
    }

    function test_settleTrade_partialCloseKeepsAverageBasis() public {
        _trade(s, alice, bob, s.ethPerp, 1e18, 3000e18);
        _trade(s, alice, carol, s.ethPerp, 1e18, 3100e18); // basis 6100 for 2
        vm.prank(venue);
        book.settleTrade(_t("c", s.ethPerp, carol, alice, 0.5e18, 3150e18), none, none);
        // realised = 0.5 * 3150 - 6100 / 4 = 50
        assertEq(s.vault.cashOf(alice), 50e6);
        assertEq(book.position(alice, s.ethPerp).openNotional, 4575e18);
    }

    function test_settleTrade_optionsUseThePremiumAsPrice() public {
        _trade(s, alice, bob, s.ethCall, 1e18, 150e18);
        assertEq(book.position(alice, s.ethCall).openNotional, 150e18);
        vm.prank(venue);
        book.settleTrade(_t("c", s.ethCall, bob, alice, 1e18, 100e18), none, none);
        assertEq(s.vault.cashOf(alice), -50e6);
        assertEq(s.vault.cashOf(bob), 50e6);
    }

    // ------------------------------------------------------------------ funding

    function test_setFundingRate_accruesAndEmits() public {
        vm.expectEmit(address(book));
        emit IPositionBook.FundingUpdated(s.ethPerp, 0, 1e15, uint64(block.timestamp));
        book.setFundingRate(s.ethPerp, 1e15);
        vm.warp(block.timestamp + 100);
        assertEq(book.fundingIndex(s.ethPerp), 1e17);
        book.setFundingRate(s.ethPerp, -1e15);
        assertEq(book.fundingState(s.ethPerp).index, 1e17);
        vm.warp(block.timestamp + 50);
        assertEq(book.fundingIndex(s.ethPerp), 5e16);
    }

    function test_setFundingRate_rejectsOptionsAndStrangers() public {
        vm.expectRevert(abi.encodeWithSelector(IPositionBook.NotAPerp.selector, s.ethCall));
        book.setFundingRate(s.ethCall, 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, bob, book.FUNDING_ROLE()
            )
        );
        vm.prank(bob);
        book.setFundingRate(s.ethPerp, 1);
    }

    function test_settleFunding_longsPayShortsAndLeavesLastChangeBlock() public {
        _trade(s, alice, bob, s.ethPerp, 2e18, 3000e18);
        uint64 changedAt = book.lastChangeBlock(alice);
        book.setFundingRate(s.ethPerp, 0.01e18); // $0.01 per unit per second
        vm.warp(block.timestamp + 1000);
        vm.roll(block.number + 5);
        book.settleFunding(alice, s.ethPerp);
        book.settleFunding(bob, s.ethPerp);
        assertEq(s.vault.cashOf(alice), -20e6);
        assertEq(s.vault.cashOf(bob), 20e6);
        assertEq(book.position(alice, s.ethPerp).fundingIndex, 10e18);
        assertEq(book.lastChangeBlock(alice), changedAt);
    }

    // ------------------------------------------------------------------ expiry

    function test_fixSettlementPrice_revertsBeforeExpiry() public {
        vm.expectRevert(abi.encodeWithSelector(IPositionBook.NotExpired.selector, s.ethCall, OPTION_EXPIRY));
        book.fixSettlementPrice(s.ethCall);
    }

    function test_fixSettlementPrice_revertsForPreExpiryAnswer() public {
        s.ethFeed.setRound(3200e8, OPTION_EXPIRY - 1);
        vm.warp(OPTION_EXPIRY + 10);
        vm.expectRevert(
            abi.encodeWithSelector(
                IPositionBook.OraclePriceBeforeExpiry.selector, s.ethCall, OPTION_EXPIRY - 1, OPTION_EXPIRY
            )
        );
        book.fixSettlementPrice(s.ethCall);
    }

    function test_settleExpired_paysIntrinsicValue() public {
        _trade(s, alice, bob, s.ethCall, 2e18, 100e18);
        _trade(s, carol, bob, s.ethPut, 1e18, 80e18);
        vm.warp(OPTION_EXPIRY + 10);
        _setEth(s, 3300);
        assertEq(book.fixSettlementPrice(s.ethCall), 3300e18);
        vm.expectRevert(abi.encodeWithSelector(IPositionBook.SettlementPriceAlreadyFixed.selector, s.ethCall));
        book.fixSettlementPrice(s.ethCall);
        book.fixSettlementPrice(s.ethPut);
        book.settleExpired(alice, s.ethCall);
        book.settleExpired(bob, s.ethCall);
        book.settleExpired(carol, s.ethPut);
        // call: 2 * (300 - 100) = +400 for alice; the put expires worthless: carol loses the 80 premium
        assertEq(s.vault.cashOf(alice), 400e6);
        assertEq(s.vault.cashOf(bob), -400e6);
        assertEq(s.vault.cashOf(carol), -80e6);
        assertEq(book.openPositionCount(alice), 0);
    }

    function test_settleExpired_revertsBeforePriceIsFixed() public {
        vm.expectRevert(abi.encodeWithSelector(IPositionBook.SettlementPriceNotFixed.selector, s.ethCall));
        book.settleExpired(alice, s.ethCall);
    }

    // ------------------------------------------------------------------ liquidationTransfer

    function test_liquidationTransfer_movesTowardZeroOnly() public {
        _trade(s, alice, bob, s.ethPerp, 2e18, 3000e18);
        book.grantRole(book.LIQUIDATOR_ROLE(), address(this));
        vm.expectRevert(
            abi.encodeWithSelector(IPositionBook.NotReducing.selector, alice, s.ethPerp, 2e18, 1e18)
        );
        book.liquidationTransfer(alice, s.backstop, s.ethPerp, 1e18, 3000e18);
        vm.expectRevert(
            abi.encodeWithSelector(IPositionBook.NotReducing.selector, alice, s.ethPerp, 2e18, -3e18)
        );
        book.liquidationTransfer(alice, s.backstop, s.ethPerp, -3e18, 3000e18);
        int256 realised = book.liquidationTransfer(alice, s.backstop, s.ethPerp, -1e18, 2900e18);
        assertEq(realised, -100e18);
        assertEq(book.position(s.backstop, s.ethPerp).size, 1e18);
    }

    function test_liquidationTransfer_onlyLiquidator() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector,
                address(this),
                book.LIQUIDATOR_ROLE()
            )
        );
        book.liquidationTransfer(alice, s.backstop, s.ethPerp, -1e18, 3000e18);
    }

    // ------------------------------------------------------------------ fuzz

    /// Open at p1 and close at p2: realised = size * (p2 - p1), within one settlement unit against the trader.
    function testFuzz_settleTrade_roundTripRealisesPriceMove(uint256 size, uint256 p1, uint256 p2) public {
        size = bound(size, 1, 1e24);
        p1 = bound(p1, 2700e18, 3300e18);
        p2 = bound(p2, 2700e18, 3300e18);
        _trade(s, alice, bob, s.ethPerp, size, p1);
        vm.prank(venue);
        book.settleTrade(_t("close", s.ethPerp, bob, alice, size, p2), none, none);
        int256 move = (int256(size) * (int256(p2) - int256(p1))) / 1e18;
        int256 cashUsd = s.vault.cashOf(alice) * 1e12;
        assertLe(cashUsd, move + 1);
        assertGe(cashUsd, move - 2e12);
        assertEq(s.vault.cashOf(alice) + s.vault.cashOf(bob) + s.vault.cashOf(_pool()), 0);
        assertEq(book.position(alice, s.ethPerp).size, 0);
        assertEq(book.position(alice, s.ethPerp).openNotional, 0);
    }

    /// The permit limit is exactly the absolute size increase.
    function testFuzz_settleTrade_permitLimitIsTheRiskIncrease(int256 start, int256 delta) public {
        start = bound(start, -1e22, 1e22);
        delta = bound(delta, -1e22, 1e22);
        vm.assume(start != 0 && delta != 0);
        _trade(
            s,
            start > 0 ? alice : bob,
            start > 0 ? bob : alice,
            s.ethPerp,
            uint256(start > 0 ? start : -start),
            3000e18
        );
        int256 next = start + delta;
        uint256 increase;
        if (next == 0) increase = 0;
        else if ((start > 0) != (next > 0)) increase = uint256(next > 0 ? next : -next);
        else increase = _abs(next) > _abs(start) ? _abs(next) - _abs(start) : 0;
        address counterparty = carol;
        SignedPermit memory alicePermit = increase == 0 ? none : _increase(alice, s.ethPerp, increase);
        SignedPermit memory carolPermit = _increase(carol, s.ethPerp, _abs(delta));
        vm.prank(venue);
        if (delta > 0) {
            book.settleTrade(
                _t("x", s.ethPerp, alice, counterparty, uint256(delta), 3000e18), alicePermit, carolPermit
            );
        } else {
            book.settleTrade(
                _t("x", s.ethPerp, counterparty, alice, uint256(-delta), 3000e18), carolPermit, alicePermit
            );
        }
        assertEq(book.position(alice, s.ethPerp).size, next);
    }

    function testFuzz_settleFunding_isZeroSumUpToRounding(uint256 size, int256 rate, uint256 elapsed) public {
        size = bound(size, 1, 1e24);
        rate = bound(rate, -1e16, 1e16);
        elapsed = bound(elapsed, 1, 30 days);
        _trade(s, alice, bob, s.ethPerp, size, 3000e18);
        book.setFundingRate(s.ethPerp, rate);
        vm.warp(block.timestamp + elapsed);
        book.settleFunding(alice, s.ethPerp);
        book.settleFunding(bob, s.ethPerp);
        int256 aliceCash = s.vault.cashOf(alice);
        int256 bobCash = s.vault.cashOf(bob);
        // both sides round against themselves: the pool keeps at most 2 units
        assertGe(-(aliceCash + bobCash), 0);
        assertLe(-(aliceCash + bobCash), 2);
    }

    function _abs(int256 x) internal pure returns (uint256) {
        return uint256(x >= 0 ? x : -x);
    }

    function test_setTradePriceBand_isBoundedAndAdminOnly() public {
        book.setTradePriceBand(0.2e18);
        assertEq(book.tradePriceBand(), 0.2e18);
        vm.expectRevert(abi.encodeWithSelector(IPositionBook.InvalidTradePriceBand.selector, 0));
        book.setTradePriceBand(0);
        vm.expectRevert(abi.encodeWithSelector(IPositionBook.InvalidTradePriceBand.selector, 0.5e18 + 1));
        book.setTradePriceBand(0.5e18 + 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, bob, book.DEFAULT_ADMIN_ROLE()
            )
        );
        vm.prank(bob);
        book.setTradePriceBand(0.2e18);
    }

    function test_perpAndOptionOnlyPaths_rejectTheOtherKind() public {
        vm.expectRevert(abi.encodeWithSelector(IPositionBook.NotAPerp.selector, s.ethCall));
        book.settleFunding(alice, s.ethCall);
        vm.expectRevert(abi.encodeWithSelector(IPositionBook.NotAnOption.selector, s.ethPerp));
        book.fixSettlementPrice(s.ethPerp);
        vm.expectRevert(abi.encodeWithSelector(IPositionBook.NotAnOption.selector, s.ethPerp));
        book.settleExpired(alice, s.ethPerp);
    }
}
