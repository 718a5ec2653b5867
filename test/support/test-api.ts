import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Plugin } from 'vite'
import { TEST_API, type TestApiBody } from './test-api-client.js'

/** A versioned resource of the test API, and what it received and sent. */
interface Resource {
  version: number
  requests: number
  notModified: number
  bodyBytes: number
  /** A status to answer with, or `drop` to close the connection; `undefined` when up. */
  outage: string | undefined
  /** Requests the outage still lasts. */
  outageLeft: number
}

/** A promise a request can wait on, released by the test through the API. */
interface Hold {
  released: Promise<void>
  release: () => void
}

/**
 * A Vite plugin serving a small HTTP API from the dev server, so that browser tests make real
 * requests and count them on the server side (test-api-client.ts is the browser's half):
 *
 * - `GET|HEAD|POST|... /__test_api__/data/<name>?status=&header=Name: value&hold=` answers
 *   JSON `{ path, method, count }` with that status and those headers, once the hold (if any)
 *   is released. It sends no caching headers unless asked, so Chromium's HTTP cache never
 *   serves it (without validators or a lifetime there is nothing to reuse).
 * - `GET /__test_api__/stream/<name>?hold=` answers a `text/event-stream` whose first event,
 *   `data: <count>`, is sent at once; the stream then stays open until the hold is released.
 * - `/__test_api__/count?name=` answers `{ count }`: requests `data/<name>` and
 *   `stream/<name>` have received.
 * - `/__test_api__/aborted?name=&atLeast=` answers `{ count }`, the requests `data/<name>` whose
 *   client went away before the answer, once there are `atLeast` of them (default 1).
 * - `/__test_api__/release?hold=` releases a hold, before or after requests wait on it.
 * - `GET|HEAD /__test_api__/resource/<name>?cache-control=&validators=&size=&hold=` answers a
 *   versioned resource: JSON `{ name, version, padding }` (`size` bytes of padding), with
 *   `ETag: "<name>-<version>"` and/or `Last-Modified` (`validators`: `etag`, `last-modified` or
 *   `both`, the default) and that `Cache-Control`. A conditional request naming the current
 *   version is answered 304 with those headers and no body. It sends no `Date` (see below). During an outage it answers the
 *   outage's status, or with `drop` closes the connection (a network error for fetch).
 * - `/__test_api__/resource-stats?name=` answers `{ requests, notModified, bodyBytes }`: what
 *   the resource received and sent (body bytes of its 200s).
 * - `/__test_api__/change?name=` makes a new version of the resource.
 * - `/__test_api__/outage?name=&status=&requests=` starts an outage (`status` a number or
 *   `drop`) for that many requests (default: until ended); without `status`, ends it.
 * - `/__test_api__/reset` zeroes the counters, releases every hold and forgets the resources.
 */
