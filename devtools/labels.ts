import { describeKey } from '../lib/index.js'

/** A `cachedFetch` key: an absolute http(s) URL, `HEAD ` first for a HEAD, varied headers after. */
const REQUEST_KEY = /^(HEAD )?(https?:\/\/[^ ]+)(?: (\{.*\}))?$/s

/**
 * How the panel names a key: as the cache's own `describeKey` reads it where the layer that made
 * its keys set one (the wrapper's, as calls: `fetchUser(7, "en")`), a `cachedFetch` key as
 * `GET /api/products/7` (relative to the page's origin, varied headers after it), anything else
 * as the core's {@link describeKey} reads it. Filtering and sorting compare this label and the
 * key's full text.
 */
export function keyLabel(
  key: unknown,
  describe: ((key: never) => string) | undefined,
  origin: string | undefined,
): string {
  if (describe !== undefined) {
    try {
      return describe(key as never)
    } catch {
      // An app's own describeKey that throws: the core's reading below never does.
    }
  }
  if (typeof key === 'string') {
    const request = REQUEST_KEY.exec(key)
    if (request !== null) {
      const [, head, url, vary] = request
      const shown =
        origin !== undefined && url.startsWith(`${origin}/`) ? url.slice(origin.length) : url
      return `${head === undefined ? 'GET' : 'HEAD'} ${shown}${vary === undefined ? '' : ` ${vary}`}`
    }
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
