// @vitest-environment node
import { AsyncCache } from 'asynccache'
import { afterEach, expect, test } from 'vitest'

// Server-side rendering and workers import the entry too: it must touch no browser global
// until persist() is called, and then degrade to memory only where IndexedDB does not exist.

const BROWSER_GLOBALS = [
  'indexedDB',
  'window',
  'document',
  'navigator',
  'location',
  'addEventListener',
  'BroadcastChannel',
] as const
const saved = new Map<string, PropertyDescriptor | undefined>()

afterEach(() => {
  for (const [name, descriptor] of saved) {
    if (descriptor === undefined) delete (globalThis as Record<string, unknown>)[name]
    else Object.defineProperty(globalThis, name, descriptor)
  }
  saved.clear()
})

test('importing asynccache/persist touches no browser global', async () => {
  const touched: string[] = []
  for (const name of BROWSER_GLOBALS) {
    saved.set(name, Object.getOwnPropertyDescriptor(globalThis, name))
    Object.defineProperty(globalThis, name, {
      configurable: true,
      get() {
        touched.push(name)
        return undefined
      },
    })
  }
  const module = await import('asynccache/persist')
  expect(typeof module.persist).toBe('function')
  expect(touched).toEqual([])
})

test('without IndexedDB (a server, an old worker) persist() leaves the cache in memory', async () => {
  const { persist } = await import('asynccache/persist')
  expect(typeof (globalThis as { indexedDB?: unknown }).indexedDB).toBe('undefined')
  const cache = new AsyncCache<string, number>({ maxsize: 10 })
  const errors: unknown[] = []
  cache.subscribe((event) => {
    if (event.type === 'persist-error') errors.push(event)
  })
  const store = persist(cache, { name: 'server' })
  await store.ready
  expect(store.status).toBe('unavailable')
  expect(errors).toHaveLength(1)
  cache.set('a', 1)
  expect(cache.get('a')).toBe(1)
  await store.stop()
})
