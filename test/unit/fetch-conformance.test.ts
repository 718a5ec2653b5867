// @vitest-environment node
// Real HTTP: Node's fetch (undici) against node:http servers on 127.0.0.1, counted on the server.
import { once } from 'node:events'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { AsyncCache } from 'asynccache'
import { type CachedFetchOptions, cachedFetch, type ResponseSnapshot } from 'asynccache/fetch'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'

/**
 * A conformance table for `cachedFetch` as a private (browser) cache: RFC 9111 (HTTP caching),
 * RFC 9110 (conditional requests) and RFC 5861 (stale windows). Each case names the section it
 * checks, scripts requests on a clock the test moves (the servers stamp `Date` from the same
 * clock), and asserts what reached the servers and what each caller got. A case marked
 * `deliberate` checks a documented choice of the library where the RFC allows another reading.
 */

/** The shared clock's origin: servers and cache agree on the time, as synchronised clocks do. */
const T0 = Date.UTC(2026, 0, 1)
const clock = { t: T0 }
const httpDate = (ms: number) => new Date(ms).toUTCString()

/** One request as a server received it. */
interface Seen {
  /** `main` or `other` (another origin: another port). */
  server: 'main' | 'other'
  method: string
  path: string
  headers: IncomingHttpHeaders
}

/** A server's answer: its status, headers (`date` defaults to the clock's) and body; or `drop` the connection. */
type Reply =
  | { status?: number; headers?: Record<string, string | undefined>; body?: string }
  | 'drop'

/** How the origin answers the `n`-th request (from 1) of a case. */
type Origin = (request: Seen, n: number) => Reply

/** One request of a step. */
interface Send {
  method?: string
  /** Default `/r`. */
  path?: string
  /** On the other origin (another port of 127.0.0.1). */
  other?: boolean
  headers?: Record<string, string>
  cache?: RequestCache
}

/** What a caller got: its status, and its body and headers where given (`null`: absent). */
interface Got {
  status: number
  body?: string
  headers?: Record<string, string | null>
}

interface Step {
  /** Seconds since T0 on the shared clock; default: the previous step's. */
  at?: number
  /** One request, or several sent at once (the first one first). */
  send?: Send | Send[]
  got: Got | Got[]
  /** Requests the servers have received in all once this step is done. */
  reached: number
  /** Headers of the last request that reached a server (`null`: absent). */
  sent?: Record<string, string | null>
  /** A background revalidation starts in this step: wait for it to settle. */
  background?: boolean
}

interface Case {
  /** The section checked, as `RFC 9111 §4.2.1`. */
  rfc: string
  name: string
  /** Why a documented choice of the library reads the RFC as it does (README, fetch section). */
  deliberate?: string
  options?: CachedFetchOptions
  origin: Origin
  steps: Step[]
}

const BODY = 'v1'

/** Always the same 200 (or `status`) with these headers. */
const always =
  (headers: Record<string, string>, status = 200, body = BODY): Origin =>
  () => ({ status, headers, body })

/**
 * A resource whose `n`-th answer is `version(n)`'s headers and body; a conditional request
 * naming its current `etag` (or `last-modified`) is answered 304 with the current headers.
 */
const resource =
  (
    version: (n: number) => { headers: Record<string, string>; body?: string; status?: number },
  ): Origin =>
  (request, n) => {
    const { headers, body = BODY, status = 200 } = version(n)
    const inm = request.headers['if-none-match']
    const ims = request.headers['if-modified-since']
    const matches =
      inm !== undefined
        ? headers.etag !== undefined && weak(inm) === weak(headers.etag)
        : ims !== undefined && ims === headers['last-modified']
    return matches ? { status: 304, headers } : { status, headers, body }
  }
