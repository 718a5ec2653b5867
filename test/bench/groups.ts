import { AsyncCache } from 'asynccache'
import { retainedBytes, type Throughput, throughput } from './measure.js'
import { type AsyncFn, memoizers, type Query } from './memoizers.js'
import { mulberry32, zipfKeys } from './random.js'
import { type Role, type Store, stores } from './stores.js'

/** What one contender measured in one process: samples, and the hit ratio where it matters. */
export interface Measurement {
  /** Operations per CPU-second, or bytes per entry. */
  samples: number[]
  /** Operations per wall-clock second, where throughput was measured. */
  wall?: number[]
  hitRatio?: number
}

/** One contender in a group. */
export interface Row {
  id: string
  name: string
  role: Role
}

/** A set of contenders measured on the same workload, each in a process of its own. */
export interface Group {
  id: string
  title: string
  /** Heading of the first column: what the rows are. */
  column: string
  unit: 'ops/s' | 'bytes/entry'
  /** The ratio column divides by this row, or by the best peer when absent. */
  reference?: string
  rows: Row[]
  /** Measures row `rowId`; runs in the child process. */
  measure(rowId: string): Promise<Measurement>
}

const KEYS = 100_000
const CACHE = 10_000
/** The small cache of the mixed stream's second group, where ADAPTIVE's shadows cost most. */
const SMALL_CACHE = 1_000
const STREAM = 1_000_000
const BATCH = 50_000
const SEED = 7
const MEMO_ARGS = 1_000
const MEMO_BATCH = 10_000

const samplesOf = (t: Throughput) => ({ samples: t.cpu, wall: t.wall })

const keyNames = (n: number) => Array.from({ length: n }, (_, i) => `key:${i}`)

/** Zipf(0.9) string keys over `keys` distinct keys: generated once, before any timing. */
function zipfStream(keys: number): string[] {
  const names = keyNames(keys)
  return Array.from(zipfKeys(keys, 0.9, STREAM, SEED), (id) => names[id])
}

/** The mixed stream: get, then set on a miss, stream replayed from where it stopped. */
async function mixed(store: Store): Promise<Measurement> {
  const stream = zipfStream(KEYS)
  let pos = 0
  const timed = await throughput(() => {
    const end = pos + BATCH
    for (let i = pos; i < end; i++) {
      const key = stream[i]
      if (store.get(key) === undefined) store.set(key, key)
    }
    pos = end % STREAM
  }, BATCH)
  let hits = 0
  for (const key of stream) {
    if (store.get(key) === undefined) store.set(key, key)
    else hits++
  }
  return { ...samplesOf(timed), hitRatio: hits / STREAM }
}

/** Gets over keys all held (Zipf over the cache's own 10,000 keys); fails unless all hit. */
async function getHits(store: Store): Promise<Measurement> {
  const stream = zipfStream(CACHE)
  for (const key of new Set(stream)) store.set(key, key)
  let pos = 0
  let misses = 0
  const timed = await throughput(() => {
    const end = pos + BATCH
    for (let i = pos; i < end; i++) if (store.get(stream[i]) === undefined) misses++
    pos = end % STREAM
  }, BATCH)
  if (misses > 0) throw new Error(`get-only stream missed ${misses} times: the cache lost keys`)
  return { ...samplesOf(timed), hitRatio: 1 }
}

/** Sets of keys never held: 100,000 keys in a cycle through a 10,000-entry cache. */
async function setEvict(store: Store): Promise<Measurement> {
  const names = keyNames(KEYS)
  let pos = 0
  const timed = await throughput(() => {
    const end = pos + BATCH
    for (let i = pos; i < end; i++) store.set(names[i], names[i])
    pos = end % KEYS
  }, BATCH)
  return { ...samplesOf(timed), hitRatio: 0 }
}

function storeGroup(id: string, title: string, run: (store: Store) => Promise<Measurement>): Group {
  return {
    id,
    title,
    column: 'cache',
    unit: 'ops/s',
    rows: Object.entries(stores).map(([rowId, s]) => ({ id: rowId, name: s.name, role: s.role })),
    measure: (rowId) => run(stores[rowId].make(CACHE)),
  }
}

/**
 * `await memoized(arg)` on hits over 1,000 distinct arguments in a seeded uniform order; the
 * underlying function counts its calls, so a memoizer that misses is caught, not measured.
 */
