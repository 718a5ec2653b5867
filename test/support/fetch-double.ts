/** One request the double received; pending until the responder or the test settles it. */
export interface FetchCall {
  url: string
  method: string
  init: RequestInit | undefined
  /** The signal the request was sent with: the one fetch would abort on. */
  signal: AbortSignal | undefined
  respond(response: Response): void
  fail(error: unknown): void
}

/** A fetch stand-in that counts its calls and honours `init.signal` as fetch does. */
export interface FetchDouble {
  fetch: (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>
  /** Every call so far, in order: its length is the number of requests that reached "the network". */
  readonly calls: FetchCall[]
}

/** Answers the `n`-th call (from 1) with a Response, or `undefined` to leave it pending. */
export type Responder = (call: FetchCall, n: number) => Response | undefined

/**
 * A counting fetch double. `responder` answers each call at once, or leaves it pending for the
 * test to settle through `calls[i]`. Aborting the request's signal rejects it with
 * `signal.reason`, as fetch does.
 */
export function fetchDouble(responder: Responder = () => undefined): FetchDouble {
  const calls: FetchCall[] = []
  const fetch = (input: RequestInfo | URL, init?: RequestInit) =>
    new Promise<Response>((resolve, reject) => {
      const request = input instanceof Request ? input : undefined
      const signal = init?.signal ?? request?.signal
      if (signal?.aborted) {
        reject(signal.reason)
        return
      }
      signal?.addEventListener('abort', () => reject(signal.reason), { once: true })
      const call: FetchCall = {
        url: request?.url ?? String(input),
        method: init?.method ?? request?.method ?? 'GET',
        init,
        signal,
        respond: resolve,
        fail: reject,
      }
      calls.push(call)
      const response = responder(call, calls.length)
      if (response !== undefined) resolve(response)
    })
  return { fetch, calls }
}

/**
 * A Response as the network would deliver it from `url`: `url` (which the constructor cannot
 * set) and `type: 'basic'` are defined on it and, as on a real one, on its clones.
 */
export function networkResponse(url: string, body: BodyInit | null, init?: ResponseInit): Response {
  return fromNetwork(new Response(body, init), url)
}

function fromNetwork(response: Response, url: string): Response {
  const clone = Response.prototype.clone
  return Object.defineProperties(response, {
    url: { value: url },
    type: { value: 'basic' },
    clone: { value: () => fromNetwork(clone.call(response), url) },
  })
}

/** A responder answering the n-th call with the JSON body `{"n":n}` and `init`. */
export function numbered(init?: ResponseInit): Responder {
  return (call, n) => networkResponse(call.url, JSON.stringify({ n }), init)
}

/**
 * What a `mode: 'no-cors'` cross-origin fetch delivers: type `'opaque'`, status 0, no readable
 * headers or body. Node cannot build one, so this subclass reports those values, clones included.
 */
export class OpaqueResponse extends Response {
  constructor() {
    super(null)
  }
  override get type(): ResponseType {
    return 'opaque'
  }
  override get status(): number {
    return 0
  }
  override get ok(): boolean {
    return false
  }
  override clone(): Response {
    return new OpaqueResponse()
  }
}
