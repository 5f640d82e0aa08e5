import { expect, test } from 'vitest'
import { decidePendingAction, type PendingView } from './decidePendingAction.js'

const policy = { bumpAfterMs: 15_000, cancelAfterMs: 180_000 }
const now = 1_000_000
const fresh: PendingView = {
  now,
  firstBroadcastAt: now - 1_000,
  lastBroadcastAt: now - 1_000,
  cancelling: false,
  nodeKnows: true,
}

test('default: a fresh transaction the node has is left alone', () => {
  expect(decidePendingAction(fresh, policy)).toBe('wait')
})

test('behavior: each branch', () => {
  expect(decidePendingAction({ ...fresh, nodeKnows: false }, policy)).toBe('rebroadcast')
  // Signed and maybe sent, but no acceptance recorded (the process died): send it again.
  expect(
    decidePendingAction(
      { ...fresh, firstBroadcastAt: undefined, lastBroadcastAt: undefined, nodeKnows: undefined },
      policy,
    ),
  ).toBe('rebroadcast')
  expect(decidePendingAction({ ...fresh, lastBroadcastAt: now - 15_000 }, policy)).toBe('bump')
  expect(decidePendingAction({ ...fresh, firstBroadcastAt: now - 180_000 }, policy)).toBe('cancel')
  // A cancellation is not cancelled again, but it is bumped while stuck.
  expect(decidePendingAction({ ...fresh, firstBroadcastAt: now - 200_000, cancelling: true }, policy)).toBe(
    'wait',
  )
  expect(
    decidePendingAction(
      { ...fresh, firstBroadcastAt: now - 200_000, lastBroadcastAt: now - 20_000, cancelling: true },
      policy,
    ),
  ).toBe('bump')
})
