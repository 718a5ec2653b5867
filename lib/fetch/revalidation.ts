import { parseHttpDate } from './http-date.js'
import type { ResponseSnapshot } from './snapshot.js'

/** What identifies a stored representation to the server (RFC 9110 section 8.8). */
export interface Validators {
  etag: string | undefined
  /** Only a valid HTTP-date: a server must ignore an invalid `If-Modified-Since` anyway. */
  lastModified: string | undefined
}

/** Request headers that make a request conditional: such a request is the caller's own business. */
const CONDITIONAL_HEADERS = [
  'if-none-match',
  'if-modified-since',
  'if-match',
  'if-unmodified-since',
  'if-range',
]

/**
 * Response headers a 304 does not update (RFC 9111 section 3.2): the stored body's length and
 * coding (the bytes stored are already decoded), and the hop-by-hop fields of one connection.
 */
const NOT_UPDATED = new Set([
  'content-length',
  'content-encoding',
  'content-range',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'upgrade',
])

/** Whether a request carries a conditional header of its own. */
export function isConditional(headers: Headers | undefined): boolean {
  return headers !== undefined && CONDITIONAL_HEADERS.some((name) => headers.has(name))
}

/** The validators of a response's headers; `undefined` when it has none. */
export function validatorsOf(headers: Headers): Validators | undefined {
  const etag = headers.get('etag') ?? undefined
  const modified = headers.get('last-modified')
  const lastModified = parseHttpDate(modified) === undefined ? undefined : (modified as string)
  return etag === undefined && lastModified === undefined ? undefined : { etag, lastModified }
}

/**
 * The request of a revalidation: the caller's headers plus `If-None-Match` with the stored
 * `ETag` and `If-Modified-Since` with its `Last-Modified`, both when it has both (RFC 9111
 * section 4.3.1). `init.headers` replaces a Request's headers as a whole, so they are all copied.
 */
export function conditionalInit(
  init: RequestInit | undefined,
  headers: Headers | undefined,
  validators: Validators,
  signal: AbortSignal,
): RequestInit {
  const conditional = new Headers(headers)
  if (validators.etag !== undefined) conditional.set('if-none-match', validators.etag)
  if (validators.lastModified !== undefined) {
    conditional.set('if-modified-since', validators.lastModified)
  }
  return { ...init, headers: conditional, signal }
}

/**
 * Whether a 304 names the stored response (RFC 9111 section 4.3.4): a strong `ETag` must equal
 * the stored strong one, a weak one match it weakly; without an ETag, a `Last-Modified` must
 * equal the stored one. A 304 with neither answers the one stored response the request named
 * (this cache holds one per key), as servers answering `If-Modified-Since` commonly send it.
 */
export function namesStored(response: Response, stored: Validators): boolean {
  const etag = response.headers.get('etag')
  if (etag !== null) {
    if (stored.etag === undefined) return false
    return etag.startsWith('W/') ? opaque(etag) === opaque(stored.etag) : etag === stored.etag
  }
  const modified = response.headers.get('last-modified')
  return modified === null || modified === stored.lastModified
}

/** An entity tag without its weakness indicator, for the weak comparison. */
function opaque(tag: string): string {
  return tag.startsWith('W/') ? tag.slice(2) : tag
}

/**
 * The stored response with its headers updated from a 304 (RFC 9111 section 3.2): each field
 * the 304 carries replaces the stored one, but for {@link NOT_UPDATED}. The body is the stored
 * one: that is the download a 304 saves.
 */
export function freshened(stored: ResponseSnapshot, response: Response): ResponseSnapshot {
  const headers = new Headers(stored.headers)
  for (const [name, value] of response.headers) {
    if (!NOT_UPDATED.has(name)) headers.set(name, value)
  }
  return { ...stored, headers: [...headers] }
}

/** What a HEAD response is compared on with a stored GET (RFC 9111 section 4.3.5). */
const HEAD_COMPARED = ['etag', 'last-modified', 'content-length']

/**
 * Whether a HEAD response tells of another representation than a stored GET response: an
 * `ETag`, `Last-Modified` or `Content-Length` it carries differs from the stored one's.
 */
export function describesAnother(head: Headers, stored: ResponseSnapshot): boolean {
  const storedHeaders = new Headers(stored.headers)
  return HEAD_COMPARED.some((name) => {
    const value = head.get(name)
    return value !== null && value !== storedHeaders.get(name)
  })
}
