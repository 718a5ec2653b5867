import { describeKey } from '../lib/index.js'

/** A `cachedFetch` key: an absolute http(s) URL, `HEAD ` first for a HEAD, varied headers after. */
const REQUEST_KEY = /^(HEAD )?(https?:\/\/[^ ]+)(?: (\{.*\}))?$/s

/**
 * How the panel names a key: a `cachedFetch` key as `GET /api/products/7` (relative to the
 * page's origin, varied headers after it), a key the wrapper encoded as a call of the cache's
 * function, `fetchUser(7, "en")` (its `name`), anything else as {@link describeKey} reads it.
 * Filtering and sorting compare this label and the key's full text.
 */
export function keyLabel(key: unknown, callee: string | undefined, origin: string | undefined) {
  if (typeof key === 'string') {
    const request = REQUEST_KEY.exec(key)
    if (request !== null) {
      const [, head, url, vary] = request
      const shown =
        origin !== undefined && url.startsWith(`${origin}/`) ? url.slice(origin.length) : url
      return `${head === undefined ? 'GET' : 'HEAD'} ${shown}${vary === undefined ? '' : ` ${vary}`}`
    }
    // Only the wrapper's encoded argument lists read as calls: a plain string key is itself.
    if (key.charCodeAt(0) <= 1) return describeKey(key, callee)
  }
  return describeKey(key)
}

/** The page's origin, where there is one (not in a worker or outside a browser). */
export function pageOrigin(): string | undefined {
  const origin = (globalThis as { location?: { origin?: string } }).location?.origin
  return origin === undefined || origin === 'null' ? undefined : origin
}

/** `1 entry`, `2 entries`: a count and its noun, in the right number. */
export function plural(n: number, one: string, many: string, shown = String(n)): string {
  return `${shown} ${n === 1 ? one : many}`
}
