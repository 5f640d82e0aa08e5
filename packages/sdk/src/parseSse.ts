/** One Server-Sent Event as the wire carries it. */
export type SseMessage = { id: string | undefined; event: string; data: string }

/**
 * An incremental Server-Sent Events parser: feed it text chunks as they arrive, it calls `onMessage` for
 * every complete event (comments and events without data are dropped, as the SSE spec says).
 *
 * @example const parser = createSseParser((m) => console.log(m.event, m.data)); parser.push('data: 1\n\n')
 */
export function createSseParser(onMessage: (message: SseMessage) => void): { push(chunk: string): void } {
  let buffer = ''
  let id: string | undefined
  let event = ''
  let data: string[] = []
  const line = (text: string) => {
    if (text === '') {
      if (data.length > 0) onMessage({ id, event: event || 'message', data: data.join('\n') })
      event = ''
      data = []
      return
    }
    if (text.startsWith(':')) return
    const colon = text.indexOf(':')
    const field = colon === -1 ? text : text.slice(0, colon)
    let value = colon === -1 ? '' : text.slice(colon + 1)
    if (value.startsWith(' ')) value = value.slice(1)
    if (field === 'data') data.push(value)
    else if (field === 'event') event = value
    else if (field === 'id' && !value.includes('\0')) id = value
  }
  return {
    push(chunk) {
      buffer += chunk
      for (;;) {
        const match = /\r\n|\r|\n/.exec(buffer)
        if (!match) break
        // A lone '\r' at the end may be the first half of '\r\n': wait for the next chunk.
        if (match[0] === '\r' && match.index === buffer.length - 1) break
        line(buffer.slice(0, match.index))
        buffer = buffer.slice(match.index + match[0].length)
      }
    },
  }
}
