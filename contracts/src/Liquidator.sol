// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {ICollateralVault} from "./interfaces/ICollateralVault.sol";
import {
    Close,
    ILiquidator,
    LiquidationOrder,
    LiquidationParams,
    LiquidationRecord,
    RouteState,
    SeizeRoute
} from "./interfaces/ILiquidator.sol";
import {IMessenger} from "./interfaces/IMessenger.sol";
import {IOracleRouter} from "./interfaces/IOracleRouter.sol";
import {IPositionBook, Instrument, InstrumentKind} from "./interfaces/IPositionBook.sol";
import {AccountHealth, IRiskGuard, InstrumentMark} from "./interfaces/IRiskGuard.sol";
import {WadMath} from "./libraries/WadMath.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title Liquidator
/// @notice See {ILiquidator}.
contract Liquidator is ILiquidator, AccessControl, ReentrancyGuardTransient {
    using WadMath for uint256;

    /// @dev What one liquidation did, in wad USD (kept in memory to stay within the stack).
    struct Outcome {
        uint256 discount;
        uint256 notional;
        uint256 penalty;
        uint256 reward;
        uint256 localSeized;
        uint256 requested;
        uint256 feesPaid;
    }

    address public immutable riskGuard;
    address public immutable vault;
    address public immutable book;
    address public immutable oracle;
    address public immutable messenger;

    uint256 public liquidationCount;
    LiquidationParams private _params;
    mapping(bytes32 liquidationId => LiquidationRecord) private _records;
    mapping(bytes32 liquidationId => mapping(uint32 eid => RouteState)) private _routeStates;
    mapping(address account => uint64) public lastLiquidationSequence;

    constructor(
        address admin,
        address riskGuard_,
        address vault_,
        address book_,
        address oracle_,
        address messenger_,
        LiquidationParams memory params_
    ) {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        riskGuard = riskGuard_;
        vault = vault_;
        book = book_;
        oracle = oracle_;
        messenger = messenger_;
        _setParams(params_);
    }

    // ------------------------------------------------------------------ keepers

    /// @inheritdoc ILiquidator
    function liquidate(
        address account,
        AccountHealth calldata health,
        bytes calldata signatures,
        LiquidationOrder calldata order
    ) external payable nonReentrant returns (bytes32 liquidationId) {
        ICollateralVault collateral = ICollateralVault(vault);
        if (order.closes.length == 0 && collateral.cashOf(account) >= 0) revert NothingToLiquidate();
        uint64 flagged = _acceptUnhealthy(account, health, signatures);
        // one attestation, one liquidation (whoever posted it to the RiskGuard)
        uint64 lastUsed = lastLiquidationSequence[account];
        if (health.sequence <= lastUsed) revert AttestationAlreadyUsed(health.sequence, lastUsed);
        lastLiquidationSequence[account] = health.sequence;
        liquidationId = keccak256(abi.encode(block.chainid, address(this), ++liquidationCount));
        address backstop = collateral.backstop();

        Outcome memory out;
        out.discount = _discountUp(uint64(block.timestamp) - flagged);
        out.notional = _closeAll(liquidationId, account, backstop, health.marks, order.closes);
        _payPenaltyAndReward(account, backstop, out);

        // Cover negative cash: local collateral first (the backstop buys it at oracle price), then remote.
        int256 cash = collateral.cashOf(account);
        if (cash < 0) {
            out.localSeized =
                collateral.seizeValue(account, collateral.unitsToUsd(uint256(-cash)), backstop, false);
            if (out.localSeized != 0) {
                collateral.settleCash(account, WadMath.toInt(out.localSeized), backstop);
            }
            cash = collateral.cashOf(account);
        }
        uint256 shortfallUsd = cash < 0 ? collateral.unitsToUsd(uint256(-cash)) : 0;
        _sendRoutes(liquidationId, account, order.routes, shortfallUsd, out);

        if (order.routes.length == 0) {
            uint256 badDebt = _finalise(liquidationId, account, health.equity, backstop);
            // no close, nothing seized, nothing asked, nothing written off: no reward for an empty call
            if (order.closes.length == 0 && out.localSeized == 0 && badDebt == 0) {
                revert NothingToLiquidate();
            }
        } else {
            _records[liquidationId] = LiquidationRecord({
                account: account,
                keeper: msg.sender,
                createdAt: uint64(block.timestamp),
                pendingReplies: uint32(order.routes.length),
                finalised: false,
                attestedEquity: health.equity,
                requestedUsd: out.requested,
                remoteSeizedUsd: 0
            });
        }
        emit Liquidated(
            account,
            liquidationId,
            msg.sender,
            health.sequence,
            out.discount,
            out.notional,
            out.penalty,
            out.reward,
            WadMath.toInt(out.penalty) - WadMath.toInt(out.reward),
            out.localSeized,
            out.requested
        );
        _refund(msg.value - out.feesPaid);
    }

    /// @inheritdoc ILiquidator
    function flag(address account, AccountHealth calldata health, bytes calldata signatures)
        external
        nonReentrant
    {
        _acceptUnhealthy(account, health, signatures);
    }

    /// @inheritdoc ILiquidator
    function onSeizeResult(bytes32 liquidationId, uint32 srcEid, uint256 seizedUsd) external nonReentrant {
        if (msg.sender != messenger) revert OnlyMessenger(msg.sender);
        if (_routeStates[liquidationId][srcEid] != RouteState.Pending) {
            emit SeizeReplyIgnored(liquidationId, srcEid, seizedUsd);
            return;
        }
        _routeStates[liquidationId][srcEid] = RouteState.Completed;
        LiquidationRecord storage record = _records[liquidationId];
        record.remoteSeizedUsd += seizedUsd;
        address account = record.account;
        address backstop = ICollateralVault(vault).backstop();
        uint256 credited;
        // The remote backstop took collateral worth `seizedUsd`; this chain's backstop pays it into cash.
        if (seizedUsd != 0) {
            credited =
                uint256(ICollateralVault(vault).settleCash(account, WadMath.toInt(seizedUsd), backstop));
        }
        emit SeizeCompleted(liquidationId, account, srcEid, seizedUsd, credited);
        if (--record.pendingReplies == 0) {
            record.finalised = true;
            _finalise(liquidationId, account, record.attestedEquity, backstop);
        }
    }

    // ------------------------------------------------------------------ admin

    /// @inheritdoc ILiquidator
    function setParams(LiquidationParams calldata newParams) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setParams(newParams);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc ILiquidator
    function quoteRoutes(address account, SeizeRoute[] calldata routes)
        external
        view
        returns (uint256 nativeFee)
    {
        bytes32 nextId = keccak256(abi.encode(block.chainid, address(this), liquidationCount + 1));
        for (uint256 i; i < routes.length; ++i) {
            nativeFee += IMessenger(messenger)
                .quoteSeizeRequest(routes[i].dstEid, nextId, account, routes[i].maxUsd);
        }
    }

    /// @inheritdoc ILiquidator
    function discountAt(uint64 elapsed) external view returns (uint256) {
        return _discountUp(elapsed);
    }

    /// @inheritdoc ILiquidator
    function keeperReward(uint256 penaltyUsd, uint256 gasPrice) external view returns (uint256) {
        return _keeperRewardDown(penaltyUsd, gasPrice);
    }

    /// @inheritdoc ILiquidator
    function markBounds(uint32 instrumentId) external view returns (uint256 lo, uint256 hi, uint256 spot) {
        return _markBounds(instrumentId);
    }

    /// @inheritdoc ILiquidator
    function lastChangeBlock(address account) public view returns (uint64) {
        uint64 inVault = ICollateralVault(vault).lastChangeBlock(account);
        uint64 inBook = IPositionBook(book).lastChangeBlock(account);
        return inVault > inBook ? inVault : inBook;
    }

    /// @inheritdoc ILiquidator
    function params() external view returns (LiquidationParams memory) {
        return _params;
    }

    /// @inheritdoc ILiquidator
    function liquidation(bytes32 liquidationId) external view returns (LiquidationRecord memory) {
        return _records[liquidationId];
    }

    /// @inheritdoc ILiquidator
    function routeState(bytes32 liquidationId, uint32 eid) external view returns (RouteState) {
        return _routeStates[liquidationId][eid];
    }

    // ------------------------------------------------------------------ internal

    /// @dev Unhealthy, anchored at or after the last local change and before this block, then accepted
    /// by the RiskGuard (fresh; signatures, epoch and sequence when new, or the account's latest
    /// attestation as already posted, so front-running its posting does not block), then flagged.
    function _acceptUnhealthy(address account, AccountHealth calldata health, bytes calldata signatures)
        internal
        returns (uint64 flagged)
    {
        if (health.account != account) revert AccountMismatch(account, health.account);
        if (health.equity >= WadMath.toInt(health.maintenanceMargin)) {
            revert AccountHealthy(health.equity, health.maintenanceMargin);
        }
        uint64 lastChange = lastChangeBlock(account);
        if (health.anchorBlock < lastChange) revert StaleAnchor(health.anchorBlock, lastChange);
        if (health.anchorBlock >= block.number) revert AnchorNotFinal(health.anchorBlock, block.number);
        IRiskGuard(riskGuard).acceptHealth(health, signatures);
        flagged = IRiskGuard(riskGuard).markFlagged(account, health.sequence);
    }

    /// @return notionalUsd `Σ |size_i| * spot_i`, each rounded up.
    function _closeAll(
        bytes32 liquidationId,
        address account,
        address backstop,
        InstrumentMark[] calldata marks,
        Close[] calldata closes
    ) internal returns (uint256 notionalUsd) {
        uint32 previous;
        for (uint256 i; i < closes.length; ++i) {
            // one close per instrument: a plan limit cannot be used twice
            if (closes[i].instrumentId <= previous) revert ClosesUnsorted(i);
            previous = closes[i].instrumentId;
            notionalUsd += _closeOne(liquidationId, account, backstop, marks, closes[i]);
        }
    }

    function _closeOne(
        bytes32 liquidationId,
        address account,
        address backstop,
        InstrumentMark[] calldata marks,
        Close calldata close
    ) internal returns (uint256 notionalUsd) {
        uint32 instrumentId = close.instrumentId;
        InstrumentMark calldata mark = _findMark(marks, instrumentId);
        uint256 sizeAbs = WadMath.abs(close.size);
        if (sizeAbs > mark.maxClose) revert CloseExceedsPlan(instrumentId, sizeAbs, mark.maxClose);
        _checkReducing(account, instrumentId, close.size);
        uint256 spot = _checkMark(instrumentId, mark.mark);
        int256 realised =
            IPositionBook(book).liquidationTransfer(account, backstop, instrumentId, close.size, mark.mark);
        notionalUsd = sizeAbs.mulWadUp(spot);
        emit LiquidationClose(liquidationId, account, instrumentId, close.size, mark.mark, spot, realised);
    }

    /// @dev The close moves the position toward zero and does not cross it.
    function _checkReducing(address account, uint32 instrumentId, int256 size) internal view {
        int256 positionSize = IPositionBook(book).position(account, instrumentId).size;
        if (size == 0 || (size > 0) == (positionSize > 0) || WadMath.abs(size) > WadMath.abs(positionSize)) {
            revert CloseNotReducing(instrumentId, size, positionSize);
        }
    }

    /// @return spot The oracle spot of the instrument's underlying.
    function _checkMark(uint32 instrumentId, uint256 mark) internal view returns (uint256 spot) {
        uint256 lo;
        uint256 hi;
        (lo, hi, spot) = _markBounds(instrumentId);
        if (mark < lo || mark > hi) revert MarkOutOfBounds(instrumentId, mark, lo, hi);
    }

    /// @dev penalty = d * notional (up), paid by the account to the backstop; the backstop pays the
    /// keeper `reward` (down) in settlement tokens.
    function _payPenaltyAndReward(address account, address backstop, Outcome memory out) internal {
        ICollateralVault collateral = ICollateralVault(vault);
        out.penalty = out.discount.mulWadUp(out.notional);
        out.reward = _keeperRewardDown(out.penalty, tx.gasprice);
        if (out.penalty != 0) collateral.settleCash(account, -WadMath.toInt(out.penalty), backstop);
        collateral.payOut(backstop, collateral.usdToUnitsDown(out.reward), msg.sender);
    }

    function _sendRoutes(
        bytes32 liquidationId,
        address account,
        SeizeRoute[] calldata routes,
        uint256 shortfallUsd,
        Outcome memory out
    ) internal {
        uint32 previous;
        for (uint256 i; i < routes.length; ++i) {
            SeizeRoute calldata route = routes[i];
            if (route.dstEid <= previous) revert RoutesUnsorted(i);
            previous = route.dstEid;
            out.requested += route.maxUsd;
        }
        if (out.requested > shortfallUsd) revert SeizeExceedsShortfall(out.requested, shortfallUsd);
        for (uint256 i; i < routes.length; ++i) {
            SeizeRoute calldata route = routes[i];
            uint256 fee =
                IMessenger(messenger).quoteSeizeRequest(route.dstEid, liquidationId, account, route.maxUsd);
            out.feesPaid += fee;
            if (out.feesPaid > msg.value) revert InsufficientFee(out.feesPaid, msg.value);
            _routeStates[liquidationId][route.dstEid] = RouteState.Pending;
            IMessenger(messenger).sendSeizeRequest{value: fee}(
                route.dstEid, liquidationId, account, route.maxUsd, msg.sender
            );
            emit SeizeRequested(liquidationId, account, route.dstEid, route.maxUsd, fee);
        }
    }

    /// @dev Bad debt = negative cash once nothing is left to take here and every reply is in; only when
    /// the relay attested insolvency (equity < 0), so omitted routes cannot turn debt into bad debt.
    function _finalise(bytes32 liquidationId, address account, int256 attestedEquity, address backstop)
        internal
        returns (uint256 badDebt)
    {
        ICollateralVault collateral = ICollateralVault(vault);
        int256 cash = collateral.cashOf(account);
        if (
            cash < 0 && attestedEquity < 0 && IPositionBook(book).openPositionCount(account) == 0
                && !collateral.hasCollateral(account)
        ) {
            badDebt = uint256(-cash);
            collateral.transferCash(backstop, account, badDebt);
            emit BadDebtRecorded(account, liquidationId, badDebt, collateral.unitsToUsd(badDebt));
            cash = 0;
        }
        emit LiquidationFinalised(liquidationId, account, cash, badDebt);
    }

    /// @dev `d(t) = t >= T ? max : start + (max - start) * t / T`, rounded up (against the account).
    function _discountUp(uint64 elapsed) internal view returns (uint256) {
        LiquidationParams storage p = _params;
        if (elapsed >= p.auctionDurationS) return p.maxDiscount;
        return p.startDiscount
            + Math.mulDiv(p.maxDiscount - p.startDiscount, elapsed, p.auctionDurationS, Math.Rounding.Ceil);
    }

    /// @dev `min(maxReward, max(minReward + gasPrice * gasOverhead * nativeUsd / 1e18, share * penalty))`,
    /// rounded down. A native feed that cannot be read counts as zero gas cost (it never blocks).
    function _keeperRewardDown(uint256 penaltyUsd, uint256 gasPrice) internal view returns (uint256 reward) {
        LiquidationParams storage p = _params;
        uint256 nativeUsd;
        try IOracleRouter(oracle).price(p.nativeKey) returns (uint256 answer) {
            nativeUsd = answer;
        } catch {}
        uint256 costFloor = p.minRewardUsd + Math.mulDiv(gasPrice * p.gasOverhead, nativeUsd, WadMath.WAD);
        reward = Math.max(costFloor, p.rewardShare.mulWadDown(penaltyUsd));
        reward = Math.min(p.maxRewardUsd, reward);
    }

    /// @dev Perp: `spot ± perpMarkBand * spot`. Option: `[intrinsic * (1 - optionTolerance), spot]` for calls,
    /// `[..., strike]` for puts, intrinsic at the oracle spot.
    function _markBounds(uint32 instrumentId) internal view returns (uint256 lo, uint256 hi, uint256 spot) {
        Instrument memory spec = IPositionBook(book).instrument(instrumentId);
        spot = IOracleRouter(oracle).price(spec.underlying);
        if (spec.kind == InstrumentKind.Perp) {
            uint256 band = spot.mulWadDown(_params.perpMarkBand);
            return (spot - band, spot + band, spot);
        }
        uint256 intrinsic;
        if (spec.isCall) intrinsic = spot > spec.strike ? spot - spec.strike : 0;
        else intrinsic = spec.strike > spot ? spec.strike - spot : 0;
        lo = intrinsic.mulWadDown(WadMath.WAD - _params.optionTolerance);
        hi = spec.isCall ? spot : spec.strike;
    }

    function _findMark(InstrumentMark[] calldata marks, uint32 instrumentId)
        internal
        pure
        returns (InstrumentMark calldata)
    {
        for (uint256 i; i < marks.length; ++i) {
            if (marks[i].instrumentId == instrumentId) return marks[i];
        }
        revert MarkMissing(instrumentId);
    }

    function _refund(uint256 amount) internal {
        if (amount == 0) return;
        (bool ok,) = msg.sender.call{value: amount}("");
        if (!ok) revert RefundFailed(msg.sender, amount);
    }

    function _setParams(LiquidationParams memory p) internal {
        if (
            p.startDiscount > p.maxDiscount || p.maxDiscount >= WadMath.WAD || p.auctionDurationS == 0
                || p.rewardShare > WadMath.WAD || p.minRewardUsd > p.maxRewardUsd
                || p.perpMarkBand >= WadMath.WAD || p.optionTolerance > WadMath.WAD
        ) revert InvalidParams();
        _params = p;
        emit ParamsSet(p);
    }
}