const weak = (tag: string) => tag.replace(/^W\//, '')

/** The first answer, then `later` for every other request. */
const first =
  (reply: Reply, later: Origin): Origin =>
  (request, n) =>
    n === 1 ? reply : later(request, n)

const LAST_MODIFIED = httpDate(T0 - 10 * 86_400_000)

const cases: Case[] = [
  // Freshness
  {
    rfc: 'RFC 9111 §4.2.1, §5.2.2.1',
    name: 'max-age: fresh (a hit, no request) until it has passed, then loaded again',
    origin: always({ 'cache-control': 'max-age=60' }),
    steps: [
      { at: 0, got: { status: 200, body: BODY }, reached: 1 },
      { at: 59, got: { status: 200, body: BODY }, reached: 1 },
      { at: 61, got: { status: 200 }, reached: 2, sent: { 'if-none-match': null } },
    ],
  },
  {
    rfc: 'RFC 9111 §4.2.3, §5.1',
    name: 'Age counts: max-age=60 with Age: 50 is fresh for 10 s',
    origin: always({ 'cache-control': 'max-age=60', age: '50' }),
    steps: [
      { at: 0, got: { status: 200 }, reached: 1 },
      { at: 9, got: { status: 200 }, reached: 1 },
      { at: 11, got: { status: 200 }, reached: 2 },
    ],
  },
  {
    rfc: 'RFC 9111 §4.2.3',
    name: 'the apparent age counts: a Date 50 s before arrival leaves max-age=60 fresh for 10 s',
    origin: () => ({
      headers: { 'cache-control': 'max-age=60', date: httpDate(clock.t - 50_000) },
      body: BODY,
    }),
    steps: [
      { at: 0, got: { status: 200 }, reached: 1 },
      { at: 9, got: { status: 200 }, reached: 1 },
      { at: 11, got: { status: 200 }, reached: 2 },
    ],
  },
  {
    rfc: 'RFC 9111 §5.3, §4.2.1',
    name: 'Expires minus Date is the lifetime when there is no max-age',
    origin: () => ({ headers: { expires: httpDate(clock.t + 30_000) }, body: BODY }),
    steps: [
      { at: 0, got: { status: 200 }, reached: 1 },
      { at: 29, got: { status: 200 }, reached: 1 },
      { at: 31, got: { status: 200 }, reached: 2 },
    ],
  },
  {
    rfc: 'RFC 9111 §5.3',
    name: 'an invalid Expires ("0") means already expired: never reused',
    options: { ttl: 3600 },
    origin: always({ expires: '0' }),
    steps: [
      { at: 0, got: { status: 200 }, reached: 1 },
      { at: 0, got: { status: 200 }, reached: 2 },
    ],
  },
  {
    rfc: 'RFC 9111 §4.2.1, §5.3',
    name: 'max-age wins over Expires',
    origin: () => ({
      headers: { 'cache-control': 'max-age=10', expires: httpDate(clock.t + 3_600_000) },
      body: BODY,
    }),
    steps: [
      { at: 0, got: { status: 200 }, reached: 1 },
      { at: 11, got: { status: 200 }, reached: 2 },
    ],
  },
  {
    rfc: 'RFC 9111 §4.2.2',
    name: 'heuristic freshness: a Last-Modified response without a lifetime lives for the cache ttl, then is revalidated',
    deliberate:
      "the cache's ttl stands in for the heuristic (10% of Date minus Last-Modified would be a day here)",
    options: { ttl: 30 },
    origin: resource(() => ({ headers: { 'last-modified': LAST_MODIFIED } })),
    steps: [
      { at: 0, got: { status: 200 }, reached: 1 },
      { at: 29, got: { status: 200 }, reached: 1 },
      {
        at: 31,
        got: { status: 200, body: BODY },
        reached: 2,
        sent: { 'if-modified-since': LAST_MODIFIED },
      },
    ],
  },
  {
    rfc: 'RFC 9111 §4.2.2',
    name: 'heuristic freshness without a ttl: a response stating no lifetime is never stale',
    deliberate:
      "the cache's ttl (default null: forever) stands in for the heuristic; a browser would revalidate after a tenth of its Last-Modified age",
    origin: resource(() => ({ headers: { 'last-modified': LAST_MODIFIED } })),
    steps: [
      { at: 0, got: { status: 200 }, reached: 1 },
      { at: 30 * 86_400, got: { status: 200, body: BODY }, reached: 1 },
    ],
  },
  {
    rfc: 'RFC 9111 §3, §4.2.2',
    name: 'a heuristically cacheable status (203, 204) without a lifetime is stored',
    options: { ttl: 30 },
    origin: (_, n) => ({ status: n === 1 ? 203 : 204, body: n === 1 ? BODY : '' }),
    steps: [
      { at: 0, got: { status: 203, body: BODY }, reached: 1 },
      { at: 1, got: { status: 203, body: BODY }, reached: 1 },
      { at: 1, send: { path: '/empty' }, got: { status: 204, body: '' }, reached: 2 },
      { at: 2, send: { path: '/empty' }, got: { status: 204, body: '' }, reached: 2 },
    ],
  },
  {
    rfc: 'RFC 9111 §3',
    name: 'a 2xx that is not heuristically cacheable (202 Accepted) is not stored without explicit freshness',
    options: { ttl: 30 },
    origin: always({}, 202),
    steps: [
      { at: 0, got: { status: 202, body: BODY }, reached: 1 },
      { at: 1, got: { status: 202, body: BODY }, reached: 2 },
    ],
  },
  {
    rfc: 'RFC 9111 §3',
    name: 'a 202 with max-age (explicit freshness) is stored',
    origin: always({ 'cache-control': 'max-age=60' }, 202),
    steps: [
      { at: 0, got: { status: 202 }, reached: 1 },
      { at: 1, got: { status: 202, body: BODY }, reached: 1 },
    ],
  },
  {
    rfc: 'RFC 9111 §3, §5.2.2.7',
    name: 'a 201 marked private is stored by a private cache',
    options: { ttl: 30 },
    origin: always({ 'cache-control': 'private' }, 201),
    steps: [
      { at: 0, got: { status: 201 }, reached: 1 },
      { at: 1, got: { status: 201, body: BODY }, reached: 1 },
    ],
  },
  {
    rfc: 'RFC 9111 §3',
    name: 'a 404 is not stored by default',
    deliberate:
      'the cacheable option stores 2xx only by default; a cache may always decline to store',
    origin: always({ 'cache-control': 'max-age=60' }, 404),
    steps: [
      { at: 0, got: { status: 404 }, reached: 1 },
      { at: 1, got: { status: 404, body: BODY }, reached: 2 },
    ],
  },

  // Response directives
  {
    rfc: 'RFC 9111 §5.2.2.5',
    name: 'no-store: never stored, even with max-age',
    origin: always({ 'cache-control': 'max-age=60, no-store' }),
    steps: [
      { at: 0, got: { status: 200 }, reached: 1 },
      { at: 1, got: { status: 200, body: BODY }, reached: 2 },
    ],
  },
  {
    rfc: 'RFC 9111 §5.2.2.4, §4.3.1',
    name: 'no-cache: revalidated on every use, with If-None-Match; the 304 answers with the stored body',
    origin: resource(() => ({ headers: { 'cache-control': 'no-cache', etag: '"a"' } })),
    steps: [
      { at: 0, got: { status: 200, body: BODY }, reached: 1 },
      { at: 0, got: { status: 200, body: BODY }, reached: 2, sent: { 'if-none-match': '"a"' } },
      { at: 1, got: { status: 200, body: BODY }, reached: 3, sent: { 'if-none-match': '"a"' } },
    ],
  },
  {
    rfc: 'RFC 9111 §5.2.2.4, §4.2.4',
    name: "no-cache: never served stale, whatever the cache's staleWhileRevalidate",
    options: { staleWhileRevalidate: 600 },
    origin: resource((n) => ({
      headers: { 'cache-control': 'no-cache', etag: `"v${n}"` },
      body: `v${n}`,
    })),
    steps: [
      { at: 0, got: { status: 200, body: 'v1' }, reached: 1 },
      { at: 1, got: { status: 200, body: 'v2' }, reached: 2, sent: { 'if-none-match': '"v1"' } },
    ],
  },
  {
    rfc: 'RFC 9111 §5.2.2.2, §4.2.4',
    name: "must-revalidate: once stale, not served stale (the cache's staleWhileRevalidate aside)",
    options: { staleWhileRevalidate: 600 },
    origin: resource((n) => ({
      headers: { 'cache-control': 'max-age=10, must-revalidate', etag: `"v${n}"` },
      body: `v${n}`,
    })),
    steps: [
      { at: 0, got: { status: 200, body: 'v1' }, reached: 1 },
      { at: 11, got: { status: 200, body: 'v2' }, reached: 2, sent: { 'if-none-match': '"v1"' } },
    ],
  },
  {
    rfc: 'RFC 9111 §5.2.2.2',
    name: 'must-revalidate: a revalidation that cannot reach the origin answers 504',
    options: { staleIfError: 600 },
    origin: first(
      { headers: { 'cache-control': 'max-age=10, must-revalidate', etag: '"a"' }, body: BODY },
      () => 'drop',
    ),
    steps: [
      { at: 0, got: { status: 200 }, reached: 1 },
      { at: 11, got: { status: 504 }, reached: 2 },
    ],
  },
  {
    rfc: 'RFC 9111 §5.2.2.7, §5.2.2.9',
    name: 'private and public: stored as any other by a private cache',
    origin: (request) => ({
      headers: { 'cache-control': `${request.path === '/p' ? 'private' : 'public'}, max-age=60` },
      body: BODY,
    }),
    steps: [
      { at: 0, send: { path: '/p' }, got: { status: 200 }, reached: 1 },
      { at: 1, send: { path: '/p' }, got: { status: 200, body: BODY }, reached: 1 },
      { at: 1, send: { path: '/q' }, got: { status: 200 }, reached: 2 },
      { at: 2, send: { path: '/q' }, got: { status: 200, body: BODY }, reached: 2 },
    ],
  },
  {
    rfc: 'RFC 9111 §5.2.2.10',
    name: 's-maxage is for shared caches: max-age=10, s-maxage=3600 is stale after 10 s',
    origin: always({ 'cache-control': 'max-age=10, s-maxage=3600' }),
    steps: [
      { at: 0, got: { status: 200 }, reached: 1 },
      { at: 11, got: { status: 200 }, reached: 2 },
    ],
  },
  {
    rfc: 'RFC 9111 §5.2.2.10',
    name: 's-maxage alone states no lifetime for a private cache: the cache ttl applies',
    options: { ttl: 5 },
    origin: always({ 'cache-control': 's-maxage=3600' }),
    steps: [
      { at: 0, got: { status: 200 }, reached: 1 },
      { at: 4, got: { status: 200 }, reached: 1 },
      { at: 6, got: { status: 200 }, reached: 2 },
    ],
  },

  // Vary
  {
    rfc: 'RFC 9111 §4.1',
    name: 'Vary on a header the key holds: one entry per value',
    options: { vary: ['accept-language'] },
    origin: (request) => ({
      headers: { 'cache-control': 'max-age=60', vary: 'Accept-Language' },
      body: String(request.headers['accept-language']),
    }),
    steps: [
      {
        send: { headers: { 'accept-language': 'en' } },
        got: { status: 200, body: 'en' },
        reached: 1,
      },
      {
        send: { headers: { 'accept-language': 'fr' } },
        got: { status: 200, body: 'fr' },
        reached: 2,
      },
      {
        send: { headers: { 'accept-language': 'en' } },
        got: { status: 200, body: 'en' },
        reached: 2,
      },
    ],
  },
  {
    rfc: 'RFC 9111 §4.1',
    name: 'Vary on a header the key does not hold: not stored',
    deliberate:
      'the key holds only the headers of the vary option; storing nothing is always allowed',
    origin: always({ 'cache-control': 'max-age=60', vary: 'Accept-Language' }),
    steps: [
      { send: { headers: { 'accept-language': 'en' } }, got: { status: 200 }, reached: 1 },
      { send: { headers: { 'accept-language': 'en' } }, got: { status: 200 }, reached: 2 },
    ],
  },
  {
    rfc: 'RFC 9111 §4.1',
    name: 'Vary: * never matches: not stored, whatever the vary option',
    options: { vary: ['accept-language'] },
    origin: always({ 'cache-control': 'max-age=60', vary: '*' }),
    steps: [
      { got: { status: 200 }, reached: 1 },
      { got: { status: 200 }, reached: 2 },
    ],
  },
  {
    rfc: 'RFC 9111 §4, §4.1',
    name: 'collapsed requests: a response varying on a header the key does not hold reaches only requests it was made for',
    origin: (request) => ({
      headers: { 'cache-control': 'max-age=60', vary: 'Accept-Language' },
      body: String(request.headers['accept-language']),
    }),
    steps: [
      {
        send: [
          { headers: { 'accept-language': 'en' } },
          { headers: { 'accept-language': 'fr' } },
          { headers: { 'accept-language': 'en' } },
        ],
        got: [
          { status: 200, body: 'en' },
          { status: 200, body: 'fr' },
          { status: 200, body: 'en' },
        ],
        reached: 2,
      },
    ],
  },
  {
    rfc: 'RFC 9111 §4.1',
    name: 'Vary: Accept-Encoding is stored: the body is decoded whatever the request accepted',
    deliberate: 'the body the cache holds is decoded, so any Accept-Encoding may read it',
    origin: always({ 'cache-control': 'max-age=60', vary: 'Accept-Encoding' }),
    steps: [
      { got: { status: 200 }, reached: 1 },
      { send: { headers: { 'accept-encoding': 'identity' } }, got: { status: 200 }, reached: 1 },
    ],
  },
  {
    rfc: 'RFC 9111 §4',
    name: 'collapsed requests: a no-store response reaches every caller waiting on its load',
    deliberate:
      'a response not stored is still shared by the callers of its one load (the design of single-flight)',
    origin: always({ 'cache-control': 'no-store' }),
    steps: [
      {
        send: [{}, {}],
        got: [
          { status: 200, body: BODY },
          { status: 200, body: BODY },
        ],
        reached: 1,
      },
    ],
  },

  // Invalidation
  ...(['POST', 'PUT', 'DELETE', 'PATCH', 'PURGE'] as const).map(
    (method): Case => ({
      rfc: 'RFC 9111 §4.4',
      name: `a ${method} answered 2xx invalidates the stored GET and HEAD of its URL${method === 'PURGE' ? ' (a method of unknown safety)' : ''}`,
      origin: always({ 'cache-control': 'max-age=60' }),
      steps: [
        { got: { status: 200 }, reached: 1 },
        { send: { method: 'HEAD' }, got: { status: 200 }, reached: 2 },
        { send: { method }, got: { status: 200 }, reached: 3 },
        { got: { status: 200 }, reached: 4 },
        { send: { method: 'HEAD' }, got: { status: 200 }, reached: 5 },
      ],
    }),
  ),
  {
    rfc: 'RFC 9111 §4.4',
    name: 'a POST answered 3xx (non-error) invalidates its URL',
    origin: (request) =>
      request.method === 'POST'
        ? { status: 304, headers: {} }
        : { headers: { 'cache-control': 'max-age=60' }, body: BODY },
    steps: [
      { got: { status: 200 }, reached: 1 },
      { send: { method: 'POST' }, got: { status: 304 }, reached: 2 },
      { got: { status: 200 }, reached: 3 },
    ],
  },
  {
    rfc: 'RFC 9111 §4.4',
    name: 'an unsafe method answered with an error invalidates nothing',
    origin: (request) =>
      request.method === 'DELETE'
        ? { status: 409, body: 'conflict' }
        : { headers: { 'cache-control': 'max-age=60' }, body: BODY },
    steps: [
      { got: { status: 200 }, reached: 1 },
      { send: { method: 'DELETE' }, got: { status: 409 }, reached: 2 },
      { got: { status: 200, body: BODY }, reached: 2 },
    ],
  },
  {
    rfc: 'RFC 9111 §4.4',
    name: 'a POST answered 201 invalidates the same-origin URL its Location names',
    origin: (request) =>
      request.method === 'POST'
        ? { status: 201, headers: { location: '/items/9' }, body: 'created' }
        : { headers: { 'cache-control': 'max-age=60' }, body: BODY },
    steps: [
      { send: { path: '/items/9' }, got: { status: 200 }, reached: 1 },
      { send: { path: '/items/9' }, got: { status: 200 }, reached: 1 },
      { send: { method: 'POST', path: '/items' }, got: { status: 201 }, reached: 2 },
      { send: { path: '/items/9' }, got: { status: 200 }, reached: 3 },
    ],
  },
  {
    rfc: 'RFC 9111 §4.4',
    name: 'a PUT answered 200 invalidates the same-origin URL its Content-Location names',
    origin: (request) =>
      request.method === 'PUT'
        ? { headers: { 'content-location': '/items/9?view=full' }, body: 'put' }
        : { headers: { 'cache-control': 'max-age=60' }, body: BODY },
    steps: [
      { send: { path: '/items/9?view=full' }, got: { status: 200 }, reached: 1 },
      { send: { method: 'PUT', path: '/items/9' }, got: { status: 200 }, reached: 2 },
      { send: { path: '/items/9?view=full' }, got: { status: 200 }, reached: 3 },
    ],
  },
  {
    rfc: 'RFC 9111 §4.4',
    name: 'a Location on another origin (another port) is not invalidated',
    origin: (request) =>
      request.method === 'POST'
        ? {
            status: 201,
            headers: { location: `http://127.0.0.1:${ports.other}/items/9` },
            body: 'created',
          }
        : { headers: { 'cache-control': 'max-age=60' }, body: BODY },
    steps: [
      { send: { path: '/items/9', other: true }, got: { status: 200 }, reached: 1 },
      { send: { method: 'POST', path: '/items' }, got: { status: 201 }, reached: 2 },
      { send: { path: '/items/9', other: true }, got: { status: 200, body: BODY }, reached: 2 },
    ],
  },
  {
    rfc: 'RFC 9111 §4.4',
    name: 'a POST answered 303 invalidates the same-origin URL its Location names, which fetch follows',
    origin: (request, n) =>
      request.method === 'POST'
        ? { status: 303, headers: { location: '/items/9' } }
        : { headers: { 'cache-control': 'max-age=60' }, body: `v${n}` },
    steps: [
      { send: { path: '/items/9' }, got: { status: 200, body: 'v1' }, reached: 1 },
      { send: { method: 'POST', path: '/items' }, got: { status: 200, body: 'v3' }, reached: 3 },
      { send: { path: '/items/9' }, got: { status: 200, body: 'v4' }, reached: 4 },
    ],
  },
  {
    rfc: 'RFC 9111 §4.4',
    name: 'a POST redirected to another origin does not invalidate the URL fetch followed there',
    origin: (request, n) =>
      request.method === 'POST'
        ? { status: 303, headers: { location: `http://127.0.0.1:${ports.other}/items/9` } }
        : { headers: { 'cache-control': 'max-age=60' }, body: `v${n}` },
    steps: [
      { send: { path: '/items/9', other: true }, got: { status: 200, body: 'v1' }, reached: 1 },
      { send: { method: 'POST', path: '/items' }, got: { status: 200, body: 'v3' }, reached: 3 },
      { send: { path: '/items/9', other: true }, got: { status: 200, body: 'v1' }, reached: 3 },
    ],
  },
  {
    rfc: 'RFC 9111 §4.4, §3',
    name: 'a POST is not stored: each one reaches the origin',
    origin: always({ 'cache-control': 'max-age=60' }),
    steps: [
      { send: { method: 'POST' }, got: { status: 200 }, reached: 1 },
      { send: { method: 'POST' }, got: { status: 200 }, reached: 2 },
    ],
  },
  {
    rfc: 'RFC 9111 §3; RFC 9110 §15.4.3',
    name: "a 302's final response is stored under the URL asked for, with the final response's lifetime",
    deliberate:
      "fetch follows redirects and hides the 3xx, so the redirect's own cacheability (a 302: none) cannot be read",
    origin: (request) =>
      request.path === '/old'
        ? { status: 302, headers: { location: '/new' } }
        : { headers: { 'cache-control': 'max-age=60' }, body: BODY },
    steps: [
      { send: { path: '/old' }, got: { status: 200, body: BODY }, reached: 2 },
      { send: { path: '/old' }, got: { status: 200, body: BODY }, reached: 2 },
    ],
  },

  // HEAD
  {
    rfc: 'RFC 9110 §9.3.2',
    name: 'a HEAD response is stored and reused for HEAD, without a body; a GET is its own request',
    origin: always({ 'cache-control': 'max-age=60' }),
    steps: [
      { send: { method: 'HEAD' }, got: { status: 200, body: '' }, reached: 1 },
      { send: { method: 'HEAD' }, got: { status: 200, body: '' }, reached: 1 },
      { got: { status: 200, body: BODY }, reached: 2, sent: {} },
    ],
  },
  {
    rfc: 'RFC 9111 §4.3.5',
    name: 'a HEAD 200 with another ETag makes the stored GET stale: the next GET loads it again',
    origin: (_, n) => ({
      headers: { 'cache-control': 'max-age=60', etag: n === 1 ? '"v1"' : '"v2"' },
      body: n === 1 ? 'v1' : 'v2',
    }),
    steps: [
      { got: { status: 200, body: 'v1' }, reached: 1 },
      { send: { method: 'HEAD' }, got: { status: 200, headers: { etag: '"v2"' } }, reached: 2 },
      { got: { status: 200, body: 'v2', headers: { etag: '"v2"' } }, reached: 3 },
    ],
  },
  {
    rfc: 'RFC 9111 §4.3.5',
    name: 'a HEAD 200 agreeing with the stored GET leaves it as it is',
    deliberate:
      "the HEAD's other headers do not update the stored GET (that half of a SHOULD is not followed)",
    origin: (_, n) => ({
      headers: { 'cache-control': 'max-age=60', etag: '"v1"', 'x-n': String(n) },
      body: 'v1',
    }),
    steps: [
      { got: { status: 200, body: 'v1' }, reached: 1 },
      { send: { method: 'HEAD' }, got: { status: 200, headers: { 'x-n': '2' } }, reached: 2 },
      { got: { status: 200, body: 'v1', headers: { 'x-n': '1' } }, reached: 2 },
    ],
  },

  // Validation and 304
  {
    rfc: 'RFC 9111 §4.3.4, §3.2',
    name: 'a 304 updates the stored headers and the freshness; the stored body answers',
    origin: resource((n) => ({
      headers: {
        'cache-control': n === 1 ? 'max-age=10' : 'max-age=100',
        etag: '"a"',
        'x-version': String(n),
      },
    })),
    steps: [
      { at: 0, got: { status: 200, headers: { 'x-version': '1' } }, reached: 1 },
      {
        at: 11,
        got: {
          status: 200,
          body: BODY,
          headers: { 'x-version': '2', 'cache-control': 'max-age=100' },
        },
        reached: 2,
        sent: { 'if-none-match': '"a"' },
      },
      { at: 110, got: { status: 200, body: BODY, headers: { 'x-version': '2' } }, reached: 2 },
      { at: 112, got: { status: 200, headers: { 'x-version': '3' } }, reached: 3 },
    ],
  },
  {
    rfc: 'RFC 9111 §4.3.4, §5.3',
    name: "a 304's Expires and Date replace the stored ones: the freshness counts from them",
    origin: resource(() => ({
      headers: { etag: '"a"', expires: httpDate(clock.t + (clock.t === T0 ? 10_000 : 100_000)) },
    })),
    steps: [
      { at: 0, got: { status: 200 }, reached: 1 },
      { at: 11, got: { status: 200, body: BODY }, reached: 2, sent: { 'if-none-match': '"a"' } },
      { at: 110, got: { status: 200, body: BODY }, reached: 2 },
      { at: 112, got: { status: 200, body: BODY }, reached: 3, sent: { 'if-none-match': '"a"' } },
    ],
  },
  {
    rfc: 'RFC 9111 §4.3.4',
    name: 'a 304 naming another strong ETag updates nothing: the response is loaded in full',
    origin: (_, n) =>
      n === 2
        ? { status: 304, headers: { etag: '"b"', 'cache-control': 'max-age=10' } }
        : {
            headers: { etag: n === 1 ? '"a"' : '"b"', 'cache-control': 'max-age=10' },
            body: `v${n}`,
          },
    steps: [
      { at: 0, got: { status: 200, body: 'v1' }, reached: 1 },
      {
        at: 11,
        got: { status: 200, body: 'v3', headers: { etag: '"b"' } },
        reached: 3,
        sent: { 'if-none-match': null },
      },
    ],
  },
  {
    rfc: 'RFC 9110 §8.8.1, §13.1.2; RFC 9111 §4.3.4',
    name: 'a weak ETag is sent back as is, and a weak 304 updates the stored response',
    origin: resource(() => ({ headers: { 'cache-control': 'max-age=10', etag: 'W/"a"' } })),
    steps: [
      { at: 0, got: { status: 200 }, reached: 1 },
      { at: 11, got: { status: 200, body: BODY }, reached: 2, sent: { 'if-none-match': 'W/"a"' } },
      { at: 20, got: { status: 200, body: BODY }, reached: 2 },
    ],
  },
  {
    rfc: 'RFC 9110 §13.1.3; RFC 9111 §4.3.1',
    name: 'Last-Modified alone is sent back as If-Modified-Since',
    origin: resource(() => ({
      headers: { 'cache-control': 'max-age=10', 'last-modified': LAST_MODIFIED },
    })),
    steps: [
      { at: 0, got: { status: 200 }, reached: 1 },
      {
        at: 11,
        got: { status: 200, body: BODY },
        reached: 2,
        sent: { 'if-modified-since': LAST_MODIFIED, 'if-none-match': null },
      },
    ],
  },
  {
    rfc: 'RFC 9111 §4.3.1',
    name: 'with both validators, both are sent',
    origin: resource(() => ({
      headers: { 'cache-control': 'max-age=10', etag: '"a"', 'last-modified': LAST_MODIFIED },
    })),
    steps: [
      { at: 0, got: { status: 200 }, reached: 1 },
      {
        at: 11,
        got: { status: 200, body: BODY },
        reached: 2,
        sent: { 'if-none-match': '"a"', 'if-modified-since': LAST_MODIFIED },
      },
    ],
  },
  {
    rfc: 'RFC 9111 §4.3.2',
    name: 'a request with its own If-None-Match reaches the origin, and its 304 the caller',
    origin: resource(() => ({ headers: { 'cache-control': 'max-age=60', etag: '"a"' } })),
    steps: [
      { got: { status: 200 }, reached: 1 },
      { send: { headers: { 'if-none-match': '"a"' } }, got: { status: 304 }, reached: 2 },
    ],
  },

  // Request directives
  {
    rfc: 'RFC 9111 §5.2.1.4',
    name: 'request no-cache: a fresh entry is revalidated first',
    origin: resource(() => ({ headers: { 'cache-control': 'max-age=60', etag: '"a"' } })),
    steps: [
      { got: { status: 200 }, reached: 1 },
      {
        send: { headers: { 'cache-control': 'no-cache' } },
        got: { status: 200, body: BODY },
        reached: 2,
        sent: { 'if-none-match': '"a"' },
      },
    ],
  },
  {
    rfc: 'RFC 9111 §5.2.1.4',
    name: 'request no-cache with nothing stored: loaded, and stored for the requests after it',
    origin: always({ 'cache-control': 'max-age=60' }),
    steps: [
      { send: { headers: { 'cache-control': 'no-cache' } }, got: { status: 200 }, reached: 1 },
      { got: { status: 200, body: BODY }, reached: 1 },
    ],
  },
  {
    rfc: 'RFC 9111 §5.2.1.5',
    name: 'request no-store: the stored entry is bypassed and the response not stored',
    origin: (_, n) => ({ headers: { 'cache-control': 'max-age=60' }, body: `v${n}` }),
    steps: [
      { got: { status: 200, body: 'v1' }, reached: 1 },
      {
        send: { headers: { 'cache-control': 'no-store' } },
        got: { status: 200, body: 'v2' },
        reached: 2,
      },
      { got: { status: 200, body: 'v1' }, reached: 2 },
    ],
  },
  {
    rfc: 'RFC 9111 §5.2.1.1',
    name: 'request max-age=0: a fresh entry is revalidated first',
    origin: resource(() => ({ headers: { 'cache-control': 'max-age=60', etag: '"a"' } })),
    steps: [
      { got: { status: 200 }, reached: 1 },
      {
        at: 1,
        send: { headers: { 'cache-control': 'max-age=0' } },
        got: { status: 200, body: BODY },
        reached: 2,
        sent: { 'if-none-match': '"a"' },
      },
    ],
  },
  {
    rfc: 'RFC 9111 §5.2.1.7',
    name: 'request only-if-cached with nothing stored: 504, and nothing reaches the origin',
    origin: always({ 'cache-control': 'max-age=60' }),
    steps: [
      {
        send: { headers: { 'cache-control': 'only-if-cached' } },
        got: { status: 504 },
        reached: 0,
      },
    ],
  },
  {
    rfc: 'RFC 9111 §5.2.1.7',
    name: 'request only-if-cached: a fresh stored response answers; a stale one is a 504',
    origin: always({ 'cache-control': 'max-age=60' }),
    steps: [
      { at: 0, got: { status: 200 }, reached: 1 },
      {
        at: 30,
        send: { headers: { 'cache-control': 'only-if-cached' } },
        got: { status: 200, body: BODY },
        reached: 1,
      },
      {
        at: 61,
        send: { headers: { 'cache-control': 'only-if-cached' } },
        got: { status: 504 },
        reached: 1,
      },
    ],
  },
  {
    rfc: 'RFC 9111 §5.2.1.7; Fetch standard',
    name: "cache: 'only-if-cached' takes a stored response however stale, and is a 504 with nothing stored",
    origin: resource(() => ({ headers: { 'cache-control': 'max-age=10', etag: '"a"' } })),
    steps: [
      { at: 0, send: { path: '/none', cache: 'only-if-cached' }, got: { status: 504 }, reached: 0 },
      { at: 0, got: { status: 200 }, reached: 1 },
      { at: 100, send: { cache: 'only-if-cached' }, got: { status: 200, body: BODY }, reached: 1 },
    ],
  },
  {
    rfc: 'Fetch standard (cache mode)',
    name: "cache: 'force-cache' takes a stored response however stale, and loads when nothing is stored",
    origin: resource((n) => ({
      headers: { 'cache-control': 'max-age=10', etag: `"v${n}"` },
      body: `v${n}`,
    })),
    steps: [
      { at: 0, send: { cache: 'force-cache' }, got: { status: 200, body: 'v1' }, reached: 1 },
      { at: 100, send: { cache: 'force-cache' }, got: { status: 200, body: 'v1' }, reached: 1 },
      { at: 100, got: { status: 200, body: 'v2' }, reached: 2, sent: { 'if-none-match': '"v1"' } },
    ],
  },
  {
    rfc: 'Fetch standard (cache mode)',
    name: "cache: 'force-cache' takes a response past its own windows, held by the cache's staleWhileRevalidate",
    options: { staleWhileRevalidate: 100 },
    origin: always({ 'cache-control': 'max-age=10' }),
    steps: [
      { at: 0, got: { status: 200 }, reached: 1 },
      { at: 150, send: { cache: 'force-cache' }, got: { status: 200, body: BODY }, reached: 1 },
    ],
  },
  {
    rfc: 'RFC 9111 §5.2.1.7; Fetch standard',
    name: "cache: 'only-if-cached' takes a response the cache holds in its own staleWhileRevalidate window",
    options: { ttl: 10, staleWhileRevalidate: 100, respectCacheControl: false },
    origin: always({}),
    steps: [
      { at: 0, got: { status: 200 }, reached: 1 },
      { at: 50, send: { cache: 'only-if-cached' }, got: { status: 200, body: BODY }, reached: 1 },
    ],
  },
  {
    rfc: 'RFC 9111 §5.2.1.7; Fetch standard',
    name: "cache: 'only-if-cached' takes a response past its own windows, held by the cache's staleWhileRevalidate",
    options: { staleWhileRevalidate: 100 },
    origin: always({ 'cache-control': 'max-age=10' }),
    steps: [
      { at: 0, got: { status: 200 }, reached: 1 },
      { at: 150, send: { cache: 'only-if-cached' }, got: { status: 200, body: BODY }, reached: 1 },
      {
        at: 150,
        send: { headers: { 'cache-control': 'only-if-cached' } },
        got: { status: 504 },
        reached: 1,
      },
    ],
  },
  {
    rfc: 'RFC 9111 §5.2.1.7, §3.4',
    name: 'only-if-cached with a Range or its own conditional header: 504, and nothing reaches the origin',
    origin: always({ 'cache-control': 'max-age=60', etag: '"a"' }),
    steps: [
      { got: { status: 200 }, reached: 1 },
      {
        send: { headers: { 'cache-control': 'only-if-cached', range: 'bytes=0-0' } },
        got: { status: 504 },
        reached: 1,
      },
      {
        send: { headers: { range: 'bytes=0-0' }, cache: 'only-if-cached' },
        got: { status: 504 },
        reached: 1,
      },
      {
        send: { headers: { 'cache-control': 'only-if-cached', 'if-none-match': '"a"' } },
        got: { status: 504 },
        reached: 1,
      },
    ],
  },
  {
    rfc: 'RFC 9111 §5.2.1.1',
    name: 'request max-age=5: a fresh entry 10 s old still answers',
    deliberate:
      'only max-age=0 is honoured (as Chromium does); a larger one, min-fresh and max-stale are not',
    origin: always({ 'cache-control': 'max-age=60' }),
    steps: [
      { at: 0, got: { status: 200 }, reached: 1 },
      {
        at: 10,
        send: { headers: { 'cache-control': 'max-age=5' } },
        got: { status: 200 },
        reached: 1,
      },
    ],
  },

  // Ranges
  {
    rfc: 'RFC 9111 §3.4',
    name: 'a 206 is not stored',
    origin: (request) =>
      request.headers.range === undefined
        ? { headers: { 'cache-control': 'max-age=60' }, body: 'abcdef' }
        : {
            status: 206,
            headers: { 'cache-control': 'max-age=60', 'content-range': 'bytes 0-1/6' },
            body: 'ab',
          },
    steps: [
      { send: { headers: { range: 'bytes=0-1' } }, got: { status: 206, body: 'ab' }, reached: 1 },
      { got: { status: 200, body: 'abcdef' }, reached: 2 },
    ],
  },
  {
    rfc: 'RFC 9111 §3.4, §4',
    name: 'a plain GET sent while a Range request of the URL is in flight gets the whole body',
    origin: (request) =>
      request.headers.range === undefined
        ? { headers: { 'cache-control': 'max-age=60' }, body: 'abcdef' }
        : {
            status: 206,
            headers: { 'cache-control': 'max-age=60', 'content-range': 'bytes 0-1/6' },
            body: 'ab',
          },
    steps: [
      {
        send: [{ headers: { range: 'bytes=0-1' } }, {}],
        got: [
          { status: 206, body: 'ab' },
          { status: 200, body: 'abcdef' },
        ],
        reached: 2,
      },
    ],
  },

  // RFC 5861
  {
    rfc: 'RFC 5861 §3',
    name: 'stale-while-revalidate: stale served at once, one conditional revalidation in the background',
    origin: resource((n) => ({
      headers: { 'cache-control': 'max-age=10, stale-while-revalidate=30', etag: `"v${n}"` },
      body: `v${n}`,
    })),
    steps: [
      { at: 0, got: { status: 200, body: 'v1' }, reached: 1 },
      {
        at: 20,
        got: { status: 200, body: 'v1' },
        reached: 2,
        sent: { 'if-none-match': '"v1"' },
        background: true,
      },
      { at: 21, got: { status: 200, body: 'v2' }, reached: 2 },
    ],
  },
  {
    rfc: 'RFC 5861 §3',
    name: 'past its stale-while-revalidate window, the request waits for the revalidation',
    origin: resource((n) => ({
      headers: { 'cache-control': 'max-age=10, stale-while-revalidate=30', etag: `"v${n}"` },
      body: `v${n}`,
    })),
    steps: [
      { at: 0, got: { status: 200, body: 'v1' }, reached: 1 },
      { at: 41, got: { status: 200, body: 'v2' }, reached: 2, sent: { 'if-none-match': '"v1"' } },
    ],
  },
  {
    rfc: 'RFC 5861 §4',
    name: 'stale-if-error: a 500 or a dropped connection during revalidation answers with the stale response',
    origin: first(
      { headers: { 'cache-control': 'max-age=10, stale-if-error=60', etag: '"a"' }, body: BODY },
      (_, n) => (n === 2 ? { status: 500, body: 'down' } : 'drop'),
    ),
    steps: [
      { at: 0, got: { status: 200 }, reached: 1 },
      { at: 20, got: { status: 200, body: BODY }, reached: 2 },
      { at: 30, got: { status: 200, body: BODY }, reached: 3 },
    ],
  },
  {
    rfc: 'RFC 5861 §4',
    name: 'past its stale-if-error window, the error reaches the caller',
    origin: first(
      { headers: { 'cache-control': 'max-age=10, stale-if-error=60', etag: '"a"' }, body: BODY },
      () => ({ status: 500, body: 'down' }),
    ),
    steps: [
      { at: 0, got: { status: 200 }, reached: 1 },
      { at: 71, got: { status: 500, body: 'down' }, reached: 2 },
    ],
  },
]

const seen: Seen[] = []
let origin: Origin = () => ({ status: 500 })
const servers: Server[] = []
const ports = { main: 0, other: 0 }

beforeAll(async () => {
  for (const name of ['main', 'other'] as const) {
    const server = createServer((req, res) => {
      const request: Seen = {
        server: name,
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        headers: req.headers,
      }
      seen.push(request)
      // The body of a POST or PUT is read before the answer, as a server does.
      req.resume()
      req.on('end', () => {
        const reply = origin(request, seen.length)
        if (reply === 'drop') {
          req.socket.destroy()
          return
        }
        const status = reply.status ?? 200
        res.sendDate = false
        const headers = Object.entries({ date: httpDate(clock.t), ...reply.headers })
        res.writeHead(
          status,
          headers.filter((entry): entry is [string, string] => entry[1] !== undefined).flat(),
        )
        res.end(status === 304 || status === 204 ? undefined : reply.body)
      })
    })
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    ports[name] = (server.address() as AddressInfo).port
    servers.push(server)
  }
})

afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections()
    server.close()
    await once(server, 'close')
  }
})

