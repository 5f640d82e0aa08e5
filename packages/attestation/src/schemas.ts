import { getAddress, isAddress, isHex } from 'viem'
import { z } from 'zod'
import type {
  AccountHealth,
  MarginPermit,
  SignerSetUpdate,
  XmarginDomain,
  XmarginPrimaryType,
} from './types.js'

// Wire forms of the signed messages: bigints travel as decimal strings, addresses are checksummed.

const address = z
  .string()
  .refine((value) => isAddress(value, { strict: false }), { error: 'expected an address' })
  .transform((value) => getAddress(value))
const bytes32 = z
  .string()
  .refine((value) => isHex(value) && value.length === 66, { error: 'expected 32 bytes of hex' })
  .transform((value) => value as `0x${string}`)
const uint = (bits: number) =>
  z
    .string()
    .regex(/^\d+$/, { error: 'expected a non-negative integer as a decimal string' })
    .transform((value) => BigInt(value))
    .refine((value) => value < 1n << BigInt(bits), { error: `does not fit uint${bits}` })
const int256 = z
  .string()
  .regex(/^-?\d+$/, { error: 'expected an integer as a decimal string' })
  .transform((value) => BigInt(value))
  .refine((value) => value >= -(1n << 255n) && value < 1n << 255n, { error: 'does not fit int256' })

export const instrumentMarkWire = z.strictObject({
  instrumentId: z.number().int().min(0).max(0xffffffff),
  mark: uint(256),
  maxClose: uint(256),
})

export const accountHealthWire = z.strictObject({
  account: address,
  sequence: uint(64),
  epoch: uint(64),
  equity: int256,
  initialMargin: uint(256),
  maintenanceMargin: uint(256),
  asOf: uint(64),
  expiry: uint(64),
  anchorBlock: uint(64),
  anchorsDigest: bytes32,
  paramsHash: bytes32,
  marks: z.array(instrumentMarkWire),
}) satisfies z.ZodType<AccountHealth, unknown>

export const marginPermitWire = z.strictObject({
  account: address,
  chainId: uint(64),
  action: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)]),
  target: bytes32,
  limit: uint(256),
  nonce: uint(64),
  epoch: uint(64),
  expiry: uint(64),
}) satisfies z.ZodType<MarginPermit, unknown>

export const signerSetUpdateWire = z.strictObject({
  epoch: uint(64),
  signers: z.array(address),
  threshold: z.number().int().min(1).max(255),
  graceSeconds: uint(64),
  expiry: uint(64),
}) satisfies z.ZodType<SignerSetUpdate, unknown>

export const domainWire = z.strictObject({
  name: z.literal('xmargin'),
  version: z.literal('1'),
  chainId: z.number().int().positive(),
  verifyingContract: address,
}) satisfies z.ZodType<XmarginDomain, unknown>

export const messageWire = {
  AccountHealth: accountHealthWire,
  MarginPermit: marginPermitWire,
  SignerSetUpdate: signerSetUpdateWire,
} as const satisfies Record<XmarginPrimaryType, z.ZodType>

/** A message in wire form: every bigint as a decimal string. */
export function toWire(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString()
  if (Array.isArray(value)) return value.map(toWire)
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, toWire(item)]))
  return value
}
