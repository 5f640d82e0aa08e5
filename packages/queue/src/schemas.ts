import { type Address, getAddress, type Hex, isAddress } from 'viem'
import { z } from 'zod'

// The job payloads every producer (relay, ingestion) and consumer (keeper) shares. Each schema is a zod
// codec: the input side is the wire form stored in Redis (bigints as canonical decimal strings,
// addresses checksummed), the output side is what handlers receive (bigints, checksummed `Address`).
// `encodeJob` runs a schema backwards when a job is added, `decodeJob` forwards when it is processed,
// so a payload is validated on both sides.

const UINT = /^(0|[1-9]\d*)$/
const INT = /^(0|-?[1-9]\d*)$/

/** An integer in [min, max] that travels as a canonical decimal string. */
function decimal(bits: number, signed: boolean) {
  const min = signed ? -(1n << BigInt(bits - 1)) : 0n
  const max = signed ? (1n << BigInt(bits - 1)) - 1n : (1n << BigInt(bits)) - 1n
  const label = `${signed ? 'int' : 'uint'}${bits}`
  return z.codec(
    z
      .string({ error: `expected a ${label} as a decimal string` })
      .regex(signed ? INT : UINT, { error: `expected a ${label} as a decimal string` }),
    z
      .bigint()
      .min(min, { error: `does not fit ${label}` })
      .max(max, { error: `does not fit ${label}` }),
    { decode: (value) => BigInt(value), encode: (value) => value.toString() },
  )
}

const uint64 = decimal(64, false)
const uint256 = decimal(256, false)
const int256 = decimal(256, true)
const uint32 = z.number().int().min(0).max(0xffffffff)
const chainId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER)

/** A checksummed address on the wire (all-lowercase is accepted too); checksummed after decoding. */
const address = z.codec(
  z.string().refine((value) => isAddress(value), { error: 'expected a checksummed address' }),
  z.custom<Address>((value) => typeof value === 'string' && isAddress(value), {
    error: 'expected an address',
  }),
  { decode: (value) => getAddress(value), encode: (value) => getAddress(value) },
)

function hex(pattern: RegExp, what: string) {
  return z.custom<Hex>((value) => typeof value === 'string' && pattern.test(value), {
    error: `expected ${what}`,
  })
}
const bytes32 = hex(/^0x[0-9a-fA-F]{64}$/, '32 bytes of hex')
const bytes = hex(/^0x(?:[0-9a-fA-F]{2})*$/, 'hex bytes')
/** One or more 65-byte signatures, concatenated in ascending signer order (what RiskGuard takes). */
const signatures = hex(/^0x(?:[0-9a-fA-F]{130})+$/, 'one or more 65-byte signatures as hex')

/** `InstrumentMark(uint32 instrumentId,uint256 mark,uint256 maxClose)` */
export const instrumentMarkSchema = z.strictObject({
  instrumentId: uint32,
  /** Mark price, USD wad. */
  mark: uint256,
  /** Largest absolute size the liquidation plan allows to close (wad). */
  maxClose: uint256,
})

/**
 * The EIP-712 struct the relay signs, field for field:
 * `AccountHealth(address account,uint64 sequence,uint64 epoch,int256 equity,uint256 initialMargin,
 * uint256 maintenanceMargin,uint64 asOf,uint64 expiry,uint64 anchorBlock,bytes32 anchorsDigest,
 * bytes32 paramsHash,InstrumentMark[] marks)`.
 */
export const accountHealthSchema = z.strictObject({
  account: address,
  sequence: uint64,
  epoch: uint64,
  equity: int256,
  initialMargin: uint256,
  maintenanceMargin: uint256,
  asOf: uint64,
  expiry: uint64,
  anchorBlock: uint64,
  anchorsDigest: bytes32,
  paramsHash: bytes32,
  marks: z.array(instrumentMarkSchema),
})

const attested = {
  /** Chain whose RiskGuard verifies the attestation (and whose queue carries the job). */
  chainId,
  account: address,
  sequence: uint64,
  health: accountHealthSchema,
  signatures,
}

function matchesAttestation(data: {
  account: Address
  sequence: bigint
  health: z.output<typeof accountHealthSchema>
}): boolean {
  // Only compare fields that decoded; a field that failed has its own issue already.
  const { account, sequence, health } = data
  if (typeof sequence !== 'bigint' || typeof health?.sequence !== 'bigint') return true
  if (!isAddress(account) || !isAddress(health.account)) return true
  return health.account.toLowerCase() === account.toLowerCase() && health.sequence === sequence
}
const mismatch = { error: 'account and sequence must be those of the attestation', path: ['health'] }

/** Post a signed attestation to RiskGuard on `chainId`. */
export const postAttestationSchema = z.strictObject(attested).refine(matchesAttestation, mismatch)

/** Why the relay asks for a liquidation; for logs and metrics. */
export const liquidationReasonSchema = z.enum(['belowMaintenance', 'badDebt', 'manual'])

/** Liquidate `account` on `chainId` with a fresh attestation that says it is under water. */
export const liquidateSchema = z
  .strictObject({
    ...attested,
    /** What to close, when the relay planned it; absent: the Liquidator closes as far as needed. */
    closes: z
      .array(
        z.strictObject({
          instrumentId: uint32,
          /** Absolute size to close (wad), at most the attestation's `maxClose` for the instrument. */
          size: uint256,
        }),
      )
      .optional(),
    reason: liquidationReasonSchema,
  })
  .refine(matchesAttestation, mismatch)

/** Deliver one LayerZero packet seen in `PacketSent` on `srcChainId` to `dstChainId`. */
export const lzDeliverSchema = z.strictObject({
  srcChainId: chainId,
  /** Chain the packet is delivered on (and whose queue carries the job). */
  dstChainId: chainId,
  guid: bytes32,
  nonce: uint64,
  /** `PacketSent.encodedPayload`: the PacketV1 encoding (header ‖ guid ‖ message). */
  packet: bytes,
  /** `PacketSent.options` (TYPE_3). */
  options: bytes,
  /** Where the packet was seen, to re-check it is still canonical before delivering. */
  source: z.strictObject({
    txHash: bytes32,
    logIndex: z.number().int().min(0),
    blockNumber: uint64,
    blockHash: bytes32,
  }),
})

/** Every job kind and its schema: the one place producers and consumers take them from. */
export const jobSchemas = {
  postAttestation: postAttestationSchema,
  liquidate: liquidateSchema,
  lzDeliver: lzDeliverSchema,
} as const

export type JobKind = keyof typeof jobSchemas
export const JOB_KINDS = Object.keys(jobSchemas) as readonly JobKind[]
/** A job's payload as handlers see it (bigints, checksummed addresses). */
export type JobData<kind extends JobKind> = z.output<(typeof jobSchemas)[kind]>
/** A job's payload as stored in Redis (bigints as decimal strings). */
export type JobWire<kind extends JobKind> = z.input<(typeof jobSchemas)[kind]>
export type AccountHealthData = z.output<typeof accountHealthSchema>
