// The web console's origins (APP_ORIGINS): the CORS allowlist, and the only places checkout may
// send a browser back to.

/**
 * The origins of a comma-separated list (`scheme://host[:port]`, as browsers send them in Origin).
 * Throws naming the first entry that is not a bare http(s) origin.
 */
export function parseOrigins(list: string): string[] {
  const entries = list
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
  if (entries.length === 0) throw new Error('needs at least one origin, e.g. https://app.example.com')
  return entries.map((entry) => {
    let url: URL
    try {
      url = new URL(entry)
    } catch {
      throw new Error(`${JSON.stringify(entry)} is not a URL`)
    }
    const bare = url.pathname === '/' && !/[?#]/.test(entry) && !url.username && !url.password
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !bare) {
      throw new Error(`${JSON.stringify(entry)} is not an origin (scheme://host[:port], no path)`)
    }
    return url.origin
  })
}

/**
 * True when the value is an absolute http(s) URL on one of the origins. Origins are compared parsed
 * (scheme, host and port exactly), never as text, so `https://app.example.com.evil.net`,
 * `//evil.net`, `javascript:` and `https://app.example.com@evil.net` fail. Backslashes, spaces and
 * control characters are refused outright: parsers (ours, Stripe's, a browser's) disagree on them.
 */
export function isOnOrigins(value: string, origins: readonly string[]): boolean {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
  if (/[\\\s\x00-\x1f\x7f]/.test(value)) return false
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return false
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false
  if (url.username || url.password) return false
  return origins.includes(url.origin)
}
