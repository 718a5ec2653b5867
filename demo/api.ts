import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Plugin } from 'vite'
import { mulberry32 } from '../test/bench/random.js'
import { page, product } from './catalogue.js'

/**
 * The demo's mock API, served by the Vite dev and preview servers themselves, so the demo
 * needs no other server and every request is a real HTTP request in the Network tab.
 *
 * - `GET /api/products?page=N` (20 per page) and `GET /api/products/:id`, after a latency drawn
 *   from `latencyMs` and failing with 503 at `errorRate`, both from a seeded generator. A
 *   product comes with an `ETag` and {@link PRODUCT_CACHE_CONTROL}, and a request whose
 *   `If-None-Match` names its ETag is answered 304 without a body, so the overlay shows
 *   `cachedFetch` revalidating live;
 * - `GET /api/__stats`: requests served, in total and per path (what the tests compare with);
 * - `POST /api/__settings` with a JSON body of {@link ApiSettings} fields (the tests turn latency
 *   and errors off), which also zeroes the counters; `POST /api/__reset` only zeroes them.
 */
export interface ApiSettings {
  /** Smallest and largest simulated latency in ms. Default [100, 400]. */
  latencyMs: [number, number]
  /** Share of product requests answered with 503, from 0 to 1. Default 0.03. */
  errorRate: number
  /** Seed of the latency and error draws. Default 2 (whose first failure comes at the 42nd request). */
  seed: number
}

/** Fresh for a minute, then served stale for five more while one revalidation runs. */
export const PRODUCT_CACHE_CONTROL = 'max-age=60, stale-while-revalidate=300'

const DEFAULTS: ApiSettings = { latencyMs: [100, 400], errorRate: 0.03, seed: 2 }

/** A connect middleware answering under /api/, with its own settings and counters. */
export function createMockApi(initial: Partial<ApiSettings> = {}) {
  let settings: ApiSettings = { ...DEFAULTS, ...initial }
  let random = mulberry32(settings.seed)
  let served = 0
  let byPath: Record<string, number> = {}

  const reset = () => {
    served = 0
    byPath = {}
  }

  const send = (
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers })
    res.end(JSON.stringify(body))
  }

  const readJson = (req: IncomingMessage) =>
    new Promise<Partial<ApiSettings>>((resolve, reject) => {
      let text = ''
      req.on('data', (chunk) => {
        text += chunk
      })
      req.on('end', () => {
        try {
          resolve(text ? JSON.parse(text) : {})
        } catch (error) {
          reject(error)
        }
      })
    })

  /** Answers one product request after the simulated network latency. */
  const answer = (
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    query: URLSearchParams,
  ) => {
    served++
    byPath[path] = (byPath[path] ?? 0) + 1
    const [min, max] = settings.latencyMs
    const delay = min + random() * (max - min)
    const fail = random() < settings.errorRate
    const reply = () => {
      if (fail) return send(res, 503, { error: 'The mock API failed on purpose (errorRate).' })
      if (path === '/api/products') {
        return send(res, 200, page(Number(query.get('page') ?? 1), 20), {
          'cache-control': 'max-age=60',
        })
      }
      const id = Number(path.slice('/api/products/'.length))
      const found = product(id)
      if (found === undefined) return send(res, 404, { error: `No product at ${path}` })
      // The catalogue never changes, so one version per product.
      const headers = { etag: `"product-${id}"`, 'cache-control': PRODUCT_CACHE_CONTROL }
      if (req.headers['if-none-match'] === headers.etag) {
        res.writeHead(304, headers)
        return res.end()
      }
      send(res, 200, found, headers)
    }
    if (delay > 0) setTimeout(reply, delay)
    else reply()
  }

  return (req: IncomingMessage, res: ServerResponse, next: () => void) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const path = url.pathname
    if (!path.startsWith('/api/')) return next()
    if (path === '/api/__stats')
      return send(res, 200, { served, byPath }, { 'cache-control': 'no-store' })
    if (path === '/api/__reset' && req.method === 'POST') {
      reset()
      return send(res, 200, { served })
    }
    if (path === '/api/__settings' && req.method === 'POST') {
      readJson(req).then(
        (body) => {
          settings = { ...settings, ...body }
          random = mulberry32(settings.seed)
          reset()
          send(res, 200, settings)
        },
        () =>
          send(res, 400, {
            error: 'POST /api/__settings takes a JSON object of ApiSettings fields',
          }),
      )
      return
    }
    if (req.method === 'GET' && (path === '/api/products' || /^\/api\/products\/\d+$/.test(path))) {
      return answer(req, res, path, url.searchParams)
    }
    send(res, 404, { error: `The mock API has no ${req.method} ${path}` })
  }
}

/** The mock API as a Vite plugin, active for `vite` (dev) and `vite preview`. */
export function mockApi(initial?: Partial<ApiSettings>): Plugin {
  const handle = createMockApi(initial)
  return {
    name: 'asynccache-demo-api',
    configureServer(server) {
      server.middlewares.use(handle)
    },
    configurePreviewServer(server) {
      server.middlewares.use(handle)
    },
  }
}
