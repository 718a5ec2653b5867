import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Plugin } from 'vite'
import { TEST_API, type TestApiBody } from './test-api-client.js'

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
 * - `/__test_api__/release?hold=` releases a hold, before or after requests wait on it.
 * - `/__test_api__/reset` zeroes the counters and releases every hold.
 */
export function testApi(): Plugin {
  const counts = new Map<string, number>()
  const holds = new Map<string, Hold>()

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
      if (held !== null) await hold(held).released
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
    if (route === 'count') {
      const count = counts.get(query.get('name') ?? '') ?? 0
      response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
      response.end(JSON.stringify({ count }))
      return
    }
    if (route === 'release') {
      hold(query.get('hold') ?? '').release()
    } else if (route === 'reset') {
      counts.clear()
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
