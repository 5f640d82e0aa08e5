import { expect, test } from 'vitest'
import { encodeLzReceiveOption } from './encodeLzReceiveOption.js'

test('default', () => {
  expect(encodeLzReceiveOption(600_000n)).toMatchInlineSnapshot(
    `"0x000301001101000000000000000000000000000927c0"`,
  )
})

test('behavior: gas outside uint128 is refused', () => {
  expect(() => encodeLzReceiveOption(0n)).toThrowErrorMatchingInlineSnapshot(
    `[RangeError: LZ_RECEIVE gas must fit a uint128, got 0]`,
  )
  expect(() => encodeLzReceiveOption(2n ** 128n)).toThrow(RangeError)
})
