import { asyncCache, unregisterCache } from 'asynccache'
import { cachedFetch } from 'asynccache/fetch'
import { persist, tabCoherence } from 'asynccache/persist'
import type { Product, ProductSummary } from './catalogue.js'
import type { DemoSettings } from './settings.js'

/** How one request of the page was served, for its badge and the page's tallies. */
export interface Outcome {
  id: number
  source: 'cache' | 'network'
  ms: number
  product?: Product
  error?: string
}

/** The product endpoint of the mock API. */
export const productUrl = (id: number) => `/api/products/${id}`

/**
 * The demo's data layer, both styles side by side: `cachedFetch` in front of the product
 * endpoint (Responses cached, HTTP rules applied) and `asyncCache` around a function that
 * fetches and parses the catalogue pages.
 */
export function createData(settings: DemoSettings) {
  const api = cachedFetch({
    // The browser's HTTP cache is kept out of the way (products come with max-age and an ETag),
    // so that every load the overlay counts is a request the server sees.
    fetch: (input, init) => fetch(input, { ...init, cache: 'no-store' }),
    name: 'api',
    policy: settings.policy,
    maxsize: settings.maxsize,
    ttl: settings.ttl > 0 ? settings.ttl : null,
    staleWhileRevalidate: 30,
  })
  const cache = api.cacheInstance
  const store = settings.persist
    ? persist(cache, { name: 'asynccache-demo', tabs: tabCoherence() })
    : undefined

  const productPage = asyncCache({ name: 'product-pages', maxsize: 30, ttl: 60 })(
    async (page: number): Promise<ProductSummary[]> => {
      const response = await fetch(`/api/products?page=${page}`)
      if (!response.ok) throw new Error(`the API answered ${response.status}`)
      return response.json()
    },
  )

  /** Loads a product through the cache and says whether the network was involved. */
  async function loadProduct(id: number): Promise<Outcome> {
    const start = performance.now()
    // getOrLoad counts a miss synchronously, when the request leaves for the network.
    const misses = cache.getStats().misses
    const responding = api(productUrl(id))
    const source = cache.getStats().misses > misses ? 'network' : 'cache'
    try {
      const response = await responding
      // The badge times the Response's arrival; parsing it costs the same either way.
      const ms = performance.now() - start
      if (!response.ok) return { id, source, ms, error: `the API answered ${response.status}` }
      return { id, source, ms, product: (await response.json()) as Product }
    } catch (error) {
      return { id, source, ms: performance.now() - start, error: String(error) }
    }
  }

  /** Detaches everything before the settings change: the next layer starts afresh. */
  async function dispose() {
    await store?.stop()
    unregisterCache(cache)
    unregisterCache(productPage.cacheInstance)
  }

  return { api, cache, store, productPage, loadProduct, dispose }
}

/** The data layer {@link createData} builds. */
export type Data = ReturnType<typeof createData>
