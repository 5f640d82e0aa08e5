// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {
    AccountHealth,
    HealthRecord,
    IRiskGuard,
    InstrumentMark,
    MarginPermit,
    SignerSetUpdate
} from "./interfaces/IRiskGuard.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

/// @title RiskGuard
/// @notice See {IRiskGuard}.
contract RiskGuard is IRiskGuard, EIP712, AccessControl {
    using SafeCast for uint256;
    using SafeCast for int256;

    bytes32 public constant INSTRUMENT_MARK_TYPEHASH =
        keccak256("InstrumentMark(uint32 instrumentId,uint256 mark,uint256 maxClose)");
    bytes32 public constant ACCOUNT_HEALTH_TYPEHASH = keccak256(
        "AccountHealth(address account,uint64 sequence,uint64 epoch,int256 equity,uint256 initialMargin,uint256 maintenanceMargin,uint64 asOf,uint64 expiry,uint64 anchorBlock,bytes32 anchorsDigest,bytes32 paramsHash,InstrumentMark[] marks)InstrumentMark(uint32 instrumentId,uint256 mark,uint256 maxClose)"
    );
    bytes32 public constant MARGIN_PERMIT_TYPEHASH = keccak256(
        "MarginPermit(address account,uint64 chainId,uint8 action,bytes32 target,uint256 limit,uint64 nonce,uint64 epoch,uint64 expiry)"
    );
    bytes32 public constant SIGNER_SET_UPDATE_TYPEHASH = keccak256(
        "SignerSetUpdate(uint64 epoch,address[] signers,uint8 threshold,uint64 graceSeconds,uint64 expiry)"
    );

    bytes32 public constant CONSUMER_ROLE = keccak256("CONSUMER_ROLE");
    bytes32 public constant LIQUIDATOR_ROLE = keccak256("LIQUIDATOR_ROLE");

    uint256 public constant MAX_SIGNERS = 32;
    uint64 public constant MAX_GRACE_S = 30 days;
    uint64 public constant MAX_ATTESTATION_AGE_CAP_S = 1 days;
    /// @notice How far in the future an attestation's `asOf` may lie (relay clock ahead of the chain's).
    uint64 public constant MAX_FUTURE_SKEW_S = 60;

    struct SignerSetData {
        address[] signers;
        uint8 threshold;
        mapping(address signer => bool) member;
    }

    /// @dev Four slots: the hot path of every liquidation writes them. `digest` identifies the attestation,
    /// so the latest one can be used again by whoever did not post it (`acceptHealth`).
    struct PackedHealth {
        uint64 sequence;
        uint64 epoch;
        uint64 asOf;
        uint64 expiry;
        uint64 anchorBlock;
        uint64 postedAt;
        int128 equity;
        uint128 initialMargin;
        uint128 maintenanceMargin;
        bytes32 digest;
    }

    uint64 public currentEpoch;
    uint64 public previousEpochGraceDeadline;
    uint64 public maxAttestationAge;
    bytes32 public paramsHash;

    mapping(uint64 epoch => SignerSetData) private _sets;
    mapping(address account => PackedHealth) private _health;
    mapping(address account => mapping(uint64 nonce => bool)) private _permitUsed;
    mapping(address account => uint64) public flaggedAt;

    constructor(address admin, address[] memory signers, uint8 threshold, uint64 maxAttestationAgeS)
        EIP712("xmargin", "1")
    {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _setMaxAttestationAge(maxAttestationAgeS);
        _storeSignerSet(1, signers, threshold);
        currentEpoch = 1;
        emit SignerSetRotated(1, signers, threshold, 0);
    }

    // ------------------------------------------------------------------ attestations

    /// @inheritdoc IRiskGuard
    function postHealth(AccountHealth calldata health, bytes calldata signatures) external {
        _checkFresh(health);
        _post(health, signatures, _hashTypedDataV4(_hashHealthStruct(health)));
    }

    /// @inheritdoc IRiskGuard
    function acceptHealth(AccountHealth calldata health, bytes calldata signatures)
        external
        returns (bool posted)
    {
        _checkFresh(health);
        bytes32 digest = _hashTypedDataV4(_hashHealthStruct(health));
        PackedHealth storage stored = _health[health.account];
        // the latest attestation, already verified when it was posted: usable while it is fresh
        if (health.sequence == stored.sequence && digest == stored.digest) return false;
        _post(health, signatures, digest);
        return true;
    }

    /// @inheritdoc IRiskGuard
    function usePermit(MarginPermit calldata permit, bytes calldata signatures)
        external
        onlyRole(CONSUMER_ROLE)
    {
        if (permit.chainId != block.chainid) revert WrongChain(permit.chainId, block.chainid);
        if (permit.expiry < block.timestamp) revert PermitExpired(permit.expiry, uint64(block.timestamp));
        if (_permitUsed[permit.account][permit.nonce]) {
            revert PermitAlreadyUsed(permit.account, permit.nonce);
        }
        _checkEpoch(permit.epoch);
        _verifySignatures(_hashTypedDataV4(_hashPermitStruct(permit)), permit.epoch, signatures);
        _permitUsed[permit.account][permit.nonce] = true;
        emit PermitUsed(permit.account, permit.nonce, permit.action, permit.target, permit.limit, msg.sender);
    }

    /// @inheritdoc IRiskGuard
    function rotateSigners(SignerSetUpdate calldata update, bytes calldata signatures) external {
        uint64 current = currentEpoch;
        if (update.epoch != current + 1) revert WrongEpoch(update.epoch, current + 1);
        if (update.expiry < block.timestamp) revert UpdateExpired(update.expiry, uint64(block.timestamp));
        if (update.graceSeconds > MAX_GRACE_S) revert GraceTooLong(update.graceSeconds, MAX_GRACE_S);
        // Only the current set may hand over, even while the previous one is in its grace period.
        _verifySignatures(_hashTypedDataV4(_hashSignerSetUpdateStruct(update)), current, signatures);

        _storeSignerSet(update.epoch, update.signers, update.threshold);
        currentEpoch = update.epoch;
        uint64 graceDeadline = uint64(block.timestamp) + update.graceSeconds;
        previousEpochGraceDeadline = graceDeadline;
        emit SignerSetRotated(update.epoch, update.signers, update.threshold, graceDeadline);
    }

    /// @inheritdoc IRiskGuard
    function markFlagged(address account, uint64 sequence)
        external
        onlyRole(LIQUIDATOR_ROLE)
        returns (uint64 flagged)
    {
        flagged = flaggedAt[account];
        if (flagged == 0) {
            flagged = uint64(block.timestamp);
            flaggedAt[account] = flagged;
            emit AccountFlagged(account, flagged, sequence);
        }
    }

    // ------------------------------------------------------------------ admin

    /// @inheritdoc IRiskGuard
    function setMaxAttestationAge(uint64 maxAgeS) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setMaxAttestationAge(maxAgeS);
    }

    /// @inheritdoc IRiskGuard
    function setParamsHash(bytes32 newParamsHash) external onlyRole(DEFAULT_ADMIN_ROLE) {
        paramsHash = newParamsHash;
        emit ParamsHashSet(newParamsHash);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IRiskGuard
    function signerSet(uint64 epoch) external view returns (address[] memory signers, uint8 threshold) {
        SignerSetData storage set = _sets[epoch];
        return (set.signers, set.threshold);
    }

    /// @inheritdoc IRiskGuard
    function isSigner(uint64 epoch, address signer) external view returns (bool) {
        return _sets[epoch].member[signer];
    }

    /// @inheritdoc IRiskGuard
    function latestHealth(address account) external view returns (HealthRecord memory record) {
        PackedHealth storage stored = _health[account];
        record = HealthRecord({
            sequence: stored.sequence,
            epoch: stored.epoch,
            asOf: stored.asOf,
            expiry: stored.expiry,
            anchorBlock: stored.anchorBlock,
            postedAt: stored.postedAt,
            equity: stored.equity,
            initialMargin: stored.initialMargin,
            maintenanceMargin: stored.maintenanceMargin
        });
    }

    /// @inheritdoc IRiskGuard
    function lastSequence(address account) external view returns (uint64) {
        return _health[account].sequence;
    }

    /// @inheritdoc IRiskGuard
    function permitUsed(address account, uint64 nonce) external view returns (bool) {
        return _permitUsed[account][nonce];
    }

    /// @inheritdoc IRiskGuard
    function domainSeparator() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    /// @inheritdoc IRiskGuard
    function hashAccountHealth(AccountHealth calldata health) external view returns (bytes32) {
        return _hashTypedDataV4(_hashHealthStruct(health));
    }

    /// @inheritdoc IRiskGuard
    function hashMarginPermit(MarginPermit calldata permit) external view returns (bytes32) {
        return _hashTypedDataV4(_hashPermitStruct(permit));
    }

    /// @inheritdoc IRiskGuard
    function hashSignerSetUpdate(SignerSetUpdate calldata update) external view returns (bytes32) {
        return _hashTypedDataV4(_hashSignerSetUpdateStruct(update));
    }

    // ------------------------------------------------------------------ internal

    /// @dev `expiry >= now`, `now - maxAge <= asOf <= now + skew`, and the approved parameter set.
    function _checkFresh(AccountHealth calldata health) internal view {
        uint64 nowS = uint64(block.timestamp);
        if (health.expiry < nowS) revert AttestationExpired(health.expiry, nowS);
        if (health.asOf > nowS + MAX_FUTURE_SKEW_S) revert AttestationFromFuture(health.asOf, nowS);
        // asOf >= now - maxAge, written without underflow
        if (uint256(health.asOf) + maxAttestationAge < nowS) {
            revert StaleAttestation(health.asOf, maxAttestationAge);
        }
        bytes32 expectedParams = paramsHash;
        if (expectedParams != bytes32(0) && health.paramsHash != expectedParams) {
            revert ParamsMismatch(health.paramsHash, expectedParams);
        }
    }

    /// @dev Sequence, epoch and signatures; then stores the attestation as the latest and clears the flag
    /// when it is healthy.
    function _post(AccountHealth calldata health, bytes calldata signatures, bytes32 digest) internal {
        PackedHealth storage stored = _health[health.account];
        if (health.sequence <= stored.sequence) revert AttestationReplayed(health.sequence, stored.sequence);
        _checkEpoch(health.epoch);
        _verifySignatures(digest, health.epoch, signatures);

        stored.sequence = health.sequence;
        stored.epoch = health.epoch;
        stored.asOf = health.asOf;
        stored.expiry = health.expiry;
        stored.anchorBlock = health.anchorBlock;
        stored.postedAt = uint64(block.timestamp);
        stored.equity = health.equity.toInt128();
        stored.initialMargin = health.initialMargin.toUint128();
        stored.maintenanceMargin = health.maintenanceMargin.toUint128();
        stored.digest = digest;
        _emitHealthPosted(health);
        if (health.equity >= health.maintenanceMargin.toInt256() && flaggedAt[health.account] != 0) {
            delete flaggedAt[health.account];
            emit FlagCleared(health.account, health.sequence);
        }
    }

    /// @dev The epoch is the current one, or the previous one until (inclusive) its grace deadline.
    function _checkEpoch(uint64 epoch) internal view {
        uint64 current = currentEpoch;
        if (epoch == current) return;
        if (epoch == current - 1 && block.timestamp <= previousEpochGraceDeadline) return; // current >= 1
        revert StaleEpoch(epoch, current);
    }

    /// @dev `signatures` = n × (r ‖ s ‖ v); n >= max(1, threshold); recovered signers strictly ascending
    /// (which also rejects duplicates), each a member of `epoch`'s set. OZ's `tryRecover` rejects high-s.
    function _verifySignatures(bytes32 digest, uint64 epoch, bytes calldata signatures) internal view {
        if (signatures.length % 65 != 0) revert InvalidSignatureLength(signatures.length);
        SignerSetData storage set = _sets[epoch];
        uint256 count = signatures.length / 65;
        if (count == 0 || count < set.threshold) revert BelowThreshold(count, set.threshold);
        address previous;
        for (uint256 i; i < count; ++i) {
            bytes32 r;
            bytes32 s;
            uint8 v;
            assembly ("memory-safe") {
                let p := add(signatures.offset, mul(i, 65))
                r := calldataload(p)
                s := calldataload(add(p, 32))
                v := byte(0, calldataload(add(p, 64)))
            }
            (address signer, ECDSA.RecoverError err,) = ECDSA.tryRecover(digest, v, r, s);
            if (err != ECDSA.RecoverError.NoError) revert InvalidSignature(i);
            if (!set.member[signer]) revert UnknownSigner(signer);
            if (signer <= previous) revert SignaturesUnsorted(i);
            previous = signer;
        }
    }

    function _storeSignerSet(uint64 epoch, address[] memory signers, uint8 threshold) internal {
        uint256 n = signers.length;
        if (n == 0 || n > MAX_SIGNERS) revert InvalidSignerSet(n);
        if (threshold == 0 || threshold > n) revert InvalidThreshold(threshold, n);
        SignerSetData storage set = _sets[epoch];
        address previous;
        for (uint256 i; i < n; ++i) {
            address signer = signers[i];
            if (signer <= previous) revert InvalidSignerSet(i);
            set.member[signer] = true;
            set.signers.push(signer);
            previous = signer;
        }
        set.threshold = threshold;
    }

    /// @dev Its own frame: eleven calldata reads do not fit beside `postHealth`'s locals without via-IR.
    function _emitHealthPosted(AccountHealth calldata health) internal {
        emit HealthPosted(
            health.account,
            health.sequence,
            health.epoch,
            health.equity,
            health.initialMargin,
            health.maintenanceMargin,
            health.asOf,
            health.expiry,
            health.anchorBlock,
            health.anchorsDigest,
            health.paramsHash
        );
    }

    function _setMaxAttestationAge(uint64 maxAgeS) internal {
        if (maxAgeS == 0 || maxAgeS > MAX_ATTESTATION_AGE_CAP_S) revert InvalidMaxAge(maxAgeS);
        maxAttestationAge = maxAgeS;
        emit MaxAttestationAgeSet(maxAgeS);
    }

    /// @dev EIP-712 `hashStruct(AccountHealth)`; `marks` is the keccak of its elements' struct hashes.
    /// Encoded in two `abi.encode` halves (equal to one) to stay within the stack without via-IR.
    function _hashHealthStruct(AccountHealth calldata health) internal pure returns (bytes32) {
        InstrumentMark[] calldata marks = health.marks;
        bytes32[] memory markHashes = new bytes32[](marks.length);
        for (uint256 i; i < marks.length; ++i) {
            markHashes[i] = keccak256(
                abi.encode(INSTRUMENT_MARK_TYPEHASH, marks[i].instrumentId, marks[i].mark, marks[i].maxClose)
            );
        }
        return keccak256(
            bytes.concat(
                abi.encode(
                    ACCOUNT_HEALTH_TYPEHASH,
                    health.account,
                    health.sequence,
                    health.epoch,
                    health.equity,
                    health.initialMargin,
                    health.maintenanceMargin
                ),
                abi.encode(
                    health.asOf,
                    health.expiry,
                    health.anchorBlock,
                    health.anchorsDigest,
                    health.paramsHash,
                    keccak256(abi.encodePacked(markHashes))
                )
            )
        );
    }

    function _hashPermitStruct(MarginPermit calldata permit) internal pure returns (bytes32) {
        return keccak256(
            abi.encode(
                MARGIN_PERMIT_TYPEHASH,
                permit.account,
                permit.chainId,
                permit.action,
                permit.target,
                permit.limit,
                permit.nonce,
                permit.epoch,
                permit.expiry
            )
        );
    }

    function _hashSignerSetUpdateStruct(SignerSetUpdate calldata update) internal pure returns (bytes32) {
        return keccak256(
            abi.encode(
                SIGNER_SET_UPDATE_TYPEHASH,
                update.epoch,
                keccak256(abi.encodePacked(update.signers)),
                update.threshold,
                update.graceSeconds,
                update.expiry
            )
        );
    }
}
