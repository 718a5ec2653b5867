import { AsyncCache, type PolicyName } from 'asynccache'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { ReferenceAdaptive } from '../support/adaptive-reference.js'

/**
 * An obviously correct reference: entries in a plain array, the victim found by a scan.
 * `use` is a global counter, so "least recently used" is the smallest `use`. Under ADAPTIVE
 * the order is the reference policy's (test/support/adaptive-reference.ts).
 */
interface Entry {
  key: number
  value: number
  expires: number
  freq: number
  use: number
}

class Model {
  entries: Entry[] = []
  hits = 0
  misses = 0
  expired = 0
  capacity = 0
  private tick = 0
  private adaptive: ReferenceAdaptive

  constructor(
    readonly maxsize: number,
    readonly policy: PolicyName,
    readonly ttlMs: number,
    readonly swrMs: number,
    readonly clock: () => number,
  ) {
    this.adaptive = new ReferenceAdaptive(maxsize)
  }

  private state(e: Entry): 'fresh' | 'stale' | 'expired' {
    if (e.expires === 0) return 'fresh'
    const now = this.clock()
    if (now < e.expires) return 'fresh'
    return now < e.expires + this.swrMs ? 'stale' : 'expired'
  }

  /** Finds a key, removing it when it turns out expired (as the cache does when it meets one). */
  private find(key: number) {
    const e = this.entries.find((x) => x.key === key)
    if (e === undefined) return undefined
    const state = this.state(e)
    if (state === 'expired') {
      this.remove(e)
      this.expired++
      return undefined
    }
    return { e, state }
  }

  private remove(e: Entry) {
    this.entries.splice(this.entries.indexOf(e), 1)
    this.adaptive.remove(e.key)
  }

  private coldFirst() {
    if (this.policy === 'ADAPTIVE') {
      return this.adaptive.coldFirst().map((k) => this.entries.find((e) => e.key === k) as Entry)
    }
    return [...this.entries].sort((a, b) =>
      this.policy === 'LFU' && a.freq !== b.freq ? a.freq - b.freq : a.use - b.use,
    )
  }

  /** The frequency `inspect()` reports: LFU's count, ADAPTIVE's estimate, none under LRU. */
  frequency(key: number) {
    if (this.policy === 'ADAPTIVE') return this.adaptive.frequency(key)
    return this.policy === 'LFU' ? this.entries.find((e) => e.key === key)?.freq : undefined
  }

  get(key: number) {
    const found = this.find(key)
    if (found?.state === 'fresh') {
      this.hits++
      found.e.freq++
      found.e.use = ++this.tick
      this.adaptive.touch(key)
      return found.e.value
    }
    this.misses++
    return undefined
  }

  peek(key: number) {
    const found = this.find(key)
    return found?.state === 'fresh' ? found.e.value : undefined
  }

  set(key: number, value: number, ttlMs: number) {
    const expires = ttlMs > 0 ? this.clock() + ttlMs : 0
    // An expired entry is gone first: the set makes a new one.
    const e = this.find(key)?.e
    if (e !== undefined) {
      Object.assign(e, { value, expires, freq: e.freq + 1, use: ++this.tick })
      this.adaptive.touch(key)
      return
    }
    if (this.entries.length === this.maxsize) {
      const victim = this.coldFirst()[0]
      if (this.state(victim) === 'expired') this.expired++
      else this.capacity++
      this.remove(victim)
    }
    this.entries.push({ key, value, expires, freq: 1, use: ++this.tick })
    this.adaptive.add(key)
  }

  delete(key: number) {
    const e = this.find(key)?.e
    if (e) this.remove(e)
    return e !== undefined
  }

  clear() {
    this.entries = []
    this.hits = this.misses = this.expired = this.capacity = 0
    this.adaptive = new ReferenceAdaptive(this.maxsize)
  }

  /** Fresh keys, hottest first; a walk removes the expired entries it meets first. */
  keysHotFirst() {
    for (const e of [...this.entries]) this.find(e.key)
    return this.coldFirst()
      .reverse()
      .filter((e) => this.state(e) === 'fresh')
      .map((e) => e.key)
  }
}

