import { AsyncCache, type PolicyName } from 'asynccache'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'

/**
 * An obviously correct reference: entries in a plain array, the victim found by a scan.
 * `use` is a global counter, so "least recently used" is the smallest `use`.
 */
class Model {
  entries: { key: number; value: number; expires: number; freq: number; use: number }[] = []
  hits = 0
  misses = 0
  expired = 0
  capacity = 0
  private tick = 0

  constructor(
    readonly maxsize: number,
    readonly policy: PolicyName,
    readonly ttlMs: number,
    readonly swrMs: number,
    readonly clock: () => number,
  ) {}

  private state(e: Model['entries'][number]): 'fresh' | 'stale' | 'expired' {
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

  private remove(e: Model['entries'][number]) {
    this.entries.splice(this.entries.indexOf(e), 1)
  }

  private coldFirst() {
    return [...this.entries].sort((a, b) =>
      this.policy === 'LFU' && a.freq !== b.freq ? a.freq - b.freq : a.use - b.use,
    )
  }

  get(key: number) {
    const found = this.find(key)
    if (found?.state === 'fresh') {
      this.hits++
      found.e.freq++
      found.e.use = ++this.tick
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
      return
    }
    if (this.entries.length === this.maxsize) {
      const victim = this.coldFirst()[0]
      if (this.state(victim) === 'expired') this.expired++
      else this.capacity++
      this.remove(victim)
    }
    this.entries.push({ key, value, expires, freq: 1, use: ++this.tick })
  }

  delete(key: number) {
    const e = this.find(key)?.e
    if (e) this.remove(e)
    return e !== undefined
  }

  clear() {
    this.entries = []
    this.hits = this.misses = this.expired = this.capacity = 0
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
const op = fc.oneof(
  fc.record({ op: fc.constant('get' as const), key }),
  fc.record({ op: fc.constant('peek' as const), key }),
  fc.record({ op: fc.constant('has' as const), key }),
  fc.record({
    op: fc.constant('set' as const),
    key,
    value: fc.integer(),
    ttl: fc.option(fc.constantFrom(0.2, 1, 5), { nil: undefined }),
  }),
  fc.record({ op: fc.constant('delete' as const), key }),
  fc.record({ op: fc.constant('clear' as const) }),
  fc.record({ op: fc.constant('keys' as const) }),
  fc.record({ op: fc.constant('inspect' as const) }),
  fc.record({ op: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 1500 }) }),
)

describe.each([
  ['LRU', null, 0],
  ['LFU', null, 0],
  ['LRU', 1, 0],
  ['LFU', 1, 0],
  ['LRU', 1, 0.5],
  ['LFU', 1, 0.5],
] as const)(
  'AsyncCache %s (ttl %s, stale-while-revalidate %s) against a reference model',
  (policy, ttl, swr) => {
    test('random operation sequences agree on results, order, size and statistics', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 6 }),
          fc.array(op, { maxLength: 80 }),
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
                  const frequency = (k: number) =>
                    policy === 'LFU' ? model.entries.find((e) => e.key === k)?.freq : undefined
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
        { numRuns: 1000 },
      )
    })
  },
)
