// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {MarginPermit} from "../../../src/interfaces/IRiskGuard.sol";
import {MockFeeOnTransferERC20} from "../../../src/mocks/MockFeeOnTransferERC20.sol";
import {XmarginFixture} from "../../utils/XmarginFixture.sol";

/// @notice Drives every balance-changing path of the CollateralVault with bounded random inputs:
/// deposits (including a fee-on-transfer token that must be refused), permitted withdrawals, seizures,
/// cash settlement both ways, cash transfers and pay-outs.
contract VaultHandler is XmarginFixture {
    System internal sys;
    MockFeeOnTransferERC20 public immutable fot;
    address[] public holders;
    address[] public tokens;

    uint256 public fotAccepted;
    mapping(bytes4 => uint256) public calls;

    constructor(System memory system, MockFeeOnTransferERC20 fot_) {
        sys = system;
        fot = fot_;
        _initSigners();
        holders.push(alice);
        holders.push(bob);
        holders.push(carol);
        holders.push(system.backstop);
        holders.push(address(system.book)); // the P&L pool
        tokens.push(address(system.usdc));
        tokens.push(address(system.weth));
        tokens.push(address(system.wbtc));
        tokens.push(address(fot_));
    }

    function holderCount() external view returns (uint256) {
        return holders.length;
    }

    function tokenCount() external view returns (uint256) {
        return tokens.length;
    }

    function _holder(uint256 seed) internal view returns (address) {
        return holders[seed % holders.length];
    }

    /// @dev The three listed standard tokens; the fee-on-transfer token only goes through its own action.
    function _token(uint256 seed) internal view returns (address) {
        return tokens[seed % 3];
    }

    function deposit(uint256 holderSeed, uint256 tokenSeed, uint256 amount) external {
        calls[msg.sig]++;
        amount = bound(amount, 1, 1e30);
        _deposit(sys, _token(tokenSeed), _holder(holderSeed), amount);
    }

    function depositFeeOnTransfer(uint256 holderSeed, uint256 amount) external {
        calls[msg.sig]++;
        amount = bound(amount, 10_000, 1e30); // large enough that the 0.5% fee is never rounded to zero
        fot.mint(address(this), amount);
        fot.approve(address(sys.vault), amount);
        try sys.vault.deposit(address(fot), amount, _holder(holderSeed)) {
            fotAccepted++;
        } catch {}
    }

    function withdraw(uint256 holderSeed, uint256 tokenSeed, uint256 amount) external {
        calls[msg.sig]++;
        address holder = _holder(holderSeed);
        address token = _token(tokenSeed);
        int256 balance = sys.vault.balanceOf(holder, token);
        if (balance <= 0) return;
        amount = bound(amount, 1, uint256(balance));
        MarginPermit memory p = _permit(sys, holder, 0, bytes32(uint256(uint160(token))), amount);
        bytes memory sigs = _sign(sys.guard.hashMarginPermit(p), _quorum());
        vm.prank(holder);
        sys.vault.withdraw(token, amount, holder, p, sigs);
    }

    function seize(uint256 holderSeed, uint256 maxUsd, bool includeCash) external {
        calls[msg.sig]++;
        maxUsd = bound(maxUsd, 0, 1e40);
        sys.vault.seizeValue(_holder(holderSeed), maxUsd, sys.backstop, includeCash);
    }

    function settleCash(uint256 holderSeed, uint256 counterpartySeed, int256 usd) external {
        calls[msg.sig]++;
        usd = bound(usd, -1e36, 1e36);
        sys.vault.settleCash(_holder(holderSeed), usd, _holder(counterpartySeed));
    }

    function transferCash(uint256 fromSeed, uint256 toSeed, uint256 units) external {
        calls[msg.sig]++;
        units = bound(units, 0, 1e30);
        sys.vault.transferCash(_holder(fromSeed), _holder(toSeed), units);
    }

    function payOut(uint256 fromSeed, uint256 units) external {
        calls[msg.sig]++;
        address from = _holder(fromSeed);
        int256 cash = sys.vault.cashOf(from);
        if (cash <= 0) return;
        units = bound(units, 0, uint256(cash));
        sys.vault.payOut(from, units, keeper);
    }

    function movePrice(uint256 ethUsd, uint256 btcUsd) external {
        calls[msg.sig]++;
        sys.ethFeed.setAnswer(int256(bound(ethUsd, 1e8, 1e13)));
        sys.btcFeed.setAnswer(int256(bound(btcUsd, 1e8, 1e14)));
    }
}