async function memoHits<A>(
  arg: (id: number) => A,
  wrap: (fn: AsyncFn<A>) => AsyncFn<A>,
): Promise<Measurement> {
  let calls = 0
  const memo = wrap(async (a: A) => {
    calls++
    return a
  })
  for (let id = 0; id < MEMO_ARGS; id++) await memo(arg(id))
  const random = mulberry32(SEED)
  const order = Int32Array.from({ length: 10 * MEMO_BATCH }, () => Math.floor(random() * MEMO_ARGS))
  let pos = 0
  const timed = await throughput(async () => {
    const end = pos + MEMO_BATCH
    for (let i = pos; i < end; i++) await memo(arg(order[i]))
    pos = end % order.length
  }, MEMO_BATCH)
  if (calls !== MEMO_ARGS) {
    throw new Error(`${calls - MEMO_ARGS} calls missed the memo: key semantics or size are wrong`)
  }
  return { ...samplesOf(timed), hitRatio: 1 }
}

const memoRows = Object.entries(memoizers).map(([id, m]) => ({ id, name: m.name, role: m.role }))

/** Bytes per entry of a cache filled with 100,000 entries, keys and values not counted. */
async function memory(rowId: string): Promise<Measurement> {
  const names = keyNames(KEYS)
  const before = retainedBytes()
  const store = stores[rowId].make(KEYS)
  for (const key of names) store.set(key, key)
  const bytes = retainedBytes() - before
  if (store.get(names[0]) === undefined)
    throw new Error('memory: the cache did not hold every entry')
  return { samples: [bytes / KEYS] }
}

/** Every group `npm run bench` measures, in the order it prints them. */
export const groups: Group[] = [
  storeGroup(
    'mixed',
    'Mixed stream: Zipf(0.9) over 100,000 string keys, 10,000 entries, get then set on a miss',
    mixed,
  ),
  {
    id: 'mixed-1k',
    title: 'Mixed stream at 1,000 entries: asynccache policies against its LRU',
    column: 'cache',
    unit: 'ops/s',
    reference: 'asynccache-lru',
    rows: Object.entries(stores)
      .filter(([, s]) => s.role === 'ours')
      .map(([id, s]) => ({ id, name: s.name, role: s.role })),
    measure: (rowId) => mixed(stores[rowId].make(SMALL_CACHE)),
  },
  storeGroup('get', 'Get only, all hits: Zipf(0.9) over the 10,000 keys held', getHits),
  storeGroup(
    'set',
    'Set only, all evictions: 100,000 keys cycled through 10,000 entries',
    setEvict,
  ),
  {
    id: 'memo-primitive',
    title: 'await memoized(x) on a hit, 1,000 cached arguments, primitive argument',
    column: 'memoizer',
    unit: 'ops/s',
    rows: memoRows,
    measure: (rowId) =>
      memoHits(
        (id) => id,
        (fn) => memoizers[rowId].primitive(fn, MEMO_ARGS),
      ),
  },
  {
    id: 'memo-object',
    title: 'await memoized(x) on a hit, 1,000 cached arguments, new small object per call',
    column: 'memoizer',
    unit: 'ops/s',
    rows: memoRows,
    measure: (rowId) =>
      memoHits<Query>(
        (id) => ({ id, lang: 'en' }),
        (fn) => memoizers[rowId].object(fn, MEMO_ARGS),
      ),
  },
  {
    id: 'events',
    title: 'Statistics and events: asynccache LRU on the mixed stream, statistics on',
    column: 'listeners',
    unit: 'ops/s',
    reference: 'no-listener',
    rows: [
      { id: 'no-listener', name: 'no listener', role: 'ours' },
      { id: 'one-listener', name: 'one listener', role: 'ours' },
    ],
    measure: async (rowId) => {
      const cache = new AsyncCache<string, string>({ maxsize: CACHE, policy: 'LRU' })
      let events = 0
      if (rowId === 'one-listener') cache.subscribe(() => void events++)
      const result = await mixed(cache)
      if ((rowId === 'one-listener') !== events > 0) throw new Error('events: listener not called')
      return result
    },
  },
  {
    id: 'memory',
    title: 'Memory: bytes per entry at 100,000 entries (heap + array buffers after GC)',
    column: 'cache',
    unit: 'bytes/entry',
    reference: 'lru-cache',
    rows: Object.entries(stores).map(([id, s]) => ({ id, name: s.name, role: s.role })),
    measure: memory,
  },
]
