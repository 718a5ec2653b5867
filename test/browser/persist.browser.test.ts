import {
  AsyncCache,
  type AsyncCacheOptions,
  asyncCache,
  type CacheEvent,
  cacheOf,
} from 'asynccache'
import { type PersistOptions, persist, tabCoherence } from 'asynccache/persist'
import { createStore, entries } from 'idb-keyval'
import { afterEach, describe, expect, test } from 'vitest'

// Real Chromium, real IndexedDB and BroadcastChannel. Each test uses its own database name.

const cleanups: (() => unknown)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup()
})

function uniqueName(label: string): string {
  return `${label}-${crypto.randomUUID()}`
}

/** Timers that never fire: nothing is written unless the test flushes. */
const never = () => () => {}

/** A cache persisted under `name`, hydrated; stopped after the test. */
async function open<V = unknown>(
  name: string,
  cacheOptions: Partial<AsyncCacheOptions> = {},
  options: PersistOptions<unknown, V> = {},
) {
  const cache = new AsyncCache<unknown, V>({ maxsize: 100, policy: 'LRU', ...cacheOptions })
  const errors: CacheEvent[] = []
  cache.subscribe((event) => {
    if (event.type === 'persist-error') errors.push(event)
  })
  const store = persist(cache, { name, ...options })
  cleanups.push(() => store.stop())
  await store.ready
  return { cache, store, errors }
}

/** The raw entry rows on disk for `name` (not the count of writes, `w`), read through a connection closed afterwards. */
async function rowKeys(name: string): Promise<string[]> {
  const store = createStore(`asynccache:${name}`, 'entries')
  const rows = await entries(store)
  await store('readonly', (objectStore) => objectStore.transaction.db.close())
  return rows
    .map(([key]) => String(key))
    .filter((key) => key !== 'w')
    .sort()
}

function nextEvent(cache: AsyncCache<unknown, unknown>, type: CacheEvent['type']) {
  return new Promise<CacheEvent>((resolve) => {
    const unsubscribe = cache.subscribe((event) => {
      if (event.type !== type) return
      unsubscribe()
      resolve(event)
    })
  })
}

describe('hydration after the cache object is rebuilt', () => {
  test('values (structured clones), LRU order with reads, and remaining TTLs come back', async () => {
    const name = uniqueName('rebuild')
    let t = Date.now()
    const now = () => t
    const first = await open(name, { now }, { schedule: never })
    first.cache.set('date', new Date(0))
    first.cache.set('map', new Map([[1, 'one']]))
    first.cache.set('bytes', new Uint8Array([1, 2, 3]))
    first.cache.set('short', 's', { ttl: 1 })
    first.cache.set('long', 'l', { ttl: 60 })
    first.cache.get('date')
    await first.store.stop()

    t += 5_000
    const second = await open(name, { now }, { schedule: never })
    expect([...second.cache.keys()]).toEqual(['date', 'long', 'bytes', 'map'])
    expect(second.cache.peek('date')).toEqual(new Date(0))
    expect(second.cache.peek('map')).toEqual(new Map([[1, 'one']]))
    expect(second.cache.peek('bytes')).toEqual(new Uint8Array([1, 2, 3]))
    const long = second.cache.inspect().find((entry) => entry.key === 'long')
    expect(long?.ttlRemainingMs).toBe(55_000)
    // The expired entry was skipped and is deleted from disk by the next flush.
    await second.store.flush()
    expect(await rowKeys(name)).not.toContain('vsshort')
  })

  test('LFU frequencies come back', async () => {
    const name = uniqueName('lfu')
    const first = await open(name, { policy: 'LFU' }, { schedule: never })
    for (const key of ['hot', 'warm', 'cold']) first.cache.set(key, key)
    for (let i = 0; i < 5; i++) first.cache.get('hot')
    first.cache.get('warm')
    await first.store.stop()

    const second = await open(name, { policy: 'LFU' }, { schedule: never })
    const frequencies = new Map(second.cache.inspect().map((e) => [e.key, e.frequency]))
    expect(frequencies).toEqual(
      new Map([
        ['hot', 6],
        ['warm', 2],
        ['cold', 1],
      ]),
    )
  })
})