/** Resolves once the cache's next load (a background revalidation) has settled. */
function loadSettled(api: ReturnType<typeof cachedFetch>): Promise<void> {
  return new Promise((resolve) => {
    const unsubscribe = api.cacheInstance.subscribe((event) => {
      if (event.type !== 'load-success' && event.type !== 'load-error') return
      unsubscribe()
      resolve()
    })
  })
}

/** What a caller got, read as `want` describes it: its status, body and the headers `want` names. */
async function read(response: Response, want: Got): Promise<Got> {
  const names = Object.keys(want.headers ?? {})
  return {
    status: response.status,
    body: await response.text(),
    headers: Object.fromEntries(names.map((name) => [name, response.headers.get(name)])),
  }
}

describe('cachedFetch conformance to HTTP caching as a private cache, over real HTTP', () => {
  test.each(
    cases.map((c) => [`${c.rfc}: ${c.name}${c.deliberate ? ' (deliberate)' : ''}`, c] as const),
  )('%s', async (_, { options, origin: answer, steps }) => {
    seen.length = 0
    origin = answer
    clock.t = T0
    const api = cachedFetch({ now: () => clock.t, ...options })
    for (const [index, step] of steps.entries()) {
      if (step.at !== undefined) clock.t = T0 + step.at * 1000
      const before = seen.length
      const settled = step.background === true ? loadSettled(api) : undefined
      const sends = Array.isArray(step.send) ? step.send : [step.send ?? {}]
      const responses = await Promise.all(
        sends.map(({ method, path = '/r', other, headers, cache }) =>
          api(`http://127.0.0.1:${other ? ports.other : ports.main}${path}`, {
            method,
            headers,
            cache,
            ...(method === 'POST' || method === 'PUT' || method === 'PATCH' ? { body: 'x' } : {}),
          }),
        ),
      )
      await settled
      const wants = Array.isArray(step.got) ? step.got : [step.got]
      expect(wants).toHaveLength(responses.length)
      for (const [i, response] of responses.entries()) {
        const want = wants[i] as Got
        const got = await read(response, want)
        const expected = {
          status: want.status,
          body: want.body ?? got.body,
          headers: want.headers ?? {},
        }
        expect(got, `step ${index + 1}, response ${i + 1}`).toEqual(expected)
      }
      expect(seen.length, `step ${index + 1}: requests reaching the servers`).toBe(step.reached)
      if (step.sent !== undefined) {
        expect(seen.length, `step ${index + 1} reaches a server`).toBeGreaterThan(before)
        const last = seen[seen.length - 1] as Seen
        for (const [name, value] of Object.entries(step.sent)) {
          expect(last.headers[name] ?? null, `step ${index + 1}: request header ${name}`).toBe(
            value,
          )
        }
      }
    }
  })
})

describe('collapsed requests across the cachedFetch functions of one cache', () => {
  test('RFC 9111 §4.1: a caller of one who joined the load of another with another value of a varied header sends its own request', async () => {
    seen.length = 0
    origin = (request) => ({ headers: { vary: 'x-v' }, body: `for ${request.headers['x-v']}` })
    const cache = new AsyncCache<string, ResponseSnapshot>({ maxsize: 10, now: () => clock.t })
    const one = cachedFetch({ cache })
    const another = cachedFetch({ cache })
    const url = `http://127.0.0.1:${ports.main}/r`
    const responses = await Promise.all([
      one(url, { headers: { 'x-v': '1' } }),
      another(url, { headers: { 'x-v': '2' } }),
    ])
    expect(await Promise.all(responses.map((response) => response.text()))).toEqual([
      'for 1',
      'for 2',
    ])
    expect(seen).toHaveLength(2)
  })
})