export function testApi(): Plugin {
  const counts = new Map<string, number>()
  const holds = new Map<string, Hold>()
  const resources = new Map<string, Resource>()
  const resource = (name: string): Resource => {
    let found = resources.get(name)
    if (found === undefined) {
      found = {
        version: 1,
        requests: 0,
        notModified: 0,
        bodyBytes: 0,
        outage: undefined,
        outageLeft: Infinity,
      }
      resources.set(name, found)
    }
    return found
  }
  const aborts = new Map<string, number>()
  /** Requests to /aborted waiting for a count to be reached. */
  let abortWaiters: (() => void)[] = []

  const hold = (name: string): Hold => {
    let found = holds.get(name)
    if (found === undefined) {
      let release = () => {}
      const released = new Promise<void>((resolve) => {
        release = resolve
      })
      found = { released, release }
      holds.set(name, found)
    }
    return found
  }

  async function serveResource(
    name: string,
    found: Resource,
    request: IncomingMessage,
    response: ServerResponse,
    query: URLSearchParams,
  ): Promise<void> {
    found.requests++
    const held = query.get('hold')
    if (held !== null) await hold(held).released
    if (found.outage !== undefined && found.outageLeft-- <= 0) found.outage = undefined
    if (found.outage === 'drop') {
      request.socket.destroy()
      return
    }
    if (found.outage !== undefined) {
      response.writeHead(Number(found.outage), { 'content-type': 'text/plain' })
      response.end('outage')
      return
    }
    // No Date: the tests move the cache's clock ahead of the server's, and a Date would then
    // give every response an apparent age (RFC 9111 section 4.2.3) of that skew.
    response.sendDate = false
    const validators = query.get('validators') ?? 'both'
    const etag = `"${name}-${found.version}"`
    // One second per version: If-Modified-Since has a resolution of seconds.
    const lastModified = new Date(Date.UTC(2025, 0, 1) + found.version * 1000).toUTCString()
    const headers: Record<string, string> = { 'content-type': 'application/json' }
    if (validators !== 'last-modified') headers.etag = etag
    if (validators !== 'etag') headers['last-modified'] = lastModified
    const cacheControl = query.get('cache-control')
    if (cacheControl !== null) headers['cache-control'] = cacheControl
    const ifNoneMatch = request.headers['if-none-match']
    const ifModifiedSince = request.headers['if-modified-since']
    const notModified =
      ifNoneMatch !== undefined
        ? headers.etag !== undefined && ifNoneMatch.split(',').some((tag) => tag.trim() === etag)
        : ifModifiedSince !== undefined &&
          headers['last-modified'] !== undefined &&
          Date.parse(ifModifiedSince) >= Date.parse(lastModified)
    if (notModified) {
      found.notModified++
      response.writeHead(304, headers)
      response.end()
      return
    }
    const padding = 'x'.repeat(Number(query.get('size') ?? 0))
    const body = JSON.stringify({ name, version: found.version, padding })
    headers['content-length'] = String(Buffer.byteLength(body))
    response.writeHead(200, headers)
    if (request.method === 'HEAD') {
      response.end()
      return
    }
    found.bodyBytes += Buffer.byteLength(body)
    response.end(body)
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://test-api')
    const query = url.searchParams
    const [, route, ...rest] = url.pathname.split('/')
    if ((route === 'data' || route === 'stream') && rest.length > 0) {
      const name = decodeURIComponent(rest.join('/'))
      const count = (counts.get(name) ?? 0) + 1
      counts.set(name, count)
      if (route === 'stream') {
        response.writeHead(200, { 'content-type': 'text/event-stream' })
        response.write(`data: ${count}\n\n`)
        await hold(query.get('hold') ?? name).released
        response.end()
        return
      }
      const held = query.get('hold')
      response.on('close', () => {
        if (response.writableEnded) return
        aborts.set(name, (aborts.get(name) ?? 0) + 1)
        for (const wake of abortWaiters) wake()
      })
      if (held !== null) await hold(held).released
      if (response.destroyed) return
      const body: TestApiBody = { path: url.pathname, method: request.method ?? 'GET', count }
      const headers: Record<string, string> = { 'content-type': 'application/json' }
      for (const line of query.getAll('header')) {
        const colon = line.indexOf(':')
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
      }
      const status = Number(query.get('status') ?? 200)
      response.writeHead(status, headers)
      response.end(request.method === 'HEAD' || status === 204 ? undefined : JSON.stringify(body))
      return
    }
    if (route === 'resource' && rest.length > 0) {
      const name = decodeURIComponent(rest.join('/'))
      await serveResource(name, resource(name), request, response, query)
      return
    }
    if (route === 'resource-stats') {
      const { requests, notModified, bodyBytes } = resource(query.get('name') ?? '')
      response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
      response.end(JSON.stringify({ requests, notModified, bodyBytes }))
      return
    }
    if (route === 'count') {
      const count = counts.get(query.get('name') ?? '') ?? 0
      response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
      response.end(JSON.stringify({ count }))
      return
    }
    if (route === 'aborted') {
      const name = query.get('name') ?? ''
      const atLeast = Number(query.get('atLeast') ?? 1)
      while ((aborts.get(name) ?? 0) < atLeast) {
        await new Promise<void>((wake) => abortWaiters.push(wake))
        abortWaiters = []
      }
      response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
      response.end(JSON.stringify({ count: aborts.get(name) }))
      return
    }
    if (route === 'change') {
      resource(query.get('name') ?? '').version++
    } else if (route === 'outage') {
      const found = resource(query.get('name') ?? '')
      found.outage = query.get('status') ?? undefined
      found.outageLeft = Number(query.get('requests') ?? Infinity)
    } else if (route === 'release') {
      hold(query.get('hold') ?? '').release()
    } else if (route === 'reset') {
      counts.clear()
      resources.clear()
      aborts.clear()
      for (const { release } of holds.values()) release()
      holds.clear()
    } else {
      response.writeHead(404, { 'content-type': 'text/plain' })
      response.end(`no test API route ${url.pathname}; see test/support/test-api.ts`)
      return
    }
    response.writeHead(204, { 'cache-control': 'no-store' })
    response.end()
  }

  return {
    name: 'asynccache:test-api',
    configureServer(server) {
      server.middlewares.use(TEST_API, (request, response) => {
        handle(request, response).catch((error: unknown) => {
          response.writeHead(500, { 'content-type': 'text/plain' })
          response.end(String(error))
        })
      })
    },
  }
}
