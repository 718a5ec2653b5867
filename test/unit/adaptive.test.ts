import { AsyncCache, type PolicyName } from 'asynccache'
import { describe, expect, test } from 'vitest'
import { FrequencySketch } from '../../lib/frequency-sketch.js'
import { hashKey } from '../../lib/key-hash.js'

/** Get, then set on a miss, as an application would; returns the hits. */
function replay(cache: AsyncCache<string, string>, keys: string[]): number {
  let hits = 0
  for (const key of keys) {
    if (cache.get(key) === undefined) cache.set(key, key)
    else hits++
  }
  return hits
}

const range = (n: number, name: (i: number) => string) =>
  Array.from({ length: n }, (_, i) => name(i))

describe('FrequencySketch', () => {
  test('counts uses exactly while keys are few, saturating at 15', () => {
    const sketch = new FrequencySketch(256)
    for (let n = 0; n < 20; n++) sketch.increment(hashKey('a'))
    for (let n = 0; n < 3; n++) sketch.increment(hashKey('b'))
    expect(sketch.estimate(hashKey('a'))).toBe(15)
    expect(sketch.estimate(hashKey('b'))).toBe(3)
    expect(sketch.estimate(hashKey('never'))).toBe(0)
  })

  test('halves every count once it has counted ten uses per entry (aging)', () => {
    const sketch = new FrequencySketch(256)
    for (let n = 0; n < 8; n++) sketch.increment(hashKey('a'))
    // 2,560 increments in all trigger the halving; the others go to distinct keys.
    for (let i = 0; i < 2_560 - 9; i++) sketch.increment(hashKey(`other ${i}`))
    expect(sketch.estimate(hashKey('a'))).toBeGreaterThanOrEqual(8)
    sketch.increment(hashKey('one more'))
    const aged = sketch.estimate(hashKey('a'))
    expect(aged).toBeGreaterThanOrEqual(4)
    expect(aged).toBeLessThan(8)
  })
})

describe('hashKey', () => {
  test('agrees with Map equality: by value for primitives, by identity for objects', () => {
    expect(hashKey('key:1')).toBe(hashKey(`key:${1}`))
    expect(hashKey(0)).toBe(hashKey(-0))
    expect(hashKey(Number.NaN)).toBe(hashKey(0 / 0))
    expect(hashKey(1.5)).toBe(hashKey(3 / 2))
    const o = { id: 1 }
    expect(hashKey(o)).toBe(hashKey(o))
    expect(hashKey(o)).not.toBe(hashKey({ id: 1 }))
    expect(hashKey(1)).not.toBe(hashKey('1'))
  })
})

describe("policy: 'ADAPTIVE'", () => {
  test('admission: one-off keys leave instead of the entries used often, each as a capacity eviction of itself', () => {
    const cache = new AsyncCache<string, string>({ maxsize: 100, policy: 'ADAPTIVE' })
    const favourites = range(99, (i) => `fav ${i}`)
    for (let n = 0; n < 3; n++) replay(cache, favourites)
    const evicted: string[] = []
    cache.subscribe((e) => {
      if (e.type === 'evict') evicted.push(`${e.reason} ${e.key}`)
    })
    const scan = range(500, (i) => `scan ${i}`)
    replay(cache, scan)
    // Each scanned key waits in the window, then loses its duel to the next one's arrival.
    expect(evicted).toEqual(scan.slice(0, -1).map((k) => `capacity ${k}`))
    expect(favourites.every((k) => cache.has(k))).toBe(true)
    expect(cache.inspect().at(-1)?.key).toBe('scan 499')
  })

  test('the same scan flushes every favourite under LRU', () => {
    const cache = new AsyncCache<string, string>({ maxsize: 100, policy: 'LRU' })
    const favourites = range(99, (i) => `fav ${i}`)
    for (let n = 0; n < 3; n++) replay(cache, favourites)
    replay(
      cache,
      range(500, (i) => `scan ${i}`),
    )
    expect(favourites.some((k) => cache.has(k))).toBe(false)
  })

  // Every key twice, 30 requests apart: LRU hits every second request, strict TinyLFU none.
  const twoTouch = range(20_000, (i) => `k${Math.floor(i / 60) * 30 + (i % 30)}`)

  test.each([
    ['ADAPTIVE', 0.45],
    ['LRU', 0.45],
  ] as [PolicyName, number][])(
    'climbs off strict admission on a two-touch stream: %s hits over %s of the second half',
    (policy, floor) => {
      const cache = new AsyncCache<string, string>({ maxsize: 250, policy })
      // Full after about 500 requests; the first tournament ends at 1,250 (5 uses per entry).
      replay(cache, twoTouch.slice(0, 600))
      const strict = replay(cache, twoTouch.slice(600, 1_200))
      replay(cache, twoTouch.slice(1_200, 10_000))
      const second = replay(cache, twoTouch.slice(10_000))
      expect(second / 10_000).toBeGreaterThan(floor)
      // Until then ADAPTIVE is strict W-TinyLFU, which refuses every key seen once.
      if (policy === 'ADAPTIVE') expect(strict / 600).toBeLessThan(0.05)
    },
  )

  test('holds most of a loop larger than the cache, where LRU hits nothing', () => {
    const loop = range(30_000, (i) => `loop ${i % 1_500}`)
    const hits = (policy: PolicyName) =>
      replay(new AsyncCache<string, string>({ maxsize: 1_000, policy }), loop)
    expect(hits('LRU')).toBe(0)
    expect(hits('ADAPTIVE') / loop.length).toBeGreaterThan(0.55)
  })

  test('frequencies survive dump and restore, and keep protecting restored favourites', () => {
    const a = new AsyncCache<string, string>({ maxsize: 100, policy: 'ADAPTIVE' })
    const favourites = range(50, (i) => `fav ${i}`)
    for (let n = 0; n < 6; n++) replay(a, favourites)
    replay(
      a,
      range(40, (i) => `once ${i}`),
    )
    expect(a.info('fav 0')?.frequency).toBe(6)
    expect(a.info('once 0')?.frequency).toBe(1)

    const b = new AsyncCache<string, string>({ maxsize: 100, policy: 'ADAPTIVE' })
    const restored = a
      .dump()
      .reverse()
      .map((r) => b.restore(r.key, r.value, r.expiresAt, r.frequency))
    expect(restored.filter((r) => r === 'restored')).toHaveLength(90)
    expect(favourites.map((k) => b.info(k)?.frequency)).toEqual(favourites.map(() => 6))
    replay(
      b,
      range(500, (i) => `scan ${i}`),
    )
    expect(favourites.every((k) => b.has(k))).toBe(true)
  })

  test('counts carry over as the slot arrays grow', () => {
    const cache = new AsyncCache<string, string>({ maxsize: 10_000, policy: 'ADAPTIVE' })
    for (let n = 0; n < 5; n++) replay(cache, ['early'])
    replay(
      cache,
      range(2_000, (i) => `fill ${i}`),
    )
    expect(cache.info('early')?.frequency).toBe(5)
  })

  test('clear forgets counts and settings with the entries', () => {
    const cache = new AsyncCache<string, string>({ maxsize: 100, policy: 'ADAPTIVE' })
    for (let n = 0; n < 4; n++) replay(cache, ['a'])
    cache.clear()
    replay(cache, ['a'])
    expect(cache.info('a')?.frequency).toBe(1)
  })
})
