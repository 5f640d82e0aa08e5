// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

/// @notice The mark of one instrument on this chain in a liquidation attestation.
/// @param instrumentId The PositionBook instrument.
/// @param mark Mark price (wad USD per unit of size; an option's premium).
/// @param maxClose Largest absolute size (wad) the relay's liquidation plan closes; 0 when healthy.
struct InstrumentMark {
    uint32 instrumentId;
    uint256 mark;
    uint256 maxClose;
}

/// @notice The relay's signed statement of an account's unified health (DESIGN.md §4).
/// @param account The account.
/// @param sequence Strictly increasing per account on each chain.
/// @param epoch Signer-set epoch that signed it.
/// @param equity Unified equity (wad USD, signed).
/// @param initialMargin Unified initial margin (wad USD).
/// @param maintenanceMargin Unified maintenance margin (wad USD).
/// @param asOf When the relay computed it (seconds).
/// @param expiry Last second it may be used.
/// @param anchorBlock Block of THIS chain the relay read.
/// @param anchorsDigest Commitment to every chain's `{chainId, blockNumber, blockHash}` (opaque here).
/// @param paramsHash Hash of the margin parameter set it was computed with.
/// @param marks This chain's instruments with marks and the liquidation plan's close limits.
struct AccountHealth {
    address account;
    uint64 sequence;
    uint64 epoch;
    int256 equity;
    uint256 initialMargin;
    uint256 maintenanceMargin;
    uint64 asOf;
    uint64 expiry;
    uint64 anchorBlock;
    bytes32 anchorsDigest;
    bytes32 paramsHash;
    InstrumentMark[] marks;
}

/// @notice A single-use authorisation to withdraw (action 0) or to increase risk (actions 1-3) on one chain.
/// @param account The account it authorises.
/// @param chainId Must equal `block.chainid`.
/// @param action 0 = Withdraw, 1 = IncreaseRisk (either side), 2 = IncreaseLong (the position ends long),
/// 3 = IncreaseShort (the position ends short). A directional permit lets the relay price one side only,
/// so the leg of a cross-chain hedge is not charged as if it could go the other way.
/// @param target Withdraw: `bytes32(uint256(uint160(asset)))`; IncreaseRisk: `bytes32(uint256(instrumentId))`.
/// @param limit Withdraw: largest token amount; IncreaseRisk: largest absolute size increase (wad).
/// @param nonce Consumed on use; permits are used in any order.
/// @param epoch Signer-set epoch that signed it.
/// @param expiry Last second it may be used.
struct MarginPermit {
    address account;
    uint64 chainId;
    uint8 action;
    bytes32 target;
    uint256 limit;
    uint64 nonce;
    uint64 epoch;
    uint64 expiry;
}

/// @notice A new signer set, signed by the current one.
/// @param epoch Must be the current epoch + 1.
/// @param signers Strictly ascending, non-zero, at most 32.
/// @param threshold Signatures needed, 1 ..= signers.length.
/// @param graceSeconds How long the previous set's attestations and permits stay valid.
/// @param expiry Last second the update may be applied.
struct SignerSetUpdate {
    uint64 epoch;
    address[] signers;
    uint8 threshold;
    uint64 graceSeconds;
    uint64 expiry;
}

/// @notice The latest attested health of an account as stored on this chain.
struct HealthRecord {
    uint64 sequence;
    uint64 epoch;
    uint64 asOf;
    uint64 expiry;
    uint64 anchorBlock;
    uint64 postedAt;
    int256 equity;
    uint256 initialMargin;
    uint256 maintenanceMargin;
}

