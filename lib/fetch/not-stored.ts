/**
 * The rejection that carries a response which must not be stored (see `decideStore`) to every
 * caller waiting on its load. Each caller receives its own `clone()` of it, so bodies are
 * streamed, not buffered, and `url`, `type` and `redirected` are the network's own.
 *
 * Why a rejection: `AsyncCache.getOrLoad` stores every value its loader fulfils with, and never
 * a rejection, which it hands to every waiter instead. Rejecting with this carrier, which
 * `cachedFetch` unwraps for each caller, is the one way through today's core API to share one
 * network response among the callers of a single flight without storing it. The cost is
 * visible on the event stream: such a load ends with a `load-error` event whose `error` is a
 * `NotStoredError` (its message says why), which is how tools can tell it from a failure.
 */
export class NotStoredError extends Error {
  override readonly name = 'NotStoredError'
  /** Why the response was not stored, such as `'Cache-Control: no-store'`. */
  readonly reason: string
  readonly #response: Response

  constructor(url: string, reason: string, response: Response) {
    super(`${url} was not stored: ${reason}`)
    this.reason = reason
    this.#response = response
  }

  /** A Response for one caller: a clone of the one that came from the network. */
  response(): Response {
    return this.#response.clone()
  }
}
