// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {CollateralVault} from "../../src/CollateralVault.sol";
import {Liquidator} from "../../src/Liquidator.sol";
import {Messenger} from "../../src/Messenger.sol";
import {OracleRouter} from "../../src/OracleRouter.sol";
import {PositionBook} from "../../src/PositionBook.sol";
import {RiskGuard} from "../../src/RiskGuard.sol";
import {LiquidationParams} from "../../src/interfaces/ILiquidator.sol";
import {Instrument, InstrumentKind, SignedPermit, Trade} from "../../src/interfaces/IPositionBook.sol";
import {AccountHealth, InstrumentMark, MarginPermit} from "../../src/interfaces/IRiskGuard.sol";
import {MockAggregator} from "../../src/mocks/MockAggregator.sol";
import {MockERC20} from "../../src/mocks/MockERC20.sol";
import {MockEndpoint} from "./MockEndpoint.sol";
import {EnforcedOptionParam} from "@layerzerolabs/oapp-evm/contracts/oapp/libs/OAppOptionsType3.sol";
import {OptionsBuilder} from "@layerzerolabs/oapp-evm/contracts/oapp/libs/OptionsBuilder.sol";
import {Test} from "forge-std/Test.sol";

/// @notice Deploys and wires one xmargin chain (the same wiring `deployXmargin` does in TypeScript) and
/// signs attestations and permits with a 2-of-3 test signer set.
abstract contract XmarginFixture is Test {
    using OptionsBuilder for bytes;

    struct System {
        RiskGuard guard;
        OracleRouter oracle;
        CollateralVault vault;
        PositionBook book;
        Messenger messenger;
        Liquidator liquidator;
        MockERC20 usdc;
        MockERC20 weth;
        MockERC20 wbtc;
        MockAggregator ethFeed;
        MockAggregator btcFeed;
        address backstop;
        uint32 ethPerp;
        uint32 btcPerp;
        uint32 ethCall;
        uint32 ethPut;
    }

    uint256 internal constant START_TIME = 1_700_000_000;
    uint256 internal constant START_BLOCK = 1000;
    uint64 internal constant MAX_AGE_S = 120;
    /// @dev Includes TestHelperOz5's packet bookkeeping (~220k) for the reply sent inside lzReceive.
    uint128 internal constant SEIZE_GAS = 1_000_000;
    uint128 internal constant RESULT_GAS = 300_000;
    uint64 internal constant OPTION_EXPIRY = uint64(START_TIME + 30 days);

    address internal admin = address(this);
    address internal venue = makeAddr("venue");
    address internal keeper = makeAddr("keeper");
    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");
    address internal carol = makeAddr("carol");

    /// @dev Signer keys sorted by address; the set has threshold 2.
    uint256[] internal signerKeys;
    address[] internal signerAddresses;

    mapping(address guard => mapping(address account => uint64)) internal _nextSequence;
    mapping(address guard => mapping(address account => uint64)) internal _nextNonce;
    uint256 internal _tradeCount;

    function _initSigners() internal {
        uint256[] memory keys = new uint256[](3);
        keys[0] = 0xA11CE;
        keys[1] = 0xB0B;
        keys[2] = 0xCA401;
        keys = _sortKeys(keys);
        delete signerKeys;
        delete signerAddresses;
        for (uint256 i; i < keys.length; ++i) {
            signerKeys.push(keys[i]);
            signerAddresses.push(vm.addr(keys[i]));
        }
    }

    function _defaultParams() internal pure returns (LiquidationParams memory) {
        return LiquidationParams({
            startDiscount: 0.01e18,
            maxDiscount: 0.05e18,
            auctionDurationS: 600,
            rewardShare: 0.5e18,
            minRewardUsd: 1e18,
            maxRewardUsd: 2500e18,
            gasOverhead: 400_000,
            perpMarkBand: 0.05e18,
            optionTolerance: 0.1e18,
            bufferRatio: 0.1e18,
            nativeKey: "ETH"
        });
    }

    /// @dev One chain: contracts, roles, feeds (ETH 3000, BTC 60000), instruments and a funded backstop.
    function _deploySystem(address endpoint, string memory tag) internal returns (System memory s) {
        s.usdc = new MockERC20("USD Coin", "USDC", 6);
        s.weth = new MockERC20("Wrapped Ether", "WETH", 18);
        s.wbtc = new MockERC20("Wrapped Bitcoin", "WBTC", 8);
        s.ethFeed = new MockAggregator(admin, 8, 3000e8, "ETH / USD");
        s.btcFeed = new MockAggregator(admin, 8, 60_000e8, "BTC / USD");
        s.backstop = makeAddr(string.concat("backstop-", tag));

        s.guard = new RiskGuard(admin, signerAddresses, 2, MAX_AGE_S);
        s.oracle = new OracleRouter(admin);
        s.oracle.setFeed("ETH", address(s.ethFeed), 3600, 0.5e18);
        s.oracle.setFeed("BTC", address(s.btcFeed), 3600, 0.5e18);
        s.vault =
            new CollateralVault(admin, address(s.usdc), 1, address(s.oracle), address(s.guard), s.backstop);
        s.vault.listAsset(address(s.weth), "ETH", 1);
        s.vault.listAsset(address(s.wbtc), "BTC", 1);
        s.book = new PositionBook(admin, address(s.vault), address(s.oracle), address(s.guard), 0.1e18);
        s.messenger = new Messenger(endpoint, admin, address(s.vault));
        s.liquidator = new Liquidator(
            admin,
            address(s.guard),
            address(s.vault),
            address(s.book),
            address(s.oracle),
            address(s.messenger),
            _defaultParams()
        );

        s.guard.grantRole(s.guard.CONSUMER_ROLE(), address(s.vault));
        s.guard.grantRole(s.guard.CONSUMER_ROLE(), address(s.book));
        s.guard.grantRole(s.guard.LIQUIDATOR_ROLE(), address(s.liquidator));
        s.vault.grantRole(s.vault.SEIZER_ROLE(), address(s.liquidator));
        s.vault.grantRole(s.vault.SEIZER_ROLE(), address(s.messenger));
        s.vault.grantRole(s.vault.SETTLER_ROLE(), address(s.book));
        s.vault.grantRole(s.vault.SETTLER_ROLE(), address(s.liquidator));
        s.book.grantRole(s.book.VENUE_ROLE(), venue);
        s.book.grantRole(s.book.FUNDING_ROLE(), admin);
        s.book.grantRole(s.book.LIQUIDATOR_ROLE(), address(s.liquidator));
        s.book.grantRole(s.book.RISK_EXEMPT_ROLE(), s.backstop);
        s.messenger.setLiquidator(address(s.liquidator));

        s.ethPerp = s.book.listInstrument(Instrument(InstrumentKind.Perp, "ETH", 0, 0, false));
        s.btcPerp = s.book.listInstrument(Instrument(InstrumentKind.Perp, "BTC", 0, 0, false));
        s.ethCall =
            s.book.listInstrument(Instrument(InstrumentKind.Option, "ETH", OPTION_EXPIRY, 3000e18, true));
        s.ethPut =
            s.book.listInstrument(Instrument(InstrumentKind.Option, "ETH", OPTION_EXPIRY, 3000e18, false));

        _deposit(s, address(s.usdc), s.backstop, 1_000_000e6);
        vm.deal(address(s.messenger), 1 ether);
    }

    /// @dev Peers both ways and the enforced LZ_RECEIVE gas of both message kinds.
    function _wireMessenger(System memory s, uint32 remoteEid, address remoteMessenger) internal {
        s.messenger.setPeer(remoteEid, bytes32(uint256(uint160(remoteMessenger))));
        EnforcedOptionParam[] memory options = new EnforcedOptionParam[](2);
        options[0] = EnforcedOptionParam(
            remoteEid,
            s.messenger.SEIZE_REQUEST(),
            OptionsBuilder.newOptions().addExecutorLzReceiveOption(SEIZE_GAS, 0)
        );
        options[1] = EnforcedOptionParam(
            remoteEid,
            s.messenger.SEIZE_RESULT(),
            OptionsBuilder.newOptions().addExecutorLzReceiveOption(RESULT_GAS, 0)
        );
        s.messenger.setEnforcedOptions(options);
    }

    // ------------------------------------------------------------------ actions

    function _deposit(System memory s, address token, address account, uint256 amount) internal {
        MockERC20(token).mint(address(this), amount);
        MockERC20(token).approve(address(s.vault), amount);
        s.vault.deposit(token, amount, account);
    }

    /// @dev Settles a trade with IncreaseRisk permits (limit = size) for both sides.
    function _trade(
        System memory s,
        address buyer,
        address seller,
        uint32 instrumentId,
        uint256 size,
        uint256 price
    ) internal {
        SignedPermit memory buyerPermit = _signedPermit(s, buyer, 1, bytes32(uint256(instrumentId)), size);
        SignedPermit memory sellerPermit = _signedPermit(s, seller, 1, bytes32(uint256(instrumentId)), size);
        vm.prank(venue);
        s.book
            .settleTrade(
                Trade(keccak256(abi.encode(++_tradeCount)), instrumentId, buyer, seller, size, price),
                buyerPermit,
                sellerPermit
            );
    }

    function _setEth(System memory s, int256 usd) internal {
        s.ethFeed.setAnswer(usd * 1e8);
    }

    // ------------------------------------------------------------------ attestations and permits

    function _health(System memory s, address account, int256 equity, uint256 maintenanceMargin)
        internal
        returns (AccountHealth memory h)
    {
        h.account = account;
        h.sequence = ++_nextSequence[address(s.guard)][account];
        h.epoch = s.guard.currentEpoch();
        h.equity = equity;
        h.maintenanceMargin = maintenanceMargin;
        h.initialMargin = maintenanceMargin * 5 / 4;
        h.asOf = uint64(block.timestamp);
        h.expiry = uint64(block.timestamp + 60);
        h.anchorBlock = uint64(block.number - 1);
        h.anchorsDigest = keccak256("anchors");
        h.marks = new InstrumentMark[](0);
    }

    function _withMark(AccountHealth memory h, uint32 instrumentId, uint256 mark, uint256 maxClose)
        internal
        pure
        returns (AccountHealth memory)
    {
        InstrumentMark[] memory marks = new InstrumentMark[](h.marks.length + 1);
        for (uint256 i; i < h.marks.length; ++i) {
            marks[i] = h.marks[i];
        }
        marks[h.marks.length] = InstrumentMark(instrumentId, mark, maxClose);
        h.marks = marks;
        return h;
    }

    function _permit(System memory s, address account, uint8 action, bytes32 target, uint256 limit)
        internal
        returns (MarginPermit memory p)
    {
        p = MarginPermit({
            account: account,
            chainId: uint64(block.chainid),
            action: action,
            target: target,
            limit: limit,
            nonce: ++_nextNonce[address(s.guard)][account],
            epoch: s.guard.currentEpoch(),
            expiry: uint64(block.timestamp + 60)
        });
    }

    function _signedPermit(System memory s, address account, uint8 action, bytes32 target, uint256 limit)
        internal
        returns (SignedPermit memory signed)
    {
        signed.permit = _permit(s, account, action, target, limit);
        signed.signatures = _sign(s.guard.hashMarginPermit(signed.permit), _quorum());
    }

    function _signHealth(System memory s, AccountHealth memory h) internal view returns (bytes memory) {
        return _sign(s.guard.hashAccountHealth(h), _quorum());
    }

    /// @dev The first two signers (ascending), a valid quorum.
    function _quorum() internal view returns (uint256[] memory keys) {
        keys = new uint256[](2);
        keys[0] = signerKeys[0];
        keys[1] = signerKeys[1];
    }

    /// @dev Concatenated r‖s‖v signatures, in the order of `keys`.
    function _sign(bytes32 digest, uint256[] memory keys) internal pure returns (bytes memory signatures) {
        for (uint256 i; i < keys.length; ++i) {
            (uint8 v, bytes32 r, bytes32 sigS) = vm.sign(keys[i], digest);
            signatures = bytes.concat(signatures, r, sigS, bytes1(v));
        }
    }

    function _sortKeys(uint256[] memory keys) internal pure returns (uint256[] memory) {
        for (uint256 i = 1; i < keys.length; ++i) {
            for (uint256 j = i; j > 0 && vm.addr(keys[j]) < vm.addr(keys[j - 1]); --j) {
                (keys[j], keys[j - 1]) = (keys[j - 1], keys[j]);
            }
        }
        return keys;
    }
}

/// @notice One chain with a recording endpoint, ready for unit tests.
abstract contract XmarginTest is XmarginFixture {
    System internal s;
    address internal endpoint;
    uint32 internal constant LOCAL_EID = 40_101;
    uint32 internal constant REMOTE_EID = 40_102;
    address internal remoteMessenger = makeAddr("remoteMessenger");

    function setUp() public virtual {
        vm.warp(START_TIME);
        vm.roll(START_BLOCK);
        _initSigners();
        endpoint = address(new MockEndpoint(LOCAL_EID));
        s = _deploySystem(endpoint, "a");
        _wireMessenger(s, REMOTE_EID, remoteMessenger);
        vm.deal(keeper, 10 ether);
        vm.roll(block.number + 1);
    }
}
