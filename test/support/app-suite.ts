import { asyncCache, dehydrate, hydrate } from 'asynccache'
import { cachedFetch } from 'asynccache/fetch'
import type { UseCached, UseCachedFetch } from 'asynccache/react'
import { beforeEach, describe, expect, test } from 'vitest'
import {
  abortedCount,
  dataUrl,
  requestCount,
  resetTestApi,
  type TestApiBody,
} from './test-api-client.js'

/** createElement as both frameworks share it, loosely typed for one suite. */
type H = (type: unknown, props?: Record<string, unknown> | null, ...children: unknown[]) => unknown

/** A mounted app. */
export interface Mounted {
  container: HTMLElement
  unmount(): void
}

/** What the suite needs of a framework: its hooks, and how an app is mounted, rendered and hydrated. */
export interface AppFramework {
  name: string
  h: H
  Suspense: unknown
  useCached: UseCached
  useCachedFetch: UseCachedFetch
  /** Mounts `app` into a new attached container (React: under StrictMode). */
  mount(app: unknown): Mounted
  /** The server's HTML for `app`. */
  renderToString(app: unknown): string
  /** Hydrates `container` (holding the server's HTML) with `app`; returns the hydration errors seen. */
  hydrate(container: HTMLElement, app: unknown): { errors: unknown[]; unmount(): void }
}

/** What a product component shows: the count the server answered with, or the status. */
const shown = (status: string, data: TestApiBody | undefined) =>
  status === 'success' ? `${data?.path} #${data?.count}` : status

/** A per-request (or per-page) loader of the test API's data endpoints, through asyncCache. */
function productLoader() {
  return asyncCache({ maxsize: 20, ttl: 60 })(async (name: string): Promise<TestApiBody> => {
    const response = await fetch(dataUrl(name))
    return response.json()
  })
}

/** Real apps over real HTTP (the test API counts requests on the server side). */
export function describeApp(f: AppFramework) {
  const { h } = f
  const mounted: Mounted[] = []
  const mount = (app: unknown) => {
    const m = f.mount(app)
    mounted.push(m)
    return m
  }

  beforeEach(async () => {
    for (const m of mounted.splice(0)) m.unmount()
    await resetTestApi()
  })

  describe(`${f.name} app in Chromium`, () => {
    test('a cached response renders on the first render, with zero requests', async () => {
      const api = cachedFetch({ maxsize: 10 })
      const url = dataUrl('first-render')
      await api(url)
      const statuses: string[] = []
      function Product() {
        const { data, status } = f.useCachedFetch<TestApiBody>(api, url)
        statuses.push(status)
        return h('p', null, shown(status, data))
      }
      const { container } = mount(h(Product))
      await expect.poll(() => container.textContent).toBe('/data/first-render #1')
      expect(statuses.every((s) => s === 'success')).toBe(true)
      expect(await requestCount('first-render')).toBe(1)
    })

    test('ten components showing one key make one request', async () => {
      const api = cachedFetch({ maxsize: 10 })
      const url = dataUrl('ten')
      function Product() {
        const { data, status } = f.useCachedFetch<TestApiBody>(api, url)
        return h('li', null, shown(status, data))
      }
      const { container } = mount(h('ul', null, ...Array.from({ length: 10 }, () => h(Product))))
      await expect
        .poll(() => [...container.querySelectorAll('li')].map((li) => li.textContent))
        .toEqual(Array(10).fill('/data/ten #1'))
      expect(await requestCount('ten')).toBe(1)
    })

    test('a set elsewhere re-renders every component showing the key', async () => {
      const fetchProduct = productLoader()
      function Product() {
        const { data, status } = f.useCached(fetchProduct, ['set-elsewhere'])
        return h('li', null, shown(status, data))
      }
      const { container } = mount(h('ul', null, h(Product), h(Product)))
      await expect.poll(() => container.textContent).toBe('/data/set-elsewhere #1'.repeat(2))
      fetchProduct.cacheInstance.set(fetchProduct.keyOf('set-elsewhere'), {
        path: '/elsewhere',
        method: 'GET',
        count: 9,
      })
      await expect.poll(() => container.textContent).toBe('/elsewhere #9'.repeat(2))
      expect(await requestCount('set-elsewhere')).toBe(1)
    })

    test('unmounting the component waiting for a request aborts it: the server sees the abort', async () => {
      const api = cachedFetch({ maxsize: 10 })
      const url = dataUrl('unmount', { hold: 'never' })
      function Product() {
        const { status } = f.useCachedFetch(api, url)
        return h('p', null, status)
      }
      const app = mount(h(Product))
      await expect.poll(() => requestCount('unmount')).toBe(1)
      app.unmount()
      expect(await abortedCount('unmount')).toBe(1)
    })

    test('suspense: the fallback shows until the first value', async () => {
      const fetchProduct = productLoader()
      function Product() {
        const { data } = f.useCached(fetchProduct, ['suspended'], { suspense: true })
        return h('p', null, shown('success', data))
      }
      const { container } = mount(h(f.Suspense, { fallback: h('p', null, 'waiting') }, h(Product)))
      expect(['', 'waiting']).toContain(container.textContent)
      await expect.poll(() => container.textContent).toBe('/data/suspended #1')
      expect(await requestCount('suspended')).toBe(1)
    })

    test('a stale key is fetched again when the page becomes visible', async () => {
      const clock = { now: 1_000_000 }
      const api = cachedFetch({ maxsize: 10, ttl: 5, now: () => clock.now })
      const url = dataUrl('visible')
      function Product() {
        const { data, status } = f.useCachedFetch<TestApiBody>(api, url)
        return h('p', null, shown(status, data))
      }
      const { container } = mount(h('div', null, h(Product), h(Product)))
      await expect.poll(() => container.textContent).toBe('/data/visible #1'.repeat(2))
      document.dispatchEvent(new Event('visibilitychange'))
      expect(await requestCount('visible')).toBe(1) // fresh: nothing to fetch
      clock.now += 6000
      document.dispatchEvent(new Event('visibilitychange'))
      await expect.poll(() => container.textContent).toBe('/data/visible #2'.repeat(2))
      expect(await requestCount('visible')).toBe(2)
    })

    test('SSR: the hydrated DOM equals the server HTML, shows the data and makes no request', async () => {
      function Page({ load }: { load: ReturnType<typeof productLoader> }) {
        const { data, status } = f.useCached(load, ['ssr'])
        return h('main', null, h('h1', null, 'Product'), h('p', null, shown(status, data)))
      }
      // The server: a cache per request, filled before rendering, dumped into the page.
      const server = productLoader()
      await server('ssr')
      const html = f.renderToString(h(Page, { load: server }))
      const state = JSON.stringify(dehydrate(server.cacheInstance))
      expect(html).toContain('/data/ssr #1')
      // The client: the page's cache restored before hydrating.
      const client = productLoader()
      expect(hydrate(client.cacheInstance, JSON.parse(state))).toBe(1)
      const container = document.body.appendChild(document.createElement('div'))
      container.innerHTML = html
      const hydrated = f.hydrate(container, h(Page, { load: client }))
      mounted.push({ container, unmount: hydrated.unmount })
      // Let the hydration and its effects run.
      await expect.poll(() => client.cacheInstance.listening).toBe(true)
      expect(container.innerHTML).toBe(html)
      expect(hydrated.errors).toEqual([])
      expect(await requestCount('ssr')).toBe(1)
    })
  })
}
