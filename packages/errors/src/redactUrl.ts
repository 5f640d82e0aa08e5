/**
 * Strips credentials from a URL before it reaches a log line or an error: user info, and query
 * parameters or path segments that look like API keys.
 *
 * @example redactUrl('https://user:pw@rpc.example/v2/0123456789abcdef0123456789abcdef') // 'https://***@rpc.example/v2/***'
 */
export function redactUrl(raw: string): string {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return '<invalid url>'
  }
  const auth = url.username || url.password ? '***@' : ''
  const path = url.pathname
    .split('/')
    .map((segment) => (looksLikeSecret(segment) ? '***' : segment))
    .join('/')
  const query = [...url.searchParams.keys()].length
    ? `?${[...url.searchParams.entries()].map(([k, v]) => `${k}=${looksLikeSecret(v) || /key|token|secret|auth/i.test(k) ? '***' : v}`).join('&')}`
    : ''
  return `${url.protocol}//${auth}${url.host}${path}${query}`
}

function looksLikeSecret(value: string): boolean {
  return value.length >= 20 && /^[A-Za-z0-9_-]+$/.test(value) && /\d/.test(value) && /[A-Za-z]/.test(value)
}
