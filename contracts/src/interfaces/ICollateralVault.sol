// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {IPermitConsumer} from "./IPermitConsumer.sol";
import {MarginPermit} from "./IRiskGuard.sol";

/// @notice A listed collateral asset.
/// @param listed Whether deposits are accepted.
/// @param decimals The token's decimals (read when listed).
/// @param priceKey OracleRouter key of its USD price (unused for the settlement asset, worth $1).
/// @param minDeposit Smallest deposit (token units); dust deposits would let anyone move `lastChangeBlock`.
struct AssetConfig {
    bool listed;
    uint8 decimals;
    bytes32 priceKey;
    uint256 minDeposit;
}

/// @title ICollateralVault
/// @notice Multi-asset ERC-20 collateral per account. The settlement asset's balance is the account's
/// cash and may be negative (debt); every other balance is non-negative.
/// @dev Conservation: for every asset, the sum of all ledger balances (accounts, backstop, P&L pool,
/// keepers) equals `IERC20(asset).balanceOf(vault)`. Fee-on-transfer and rebasing tokens are rejected
/// (received amount checked against the requested one); tokens without a return value work through
/// SafeERC20; all token-moving functions are non-reentrant.
interface ICollateralVault is IPermitConsumer {
    event AssetListed(address indexed asset, uint8 decimals, bytes32 priceKey, uint256 minDeposit);
    event BackstopSet(address indexed backstop);
    event Deposited(
        address indexed account,
        address indexed asset,
        address indexed from,
        uint256 amount,
        int256 balanceAfter
    );
    event Withdrawn(
        address indexed account,
        address indexed asset,
        address to,
        uint256 amount,
        int256 balanceAfter,
        uint64 permitNonce
    );
    /// @notice `amount` of `asset` moved from `account` to `to` (the backstop), worth `valueUsd` (wad).
    event Seized(
        address indexed account,
        address indexed asset,
        address indexed to,
        uint256 amount,
        uint256 valueUsd,
        int256 balanceAfter,
        int256 toBalanceAfter
    );
    /// @notice Settlement-asset cash moved between two ledger accounts (P&L, funding, penalties, debt).
    event CashMoved(
        address indexed from,
        address indexed to,
        uint256 amount,
        int256 fromBalanceAfter,
        int256 toBalanceAfter
    );
    /// @notice Settlement tokens left the vault from `from`'s ledger to `recipient` (keeper rewards).
    event PaidOut(address indexed from, address indexed recipient, uint256 amount, int256 fromBalanceAfter);

    error AssetNotListed(address asset);
    error AssetAlreadyListed(address asset);
    error TooManyAssets(uint256 max);
    error UnsupportedDecimals(uint8 decimals);
    error ZeroAmount();
    error ZeroAddress();
    error DepositTooSmall(uint256 amount, uint256 minDeposit);
    /// @notice The vault received `received` instead of `expected`: fee-on-transfer or rebasing token.
    error FeeOnTransferNotSupported(address asset, uint256 expected, uint256 received);
    error InsufficientBalance(address account, address asset, int256 balance, uint256 amount);

    /// @notice Permit action for withdrawals.
    function ACTION_WITHDRAW() external view returns (uint8);
    /// @notice Role that may seize (Liquidator, Messenger).
    function SEIZER_ROLE() external view returns (bytes32);
    /// @notice Role that may move cash (PositionBook, Liquidator).
    function SETTLER_ROLE() external view returns (bytes32);

    /// @notice Credits `amount` of `asset`, pulled from the caller, to `account`. Anyone, for any account.
    /// @dev Resists: fee-on-transfer and rebasing tokens (balance delta must equal `amount`), unlisted
    /// tokens, dust deposits that would keep bumping `lastChangeBlock` to block a liquidation
    /// (`minDeposit`), reentrancy from token hooks.
    function deposit(address asset, uint256 amount, address account) external;

