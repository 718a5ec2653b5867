import type { HttpFreshness } from './freshness.js'

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
  /** `Response.type` of the original (`'basic'`, `'cors'`, `'default'`; `'opaque'` never stored). */
  type: ResponseType
  /**
   * The body bytes; `null` for a response without a body (a HEAD response, a 204...), and for
   * a live snapshot (see `snapshotOf`), whose body stays in the original response.
   */
  body: ArrayBuffer | null
  /**
   * Its freshness, when the HTTP caching rules apply to it (`respectCacheControl`); absent, the
   * cache's own TTL and `staleWhileRevalidate` alone decide.
   */
  http?: HttpFreshness
}

/**
 * What a stored snapshot costs in memory, roughly, in bytes: its body, its headers and status
 * text (UTF-16 strings, two bytes a character). The measure `maxBytes` counts against.
 */
export function snapshotBytes(snapshot: ResponseSnapshot): number {
  let bytes =
    (snapshot.body?.byteLength ?? 0) + 2 * (snapshot.statusText.length + snapshot.url.length)
  for (const [name, value] of snapshot.headers) bytes += 2 * (name.length + value.length)
  return bytes
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

/**
 * The responses of live snapshots (see {@link snapshotOf}), by the snapshot made of each. A
 * snapshot's identity is the link: a copy (structured clone, persistence) loses it, which is
 * why live snapshots are never stored.
 */
const originals = new WeakMap<ResponseSnapshot, Response>()

/**
 * Reads a response into a snapshot. One to be `stored` has its body consumed into bytes (it
 * must be replayable: see {@link isReplayable}). Any other is live: kept as it is, unread, so
 * that replaying this very snapshot hands out clones of it, each streaming the body as it
 * arrives (a never-ending event stream included) rather than after it has all been read.
 */
export async function snapshotOf(
  response: Response,
  stored: boolean,
  http: HttpFreshness | undefined,
): Promise<ResponseSnapshot> {
  const snapshot: ResponseSnapshot = {
    status: response.status,
    statusText: response.statusText,
    headers: [...response.headers],
    url: response.url,
    redirected: response.redirected,
    type: response.type,
    body: stored && response.body !== null ? await response.arrayBuffer() : null,
  }
  if (http !== undefined) snapshot.http = http
  if (!stored) originals.set(snapshot, response)
  return snapshot
}

/**
 * A new Response from a snapshot: its own body stream (the constructor copies the bytes, so no
 * reader can alter the stored ones), the same status, status text and headers.
 *
 * `url`, `redirected` and `type` cannot be passed to the Response constructor (a constructed
 * response reads `''`, `false` and `'default'`), so the replayed Response is of a subclass
 * whose getters return the snapshot's; its `clone()` keeps them too. A subclass rather than
 * `Object.defineProperty` on each instance: defining own properties costs a hit about 0.6 µs
 * (Node 20), a tenth of the Response's construction.
 *
 * A live snapshot (one `snapshotOf` made of a response not to be stored) replays as a
 * `clone()` of that response.
 */
export function replay(snapshot: ResponseSnapshot): Response {
  const original = originals.get(snapshot)
  if (original !== undefined) return original.clone()
  const { status, statusText, headers } = snapshot
  const body = NULL_BODY_STATUSES.has(status) ? null : snapshot.body
  return new (replayedClass())(body, { status, statusText, headers }, snapshot)
}

type Identity = Pick<ResponseSnapshot, 'url' | 'redirected' | 'type'>
type ReplayedClass = new (body: BodyInit | null, init: ResponseInit, identity: Identity) => Response

let replayed: ReplayedClass | undefined

/**
 * The Response subclass of replays, made at the first replay because importing the module must
 * not touch the `Response` global (it may not exist yet, or be swapped, as test setups do).
 */
function replayedClass(): ReplayedClass {
  if (replayed !== undefined && Object.getPrototypeOf(replayed) === Response) return replayed
  class ReplayedResponse extends Response {
    readonly #identity: Identity
    constructor(body: BodyInit | null, init: ResponseInit, identity: Identity) {
      super(body, init)
      this.#identity = identity
    }
    override get url(): string {
      return this.#identity.url
    }
    override get redirected(): boolean {
      return this.#identity.redirected
    }
    override get type(): ResponseType {
      return this.#identity.type
    }
    override clone(): Response {
      const copy = super.clone()
      const { status, statusText, headers } = copy
      return new ReplayedResponse(copy.body, { status, statusText, headers }, this.#identity)
    }
  }
  replayed = ReplayedResponse
  return replayed
}