describe('calls made while hydrating', () => {
  test('getOrLoad and an asyncCache wrapper are served from disk, without loading', async () => {
    const name = uniqueName('held')
    const load = async (id: number) => ({ id, loads: ++loads })
    let loads = 0
    const firstVisit = asyncCache({ maxsize: 10 })(load)
    const first = persist(cacheOf(firstVisit), { name, schedule: never })
    await first.ready
    await firstVisit(7)
    cacheOf(firstVisit).set('plain', 'from disk')
    await first.stop()

    const secondVisit = asyncCache({ maxsize: 10 })(load)
    const cache = cacheOf(secondVisit)
    // Generous: the wait ends with hydration, and a slow machine must not make the loader run.
    const store = persist(cache, { name, schedule: never, hydrationWait: 60_000 })
    cleanups.push(() => store.stop())
    const loader = async () => 'from loader'
    const plain = cache.getOrLoad('plain', loader)
    const user = secondVisit(7)
    expect(store.status).toBe('hydrating')
    expect(await plain).toBe('from disk')
    expect(await user).toEqual({ id: 7, loads: 1 })
    expect(loads).toBe(1)
    expect(cache.inspect().map((entry) => entry.persisted)).toEqual([true, true])
  })
})

describe('durability', () => {
  test('N entries written and flushed are all back after a rebuild', async () => {
    const name = uniqueName('durable')
    const n = 2_000
    const first = await open(name, { maxsize: n }, { schedule: never })
    for (let i = 0; i < n; i++) first.cache.set(`k${i}`, { i })
    await first.store.flush()

    // The first cache is not stopped: a rebuild must not depend on a clean shutdown.
    const second = await open(name, { maxsize: n }, { schedule: never })
    expect(second.cache.size).toBe(n)
    expect(second.cache.peek(`k${n - 1}`)).toEqual({ i: n - 1 })
    expect(second.errors).toEqual([])
  })

  test('without a flush, a rebuild starts cleanly with whatever reached disk', async () => {
    const name = uniqueName('unflushed')
    const first = await open(name, {}, { schedule: never })
    for (let i = 0; i < 10; i++) first.cache.set(`flushed${i}`, i)
    await first.store.flush()
    for (let i = 0; i < 10; i++) first.cache.set(`pending${i}`, i)

    const second = await open(name, {}, { schedule: never })
    expect(second.store.status).toBe('ready')
    expect(second.errors).toEqual([])
    expect([...second.cache.keys()].sort()).toEqual(
      Array.from({ length: 10 }, (_, i) => `flushed${i}`).sort(),
    )
  })
})

describe('faults in real Chromium', () => {
  test('a connection closed under the store is reopened and the batch retried', async () => {
    const name = uniqueName('closing')
    const connections: IDBDatabase[] = []
    const open_ = indexedDB.open.bind(indexedDB)
    indexedDB.open = (...args: Parameters<IDBFactory['open']>) => {
      const request = open_(...args)
      request.addEventListener('success', () => connections.push(request.result))
      return request
    }
    cleanups.push(() => {
      indexedDB.open = open_
    })
    const { cache, store, errors } = await open(name, {}, { schedule: never })
    cache.set('a', 1)
    await store.flush()
    for (const connection of connections) connection.close()
    // This is what idb-keyval would keep hitting: Chromium's wording of the Safari fault.
    expect(() => connections[0].transaction('entries')).toThrow(/connection is closing/)

    cache.set('b', 2)
    await store.flush()
    expect(errors).toEqual([])
    expect(await rowKeys(name)).toEqual(['vsa', 'vsb'])
  })

  test('deleting the database (clear site data) is not blocked; writes go on in a fresh one', async () => {
    const name = uniqueName('deleted')
    const { cache, store, errors } = await open(name, {}, { schedule: never })
    cache.set('a', 1)
    await store.flush()
    await new Promise((resolve, reject) => {
      const request = indexedDB.deleteDatabase(`asynccache:${name}`)
      request.onsuccess = resolve
      request.onerror = () => reject(request.error)
      request.onblocked = () =>
        reject(new Error('deleteDatabase was blocked by an open connection'))
    })

    cache.set('b', 2)
    await store.flush()
    expect(errors).toEqual([])
    expect(await rowKeys(name)).toEqual(['vsb'])
  })

  test('values that cannot be cloned stay in memory; the rest of the batch is written', async () => {
    const name = uniqueName('clone')
    const { cache, store, errors } = await open(name, {}, { schedule: never })
    const response = new Response('body')
    cache.set('ok1', 1)
    cache.set('fn', () => 1)
    cache.set('response', response)
    cache.set('ok2', 2)
    await store.flush()
    expect(errors.map((e) => e.type === 'persist-error' && e.key)).toEqual(['fn', 'response'])
    expect(errors[0]).toMatchObject({ reason: expect.stringContaining('DataCloneError') })
    expect(cache.peek('response')).toBe(response)
    expect(await rowKeys(name)).toEqual(['vsok1', 'vsok2'])
  })

  test('pagehide flushes', async () => {
    const name = uniqueName('pagehide')
    const { cache } = await open(name, {}, { schedule: never })
    const flushed = nextEvent(cache, 'persist-flushed')
    cache.set('a', 1)
    window.dispatchEvent(new PageTransitionEvent('pagehide'))
    await flushed
    expect(await rowKeys(name)).toEqual(['vsa'])
  })
})

