import { expect, test } from 'vitest'
import { typeHash, typeString } from './typeHash.js'

test('default: the type strings are exactly the ones RiskGuard declares', () => {
  expect(typeString('AccountHealth')).toBe(
    'AccountHealth(address account,uint64 sequence,uint64 epoch,int256 equity,uint256 initialMargin,uint256 maintenanceMargin,uint64 asOf,uint64 expiry,uint64 anchorBlock,bytes32 anchorsDigest,bytes32 paramsHash,InstrumentMark[] marks)InstrumentMark(uint32 instrumentId,uint256 mark,uint256 maxClose)',
  )
  expect(typeString('MarginPermit')).toBe(
    'MarginPermit(address account,uint64 chainId,uint8 action,bytes32 target,uint256 limit,uint64 nonce,uint64 epoch,uint64 expiry)',
  )
  expect(typeString('SignerSetUpdate')).toBe(
    'SignerSetUpdate(uint64 epoch,address[] signers,uint8 threshold,uint64 graceSeconds,uint64 expiry)',
  )
  expect(typeHash('MarginPermit')).toMatch(/^0x[0-9a-f]{64}$/)
})
