import { redactUrl } from '@xmargin/errors'

/**
 * `text` with every URL in it passed through `redactUrl`, for error messages from viem (which quote the
 * RPC URL, API key included) before they reach a log line or an event.
 *
 * @example redactUrls('HTTP request failed. URL: https://rpc.example/v2/0123456789abcdef0123') // '... URL: https://rpc.example/v2/***'
 */
export function redactUrls(text: string): string {
  return text.replace(/\b(?:https?|wss?):\/\/[^\s"'<>]+/g, (url) => redactUrl(url))
}
