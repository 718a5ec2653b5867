import { AsyncCache } from 'asynccache'
import { retainedBytes } from './measure.js'
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

/**
 * One contender set up for timing: `batch` performs `ops` operations, `finish` runs once the
 * timing is over, checks that the contender did the work it was timed on (throwing if not) and
 * gives its hit ratio.
 */
export interface Prepared {
  batch(): void | Promise<void>
  ops: number
  finish(): Promise<{ hitRatio: number }>
}

/** One contender in a group. */
export interface Row {
  id: string
  name: string
  role: Role
}

/** A set of contenders measured on the same workload. */
export interface Group {
  id: string
  title: string
  /** Heading of the first column: what the rows are. */
  column: string
  unit: 'ops/s' | 'bytes/entry'
  /** The ratio column divides by this row, or by the best peer when absent. */
  reference?: string
  rows: Row[]
  /**
   * Whether `--mode shared` measures this group too: every contender in one process, through
   * one call site. Only throughput groups (those with `prepare`) can be.
   */
  shared?: boolean
  /** Sets row `rowId` up for throughput timing (ops/s groups); runs in the measuring process. */
  prepare?(rowId: string): Promise<Prepared>
  /** Measures row `rowId` directly (other groups); runs in the child process. */
  measure?(rowId: string): Promise<Measurement>
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

const keyNames = (n: number) => Array.from({ length: n }, (_, i) => `key:${i}`)

/** Zipf(0.9) string keys over `keys` distinct keys, made once per process before any timing. */
const zipfStream = (() => {
  const made = new Map<number, string[]>()
  return (keys: number): string[] => {
    let stream = made.get(keys)
    if (stream === undefined) {
      const names = keyNames(keys)
      stream = Array.from(zipfKeys(keys, 0.9, STREAM, SEED), (id) => names[id])
      made.set(keys, stream)
    }
    return stream
  }
})()

// The batches below are top-level functions, each called for every contender of its group: in
// a shared process their `store.get`, `store.set` and `memo(...)` are one call site that sees
// every library, as in an app that uses several (megamorphic); in a process of its own, one.
//
// Each is first called `PRIME` times on one operation, so that everything in it has type
// feedback before the optimizer compiles it (V8 gives a function somewhere to record feedback
// only after its first 8 calls). Otherwise the first call is compiled mid-loop
// (on-stack replacement) without feedback for the code after the loop, deoptimizes there, and
// V8 may enter that same code again on every later call: a deoptimization per batch, in some
// processes picked at random (with --trace-deopt: 300-400 of them instead of about 10), which
// made every library's figures noisy and unfair. Priming leaves the timed position at 0: a
// batch's window always ends at or before the end of its stream.
const PRIME = 16

/** Get, then set on a miss, over `BATCH` keys of `stream` from `pos`; returns the next `pos`. */
function mixedBatch(store: Store, stream: string[], pos: number, count = BATCH): number {
  const end = pos + count
  for (let i = pos; i < end; i++) {
    const key = stream[i]
    if (store.get(key) === undefined) store.set(key, key)
  }
  return end % STREAM
}

/** The mixed stream: get, then set on a miss, stream replayed from where it stopped. */
function mixed(store: Store): Prepared {
  const stream = zipfStream(KEYS)
  let pos = 0
  for (let p = 0; p < PRIME; p++) mixedBatch(store, stream, p, 1)
  return {
    batch: () => {
      pos = mixedBatch(store, stream, pos)
    },
    ops: BATCH,
    finish: async () => {
      let hits = 0
      for (const key of stream) {
        if (store.get(key) === undefined) store.set(key, key)
        else hits++
      }
      return { hitRatio: hits / STREAM }
    },
  }
}

/** Gets over `BATCH` keys of `stream` from `pos`; returns how many missed. */
function getBatch(store: Store, stream: string[], pos: number, count = BATCH): number {
  let misses = 0
  const end = pos + count
  for (let i = pos; i < end; i++) if (store.get(stream[i]) === undefined) misses++
  return misses
}

/** Gets over keys all held (Zipf over the cache's own 10,000 keys); fails unless all hit. */
function getHits(store: Store): Prepared {
  const stream = zipfStream(CACHE)
  for (const key of new Set(stream)) store.set(key, key)
  let pos = 0
  let misses = 0
  for (let p = 0; p < PRIME; p++) misses += getBatch(store, stream, p, 1)
  return {
    batch: () => {
      misses += getBatch(store, stream, pos)
      pos = (pos + BATCH) % STREAM
    },
    ops: BATCH,
    finish: async () => {
      if (misses > 0) throw new Error(`get-only stream missed ${misses} times: the cache lost keys`)
      return { hitRatio: 1 }
    },
  }
}

/** Sets of `BATCH` names from `pos`; returns the next `pos`. */
function setBatch(store: Store, names: string[], pos: number, count = BATCH): number {
  const end = pos + count
  for (let i = pos; i < end; i++) store.set(names[i], names[i])
  return end % KEYS
}

/** Sets of keys never held: 100,000 keys in a cycle through a 10,000-entry cache. */
function setEvict(store: Store): Prepared {
  const names = keyNames(KEYS)
  let pos = 0
  for (let p = 0; p < PRIME; p++) setBatch(store, names, p, 1)
  return {
    batch: () => {
      pos = setBatch(store, names, pos)
    },
    ops: BATCH,
    finish: async () => {
      // Sets have no result to read: the last key set must be held, or the sets were not made.
      const last = names[(pos + KEYS - 1) % KEYS]
      if (store.get(last) !== last) throw new Error('set-only stream: the last key set is missing')
      return { hitRatio: 0 }
    },
  }
}

function storeGroup(
  id: string,
  title: string,
  run: (store: Store) => Prepared,
  shared: boolean,
): Group {
  return {
    id,
    title,
    column: 'cache',
    unit: 'ops/s',
    shared,
    rows: Object.entries(stores).map(([rowId, s]) => ({ id: rowId, name: s.name, role: s.role })),
    prepare: async (rowId) => run(stores[rowId].make(CACHE)),
  }
}

/**
 * `await memo(arg(k))` for `MEMO_BATCH` arguments of `order` from `pos`: the result is read and
 * compared (the memoized function returns the argument's number), so a memoizer that returns
 * another argument's result is caught and no work can be skipped. Returns how many were wrong.
 */
async function memoBatch<A>(
  memo: AsyncFn<A>,
  arg: (id: number) => A,
  order: Int32Array,
  pos: number,
  count = MEMO_BATCH,
): Promise<number> {
  let wrong = 0
  const end = pos + count
  for (let i = pos; i < end; i++) {
    const id = order[i]
    if ((await memo(arg(id))) !== id) wrong++
  }
  return wrong
}

/**
 * `await memoized(arg)` on hits over 1,000 distinct arguments in a seeded uniform order; the
 * underlying function counts its calls, so a memoizer that misses is caught, not measured.
 */
async function memoHits<A>(
  arg: (id: number) => A,
  idOf: (arg: A) => number,
  wrap: (fn: AsyncFn<A>) => AsyncFn<A>,
): Promise<Prepared> {
  let calls = 0
  const memo = wrap(async (a: A) => {
    calls++
    return idOf(a)
  })
  for (let id = 0; id < MEMO_ARGS; id++) await memo(arg(id))
  const random = mulberry32(SEED)
  const order = Int32Array.from({ length: 10 * MEMO_BATCH }, () => Math.floor(random() * MEMO_ARGS))
  let pos = 0
  let wrong = 0
  for (let p = 0; p < PRIME; p++) wrong += await memoBatch(memo, arg, order, p, 1)
  return {
    batch: async () => {
      wrong += await memoBatch(memo, arg, order, pos)
      pos = (pos + MEMO_BATCH) % order.length
    },
    ops: MEMO_BATCH,
    finish: async () => {
      if (calls !== MEMO_ARGS) {
        throw new Error(
          `${calls - MEMO_ARGS} calls missed the memo: key semantics or size are wrong`,
        )
      }
      if (wrong > 0) throw new Error(`${wrong} memoized calls returned another argument's result`)
      return { hitRatio: 1 }
    },
  }
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
    true,
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
    prepare: async (rowId) => mixed(stores[rowId].make(SMALL_CACHE)),
  },
  storeGroup('get', 'Get only, all hits: Zipf(0.9) over the 10,000 keys held', getHits, false),
  storeGroup(
    'set',
    'Set only, all evictions: 100,000 keys cycled through 10,000 entries',
    setEvict,
    false,
  ),
  {
    id: 'memo-primitive',
    title: 'await memoized(x) on a hit, 1,000 cached arguments, primitive argument',
    column: 'memoizer',
    unit: 'ops/s',
    shared: true,
    rows: memoRows,
    prepare: (rowId) =>
      memoHits(
        (id) => id,
        (id) => id,
        (fn) => memoizers[rowId].primitive(fn, MEMO_ARGS),
      ),
  },
  {
    id: 'memo-object',
    title: 'await memoized(x) on a hit, 1,000 cached arguments, new small object per call',
    column: 'memoizer',
    unit: 'ops/s',
    shared: true,
    rows: memoRows,
    prepare: (rowId) =>
      memoHits<Query>(
        (id) => ({ id, lang: 'en' }),
        (query) => query.id,
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
    prepare: async (rowId) => {
      const cache = new AsyncCache<string, string>({ maxsize: CACHE, policy: 'LRU' })
      let events = 0
      if (rowId === 'one-listener') cache.subscribe(() => void events++)
      const run = mixed(cache)
      return {
        ...run,
        finish: async () => {
          if ((rowId === 'one-listener') !== events > 0) {
            throw new Error('events: listener not called')
          }
          return run.finish()
        },
      }
    },
  },
  {
    // What a TTL costs: every lookup reads the clock (Date.now, about 35 ns on the project's
    // machine), the one thing a TTL cache cannot skip; a call reads it once.
    id: 'ttl',
    title: 'TTL: asynccache LRU on the mixed stream, entries without expiry and with a 60 s TTL',
    column: 'entries',
    unit: 'ops/s',
    reference: 'no-ttl',
    rows: [
      { id: 'no-ttl', name: 'no TTL', role: 'ours' },
      { id: 'ttl-60s', name: 'ttl: 60', role: 'ours' },
    ],
    prepare: async (rowId) =>
      mixed(
        new AsyncCache<string, string>({
          maxsize: CACHE,
          policy: 'LRU',
          ttl: rowId === 'ttl-60s' ? 60 : null,
        }),
      ),
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
