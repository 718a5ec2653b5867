import { AsyncCache, type PolicyName } from 'asynccache'
import { describe, expect, test } from 'vitest'
import { FrequencySketch } from '../../lib/frequency-sketch.js'
import { hashKey, mix } from '../../lib/key-hash.js'
import { SETTINGS } from '../../lib/tournament.js'
import { JITTER_ODDS, JITTER_SEED, jitter, Regions, WARM } from '../../lib/w-tinylfu.js'

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

describe('admission jitter', () => {
  test('draws about one in JITTER_ODDS, differently per seed, the same for the same inputs', () => {
    const draws = (seed: number) =>
      Array.from({ length: 128_000 }, (_, n) => jitter(mix(n % 1_000), n, seed))
    const hits = draws(JITTER_SEED).filter(Boolean).length
    // Binomial(128,000, 1/128): mean 1,000, standard deviation 31.5.
    expect(hits).toBeGreaterThan(900)
    expect(hits).toBeLessThan(1_100)
    expect(draws(JITTER_SEED)).toEqual(draws(JITTER_SEED))
    expect(draws(1)).not.toEqual(draws(JITTER_SEED))
  })

  /**
   * Hash flooding: the main region's coldest entries are kept at the sketch's ceiling, so that
   * every newcomer loses its duel. Returns how many newcomers got in anyway: the main region's
   * coldest left instead of them.
   */
  function flood(usesPerNewcomer: number, seed?: number): number {
    const capacity = 100
    // Large enough that no count is halved (aging) during the run.
    const sketch = new FrequencySketch(1 << 16)
    const regions = new Regions(capacity, capacity, SETTINGS[0], sketch, seed)
    for (let i = 0; i < capacity; i++) {
      regions.insert(i, i)
      for (let n = 0; n < 15; n++) sketch.increment(i)
    }
    let admitted = 0
    // The window holds one entry: the newest, which duels when the next one arrives.
    let newest = capacity - 1
    for (let n = 0; n < 100 * JITTER_ODDS; n++) {
      const h = mix(n + 1_000_000) | capacity // never a favourite's hash
      for (let u = 0; u < usesPerNewcomer; u++) sketch.increment(h)
      const victim = regions.victim()
      // Asked again, as walks and the eviction ask: the same answer until the next arrival.
      expect(regions.coldest()).toBe(victim)
      if (regions.hash[victim] !== newest) admitted++
      regions.remove(victim)
      regions.insert(victim, h)
      newest = h
    }
    return admitted
  }

  test('a warm newcomer beats a victim kept hot one time in about JITTER_ODDS; a cold one never', () => {
    // 12,800 duels: about 100 warm newcomers get in (each time a favourite leaves).
    const warm = flood(WARM)
    expect(warm).toBeGreaterThan(60)
    expect(warm).toBeLessThan(140)
    expect(flood(WARM, 12_345)).not.toBe(warm)
    expect(flood(WARM - 1)).toBe(0)
    expect(flood(1)).toBe(0)
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
