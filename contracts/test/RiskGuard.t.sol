// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {RiskGuard} from "../src/RiskGuard.sol";
import {
    AccountHealth,
    HealthRecord,
    IRiskGuard,
    MarginPermit,
    SignerSetUpdate
} from "../src/interfaces/IRiskGuard.sol";
import {XmarginTest} from "./utils/XmarginFixture.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";

contract RiskGuardTest is XmarginTest {
    RiskGuard internal guard;
    uint256 internal constant SECP256K1_N =
        0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141;

    function setUp() public override {
        super.setUp();
        guard = s.guard;
        guard.grantRole(guard.CONSUMER_ROLE(), address(this));
        guard.grantRole(guard.LIQUIDATOR_ROLE(), address(this));
    }

    // ------------------------------------------------------------------ helpers

    function _keys(uint256 a) internal view returns (uint256[] memory keys) {
        keys = new uint256[](1);
        keys[0] = signerKeys[a];
    }

    function _keys(uint256 a, uint256 b) internal view returns (uint256[] memory keys) {
        keys = new uint256[](2);
        keys[0] = signerKeys[a];
        keys[1] = signerKeys[b];
    }

    function _healthy() internal returns (AccountHealth memory) {
        return _health(s, alice, 1000e18, 100e18);
    }

    function _postWith(AccountHealth memory h, uint256[] memory keys) internal {
        guard.postHealth(h, _sign(guard.hashAccountHealth(h), keys));
    }

    function _newSetKeys() internal pure returns (uint256[] memory keys) {
        keys = new uint256[](3);
        keys[0] = 0xD1;
        keys[1] = 0xD2;
        keys[2] = 0xD3;
        return _sortKeys(keys);
    }

    function _update(uint256[] memory keys, uint8 threshold, uint64 graceSeconds)
        internal
        view
        returns (SignerSetUpdate memory update)
    {
        address[] memory signers = new address[](keys.length);
        for (uint256 i; i < keys.length; ++i) {
            signers[i] = vm.addr(keys[i]);
        }
        update = SignerSetUpdate({
            epoch: guard.currentEpoch() + 1,
            signers: signers,
            threshold: threshold,
            graceSeconds: graceSeconds,
            expiry: uint64(block.timestamp + 60)
        });
    }

    /// @dev Rotates to a disjoint 2-of-3 set with the given grace; returns its keys (sorted).
    function _rotate(uint64 graceSeconds) internal returns (uint256[] memory newKeys) {
        newKeys = _newSetKeys();
        SignerSetUpdate memory update = _update(newKeys, 2, graceSeconds);
        guard.rotateSigners(update, _sign(guard.hashSignerSetUpdate(update), _quorum()));
    }

    function _malleable(bytes memory signature) internal pure returns (bytes memory) {
        bytes32 r;
        bytes32 sigS;
        uint8 v;
        assembly {
            r := mload(add(signature, 32))
            sigS := mload(add(signature, 64))
            v := byte(0, mload(add(signature, 96)))
        }
        return bytes.concat(r, bytes32(SECP256K1_N - uint256(sigS)), bytes1(v == 27 ? 28 : 27));
    }

    // ------------------------------------------------------------------ constants and construction

    function test_typehashes_matchTheAgreedStrings() public view {
        assertEq(
            guard.ACCOUNT_HEALTH_TYPEHASH(),
            keccak256(
                "AccountHealth(address account,uint64 sequence,uint64 epoch,int256 equity,uint256 initialMargin,uint256 maintenanceMargin,uint64 asOf,uint64 expiry,uint64 anchorBlock,bytes32 anchorsDigest,bytes32 paramsHash,InstrumentMark[] marks)InstrumentMark(uint32 instrumentId,uint256 mark,uint256 maxClose)"
            )
        );
        assertEq(
            guard.MARGIN_PERMIT_TYPEHASH(),
            keccak256(
                "MarginPermit(address account,uint64 chainId,uint8 action,bytes32 target,uint256 limit,uint64 nonce,uint64 epoch,uint64 expiry)"
            )
        );
        assertEq(
            guard.SIGNER_SET_UPDATE_TYPEHASH(),
            keccak256(
                "SignerSetUpdate(uint64 epoch,address[] signers,uint8 threshold,uint64 graceSeconds,uint64 expiry)"
            )
        );
        (, string memory name, string memory version, uint256 chainId, address verifyingContract,,) =
            guard.eip712Domain();
        assertEq(name, "xmargin");
        assertEq(version, "1");
        assertEq(chainId, block.chainid);
        assertEq(verifyingContract, address(guard));
    }

    /// @dev The digest written out by hand from the EIP-712 rules, against the contract's.
    function test_hashAccountHealth_followsEip712() public {
        AccountHealth memory h = _withMark(_healthy(), 1, 3000e18, 2e18);
        bytes32 markHash = keccak256(abi.encode(guard.INSTRUMENT_MARK_TYPEHASH(), uint32(1), 3000e18, 2e18));
        bytes32 structHash = keccak256(
            bytes.concat(
                abi.encode(
                    guard.ACCOUNT_HEALTH_TYPEHASH(),
                    h.account,
                    h.sequence,
                    h.epoch,
                    h.equity,
                    h.initialMargin,
                    h.maintenanceMargin
                ),
                abi.encode(
                    h.asOf,
                    h.expiry,
                    h.anchorBlock,
                    h.anchorsDigest,
                    h.paramsHash,
                    keccak256(abi.encodePacked(markHash))
                )
            )
        );
        assertEq(
            guard.hashAccountHealth(h),
            keccak256(abi.encodePacked("\x19\x01", guard.domainSeparator(), structHash))
        );
    }

    function test_constructor_storesEpochOneSigners() public view {
        assertEq(guard.currentEpoch(), 1);
        (address[] memory signers, uint8 threshold) = guard.signerSet(1);
        assertEq(signers, signerAddresses);
        assertEq(threshold, 2);
        assertTrue(guard.isSigner(1, signerAddresses[2]));
        assertFalse(guard.isSigner(1, alice));
        assertEq(guard.maxAttestationAge(), MAX_AGE_S);
    }

    function test_constructor_revertsForUnsortedSigners() public {
        address[] memory signers = new address[](2);
        signers[0] = signerAddresses[1];
        signers[1] = signerAddresses[0];
        vm.expectRevert(abi.encodeWithSelector(IRiskGuard.InvalidSignerSet.selector, 1));
        new RiskGuard(admin, signers, 1, MAX_AGE_S);
    }

    function test_constructor_revertsForBadThreshold() public {
        vm.expectRevert(abi.encodeWithSelector(IRiskGuard.InvalidThreshold.selector, 4, 3));
        new RiskGuard(admin, signerAddresses, 4, MAX_AGE_S);
        vm.expectRevert(abi.encodeWithSelector(IRiskGuard.InvalidThreshold.selector, 0, 3));
        new RiskGuard(admin, signerAddresses, 0, MAX_AGE_S);
    }

    // ------------------------------------------------------------------ postHealth

    function test_postHealth_storesLatestHealth() public {
        AccountHealth memory h = _healthy();
        vm.expectEmit(address(guard));
        emit IRiskGuard.HealthPosted(
            alice,
            h.sequence,
            1,
            h.equity,
            h.initialMargin,
            h.maintenanceMargin,
            h.asOf,
            h.expiry,
            h.anchorBlock,
            h.anchorsDigest,
            h.paramsHash
        );
        guard.postHealth(h, _signHealth(s, h));
        HealthRecord memory stored = guard.latestHealth(alice);
        assertEq(stored.sequence, h.sequence);
        assertEq(stored.equity, 1000e18);
        assertEq(stored.maintenanceMargin, 100e18);
        assertEq(stored.initialMargin, 125e18);
        assertEq(stored.anchorBlock, h.anchorBlock);
        assertEq(stored.postedAt, block.timestamp);
        assertEq(guard.lastSequence(alice), h.sequence);
    }

    function test_postHealth_acceptsEveryQuorum() public {
        _postWith(_healthy(), _keys(0, 2));
        _postWith(_healthy(), _keys(1, 2));
        uint256[] memory all = new uint256[](3);
        (all[0], all[1], all[2]) = (signerKeys[0], signerKeys[1], signerKeys[2]);
        _postWith(_healthy(), all);
        assertEq(guard.lastSequence(alice), 3);
    }

    function test_postHealth_revertsForForgedSigner() public {
        AccountHealth memory h = _healthy();
        uint256[] memory keys = new uint256[](2);
        keys[0] = signerKeys[0];
        keys[1] = 0xBAD;
        keys = _sortKeys(keys);
        bytes memory sigs = _sign(guard.hashAccountHealth(h), keys);
        vm.expectRevert(abi.encodeWithSelector(IRiskGuard.UnknownSigner.selector, vm.addr(0xBAD)));
        guard.postHealth(h, sigs);
    }

    function test_postHealth_revertsForDuplicateSigner() public {
        AccountHealth memory h = _healthy();
        bytes memory sigs = _sign(guard.hashAccountHealth(h), _keys(0, 0));
        vm.expectRevert(abi.encodeWithSelector(IRiskGuard.SignaturesUnsorted.selector, 1));
        guard.postHealth(h, sigs);
    }

    function test_postHealth_revertsForUnsortedSignatures() public {
        AccountHealth memory h = _healthy();
        bytes memory sigs = _sign(guard.hashAccountHealth(h), _keys(1, 0));
        vm.expectRevert(abi.encodeWithSelector(IRiskGuard.SignaturesUnsorted.selector, 1));
        guard.postHealth(h, sigs);
    }

    function test_postHealth_revertsBelowThreshold() public {
        AccountHealth memory h = _healthy();
        bytes memory sigs = _sign(guard.hashAccountHealth(h), _keys(0));
        vm.expectRevert(abi.encodeWithSelector(IRiskGuard.BelowThreshold.selector, 1, 2));
        guard.postHealth(h, sigs);
        vm.expectRevert(abi.encodeWithSelector(IRiskGuard.BelowThreshold.selector, 0, 2));
        guard.postHealth(h, "");
    }

    function test_postHealth_revertsForBadSignatureLength() public {
        AccountHealth memory h = _healthy();
        bytes memory sigs = bytes.concat(_signHealth(s, h), bytes1(0));
        vm.expectRevert(abi.encodeWithSelector(IRiskGuard.InvalidSignatureLength.selector, 131));
        guard.postHealth(h, sigs);
    }

    function test_postHealth_revertsForMalleableSignature() public {
        AccountHealth memory h = _healthy();
        bytes32 digest = guard.hashAccountHealth(h);
        bytes memory sigs = bytes.concat(_malleable(_sign(digest, _keys(0))), _sign(digest, _keys(1)));
        vm.expectRevert(abi.encodeWithSelector(IRiskGuard.InvalidSignature.selector, 0));
        guard.postHealth(h, sigs);
    }

    function test_postHealth_revertsWhenExpired() public {
        AccountHealth memory h = _healthy();
        bytes memory sigs = _signHealth(s, h);
        vm.warp(h.expiry + 1);
        vm.expectRevert(
            abi.encodeWithSelector(IRiskGuard.AttestationExpired.selector, h.expiry, h.expiry + 1)
        );
        guard.postHealth(h, sigs);
    }

    function test_postHealth_revertsWhenStale() public {
        AccountHealth memory h = _healthy();
        h.expiry = uint64(block.timestamp + 1 days);
        bytes memory sigs = _signHealth(s, h);
        vm.warp(block.timestamp + MAX_AGE_S + 1);
        vm.expectRevert(abi.encodeWithSelector(IRiskGuard.StaleAttestation.selector, h.asOf, MAX_AGE_S));
        guard.postHealth(h, sigs);
    }

    function test_postHealth_revertsWhenFromFuture() public {
        AccountHealth memory h = _healthy();
        h.asOf = uint64(block.timestamp + 61);
        h.expiry = uint64(block.timestamp + 1 days);
        bytes memory sigs = _signHealth(s, h);
        vm.expectRevert(
            abi.encodeWithSelector(IRiskGuard.AttestationFromFuture.selector, h.asOf, uint64(block.timestamp))
        );
        guard.postHealth(h, sigs);
    }

    function test_postHealth_revertsWhenReplayed() public {
        AccountHealth memory h = _healthy();
        bytes memory sigs = _signHealth(s, h);
        guard.postHealth(h, sigs);
        vm.expectRevert(
            abi.encodeWithSelector(IRiskGuard.AttestationReplayed.selector, h.sequence, h.sequence)
        );
        guard.postHealth(h, sigs);
    }

    function test_postHealth_revertsForOlderSequence() public {
        AccountHealth memory older = _healthy();
        AccountHealth memory newer = _healthy();
        guard.postHealth(newer, _signHealth(s, newer));
        bytes memory sigs = _signHealth(s, older);
        vm.expectRevert(
            abi.encodeWithSelector(IRiskGuard.AttestationReplayed.selector, older.sequence, newer.sequence)
        );
        guard.postHealth(older, sigs);
    }

    function test_postHealth_revertsForWrongChainId() public {
        AccountHealth memory h = _healthy();
        uint256 chainId = block.chainid;
        vm.chainId(chainId + 1);
        bytes32 foreignDigest = guard.hashAccountHealth(h);
        vm.chainId(chainId);
        uint256[] memory keys = _quorum();
        bytes memory sigs = _sign(foreignDigest, keys);
        (uint8 v, bytes32 r, bytes32 sigS) = vm.sign(keys[0], foreignDigest);
        address recovered = ecrecover(guard.hashAccountHealth(h), v, r, sigS);
        vm.expectRevert(abi.encodeWithSelector(IRiskGuard.UnknownSigner.selector, recovered));
        guard.postHealth(h, sigs);
    }

    function test_postHealth_revertsForWrongVerifyingContract() public {
        RiskGuard other = new RiskGuard(admin, signerAddresses, 2, MAX_AGE_S);
        AccountHealth memory h = _healthy();
        bytes32 foreignDigest = other.hashAccountHealth(h);
        bytes memory sigs = _sign(foreignDigest, _quorum());
        (uint8 v, bytes32 r, bytes32 sigS) = vm.sign(_quorum()[0], foreignDigest);
        address recovered = ecrecover(guard.hashAccountHealth(h), v, r, sigS);
        vm.expectRevert(abi.encodeWithSelector(IRiskGuard.UnknownSigner.selector, recovered));
        guard.postHealth(h, sigs);
        other.postHealth(h, sigs); // the same signatures are valid where they were meant
    }

    function test_postHealth_revertsWhenMarksAreTampered() public {
        AccountHealth memory h = _withMark(_health(s, alice, -1e18, 100e18), 1, 3000e18, 1e18);
        bytes memory sigs = _signHealth(s, h);
        h.marks[0].maxClose = 100e18;
        vm.expectRevert(); // recovers to some unknown address
        guard.postHealth(h, sigs);
    }

    function test_postHealth_acceptsPreviousEpochWithinGrace() public {
        _rotate(100);
        AccountHealth memory h = _healthy();
        h.epoch = 1;
        _postWith(h, _quorum());
        assertEq(guard.latestHealth(alice).epoch, 1);
    }

    function test_postHealth_revertsForStaleEpochAfterGrace() public {
        _rotate(100);
        vm.warp(block.timestamp + 101);
        AccountHealth memory h = _healthy();
        h.epoch = 1;
        bytes memory sigs = _sign(guard.hashAccountHealth(h), _quorum());
        vm.expectRevert(abi.encodeWithSelector(IRiskGuard.StaleEpoch.selector, 1, 2));
        guard.postHealth(h, sigs);
    }

    function test_postHealth_revertsForOldSignersUnderNewEpoch() public {
        _rotate(100);
        AccountHealth memory h = _healthy(); // epoch 2
        bytes memory sigs = _sign(guard.hashAccountHealth(h), _quorum());
        vm.expectRevert(abi.encodeWithSelector(IRiskGuard.UnknownSigner.selector, signerAddresses[0]));
        guard.postHealth(h, sigs);
    }

    function test_postHealth_acceptsNewSigners() public {
        uint256[] memory newKeys = _rotate(0);
        AccountHealth memory h = _healthy();
        _postWith(h, newKeys);
        assertEq(guard.latestHealth(alice).epoch, 2);
    }

    function test_postHealth_revertsForFutureEpoch() public {
        AccountHealth memory h = _healthy();
        h.epoch = 2;
        bytes memory sigs = _signHealth(s, h);
        vm.expectRevert(abi.encodeWithSelector(IRiskGuard.StaleEpoch.selector, 2, 1));
        guard.postHealth(h, sigs);
    }

    function test_postHealth_checksParamsHashWhenSet() public {
        guard.setParamsHash(keccak256("xpm-1"));
        AccountHealth memory h = _healthy();
        bytes memory sigs = _signHealth(s, h);
        vm.expectRevert(
            abi.encodeWithSelector(IRiskGuard.ParamsMismatch.selector, bytes32(0), keccak256("xpm-1"))
        );
        guard.postHealth(h, sigs);
        h.paramsHash = keccak256("xpm-1");
        guard.postHealth(h, _signHealth(s, h));
    }

    function test_postHealth_clearsFlagWhenHealthy() public {
        guard.markFlagged(alice, 0);
        AccountHealth memory h = _healthy();
        vm.expectEmit(address(guard));
        emit IRiskGuard.FlagCleared(alice, h.sequence);
        guard.postHealth(h, _signHealth(s, h));
        assertEq(guard.flaggedAt(alice), 0);
    }

    function test_postHealth_keepsFlagWhenUnhealthy() public {
        guard.markFlagged(alice, 0);
        AccountHealth memory h = _health(s, alice, 99e18, 100e18);
        guard.postHealth(h, _signHealth(s, h));
        assertEq(guard.flaggedAt(alice), block.timestamp);
    }

    // ------------------------------------------------------------------ acceptHealth

    function test_acceptHealth_postsNewAndAcceptsTheLatestAgain() public {
        AccountHealth memory h = _healthy();
        bytes memory sigs = _signHealth(s, h);
        assertTrue(guard.acceptHealth(h, sigs));
        assertFalse(guard.acceptHealth(h, "")); // the latest, already verified: no signatures needed
        assertEq(guard.lastSequence(alice), h.sequence);
    }

    function test_acceptHealth_revertsForATamperedLatest() public {
        AccountHealth memory h = _healthy();
        guard.postHealth(h, _signHealth(s, h));
        h.equity = -1;
        vm.expectRevert(
            abi.encodeWithSelector(IRiskGuard.AttestationReplayed.selector, h.sequence, h.sequence)
        );
        guard.acceptHealth(h, "");
    }

    function test_acceptHealth_revertsForTheLatestOnceStale() public {
        AccountHealth memory h = _healthy();
        h.expiry = uint64(block.timestamp + 1 days);
        bytes memory sigs = _signHealth(s, h);
        guard.postHealth(h, sigs);
        vm.warp(block.timestamp + MAX_AGE_S + 1);
        vm.expectRevert(abi.encodeWithSelector(IRiskGuard.StaleAttestation.selector, h.asOf, MAX_AGE_S));
        guard.acceptHealth(h, sigs);
    }

    function test_acceptHealth_revertsForAnOlderAttestation() public {
        AccountHealth memory older = _healthy();
        AccountHealth memory newer = _healthy();
        bytes memory olderSigs = _signHealth(s, older);
        guard.postHealth(newer, _signHealth(s, newer));
        vm.expectRevert(
            abi.encodeWithSelector(IRiskGuard.AttestationReplayed.selector, older.sequence, newer.sequence)
        );
        guard.acceptHealth(older, olderSigs);
    }

    // ------------------------------------------------------------------ usePermit

    function _withdrawPermit(uint256 limit) internal returns (MarginPermit memory) {
        return _permit(s, alice, 0, bytes32(uint256(uint160(address(s.usdc)))), limit);
    }

    function test_usePermit_marksUsedAndEmits() public {
        MarginPermit memory p = _withdrawPermit(5e6);
        vm.expectEmit(address(guard));
        emit IRiskGuard.PermitUsed(alice, p.nonce, 0, p.target, 5e6, address(this));
        guard.usePermit(p, _sign(guard.hashMarginPermit(p), _quorum()));
        assertTrue(guard.permitUsed(alice, p.nonce));
    }

    function test_usePermit_revertsForNonConsumer() public {
        MarginPermit memory p = _withdrawPermit(5e6);
        bytes memory sigs = _sign(guard.hashMarginPermit(p), _quorum());
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, bob, guard.CONSUMER_ROLE()
            )
        );
        vm.prank(bob);
        guard.usePermit(p, sigs);
    }

    function test_usePermit_revertsWhenReplayed() public {
        MarginPermit memory p = _withdrawPermit(5e6);
        bytes memory sigs = _sign(guard.hashMarginPermit(p), _quorum());
        guard.usePermit(p, sigs);
        vm.expectRevert(abi.encodeWithSelector(IRiskGuard.PermitAlreadyUsed.selector, alice, p.nonce));
        guard.usePermit(p, sigs);
    }

    function test_usePermit_acceptsNoncesInAnyOrder() public {
        MarginPermit memory first = _withdrawPermit(1);
        MarginPermit memory second = _withdrawPermit(2);
        guard.usePermit(second, _sign(guard.hashMarginPermit(second), _quorum()));
        guard.usePermit(first, _sign(guard.hashMarginPermit(first), _quorum()));
        assertTrue(guard.permitUsed(alice, first.nonce) && guard.permitUsed(alice, second.nonce));
    }

    function test_usePermit_revertsForWrongChainId() public {
        MarginPermit memory p = _withdrawPermit(5e6);
        p.chainId = uint64(block.chainid + 1);
        bytes memory sigs = _sign(guard.hashMarginPermit(p), _quorum());
        vm.expectRevert(abi.encodeWithSelector(IRiskGuard.WrongChain.selector, p.chainId, block.chainid));
        guard.usePermit(p, sigs);
    }

    function test_usePermit_revertsForForeignDomain() public {
        MarginPermit memory p = _withdrawPermit(5e6);
        uint256 chainId = block.chainid;
        vm.chainId(chainId + 1);
        bytes32 foreignDigest = guard.hashMarginPermit(p);
        vm.chainId(chainId);
        bytes memory sigs = _sign(foreignDigest, _quorum());
        vm.expectRevert(); // recovers to unknown signers
        guard.usePermit(p, sigs);
    }

    function test_usePermit_revertsForWrongVerifyingContract() public {
        RiskGuard other = new RiskGuard(admin, signerAddresses, 2, MAX_AGE_S);
        MarginPermit memory p = _withdrawPermit(5e6);
        bytes32 foreignDigest = other.hashMarginPermit(p);
        (uint8 v, bytes32 r, bytes32 sigS) = vm.sign(_quorum()[0], foreignDigest);
        address recovered = ecrecover(guard.hashMarginPermit(p), v, r, sigS);
        bytes memory sigs = _sign(foreignDigest, _quorum());
        vm.expectRevert(abi.encodeWithSelector(IRiskGuard.UnknownSigner.selector, recovered));
        guard.usePermit(p, sigs);
    }

    function test_usePermit_revertsWhenExpired() public {
        MarginPermit memory p = _withdrawPermit(5e6);
        bytes memory sigs = _sign(guard.hashMarginPermit(p), _quorum());
        vm.warp(p.expiry + 1);
        vm.expectRevert(abi.encodeWithSelector(IRiskGuard.PermitExpired.selector, p.expiry, p.expiry + 1));
        guard.usePermit(p, sigs);
    }

    function test_usePermit_revertsForForgedSigner() public {
        MarginPermit memory p = _withdrawPermit(5e6);
        uint256[] memory keys = new uint256[](2);
        keys[0] = signerKeys[1];
        keys[1] = 0xBAD;
        bytes memory sigs = _sign(guard.hashMarginPermit(p), _sortKeys(keys));
        vm.expectRevert(abi.encodeWithSelector(IRiskGuard.UnknownSigner.selector, vm.addr(0xBAD)));
        guard.usePermit(p, sigs);
    }

    function test_usePermit_revertsForDuplicateSigner() public {
        MarginPermit memory p = _withdrawPermit(5e6);
        bytes memory sigs = _sign(guard.hashMarginPermit(p), _keys(2, 2));
        vm.expectRevert(abi.encodeWithSelector(IRiskGuard.SignaturesUnsorted.selector, 1));
        guard.usePermit(p, sigs);
    }

    function test_usePermit_revertsForUnsortedSignatures() public {
        MarginPermit memory p = _withdrawPermit(5e6);
        bytes memory sigs = _sign(guard.hashMarginPermit(p), _keys(2, 1));
        vm.expectRevert(abi.encodeWithSelector(IRiskGuard.SignaturesUnsorted.selector, 1));
        guard.usePermit(p, sigs);
    }

    function test_usePermit_revertsBelowThreshold() public {
        MarginPermit memory p = _withdrawPermit(5e6);
        bytes memory sigs = _sign(guard.hashMarginPermit(p), _keys(2));
        vm.expectRevert(abi.encodeWithSelector(IRiskGuard.BelowThreshold.selector, 1, 2));
        guard.usePermit(p, sigs);
    }

    function test_usePermit_revertsForStaleEpochAfterGrace() public {
        MarginPermit memory p = _withdrawPermit(5e6);
        bytes memory sigs = _sign(guard.hashMarginPermit(p), _quorum());
        _rotate(30);
        vm.warp(block.timestamp + 31);
        p.expiry = uint64(block.timestamp + 60);
        sigs = _sign(guard.hashMarginPermit(p), _quorum());
        vm.expectRevert(abi.encodeWithSelector(IRiskGuard.StaleEpoch.selector, 1, 2));
        guard.usePermit(p, sigs);
    }

    // ------------------------------------------------------------------ rotateSigners

    function test_rotateSigners_byCurrentSet() public {
        uint256[] memory newKeys = _newSetKeys();
        SignerSetUpdate memory update = _update(newKeys, 2, 100);
        vm.expectEmit(address(guard));
        emit IRiskGuard.SignerSetRotated(2, update.signers, 2, uint64(block.timestamp + 100));
        guard.rotateSigners(update, _sign(guard.hashSignerSetUpdate(update), _quorum()));
        assertEq(guard.currentEpoch(), 2);
        assertEq(guard.previousEpochGraceDeadline(), block.timestamp + 100);
        assertTrue(guard.isSigner(2, vm.addr(newKeys[0])));
    }

    function test_rotateSigners_revertsForPreviousSetInGrace() public {
        _rotate(1 days);
        SignerSetUpdate memory update = _update(_newSetKeys(), 1, 0);
        update.signers = signerAddresses; // try to hand authority back, signed by the set in grace
        bytes memory sigs = _sign(guard.hashSignerSetUpdate(update), _quorum());
        vm.expectRevert(abi.encodeWithSelector(IRiskGuard.UnknownSigner.selector, signerAddresses[0]));
        guard.rotateSigners(update, sigs);
    }

    function test_rotateSigners_revertsWhenReplayed() public {
        SignerSetUpdate memory update = _update(_newSetKeys(), 2, 0);
        bytes memory sigs = _sign(guard.hashSignerSetUpdate(update), _quorum());
        guard.rotateSigners(update, sigs);
        vm.expectRevert(abi.encodeWithSelector(IRiskGuard.WrongEpoch.selector, 2, 3));
        guard.rotateSigners(update, sigs);
    }

    function test_rotateSigners_revertsWhenExpired() public {
        SignerSetUpdate memory update = _update(_newSetKeys(), 2, 0);
        bytes memory sigs = _sign(guard.hashSignerSetUpdate(update), _quorum());
        vm.warp(update.expiry + 1);
        vm.expectRevert(
            abi.encodeWithSelector(IRiskGuard.UpdateExpired.selector, update.expiry, update.expiry + 1)
        );
        guard.rotateSigners(update, sigs);
    }

    function test_rotateSigners_revertsForGraceTooLong() public {
        SignerSetUpdate memory update = _update(_newSetKeys(), 2, 31 days);
        bytes memory sigs = _sign(guard.hashSignerSetUpdate(update), _quorum());
        vm.expectRevert(abi.encodeWithSelector(IRiskGuard.GraceTooLong.selector, 31 days, 30 days));
        guard.rotateSigners(update, sigs);
    }

    function test_rotateSigners_revertsForInvalidSet() public {
        SignerSetUpdate memory update = _update(_newSetKeys(), 2, 0);
        (update.signers[0], update.signers[1]) = (update.signers[1], update.signers[0]);
        bytes memory sigs = _sign(guard.hashSignerSetUpdate(update), _quorum());
        vm.expectRevert(abi.encodeWithSelector(IRiskGuard.InvalidSignerSet.selector, 1));
        guard.rotateSigners(update, sigs);

        update = _update(_newSetKeys(), 0, 0);
        sigs = _sign(guard.hashSignerSetUpdate(update), _quorum());
        vm.expectRevert(abi.encodeWithSelector(IRiskGuard.InvalidThreshold.selector, 0, 3));
        guard.rotateSigners(update, sigs);
    }

    function test_rotateSigners_revertsBelowThreshold() public {
        SignerSetUpdate memory update = _update(_newSetKeys(), 2, 0);
        bytes memory sigs = _sign(guard.hashSignerSetUpdate(update), _keys(0));
        vm.expectRevert(abi.encodeWithSelector(IRiskGuard.BelowThreshold.selector, 1, 2));
        guard.rotateSigners(update, sigs);
    }

    function test_rotateSigners_revertsForForgedDuplicateAndUnsorted() public {
        SignerSetUpdate memory update = _update(_newSetKeys(), 2, 0);
        bytes32 digest = guard.hashSignerSetUpdate(update);
        uint256[] memory forged = new uint256[](2);
        forged[0] = signerKeys[0];
        forged[1] = 0xBAD;
        bytes memory sigs = _sign(digest, _sortKeys(forged));
        vm.expectRevert(abi.encodeWithSelector(IRiskGuard.UnknownSigner.selector, vm.addr(0xBAD)));
        guard.rotateSigners(update, sigs);
        sigs = _sign(digest, _keys(1, 1));
        vm.expectRevert(abi.encodeWithSelector(IRiskGuard.SignaturesUnsorted.selector, 1));
        guard.rotateSigners(update, sigs);
        sigs = _sign(digest, _keys(1, 0));
        vm.expectRevert(abi.encodeWithSelector(IRiskGuard.SignaturesUnsorted.selector, 1));
        guard.rotateSigners(update, sigs);
    }

    function test_rotateSigners_revertsForWrongChainId() public {
        SignerSetUpdate memory update = _update(_newSetKeys(), 2, 0);
        uint256 chainId = block.chainid;
        vm.chainId(chainId + 1);
        bytes32 foreignDigest = guard.hashSignerSetUpdate(update);
        vm.chainId(chainId);
        bytes memory sigs = _sign(foreignDigest, _quorum());
        vm.expectRevert();
        guard.rotateSigners(update, sigs);
        assertEq(guard.currentEpoch(), 1);
    }

    // ------------------------------------------------------------------ flags and admin

    function test_markFlagged_isIdempotent() public {
        vm.expectEmit(address(guard));
        emit IRiskGuard.AccountFlagged(alice, uint64(block.timestamp), 7);
        uint64 first = guard.markFlagged(alice, 7);
        vm.warp(block.timestamp + 10);
        assertEq(guard.markFlagged(alice, 8), first);
    }

    function test_markFlagged_revertsForNonLiquidator() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, bob, guard.LIQUIDATOR_ROLE()
            )
        );
        vm.prank(bob);
        guard.markFlagged(alice, 1);
    }

    function test_setMaxAttestationAge_onlyAdminAndBounded() public {
        guard.setMaxAttestationAge(60);
        assertEq(guard.maxAttestationAge(), 60);
        vm.expectRevert(abi.encodeWithSelector(IRiskGuard.InvalidMaxAge.selector, 0));
        guard.setMaxAttestationAge(0);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, bob, guard.DEFAULT_ADMIN_ROLE()
            )
        );
        vm.prank(bob);
        guard.setMaxAttestationAge(60);
    }

    // ------------------------------------------------------------------ fuzz

    function testFuzz_postHealth_acceptsOnlyHigherSequences(uint64 first, uint64 second) public {
        first = uint64(bound(first, 1, type(uint64).max));
        AccountHealth memory h = _healthy();
        h.sequence = first;
        _postWith(h, _quorum());
        AccountHealth memory next = _healthy();
        next.sequence = second;
        bytes memory sigs = _signHealth(s, next);
        if (second <= first) {
            vm.expectRevert(abi.encodeWithSelector(IRiskGuard.AttestationReplayed.selector, second, first));
        }
        guard.postHealth(next, sigs);
    }

    function testFuzz_postHealth_freshnessWindow(uint256 age) public {
        age = bound(age, 0, 10 * MAX_AGE_S);
        AccountHealth memory h = _healthy();
        h.expiry = uint64(block.timestamp + 1 days);
        bytes memory sigs = _signHealth(s, h);
        vm.warp(block.timestamp + age);
        if (age > MAX_AGE_S) {
            vm.expectRevert(abi.encodeWithSelector(IRiskGuard.StaleAttestation.selector, h.asOf, MAX_AGE_S));
        }
        guard.postHealth(h, sigs);
    }

    function testFuzz_postHealth_clearsFlagExactlyWhenHealthy(int256 equity, uint256 maintenanceMargin)
        public
    {
        equity = bound(equity, -1e30, 1e30);
        maintenanceMargin = bound(maintenanceMargin, 0, 1e30);
        guard.markFlagged(alice, 0);
        AccountHealth memory h = _health(s, alice, equity, maintenanceMargin);
        guard.postHealth(h, _signHealth(s, h));
        assertEq(guard.flaggedAt(alice) == 0, equity >= int256(maintenanceMargin));
    }

    function test_setParamsHash_onlyAdmin() public {
        vm.expectEmit(address(guard));
        emit IRiskGuard.ParamsHashSet(keccak256("xpm-1"));
        guard.setParamsHash(keccak256("xpm-1"));
        assertEq(guard.paramsHash(), keccak256("xpm-1"));
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, bob, guard.DEFAULT_ADMIN_ROLE()
            )
        );
        vm.prank(bob);
        guard.setParamsHash(bytes32(0));
    }
}
