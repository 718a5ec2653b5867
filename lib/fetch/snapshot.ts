/**
 * A response as the cache stores it: plain, structured-cloneable data (so a persistence layer
 * can write it to IndexedDB as is), replayed by {@link replay} as a fresh `Response` per caller.
 */
export interface ResponseSnapshot {
  status: number
  statusText: string
  /** Header name/value pairs as the response's `Headers` iterates them. */
  headers: [string, string][]
  /** The final URL after redirects, as `Response.url` read it; `''` for a constructed response. */
  url: string
  redirected: boolean
  /** `Response.type` of the original (`'basic'`, `'cors'`, `'default'`). */
  type: ResponseType
  /** The body bytes; `null` for a response without a body (a HEAD response, a 204...). */
  body: ArrayBuffer | null
}

/**
 * Statuses whose responses carry no body. The Response constructor refuses a body with them,
 * and of the Fetch standard's list only these three are constructible (101 and 103 are outside
 * the 200-599 range a Response may be built with).
 */
const NULL_BODY_STATUSES = new Set([204, 205, 304])

/**
 * Whether a response can be rebuilt by the Response constructor, which only accepts statuses
 * 200-599: not an opaque, opaque-redirect or error response (status 0), nor an informational one.
 */
export function isReplayable(response: Response): boolean {
  return response.status >= 200 && response.status <= 599
}

/** Reads a replayable response (see {@link isReplayable}) into a snapshot, consuming its body. */
export async function snapshotOf(response: Response): Promise<ResponseSnapshot> {
  return {
    status: response.status,
    statusText: response.statusText,
    headers: [...response.headers],
    url: response.url,
    redirected: response.redirected,
    type: response.type,
    body: response.body === null ? null : await response.arrayBuffer(),
  }
}

/**
 * A new Response from a snapshot: its own body stream (the constructor copies the bytes, so no
 * reader can alter the stored ones), the same status, status text and headers.
 *
 * `url`, `redirected` and `type` cannot be passed to the Response constructor (a constructed
 * response reads `''`, `false` and `'default'`), so they are defined as own properties of the
 * replayed Response, shadowing the prototype's getters; its `clone()` carries them over too.
 */
export function replay(snapshot: ResponseSnapshot): Response {
  const { status, statusText, headers } = snapshot
  const body = NULL_BODY_STATUSES.has(status) ? null : snapshot.body
  return withIdentity(new Response(body, { status, statusText, headers }), snapshot)
}

function withIdentity(
  response: Response,
  { url, redirected, type }: Pick<Response, 'url' | 'redirected' | 'type'>,
): Response {
  return Object.defineProperties(response, {
    url: { value: url },
    redirected: { value: redirected },
    type: { value: type },
    clone: { value: cloneWithIdentity },
  })
}

function cloneWithIdentity(this: Response): Response {
  return withIdentity(Response.prototype.clone.call(this), this)
}
