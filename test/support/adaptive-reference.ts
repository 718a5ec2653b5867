/**
 * A reference of the ADAPTIVE policy for the model test, written for obviousness: keys in
 * plain arrays, least recent first, moved with indexOf and splice. It shares with lib/ only the
 * count-min sketch, the key hash and the table of settings (each tested on its own), and
 * re-derives everything else (limits, duel, walk order, tournament) from the algorithm's
 * description.
 */
import { FrequencySketch } from '../../lib/frequency-sketch.js'
import { hashKey, mix } from '../../lib/key-hash.js'
import { SETTINGS } from '../../lib/tournament.js'
import type { Settings } from '../../lib/w-tinylfu.js'

const without = (list: number[], key: number) => list.splice(list.indexOf(key), 1)

/** Window TinyLFU over keys (the cache's keys, or a shadow's hashes). */
class ReferenceRegions {
  window: number[] = []
  probation: number[] = []
  protected: number[] = []

  constructor(
    readonly capacity: number,
    public settings: Settings,
    readonly estimate: (key: number) => number,
  ) {}

  get windowLimit() {
    const c = this.capacity
    return Math.max(1, Math.min(c - 1, Math.round(this.settings.window * c)))
  }

  get protectedLimit() {
    return Math.floor(this.settings.protectedShare * (this.capacity - this.windowLimit))
  }

  has(key: number) {
    return [this.window, this.probation, this.protected].some((l) => l.includes(key))
  }

  insert(key: number) {
    this.window.push(key)
    while (this.window.length > this.windowLimit) this.probation.push(this.window.shift() as number)
  }

  use(key: number) {
    if (this.window.includes(key)) {
      without(this.window, key)
      this.window.push(key)
    } else if (this.protected.includes(key)) {
      without(this.protected, key)
      this.protected.push(key)
    } else {
      without(this.probation, key)
      if (this.settings.spent) {
        this.probation.unshift(key)
      } else {
        this.protected.push(key)
        this.trim()
      }
    }
  }

  remove(key: number) {
    for (const list of [this.window, this.probation, this.protected]) {
      if (list.includes(key)) without(list, key)
    }
  }

  /** The key the next arrival evicts: the duel's loser when the window is at its limit. */
  victim(): number | undefined {
    const main = this.probation[0] ?? this.protected[0]
    const candidate = this.window.length >= this.windowLimit ? this.window[0] : undefined
    if (candidate === undefined) return main ?? this.window[0]
    if (main === undefined) return candidate
    const s = this.settings
    const f = this.estimate(candidate)
    const admit = s.lenient || f > this.estimate(main) || (s.threshold > 0 && f >= s.threshold)
    return admit ? main : candidate
  }

  coldFirst(): number[] {
    const v = this.victim()
    if (v === undefined) return []
    return [v, ...[...this.probation, ...this.window, ...this.protected].filter((k) => k !== v)]
  }

  configure(settings: Settings) {
    if (settings.lenient && !this.settings.lenient) {
      this.probation.push(...this.protected)
      this.protected = []
    }
    this.settings = settings
    while (this.window.length > this.windowLimit) this.probation.push(this.window.shift() as number)
    while (this.window.length < this.windowLimit) {
      const from = this.probation.length > 0 ? this.probation : this.protected
      if (from.length === 0) break
      this.window.unshift(from.pop() as number)
    }
    this.trim()
  }

  private trim() {
    while (this.protected.length > this.protectedLimit) {
      this.probation.push(this.protected.shift() as number)
    }
  }
}

/** The ADAPTIVE policy over keys: the main regions, their sketch, and the tournament. */
export class ReferenceAdaptive {
  private readonly sketch: FrequencySketch
  private readonly main: ReferenceRegions
  private readonly shadowSketch: FrequencySketch
  private readonly shadows: ReferenceRegions[]
  private readonly rate: number
  private readonly period: number
  private readonly scores = SETTINGS.map(() => 0)
  private hits = SETTINGS.map(() => 0)
  private accesses = 0
  private current = 0

  constructor(maxsize: number) {
    // The cache's first slot arrays hold 16 entries; the model test's caches never grow.
    this.sketch = new FrequencySketch(Math.min(maxsize, 16))
    this.main = new ReferenceRegions(maxsize, SETTINGS[0], (k) => this.sketch.estimate(hashKey(k)))
    this.rate = Math.max(1, Math.floor(maxsize / 128))
    const size = Math.max(1, Math.round(maxsize / this.rate))
    this.period = 5 * size
    this.shadowSketch = new FrequencySketch(size)
    this.shadows = SETTINGS.map(
      (s) => new ReferenceRegions(size, s, (h) => this.shadowSketch.estimate(h)),
    )
  }

  add(key: number) {
    this.main.insert(key)
    this.used(key)
  }

  touch(key: number) {
    this.main.use(key)
    this.used(key)
  }

  remove(key: number) {
    this.main.remove(key)
  }

  coldFirst(): number[] {
    return this.main.coldFirst()
  }

  frequency(key: number) {
    return Math.max(1, this.sketch.estimate(hashKey(key)))
  }

  private used(key: number) {
    const h = hashKey(key)
    this.sketch.increment(h)
    if (this.rate > 1 && (mix(h ^ 0x3c6ef372) >>> 0) % this.rate !== 0) return
    // Each shadow is a cache of hashes: hit, or insert after evicting its victim.
    this.shadows.forEach((shadow, s) => {
      if (shadow.has(h)) {
        this.hits[s]++
        shadow.use(h)
        return
      }
      const full =
        shadow.window.length + shadow.probation.length + shadow.protected.length === shadow.capacity
      if (full) shadow.remove(shadow.victim() as number)
      shadow.insert(h)
    })
    this.shadowSketch.increment(h)
    if (++this.accesses < this.period) return
    this.hits.forEach((hits, s) => {
      this.scores[s] = 0.5 * this.scores[s] + (0.5 * hits) / this.accesses
    })
    this.hits = SETTINGS.map(() => 0)
    this.accesses = 0
    let best = this.current
    this.scores.forEach((score, s) => {
      if (score > this.scores[best]) best = s
    })
    if (this.scores[best] > this.scores[this.current] + 0.002) {
      this.current = best
      this.main.configure(SETTINGS[best])
    }
  }
}
