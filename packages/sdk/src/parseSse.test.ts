import { expect, test } from 'vitest'
import { createSseParser, type SseMessage } from './parseSse.js'

test('default', () => {
  const messages: SseMessage[] = []
  const parser = createSseParser((message) => messages.push(message))
  parser.push('id: 1\nevent: health\ndata: {"a":1}\n\n: ping\n\n')
  expect(messages).toEqual([{ id: '1', event: 'health', data: '{"a":1}' }])
})

test('behavior: events split across chunks, CRLF, multi-line data', () => {
  const messages: SseMessage[] = []
  const parser = createSseParser((message) => messages.push(message))
  for (const chunk of ['id: 7\r', '\nevent: band\r\ndata: x\r\nda', 'ta: y\r\n', '\r\n']) parser.push(chunk)
  expect(messages).toEqual([{ id: '7', event: 'band', data: 'x\ny' }])
})

test('behavior: the id persists to later events, default event name', () => {
  const messages: SseMessage[] = []
  const parser = createSseParser((message) => messages.push(message))
  parser.push('id: 3\ndata: a\n\ndata: b\n\n')
  expect(messages.map((m) => [m.id, m.event, m.data])).toEqual([
    ['3', 'message', 'a'],
    ['3', 'message', 'b'],
  ])
})
