import { FrequencySketch } from './frequency-sketch.js'
import { hashKey } from './key-hash.js'
import type { Policy } from './policy.js'
import { SETTINGS, Tournament } from './tournament.js'
import { NIL, Regions } from './w-tinylfu.js'

/** Restored frequencies are replayed into the sketch up to its saturation. */
const MAX_COUNT = 15

/**
 * `'ADAPTIVE'`: Window TinyLFU whose settings (window size, admission strictness, protected
 * share) follow the workload, chosen by a {@link Tournament} of sampled shadow caches. New
 * keys pass a small LRU window; leaving it, a key enters the main region only by beating the
 * main region's coldest on its estimated frequency (a {@link FrequencySketch} of recent uses,
 * kept for keys the cache no longer holds too), so that one-off keys and scans cannot flush
 * what is used often, while a larger window or lenient admission takes over where recency
 * matters more. O(1) per operation, nothing allocated: the key is hashed once, on insert.
 */
export class Adaptive implements Policy {
  #sketch: FrequencySketch
  readonly #regions: Regions
  readonly #tournament: Tournament

  constructor(capacity: number, maxsize: number) {
    this.#sketch = new FrequencySketch(capacity)
    this.#tournament = new Tournament(maxsize)
    this.#regions = new Regions(capacity, maxsize, SETTINGS[0], this.#sketch)
  }

  add(i: number, _frequency: number, key: unknown): void {
    const h = hashKey(key)
    this.#regions.insert(i, h)
    this.#used(h)
  }

  restore(i: number, frequency: number, key: unknown): void {
    const h = hashKey(key)
    this.#regions.restore(i, h)
    this.#count(h, frequency)
  }

  touch(i: number): void {
    this.#regions.use(i)
    this.#used(this.#regions.hash[i])
  }

  remove(i: number): void {
    this.#regions.remove(i)
  }

  coldest(): number {
    return this.#regions.coldest()
  }

  hotter(i: number): number {
    return this.#regions.hotter(i)
  }

  hottest(): number {
    return this.#regions.hottest()
  }

  colder(i: number): number {
    return this.#regions.colder(i)
  }

  /** The sketch's estimate of recent uses, at least 1: what `dump` records and `load` replays. */
  frequency(i: number): number {
    return Math.max(1, this.#sketch.estimate(this.#regions.hash[i]))
  }

  /**
   * The sketch grows with the slots (a generous `maxsize` costs nothing up front): the held
   * entries' counts are carried over, the others' are forgotten.
   */
  grow(capacity: number): void {
    this.#regions.grow(capacity)
    const old = this.#sketch
    if (capacity <= old.entries) return
    this.#sketch = this.#regions.sketch = new FrequencySketch(capacity)
    const regions = this.#regions
    // Not coldest/hotter: the victim they jump to depends on the counts being replayed.
    for (let i = regions.first(); i !== NIL; i = regions.after(i)) {
      this.#count(regions.hash[i], old.estimate(regions.hash[i]))
    }
  }

  clear(): void {
    this.#regions.clear()
    this.#sketch.clear()
    this.#tournament.clear()
    this.#regions.configure(SETTINGS[0])
  }

  /** Raises the estimate of the key hashed to `h` to `frequency`, as far as counters go. */
  #count(h: number, frequency: number): void {
    const target = Math.min(frequency, MAX_COUNT)
    for (let n = this.#sketch.estimate(h); n < target; n++) this.#sketch.increment(h)
  }

  /** Counts a use of the key hashed to `h`, and lets the tournament retune the cache. */
  #used(h: number): void {
    this.#sketch.increment(h)
    const t = this.#tournament
    if (!t.sampled(h)) return
    const next = t.access(h)
    if (next !== -1) this.#regions.configure(SETTINGS[next])
  }
}