describe('two contexts stay coherent', () => {
  test('a second cache of the same name in this page follows sets, deletes and clears', async () => {
    const name = uniqueName('tabs')
    const a = await open(name, {}, { schedule: never, tabs: tabCoherence() })
    const b = await open(name, {}, { schedule: never, tabs: tabCoherence() })
    let arrived = nextEvent(b.cache, 'set')
    a.cache.set('k', 'v')
    await a.store.flush()
    await arrived
    expect(b.cache.peek('k')).toBe('v')

    arrived = nextEvent(a.cache, 'delete')
    b.cache.delete('k')
    await b.store.flush()
    await arrived
    expect(a.cache.has('k')).toBe(false)

    a.cache.set('x', 1)
    await a.store.flush()
    arrived = nextEvent(a.cache, 'clear')
    await b.store.clear()
    await arrived
    expect(a.cache.size).toBe(0)
  })

  test('an iframe (its own realm and module instances) hydrates and stays coherent', async () => {
    const name = uniqueName('iframe')
    const parent = await open(name, {}, { schedule: never, tabs: tabCoherence() })
    parent.cache.set('before', 'written before the frame existed')
    await parent.store.flush()

    const frame = await openFrame(name)
    cleanups.push(() => frame.close())
    expect(frame.hydrated).toEqual([['before', 'written before the frame existed']])

    let seen = frame.next('set')
    parent.cache.set('fromParent', 1)
    await parent.store.flush()
    expect((await seen).entries).toContainEqual(['fromParent', 1])

    const arrived = nextEvent(parent.cache, 'set')
    await frame.call({ op: 'set', key: 'fromFrame', value: 2 })
    await arrived
    expect(parent.cache.peek('fromFrame')).toBe(2)

    seen = frame.next('delete')
    parent.cache.delete('before')
    await parent.store.flush()
    expect((await seen).entries).not.toContainEqual(['before', expect.anything()])
  })
})

interface FrameMessage {
  from: 'frame'
  type: string
  id?: number
  entries: [unknown, unknown][]
}

/**
 * A same-origin iframe that imports the library itself and persists a cache under `name`; it
 * reports its cache's events, and runs commands, by postMessage.
 */
async function openFrame(name: string) {
  const frame = document.createElement('iframe')
  const origin = location.origin
  frame.srcdoc = `<script type="module">
    const { AsyncCache } = await import('${origin}/lib/index.ts')
    const { persist, tabCoherence } = await import('${origin}/lib/persist/index.ts')
    const cache = new AsyncCache({ maxsize: 100, policy: 'LRU' })
    const store = persist(cache, {
      name: ${JSON.stringify(name)},
      schedule: () => () => {},
      tabs: tabCoherence(),
    })
    await store.ready
    const tell = (type, id) => parent.postMessage({ from: 'frame', type, id, entries: [...cache.entries()] }, '*')
    cache.subscribe((event) => tell(event.type))
    addEventListener('message', async ({ data }) => {
      if (data.op === 'set') cache.set(data.key, data.value)
      await store.flush()
      tell('done', data.id)
    })
    tell('hydrated')
  </script>`
  const listeners = new Set<(message: FrameMessage) => void>()
  const onMessage = (event: MessageEvent) => {
    if (event.source === frame.contentWindow && event.data?.from === 'frame') {
      for (const listener of [...listeners]) listener(event.data)
    }
  }
  addEventListener('message', onMessage)
  const next = (type: string, id?: number) =>
    new Promise<FrameMessage>((resolve) => {
      const listener = (message: FrameMessage) => {
        if (message.type !== type || (id !== undefined && message.id !== id)) return
        listeners.delete(listener)
        resolve(message)
      }
      listeners.add(listener)
    })
  const hydrated = next('hydrated')
  document.body.append(frame)
  let ids = 0
  return {
    hydrated: (await hydrated).entries,
    next,
    call(command: Record<string, unknown>) {
      const id = ++ids
      const done = next('done', id)
      frame.contentWindow?.postMessage({ ...command, id }, '*')
      return done
    },
    close() {
      removeEventListener('message', onMessage)
      frame.remove()
    },
  }
}