    /// @notice Sends `amount` of `asset` of the caller's balance to `to`, authorised by a Withdraw permit.
    /// @dev Resists: withdrawing another account's funds (caller must be the permit's account), reusing
    /// or stretching a permit (single use, `amount <= limit`, `target` = asset), cash going negative
    /// through a withdrawal, reentrancy (state written before the transfer, non-reentrant).
    function withdraw(
        address asset,
        uint256 amount,
        address to,
        MarginPermit calldata permit,
        bytes calldata signatures
    ) external;

    /// @notice Seizes up to `maxUsd` (wad) of `account`'s collateral at oracle price into `to`: cash first
    /// when `includeCash`, then every other asset in listing order; assets whose price cannot be read are
    /// skipped. Only `SEIZER_ROLE`.
    /// @dev Rounding against the account: token amounts up, USD values down (the last asset touched may
    /// give up to one token unit more than `maxUsd`). Resists: a stale or broken feed blocking a
    /// cross-chain seizure (that asset is skipped, the rest is still seized).
    /// @return seizedUsd The USD value (wad) moved.
    function seizeValue(address account, uint256 maxUsd, address to, bool includeCash)
        external
        returns (uint256 seizedUsd);

    /// @notice Pays `usd` (wad, signed) to `account` from `counterparty` (negative: the account pays).
    /// Only `SETTLER_ROLE`.
    /// @dev Rounding against the account: credits round down, debits round up; the counterparty takes
    /// the exact opposite.
    /// Resists: value created by rounding (the account side always rounds against itself, the
    /// counterparty takes the exact opposite, so the ledger sum never moves); callers other than the
    /// protocol's own contracts (role).
    /// @return units The settlement-asset amount the account received (negative: paid).
    function settleCash(address account, int256 usd, address counterparty) external returns (int256 units);

    /// @notice Moves `units` of cash from `from` to `to`. Only `SETTLER_ROLE`.
    /// @dev Ledger only (the sum is unchanged); used for bad debt, which the backstop absorbs.
    function transferCash(address from, address to, uint256 units) external;

    /// @notice Sends `units` settlement tokens out of the vault to `recipient`, debiting `from`'s
    /// ledger (which may go negative: the backstop pays keepers). Only `SETTLER_ROLE`.
    /// @dev Resists: reentrancy through the token (non-reentrant, ledger written first).
    function payOut(address from, uint256 units, address recipient) external;

    /// @notice Lists `asset` as collateral priced by `priceKey`. Only admin; at most 16 assets.
    /// @dev Resists: unbounded loops in seizures (cap of 16); tokens with absurd decimals (at most 36).
    /// The admin must not list fee-on-transfer, rebasing or callback tokens: deposits of the first two
    /// revert anyway, the last is contained by the reentrancy guard.
    function listAsset(address asset, bytes32 priceKey, uint256 minDeposit) external;

    /// @notice Sets the backstop account. Only admin.
    function setBackstop(address backstop) external;

    function settlementAsset() external view returns (address);
    function backstop() external view returns (address);
    function oracle() external view returns (address);
    function riskGuard() external view returns (address);
    function assets() external view returns (address[] memory);
    function assetConfig(address asset) external view returns (AssetConfig memory);
    /// @notice The ledger balance of `account` in `asset` (token units, signed).
    function balanceOf(address account, address asset) external view returns (int256);
    /// @notice The account's settlement-asset balance (token units, signed).
    function cashOf(address account) external view returns (int256);
    /// @notice Whether the account holds any asset other than cash.
    function hasCollateral(address account) external view returns (bool);
    /// @notice Last block in which a deposit, withdrawal or seizure changed the account.
    function lastChangeBlock(address account) external view returns (uint64);
    /// @notice `usd` (wad) in settlement units, rounded down.
    function usdToUnitsDown(uint256 usd) external view returns (uint256);
    /// @notice `usd` (wad) in settlement units, rounded up.
    function usdToUnitsUp(uint256 usd) external view returns (uint256);
    /// @notice `units` of the settlement asset in USD (wad, exact).
    function unitsToUsd(uint256 units) external view returns (uint256);
}