/// @title IRiskGuard
/// @notice Verifies the relay's EIP-712 attestations (`AccountHealth`) and permits (`MarginPermit`)
/// against an m-of-n signer set with epochs, stores the latest attested health per account, and keeps
/// the liquidation flag (start of the Dutch auction).
/// @dev Domain `{name: "xmargin", version: "1", chainId, verifyingContract: this}`. Signatures are
/// 65-byte `r‖s‖v` concatenated, recovered signers strictly ascending (no duplicates), each a member of
/// the epoch's set, at least `threshold`; malleable (high-s) signatures are rejected.
interface IRiskGuard {
    /// @notice An attestation was verified and stored.
    event HealthPosted(
        address indexed account,
        uint64 indexed sequence,
        uint64 epoch,
        int256 equity,
        uint256 initialMargin,
        uint256 maintenanceMargin,
        uint64 asOf,
        uint64 expiry,
        uint64 anchorBlock,
        bytes32 anchorsDigest,
        bytes32 paramsHash
    );
    /// @notice A permit was consumed by `consumer`; the relay releases its reservation when it sees this.
    event PermitUsed(
        address indexed account,
        uint64 indexed nonce,
        uint8 action,
        bytes32 target,
        uint256 limit,
        address indexed consumer
    );
    /// @notice The signer set rotated to `epoch`; the previous set is accepted until `previousGraceDeadline`.
    event SignerSetRotated(
        uint64 indexed epoch, address[] signers, uint8 threshold, uint64 previousGraceDeadline
    );
    /// @notice The account's Dutch auction started at `flaggedAt`.
    event AccountFlagged(address indexed account, uint64 flaggedAt, uint64 sequence);
    /// @notice A healthy attestation (`equity >= maintenanceMargin`) cleared the flag.
    event FlagCleared(address indexed account, uint64 sequence);
    event MaxAttestationAgeSet(uint64 maxAgeS);
    event ParamsHashSet(bytes32 paramsHash);

    /// @notice `signatures.length` is not a multiple of 65.
    error InvalidSignatureLength(uint256 length);
    /// @notice Signature `index` does not recover (bad v, zero address or malleable s).
    error InvalidSignature(uint256 index);
    /// @notice Signature `index` recovers to a signer not above the previous one (unsorted or duplicate).
    error SignaturesUnsorted(uint256 index);
    /// @notice `signer` is not in the epoch's set (forged, or signed for another chain or contract).
    error UnknownSigner(address signer);
    /// @notice Fewer than `threshold` signatures.
    error BelowThreshold(uint256 count, uint256 threshold);
    /// @notice `epoch` is neither the current one nor the previous one within its grace period.
    error StaleEpoch(uint64 epoch, uint64 current);
    /// @notice The attestation expired at `expiry`.
    error AttestationExpired(uint64 expiry, uint64 timestamp);
    /// @notice The attestation was computed longer than `maxAge` seconds ago.
    error StaleAttestation(uint64 asOf, uint64 maxAge);
    /// @notice The attestation claims to be computed in the future.
    error AttestationFromFuture(uint64 asOf, uint64 timestamp);
    /// @notice `sequence` is not above the account's last accepted sequence: already used or superseded.
    error AttestationReplayed(uint64 sequence, uint64 lastSequence);
    /// @notice The attestation was computed with another parameter set than the approved one.
    error ParamsMismatch(bytes32 paramsHash, bytes32 expected);
    /// @notice The permit expired at `expiry`.
    error PermitExpired(uint64 expiry, uint64 timestamp);
    /// @notice The permit `(account, nonce)` was already used.
    error PermitAlreadyUsed(address account, uint64 nonce);
    /// @notice The permit is for another chain.
    error WrongChain(uint64 chainId, uint256 expected);
    /// @notice A rotation must name the next epoch.
    error WrongEpoch(uint64 epoch, uint64 expected);
    /// @notice The rotation expired at `expiry`.
    error UpdateExpired(uint64 expiry, uint64 timestamp);
    /// @notice Signer `index` of a new set is zero or not above the previous one.
    error InvalidSignerSet(uint256 index);
    /// @notice `threshold` is 0 or above the number of signers.
    error InvalidThreshold(uint8 threshold, uint256 signers);
    /// @notice The grace period exceeds the maximum.
    error GraceTooLong(uint64 graceSeconds, uint64 maxGraceSeconds);
    /// @notice The maximum attestation age is 0 or above the cap.
    error InvalidMaxAge(uint64 maxAgeS);

    /// @notice `keccak256("AccountHealth(...)InstrumentMark(...)")`.
    function ACCOUNT_HEALTH_TYPEHASH() external view returns (bytes32);
    /// @notice `keccak256("InstrumentMark(uint32 instrumentId,uint256 mark,uint256 maxClose)")`.
    function INSTRUMENT_MARK_TYPEHASH() external view returns (bytes32);
    /// @notice `keccak256("MarginPermit(...)")`.
    function MARGIN_PERMIT_TYPEHASH() external view returns (bytes32);
    /// @notice `keccak256("SignerSetUpdate(...)")`.
    function SIGNER_SET_UPDATE_TYPEHASH() external view returns (bytes32);
    /// @notice Role that may spend permits (CollateralVault, PositionBook).
    function CONSUMER_ROLE() external view returns (bytes32);
    /// @notice Role that may flag accounts (Liquidator).
    function LIQUIDATOR_ROLE() external view returns (bytes32);

