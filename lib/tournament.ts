import { FrequencySketch } from './frequency-sketch.js'
import { mix } from './key-hash.js'
import { Regions, type Settings } from './w-tinylfu.js'

/**
 * The settings the shadows try, the first being where a cache starts (Caffeine's 1 % window):
 * strict admission with small, medium and large windows, lenient admission (for keys that
 * come twice and go, which strict admission refuses), and strict admission with a threshold
 * (for loops larger than the cache, where every key has the same count).
 */
export const SETTINGS: readonly Settings[] = [
  { window: 0.01, lenient: false, protectedShare: 0.8, threshold: 0, spent: false },
  { window: 0.1, lenient: false, protectedShare: 0.8, threshold: 0, spent: false },
  { window: 0.3, lenient: false, protectedShare: 0.8, threshold: 0, spent: false },
  { window: 0.01, lenient: true, protectedShare: 0.5, threshold: 0, spent: false },
  { window: 0.01, lenient: false, protectedShare: 0.8, threshold: 3, spent: false },
  { window: 0.5, lenient: true, protectedShare: 0.5, threshold: 0, spent: false },
  { window: 0.01, lenient: true, protectedShare: 0, threshold: 0, spent: true },
]

/** A shadow holds about this many entries: one key in `maxsize / SAMPLE` is replayed. */
const SAMPLE = 128
/** Scores are taken after this many sampled uses per shadow entry. */
const PERIOD = 5
/** Weight of the newest period in a score; the rest is the previous score. */
const WEIGHT = 0.5
/** A challenger must beat the current settings' score by this much (0.2 points) to take over. */
const MARGIN = 0.002

/** A miniature W-TinyLFU cache of hashes: it holds no values, only what would have hit. */
class Shadow {
  readonly regions: Regions
  /** Hash (shifted into a small integer, so `Map` keeps it unboxed) to slot. */
  readonly #index = new Map<number, number>()
  readonly #capacity: number
  #used = 0
  hits = 0

  constructor(capacity: number, settings: Settings, sketch: FrequencySketch) {
    this.#capacity = capacity
    this.regions = new Regions(capacity, capacity, settings, sketch)
  }

  access(h: number): void {
    const key = h >> 2
    let i = this.#index.get(key)
    if (i !== undefined) {
      this.hits++
      this.regions.use(i)
      return
    }
    if (this.#used < this.#capacity) {
      i = this.#used++
    } else {
      i = this.regions.victim()
      this.regions.remove(i)
      this.#index.delete(this.regions.hash[i] >> 2)
    }
    this.#index.set(key, i)
    this.regions.insert(i, h)
  }

  clear(): void {
    this.#index.clear()
    this.#used = this.hits = 0
    this.regions.clear()
  }
}

/**
 * Picks a W-TinyLFU cache's settings by a tournament: one shadow cache per candidate setting,
 * each replaying the same hash-sampled subset of the keys at the same scale, scored by an
 * exponentially weighted hit rate. Sampling keeps it O(1) per use and small (six shadows of
 * 128 to 255 entries at most), at the cost of noise on small caches, where each holds them all.
 */
export class Tournament {
  readonly #shadows: Shadow[]
  readonly #sketch: FrequencySketch
  /** One key in `rate` is sampled. */
  readonly #rate: number
  readonly #period: number
  readonly #scores = new Float64Array(SETTINGS.length)
  #accesses = 0
  /** Index in {@link SETTINGS} of the settings the cache runs. */
  current = 0

  constructor(maxsize: number) {
    this.#rate = Math.max(1, Math.floor(maxsize / SAMPLE))
    const size = Math.max(1, Math.round(maxsize / this.#rate))
    this.#period = PERIOD * size
    this.#sketch = new FrequencySketch(size)
    this.#shadows = SETTINGS.map((s) => new Shadow(size, s, this.#sketch))
  }

  /** Whether the key hashed to `h` is one the shadows replay. */
  sampled(h: number): boolean {
    return this.#rate === 1 || (mix(h ^ 0x3c6ef372) >>> 0) % this.#rate === 0
  }

  /**
   * Replays one use of a sampled key on every shadow. Returns the index of better settings
   * when a period ends with a challenger ahead by the margin, -1 otherwise.
   */
  access(h: number): number {
    for (let s = 0; s < this.#shadows.length; s++) this.#shadows[s].access(h)
    this.#sketch.increment(h)
    if (++this.#accesses < this.#period) return -1
    for (let s = 0; s < this.#shadows.length; s++) {
      const shadow = this.#shadows[s]
      this.#scores[s] = (1 - WEIGHT) * this.#scores[s] + (WEIGHT * shadow.hits) / this.#accesses
      shadow.hits = 0
    }
    this.#accesses = 0
    let best = this.current
    for (let s = 0; s < this.#scores.length; s++) {
      if (this.#scores[s] > this.#scores[best]) best = s
    }
    if (best === this.current || this.#scores[best] <= this.#scores[this.current] + MARGIN) {
      return -1
    }
    this.current = best
    return best
  }

  clear(): void {
    for (const shadow of this.#shadows) shadow.clear()
    this.#sketch.clear()
    this.#scores.fill(0)
    this.#accesses = this.current = 0
  }
}
