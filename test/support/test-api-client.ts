/**
 * The browser side of the test HTTP API that `testApi()` (test-api.ts) serves from the Vite dev
 * server of the browser test project: URL builders and the server-side request counter.
 */

/** Where the test API is mounted on the dev server. */
export const TEST_API = '/__test_api__'

/** What a data endpoint of the test API answers, as JSON. */
export interface TestApiBody {
  /** The request path, such as `/data/users-1`. */
  path: string
  method: string
  /** How many requests this path had received, this one included. */
  count: number
}

/** Query parameters of a data endpoint. */
export interface DataOptions {
  /** The status to answer with; default 200. */
  status?: number
  /** Response headers, such as `{ 'cache-control': 'no-store' }`. */
  headers?: Record<string, string>
  /** Holds the answer until {@link release} is called with this name (or was called before). */
  hold?: string
}

/** The URL of a data endpoint named `name`, counted apart from every other name. */
export function dataUrl(name: string, options: DataOptions = {}): string {
  const query = new URLSearchParams()
  if (options.status !== undefined) query.set('status', String(options.status))
  for (const [header, value] of Object.entries(options.headers ?? {})) {
    query.append('header', `${header}: ${value}`)
  }
  if (options.hold !== undefined) query.set('hold', options.hold)
  const search = query.size > 0 ? `?${query}` : ''
  return `${TEST_API}/data/${encodeURIComponent(name)}${search}`
}

/**
 * The URL of an event stream named `name` (counted with the data endpoint of the same name):
 * its first event, `data: <count>`, comes at once, and the stream stays open until
 * {@link release} is called with `hold` (default: `name`) or the API is reset.
 */
export function streamUrl(name: string, hold = name): string {
  return `${TEST_API}/stream/${encodeURIComponent(name)}?hold=${encodeURIComponent(hold)}`
}

/** Query parameters of a versioned resource (see `testApi`). */
export interface ResourceOptions {
  /** Its `Cache-Control`; none by default. */
  cacheControl?: string
  /** Which validators it sends; default both. */
  validators?: 'etag' | 'last-modified' | 'both'
  /** Bytes of padding in its body, so that a body download is worth saving. Default 0. */
  size?: number
  /** Holds the answer until {@link release} is called with this name. */
  hold?: string
}

/** What a versioned resource received and sent. */
export interface ResourceStats {
  /** Requests it received, conditional or not. */
  requests: number
  /** Of those, the ones answered 304. */
  notModified: number
  /** Body bytes of its 200 answers. */
  bodyBytes: number
}

/**
 * The URL of a versioned resource named `name`: it sends an ETag and/or Last-Modified, and
 * answers a conditional request naming its current version with a 304.
 */
export function resourceUrl(name: string, options: ResourceOptions = {}): string {
  const query = new URLSearchParams()
  if (options.cacheControl !== undefined) query.set('cache-control', options.cacheControl)
  if (options.validators !== undefined) query.set('validators', options.validators)
  if (options.size !== undefined) query.set('size', String(options.size))
  if (options.hold !== undefined) query.set('hold', options.hold)
  const search = query.size > 0 ? `?${query}` : ''
  return `${TEST_API}/resource/${encodeURIComponent(name)}${search}`
}

/** What the resource named `name` has received and sent since the last reset. */
export async function resourceStats(name: string): Promise<ResourceStats> {
  const response = await control(`resource-stats?name=${encodeURIComponent(name)}`)
  return (await response.json()) as ResourceStats
}

/** Makes a new version of the resource named `name`: a new body, ETag and Last-Modified. */
export async function changeResource(name: string): Promise<void> {
  await control(`change?name=${encodeURIComponent(name)}`)
}

/**
 * Starts an outage of the resource named `name`: it answers `status`, or with `'drop'` closes
 * the connection (a network error), for the next `requests` requests (default: until ended);
 * `undefined` ends it.
 */
export async function outage(
  name: string,
  status: number | 'drop' | undefined,
  requests?: number,
): Promise<void> {
  const query = new URLSearchParams({ name })
  if (status !== undefined) query.set('status', String(status))
  if (requests !== undefined) query.set('requests', String(requests))
  await control(`outage?${query}`)
}

/** How many requests, of any method, the server has received for the endpoints named `name`. */
export async function requestCount(name: string): Promise<number> {
  const response = await control(`count?name=${encodeURIComponent(name)}`)
  return ((await response.json()) as { count: number }).count
}

/** Resolves once `atLeast` requests to the endpoint `name` were abandoned by the browser. */
export async function abortedCount(name: string, atLeast = 1): Promise<number> {
  const response = await control(`aborted?name=${encodeURIComponent(name)}&atLeast=${atLeast}`)
  return ((await response.json()) as { count: number }).count
}

/** Lets every request held under `hold` answer, now and from now on. */
export async function release(hold: string): Promise<void> {
  await control(`release?hold=${encodeURIComponent(hold)}`)
}

/** Zeroes every counter and releases every held request. */
export async function resetTestApi(): Promise<void> {
  await control('reset')
}

/** A control request, straight to the network: never through a cache, never counted. */
async function control(path: string): Promise<Response> {
  const response = await fetch(`${TEST_API}/${path}`, { cache: 'no-store' })
  if (!response.ok) throw new Error(`test API ${path} answered ${response.status}`)
  return response
}