    /// @notice Verifies and stores an attestation as the account's latest health. Anyone may post.
    /// A healthy attestation (`equity >= maintenanceMargin`) clears the account's liquidation flag.
    /// @dev Resists: replay (per-account strictly increasing `sequence`, so an old healthy attestation
    /// cannot clear a newer flag); forged or too few signatures; signatures for another chain or contract
    /// (domain-bound digest recovers unknown signers); a rotated-out signer set (epoch + grace); stale or
    /// future-dated health (`asOf` window, `expiry`); health computed under other parameters (`paramsHash`).
    function postHealth(AccountHealth calldata health, bytes calldata signatures) external;

    /// @notice `postHealth`, except that the account's latest attestation (same sequence and digest) is
    /// accepted again, without signatures being checked twice, while it is fresh. Anyone.
    /// @dev Resists: front-running a liquidation by posting its attestation first (the liquidation still
    /// goes through); the Liquidator itself makes sure one attestation serves one liquidation.
    /// @return posted Whether the attestation was new (verified and stored now).
    function acceptHealth(AccountHealth calldata health, bytes calldata signatures)
        external
        returns (bool posted);

    /// @notice Verifies a permit and marks `(account, nonce)` used. Only `CONSUMER_ROLE`.
    /// @dev Resists: double spend of one permit (single use), cross-chain replay (`chainId` field and
    /// domain), expired permits, rotated-out signers. The consumer checks action, target, limit and
    /// that the caller is the permit's account.
    function usePermit(MarginPermit calldata permit, bytes calldata signatures) external;

    /// @notice Replaces the signer set; signed by the CURRENT set only (not the previous one in grace).
    /// @dev Resists: an admin or a stale set taking over the relay's authority; replay of an old
    /// rotation (`epoch` must be current + 1); malformed sets (sorted, non-zero, threshold in range).
    function rotateSigners(SignerSetUpdate calldata update, bytes calldata signatures) external;

    /// @notice Starts the account's Dutch auction now unless it already runs. Only `LIQUIDATOR_ROLE`.
    /// @dev Resists: restarting a running auction (idempotent while flagged); only a healthy attestation
    /// clears the flag (`postHealth`).
    /// @return flaggedAt When the auction started.
    function markFlagged(address account, uint64 sequence) external returns (uint64 flaggedAt);

    /// @notice Sets how old (seconds) an attestation's `asOf` may be. Only admin.
    /// @dev Bounded to (0, 1 day]: an admin cannot make stale health acceptable forever.
    function setMaxAttestationAge(uint64 maxAgeS) external;

    /// @notice Sets the approved parameter-set hash (0 = not checked). Only admin.
    /// @dev Binds the relay to the margin parameters governance approved: health computed under other
    /// parameters (laxer margins) is refused.
    function setParamsHash(bytes32 paramsHash) external;

    function currentEpoch() external view returns (uint64);
    /// @notice Until when (inclusive) the previous epoch's signatures are accepted.
    function previousEpochGraceDeadline() external view returns (uint64);
    /// @notice The signers and threshold of `epoch` (only the current and, in grace, the previous one are accepted).
    function signerSet(uint64 epoch) external view returns (address[] memory signers, uint8 threshold);
    function isSigner(uint64 epoch, address signer) external view returns (bool);
    function maxAttestationAge() external view returns (uint64);
    function paramsHash() external view returns (bytes32);
    /// @notice The latest attested health of `account` on this chain (all zero if none).
    function latestHealth(address account) external view returns (HealthRecord memory);
    function lastSequence(address account) external view returns (uint64);
    function permitUsed(address account, uint64 nonce) external view returns (bool);
    /// @notice When the account's Dutch auction started; 0 when not flagged.
    function flaggedAt(address account) external view returns (uint64);
    function domainSeparator() external view returns (bytes32);
    /// @notice The EIP-712 digest the signers sign for `health`.
    function hashAccountHealth(AccountHealth calldata health) external view returns (bytes32);
    /// @notice The EIP-712 digest the signers sign for `permit`.
    function hashMarginPermit(MarginPermit calldata permit) external view returns (bytes32);
    /// @notice The EIP-712 digest the signers sign for `update`.
    function hashSignerSetUpdate(SignerSetUpdate calldata update) external view returns (bytes32);
}
