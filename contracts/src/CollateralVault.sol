// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {AssetConfig, ICollateralVault} from "./interfaces/ICollateralVault.sol";
import {IOracleRouter} from "./interfaces/IOracleRouter.sol";
import {IRiskGuard, MarginPermit} from "./interfaces/IRiskGuard.sol";
import {WadMath} from "./libraries/WadMath.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title CollateralVault
/// @notice See {ICollateralVault}.
contract CollateralVault is ICollateralVault, AccessControl, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using WadMath for uint256;

    uint8 public constant ACTION_WITHDRAW = 0;
    bytes32 public constant SEIZER_ROLE = keccak256("SEIZER_ROLE");
    bytes32 public constant SETTLER_ROLE = keccak256("SETTLER_ROLE");
    uint256 public constant MAX_ASSETS = 16;

    address public immutable settlementAsset;
    address public immutable oracle;
    address public immutable riskGuard;
    /// @dev 10^(18 - settlement decimals): one settlement unit in USD wad.
    uint256 internal immutable _unitUsd;

    address public backstop;
    address[] private _assetList;
    mapping(address asset => AssetConfig) private _configs;
    mapping(address account => mapping(address asset => int256)) private _balances;
    mapping(address account => uint64) public lastChangeBlock;

    constructor(
        address admin,
        address settlementAsset_,
        uint256 minCashDeposit,
        address oracle_,
        address riskGuard_,
        address backstop_
    ) {
        if (
            admin == address(0) || settlementAsset_ == address(0) || oracle_ == address(0)
                || riskGuard_ == address(0) || backstop_ == address(0)
        ) revert ZeroAddress();
        uint8 decimals = IERC20Metadata(settlementAsset_).decimals();
        if (decimals > 18) revert UnsupportedDecimals(decimals);
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        settlementAsset = settlementAsset_;
        oracle = oracle_;
        riskGuard = riskGuard_;
        _unitUsd = 10 ** (18 - decimals);
        _list(settlementAsset_, decimals, bytes32(0), minCashDeposit);
        backstop = backstop_;
        emit BackstopSet(backstop_);
    }

    // ------------------------------------------------------------------ accounts

    /// @inheritdoc ICollateralVault
    function deposit(address asset, uint256 amount, address account) external nonReentrant {
        if (account == address(0)) revert ZeroAddress();
        if (amount == 0) revert ZeroAmount();
        AssetConfig storage config = _configs[asset];
        if (!config.listed) revert AssetNotListed(asset);
        if (amount < config.minDeposit) revert DepositTooSmall(amount, config.minDeposit);

        uint256 before = IERC20(asset).balanceOf(address(this));
        IERC20(asset).safeTransferFrom(msg.sender, address(this), amount);
        uint256 received = IERC20(asset).balanceOf(address(this)) - before;
        if (received != amount) revert FeeOnTransferNotSupported(asset, amount, received);

        int256 balanceAfter = _balances[account][asset] + WadMath.toInt(amount);
        _balances[account][asset] = balanceAfter;
        lastChangeBlock[account] = uint64(block.number);
        emit Deposited(account, asset, msg.sender, amount, balanceAfter);
    }

    /// @inheritdoc ICollateralVault
    function withdraw(
        address asset,
        uint256 amount,
        address to,
        MarginPermit calldata permit,
        bytes calldata signatures
    ) external nonReentrant {
        if (permit.account != msg.sender) {
            revert NotPermitHolder(msg.sender, permit.account);
        }
        if (permit.action != ACTION_WITHDRAW) revert WrongPermitAction(permit.action, ACTION_WITHDRAW);
        bytes32 target = bytes32(uint256(uint160(asset)));
        if (permit.target != target) revert PermitTargetMismatch(permit.target, target);
        if (amount > permit.limit) revert PermitLimitExceeded(amount, permit.limit);
        if (amount == 0) revert ZeroAmount();
        if (to == address(0)) revert ZeroAddress();
        if (!_configs[asset].listed) revert AssetNotListed(asset);
        int256 balance = _balances[msg.sender][asset];
        if (balance < WadMath.toInt(amount)) revert InsufficientBalance(msg.sender, asset, balance, amount);

        IRiskGuard(riskGuard).usePermit(permit, signatures);

        int256 balanceAfter = balance - int256(amount);
        _balances[msg.sender][asset] = balanceAfter;
        lastChangeBlock[msg.sender] = uint64(block.number);
        IERC20(asset).safeTransfer(to, amount);
        emit Withdrawn(msg.sender, asset, to, amount, balanceAfter, permit.nonce);
    }

    // ------------------------------------------------------------------ protocol

    /// @inheritdoc ICollateralVault
    function seizeValue(address account, uint256 maxUsd, address to, bool includeCash)
        external
        onlyRole(SEIZER_ROLE)
        nonReentrant
        returns (uint256 seizedUsd)
    {
        if (account == to) return 0; // seizing into itself would credit twice
        uint256 remaining = maxUsd;
        uint256 n = _assetList.length;
        for (uint256 i; i < n && remaining != 0; ++i) {
            address asset = _assetList[i];
            int256 balance = _balances[account][asset];
            if (balance <= 0) continue;
            uint256 amount;
            uint256 valueUsd;
            if (asset == settlementAsset) {
                if (!includeCash) continue;
                amount = Math.min(uint256(balance), _usdToUnitsUp(remaining));
                valueUsd = amount * _unitUsd;
            } else {
                AssetConfig storage config = _configs[asset];
                (bool ok, uint256 priceUsd) = _tryPrice(config.priceKey);
                if (!ok) continue;
                uint256 one = 10 ** config.decimals;
                // amount = ceil(remaining / price), value = floor(amount * price): against the account
                amount = Math.min(uint256(balance), Math.mulDiv(remaining, one, priceUsd, Math.Rounding.Ceil));
                valueUsd = Math.mulDiv(amount, priceUsd, one);
            }
            if (amount == 0) continue;
            _seize(account, asset, amount, to, valueUsd);
            seizedUsd += valueUsd;
            remaining = valueUsd >= remaining ? 0 : remaining - valueUsd;
        }
        if (seizedUsd != 0) lastChangeBlock[account] = uint64(block.number);
    }

    /// @inheritdoc ICollateralVault
    function settleCash(address account, int256 usd, address counterparty)
        external
        onlyRole(SETTLER_ROLE)
        returns (int256 units)
    {
        if (usd >= 0) {
            uint256 credit = _usdToUnitsDown(uint256(usd));
            _moveCash(counterparty, account, credit);
            return int256(credit);
        }
        uint256 debit = _usdToUnitsUp(WadMath.abs(usd));
        _moveCash(account, counterparty, debit);
        return -int256(debit);
    }

    /// @inheritdoc ICollateralVault
    function transferCash(address from, address to, uint256 units) external onlyRole(SETTLER_ROLE) {
        _moveCash(from, to, units);
    }

    /// @inheritdoc ICollateralVault
    function payOut(address from, uint256 units, address recipient)
        external
        onlyRole(SETTLER_ROLE)
        nonReentrant
    {
        if (recipient == address(0)) revert ZeroAddress();
        if (units == 0) return;
        int256 fromAfter = _balances[from][settlementAsset] - WadMath.toInt(units);
        _balances[from][settlementAsset] = fromAfter;
        IERC20(settlementAsset).safeTransfer(recipient, units);
        emit PaidOut(from, recipient, units, fromAfter);
    }

    // ------------------------------------------------------------------ admin

    /// @inheritdoc ICollateralVault
    function listAsset(address asset, bytes32 priceKey, uint256 minDeposit)
        external
        onlyRole(DEFAULT_ADMIN_ROLE)
    {
        if (asset == address(0) || priceKey == bytes32(0)) revert ZeroAddress();
        uint8 decimals = IERC20Metadata(asset).decimals();
        if (decimals > 36) revert UnsupportedDecimals(decimals);
        _list(asset, decimals, priceKey, minDeposit);
    }

    /// @inheritdoc ICollateralVault
    function setBackstop(address newBackstop) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (newBackstop == address(0)) revert ZeroAddress();
        backstop = newBackstop;
        emit BackstopSet(newBackstop);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc ICollateralVault
    function assets() external view returns (address[] memory) {
        return _assetList;
    }

    /// @inheritdoc ICollateralVault
    function assetConfig(address asset) external view returns (AssetConfig memory) {
        return _configs[asset];
    }

    /// @inheritdoc ICollateralVault
    function balanceOf(address account, address asset) external view returns (int256) {
        return _balances[account][asset];
    }

    /// @inheritdoc ICollateralVault
    function cashOf(address account) external view returns (int256) {
        return _balances[account][settlementAsset];
    }

    /// @inheritdoc ICollateralVault
    function hasCollateral(address account) external view returns (bool) {
        uint256 n = _assetList.length;
        for (uint256 i; i < n; ++i) {
            address asset = _assetList[i];
            if (asset != settlementAsset && _balances[account][asset] > 0) return true;
        }
        return false;
    }

    /// @inheritdoc ICollateralVault
    function usdToUnitsDown(uint256 usd) external view returns (uint256) {
        return _usdToUnitsDown(usd);
    }

    /// @inheritdoc ICollateralVault
    function usdToUnitsUp(uint256 usd) external view returns (uint256) {
        return _usdToUnitsUp(usd);
    }

    /// @inheritdoc ICollateralVault
    function unitsToUsd(uint256 units) external view returns (uint256) {
        return units * _unitUsd;
    }

    // ------------------------------------------------------------------ internal

    function _list(address asset, uint8 decimals, bytes32 priceKey, uint256 minDeposit) internal {
        if (_configs[asset].listed) revert AssetAlreadyListed(asset);
        if (_assetList.length >= MAX_ASSETS) revert TooManyAssets(MAX_ASSETS);
        _configs[asset] =
            AssetConfig({listed: true, decimals: decimals, priceKey: priceKey, minDeposit: minDeposit});
        _assetList.push(asset);
        emit AssetListed(asset, decimals, priceKey, minDeposit);
    }

    function _seize(address account, address asset, uint256 amount, address to, uint256 valueUsd) internal {
        int256 signedAmount = int256(amount); // amount <= the account's positive balance
        int256 balanceAfter = _balances[account][asset] - signedAmount;
        int256 toBalanceAfter = _balances[to][asset] + signedAmount;
        _balances[account][asset] = balanceAfter;
        _balances[to][asset] = toBalanceAfter;
        emit Seized(account, asset, to, amount, valueUsd, balanceAfter, toBalanceAfter);
    }

    function _moveCash(address from, address to, uint256 units) internal {
        if (units == 0 || from == to) return;
        int256 signedUnits = WadMath.toInt(units);
        int256 fromAfter = _balances[from][settlementAsset] - signedUnits;
        int256 toAfter = _balances[to][settlementAsset] + signedUnits;
        _balances[from][settlementAsset] = fromAfter;
        _balances[to][settlementAsset] = toAfter;
        emit CashMoved(from, to, units, fromAfter, toAfter);
    }

    /// @dev A reverting or missing feed yields `ok = false` (the asset is skipped, never blocks a seizure).
    function _tryPrice(bytes32 key) internal view returns (bool ok, uint256 priceUsd) {
        try IOracleRouter(oracle).price(key) returns (uint256 answer) {
            return (true, answer);
        } catch {
            return (false, 0);
        }
    }

    function _usdToUnitsDown(uint256 usd) internal view returns (uint256) {
        return usd / _unitUsd;
    }

    function _usdToUnitsUp(uint256 usd) internal view returns (uint256) {
        return Math.ceilDiv(usd, _unitUsd);
    }
}
