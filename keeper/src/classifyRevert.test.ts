import { expect, test } from 'vitest'
import { classifyRevert } from './classifyRevert.js'

test('default: already done is success, never a retry', () => {
  expect(classifyRevert('AttestationAlreadyUsed')).toEqual({ action: 'done', reason: 'alreadyLiquidated' })
  expect(classifyRevert('AttestationReplayed')).toEqual({ action: 'done', reason: 'superseded' })
  expect(classifyRevert('AccountHealthy')).toEqual({ action: 'done', reason: 'healthy' })
  expect(classifyRevert('NothingToLiquidate')).toEqual({ action: 'done', reason: 'nothingToLiquidate' })
  expect(classifyRevert('LZ_PayloadHashNotFound')).toEqual({ action: 'done', reason: 'alreadyExecuted' })
  expect(classifyRevert('LZ_PathNotVerifiable')).toEqual({ action: 'done', reason: 'alreadyExecuted' })
})

test('behavior: every row of the table', () => {
  const names = [
    'StaleAttestation',
    'AttestationExpired',
    'StaleAnchor',
    'StaleEpoch',
    'MarkOutOfBounds',
    'StalePrice',
    'PriceDeviation',
    'AnchorNotFinal',
    'AttestationFromFuture',
    'InsufficientFee',
    'SeizeExceedsShortfall',
    'LZ_InvalidNonce',
    'InsufficientNative',
    'InvalidSignature',
    'UnknownSigner',
    'BelowThreshold',
    'ParamsMismatch',
    'AccountMismatch',
    'CloseExceedsPlan',
    'CloseNotReducing',
    'LZ_PathNotInitializable',
    'OnlyWhitelistCaller',
    'LZ_InvalidPayloadHash',
    'Panic',
    'SomethingNew',
    undefined,
  ]
  expect(
    Object.fromEntries(names.map((name) => [String(name), Object.values(classifyRevert(name)).join(' ')])),
  ).toMatchInlineSnapshot(`
      {
        "AccountMismatch": "fail accountMismatch",
        "AnchorNotFinal": "retry anchorNotFinal",
        "AttestationExpired": "done expired",
        "AttestationFromFuture": "retry attestationFromFuture",
        "BelowThreshold": "fail badSignatures",
        "CloseExceedsPlan": "fail badPlan",
        "CloseNotReducing": "fail badPlan",
        "InsufficientFee": "retry feeChanged",
        "InsufficientNative": "retry messengerUnfunded",
        "InvalidSignature": "fail badSignatures",
        "LZ_InvalidNonce": "retry predecessorUnverified",
        "LZ_InvalidPayloadHash": "fail payloadMismatch",
        "LZ_PathNotInitializable": "fail lzMisconfigured",
        "MarkOutOfBounds": "done markOutOfBounds",
        "OnlyWhitelistCaller": "fail lzMisconfigured",
        "Panic": "retry panic",
        "ParamsMismatch": "fail paramsMismatch",
        "PriceDeviation": "skip oracleUnavailable",
        "SeizeExceedsShortfall": "retry shortfallChanged",
        "SomethingNew": "fail revert:SomethingNew",
        "StaleAnchor": "done staleAnchor",
        "StaleAttestation": "done expired",
        "StaleEpoch": "done staleEpoch",
        "StalePrice": "skip oracleUnavailable",
        "UnknownSigner": "fail badSignatures",
        "undefined": "retry revertWithoutReason",
      }
    `)
})
