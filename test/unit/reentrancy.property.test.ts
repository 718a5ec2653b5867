import { AsyncCache, type CacheEvent, type CacheEventType } from 'asynccache'
import fc from 'fast-check'
import { describe, expect, test, vi } from 'vitest'

/**
 * Random operation sequences on a cache whose listeners call back into it on every event
 * type, checked after every step: size within maxsize, misses equal to the loader runs callers
 * started, no value served past its TTL plus the stale window; and at the end, once every
 * loader has settled and every signal aborted, every caller settled and no load in flight.
 */

const MAXSIZE = 3
const TTL_MS = 1000
const SWR_MS = 500

type Method = 'get' | 'peek' | 'set' | 'delete' | 'clear' | 'load' | 'loadSignal' | 'refresh'
const methods: Method[] = ['get', 'peek', 'set', 'delete', 'clear', 'load', 'loadSignal', 'refresh']
const eventTypes: CacheEventType[] = [
  'hit',
  'miss',
  'set',
  'evict',
  'delete',
  'clear',
  'stale',
  'load-start',
  'load-success',
  'load-error',
]

const key = fc.integer({ min: 0, max: 4 })
const step = fc.oneof(
  fc.record({ op: fc.constantFrom(...methods), key }),
  fc.record({ op: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 1200 }) }),
  fc.record({ op: fc.constant('settle' as const), index: fc.nat(), ok: fc.boolean() }),
  fc.record({ op: fc.constant('abort' as const), index: fc.nat() }),
)
type Step = typeof step extends fc.Arbitrary<infer S> ? S : never

/** For some event types, the method a listener calls on the event's key (or key 0). */
const reactions = fc.dictionary(fc.constantFrom(...eventTypes), fc.constantFrom(...methods), {
  maxKeys: 5,
})

/** One call in progress: the miss count it started from, its nested calls' misses, what it met. */
interface Frame {
  before: number
  children: number
  stale: boolean
  /** A clear during the call wiped what it had counted. */
  cleared: boolean
}