const key = fc.integer({ min: 0, max: 9 })
const get = fc.record({ op: fc.constant('get' as const), key })
const set = fc.record({
  op: fc.constant('set' as const),
  key,
  value: fc.integer(),
  ttl: fc.option(fc.constantFrom(0.2, 1, 5), { nil: undefined }),
})
const op = fc.oneof(
  get,
  fc.record({ op: fc.constant('peek' as const), key }),
  fc.record({ op: fc.constant('has' as const), key }),
  set,
  fc.record({ op: fc.constant('delete' as const), key }),
  fc.record({ op: fc.constant('clear' as const) }),
  fc.record({ op: fc.constant('keys' as const) }),
  fc.record({ op: fc.constant('inspect' as const) }),
  fc.record({ op: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 1500 }) }),
)
/** Mostly uses: ADAPTIVE retunes itself after 5 uses per entry, and sequences must get there. */
const busy = fc.oneof({ arbitrary: get, weight: 6 }, { arbitrary: set, weight: 6 }, op)

describe.each([
  ['LRU', null, 0],
  ['LFU', null, 0],
  ['LRU', 1, 0],
  ['LFU', 1, 0],
  ['LRU', 1, 0.5],
  ['LFU', 1, 0.5],
  ['ADAPTIVE', null, 0],
  ['ADAPTIVE', 1, 0],
  ['ADAPTIVE', 1, 0.5],
] as const)(
  'AsyncCache %s (ttl %s, stale-while-revalidate %s) against a reference model',
  (policy, ttl, swr) => {
    test('random operation sequences agree on results, order, size and statistics', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 6 }),
          policy === 'ADAPTIVE'
            ? fc.array(busy, { minLength: 100, maxLength: 200 })
            : fc.array(op, { maxLength: 80 }),
          (maxsize, ops) => {
            let t = 1000
            const now = () => t
            const cache = new AsyncCache<number, number>({
              maxsize,
              policy,
              ttl,
              staleWhileRevalidate: swr,
              now,
            })
            const model = new Model(maxsize, policy, (ttl ?? 0) * 1000, swr * 1000, now)
            for (const o of ops) {
              switch (o.op) {
                case 'get':
                  expect(cache.get(o.key)).toBe(model.get(o.key))
                  break
                case 'peek':
                  expect(cache.peek(o.key)).toBe(model.peek(o.key))
                  break
                case 'has':
                  expect(cache.has(o.key)).toBe(model.peek(o.key) !== undefined)
                  break
                case 'set':
                  cache.set(o.key, o.value, o.ttl === undefined ? undefined : { ttl: o.ttl })
                  model.set(o.key, o.value, o.ttl === undefined ? (ttl ?? 0) * 1000 : o.ttl * 1000)
                  break
                case 'delete':
                  expect(cache.delete(o.key)).toBe(model.delete(o.key))
                  break
                case 'clear':
                  cache.clear()
                  model.clear()
                  break
                case 'keys':
                  expect([...cache.keys()]).toEqual(model.keysHotFirst())
                  break
                case 'inspect': {
                  const order = model.keysHotFirst()
                  const frequency = (k: number) => model.frequency(k)
                  expect(
                    cache
                      .inspect()
                      .filter((e) => !e.stale)
                      .map((e) => [e.key, e.frequency]),
                  ).toEqual(order.map((k) => [k, frequency(k)]))
                  break
                }
                case 'advance':
                  t += o.ms
                  break
              }
              expect(cache.size).toBe(model.entries.length)
              const stats = cache.getStats()
              expect(stats.hits).toBe(model.hits)
              expect(stats.misses).toBe(model.misses)
              expect(stats.evictions).toEqual({ capacity: model.capacity, expired: model.expired })
            }
          },
        ),
        { numRuns: policy === 'ADAPTIVE' ? 100 : 1000 },
      )
      // A limit, not a timing assertion: the shared test machine can be slow.
    }, 60_000)
  },
)
