/** What the fetch layer reads from one call's `(input, init)`, with `init` winning as in fetch. */
export interface RequestFacts {
  /** Upper-cased, for comparison only: the request is sent with the caller's spelling. */
  method: string
  /** The URL as {@link absoluteUrl} resolves it. */
  url: string
  /** The caller's abort signal, if any. */
  signal: AbortSignal | undefined
  /** The request's cache mode (`'default'`, `'no-store'`, `'reload'`...), if any. */
  mode: RequestCache | undefined
  /** The request's headers, as fetch would send them; `undefined` for none. */
  headers(): Headers | undefined
}

/** Reads the facts of a fetch call without building a Request (a body must not be consumed). */
export function requestOf(input: RequestInfo | URL, init: RequestInit | undefined): RequestFacts {
  const request = isRequest(input) ? input : undefined
  return {
    method: (init?.method ?? request?.method ?? 'GET').toUpperCase(),
    url: absoluteUrl(request === undefined ? String(input) : request.url),
    // A null init.signal means "no signal" and, as in the Request constructor, hides the request's.
    signal: (init !== undefined && 'signal' in init ? init.signal : request?.signal) ?? undefined,
    mode: init?.cache ?? request?.cache,
    // init.headers replaces the request's headers as a whole, as in fetch.
    headers: () => (init?.headers === undefined ? request?.headers : new Headers(init.headers)),
  }
}

function isRequest(input: RequestInfo | URL): input is Request {
  return typeof input === 'object' && typeof (input as Request).method === 'string'
}

/**
 * The absolute form of a URL, resolved as fetch resolves it (against the document's base URL,
 * or a worker's location) and without its fragment, which never reaches the server. A URL that
 * cannot be resolved (a relative one outside a browser) is kept as given: the underlying fetch,
 * which may know a base URL, decides what it means.
 */
export function absoluteUrl(raw: string): string {
  const scope = globalThis as { document?: { baseURI?: string }; location?: { href?: string } }
  let href: string
  try {
    href = new URL(raw, scope.document?.baseURI ?? scope.location?.href).href
  } catch {
    return raw
  }
  const hash = href.indexOf('#')
  return hash === -1 ? href : href.slice(0, hash)
}

/**
 * The absolute URL a `Location` or `Content-Location` value names, resolved against `base` (the
 * response's URL), when it has the origin of `target` (the request's URL); `undefined` when absent,
 * invalid or on another origin: a response may not make a cache drop another site's entries
 * (RFC 9111 section 4.4).
 */
export function sameOriginUrl(
  value: string | null,
  base: string,
  target: string,
): string | undefined {
  if (value === null) return undefined
  try {
    const url = new URL(value, base)
    return url.origin === new URL(target).origin ? absoluteUrl(url.href) : undefined
  } catch {
    return undefined
  }
}

/**
 * The cache key of a GET or HEAD request. A GET is keyed by its URL alone, so a cache's events
 * and the devtools show plain URLs; a HEAD by `HEAD <url>` (a serialised URL never contains a
 * space). With `vary` header names, a space and the JSON object of their values (`null` when
 * absent) follow, so that requests differing in those headers get their own entries.
 */
export function requestKey(
  method: 'GET' | 'HEAD',
  url: string,
  headers: Headers | undefined,
  vary: readonly string[],
): string {
  const key = method === 'GET' ? url : `HEAD ${url}`
  if (vary.length === 0) return key
  const values: Record<string, string | null> = {}
  for (const name of vary) values[name] = headers?.get(name) ?? null
  return `${key} ${JSON.stringify(values)}`
}

/** The key of the GET of the same URL and varied headers as a HEAD's `key`; `undefined` for a GET's key. */
export function getKeyOf(key: string): string | undefined {
  return key.startsWith('HEAD ') ? key.slice(5) : undefined
}

/** Whether `key` is a {@link requestKey} of `url`, for either method and any header values. */
export function isKeyOf(key: string, url: string): boolean {
  const rest = key.startsWith('HEAD ') ? key.slice(5) : key
  return rest.startsWith(url) && (rest.length === url.length || rest[url.length] === ' ')
}

/** What a {@link requestKey} holds: the method, the URL and the varied headers' values. */
export function parseKey(key: string): {
  method: 'GET' | 'HEAD'
  url: string
  headers: Record<string, string>
} {
  const method = key.startsWith('HEAD ') ? 'HEAD' : 'GET'
  const rest = method === 'HEAD' ? key.slice(5) : key
  const space = rest.indexOf(' ')
  const headers: Record<string, string> = {}
  if (space !== -1) {
    const values = JSON.parse(rest.slice(space + 1)) as Record<string, string | null>
    for (const [name, value] of Object.entries(values)) if (value !== null) headers[name] = value
  }
  return { method, url: space === -1 ? rest : rest.slice(0, space), headers }
}