async function run(reactTo: Partial<Record<CacheEventType, Method>>, steps: Step[]) {
  let t = 0
  const cache = new AsyncCache<number, number>({
    maxsize: MAXSIZE,
    policy: 'LFU',
    ttl: TTL_MS / 1000,
    staleWhileRevalidate: SWR_MS / 1000,
    now: () => t,
  })
  let nextValue = 1
  /** When each value stops being fresh: values are unique, so each tells where it came from. */
  const expiry = new Map<number, number>()
  const loads: { resolve: (v: number) => void; reject: (e: unknown) => void; done: boolean }[] = []
  const controllers: AbortController[] = []
  const calls: { settled: boolean }[] = []
  let countedMisses = 0
  const frames: Frame[] = []
  let depth = 0
  let reacting = true
  /** Failed expectations inside listeners and promise callbacks, rethrown after the step. */
  const failures: unknown[] = []
  const guard = (check: () => void) => {
    try {
      check()
    } catch (error) {
      failures.push(error)
    }
  }

  const loader = (signal: AbortSignal) =>
    new Promise<number>((resolve, reject) => {
      const load = {
        done: false,
        resolve: (v: number) => {
          load.done = true
          // Stored now (if at all), so it is fresh for TTL_MS from now.
          expiry.set(v, t + TTL_MS)
          resolve(v)
        },
        reject: (e: unknown) => {
          load.done = true
          reject(e)
        },
      }
      loads.push(load)
      signal.addEventListener('abort', () => load.reject(signal.reason), { once: true })
    })

  const servedFresh = (v: number | undefined) => {
    if (v !== undefined) expect(t).toBeLessThan(expiry.get(v) as number)
  }
  const track = (promise: Promise<number>) => {
    const call = { settled: false }
    calls.push(call)
    // Within the stale window at the moment it resolves, on a clock only steps move.
    promise.then(
      (v) => {
        call.settled = true
        guard(() => expect(t).toBeLessThan((expiry.get(v) as number) + SWR_MS))
      },
      () => {
        call.settled = true
      },
    )
  }

  /** Calls `method` on `k`, counting the misses it alone caused (not those of nested calls). */
  const call = (method: Method, k: number) => {
    const frame: Frame = {
      before: cache.getStats().misses,
      children: 0,
      stale: false,
      cleared: false,
    }
    frames.push(frame)
    let ownLoader = false
    const counted = (l: (s: AbortSignal) => Promise<number>) => (s: AbortSignal) => {
      ownLoader = true
      return l(s)
    }
    switch (method) {
      case 'get':
        servedFresh(cache.get(k))
        break
      case 'peek':
        servedFresh(cache.peek(k))
        break
      case 'set': {
        const v = nextValue++
        expiry.set(v, t + TTL_MS)
        cache.set(k, v)
        break
      }
      case 'delete':
        cache.delete(k)
        break
      case 'clear':
        cache.clear()
        break
      case 'load':
        track(cache.getOrLoad(k, counted(loader)))
        break
      case 'loadSignal': {
        const controller = new AbortController()
        controllers.push(controller)
        track(cache.getOrLoad(k, counted(loader), { signal: controller.signal }))
        break
      }
      case 'refresh':
        track(cache.getOrLoad(k, counted(loader), { refresh: true }))
        break
    }
    frames.pop()
    const own = cache.getStats().misses - frame.before - frame.children
    // A lookup counts at most one miss; a getOrLoad that counted one ran its own loader, and
    // one that counted none ran it only as a stale entry's background refresh.
    expect(own === 0 || own === 1).toBe(true)
    if (own === 1 && method !== 'get') expect(ownLoader).toBe(true)
    if (own === 0 && ownLoader && !frame.cleared) expect(frame.stale).toBe(true)
    countedMisses += own
    const parent = frames.at(-1)
    if (parent !== undefined) parent.children += own + frame.children
  }

  cache.subscribe((e: CacheEvent<number, number>) => {
    const innermost = frames.at(-1)
    if (e.type === 'stale' && innermost !== undefined) innermost.stale = true
    if (e.type === 'clear') {
      // The statistics start again from 0, for every call in progress: before any reaction.
      countedMisses = 0
      for (const f of frames) {
        f.before = f.children = 0
        f.cleared = true
      }
    }
    const method = reactTo[e.type]
    if (!reacting || method === undefined || depth >= 2) return
    depth++
    guard(() => call(method, ('key' in e ? e.key : undefined) ?? 0))
    depth--
  })

  for (const s of steps) {
    if (s.op === 'advance') t += s.ms
    else if (s.op === 'settle') {
      const pending = loads.filter((l) => !l.done)
      const load = pending[s.index % Math.max(1, pending.length)]
      if (load !== undefined) {
        if (s.ok) load.resolve(nextValue++)
        else load.reject(new Error('failed'))
      }
    } else if (s.op === 'abort') {
      controllers[s.index % Math.max(1, controllers.length)]?.abort('left')
    } else {
      call(s.op, s.key)
    }
    for (let i = 0; i < 20; i++) await Promise.resolve()
    if (failures.length > 0) throw failures[0]
    expect(cache.size).toBeLessThanOrEqual(MAXSIZE)
    expect(cache.getStats().misses).toBe(countedMisses)
  }

  // Everyone leaves or is answered: every caller settles and nothing stays in flight.
  reacting = false
  for (const c of controllers) c.abort('left')
  for (const l of loads) if (!l.done) l.resolve(nextValue++)
  for (let i = 0; i < 20; i++) await Promise.resolve()
  if (failures.length > 0) throw failures[0]
  expect(calls.every((c) => c.settled)).toBe(true)
  expect(cache.getStats().loadsInFlight).toBe(0)
}

describe('listeners that call back into the cache on every event type', () => {
  test('random sequences keep every invariant', async () => {
    const errors = vi.spyOn(console, 'error')
    await fc.assert(
      fc.asyncProperty(reactions, fc.array(step, { maxLength: 40 }), (reactTo, steps) =>
        run(reactTo, steps),
      ),
      { numRuns: 400 },
    )
    // No listener threw: every call back into the cache found it whole.
    expect(errors).not.toHaveBeenCalled()
  })
})
