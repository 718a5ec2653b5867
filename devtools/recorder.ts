import type { AsyncCache, CacheEvent } from '../lib/index.js'

/** Per-second counts over a rolling window, oldest second first, as the graph draws them. */
export interface Series {
  /** Seconds relative to the window's last second: `-(window - 1)` … `0`. */
  offsets: number[]
  hits: number[]
  misses: number[]
  /** Evictions of either reason (capacity or expired). */
  evictions: number[]
}

/** How a {@link Recorder} is built. */
export interface RecorderOptions {
  /** Seconds of per-second counters kept: the graph's rolling window. */
  windowSeconds: number
  /** Most events kept for the log; older ones are overwritten. */
  logSize: number
  /** Called after every recorded event; must itself be O(1) (it only schedules work). */
  onEvent?: () => void
}

/**
 * Records one cache's event stream for the devtools, without any rendering: per-second
 * counters of hits, misses and evictions in a ring of `windowSeconds` buckets, and the last
 * `logSize` events in a ring buffer. Each event costs O(1) and allocates nothing, so a storm
 * of events costs the app almost nothing while the panel draws at its own pace.
 *
 * Buckets are keyed by the event's `time` (the cache's clock), so an injected clock gives
 * exact, reproducible counts.
 */
export class Recorder {
  /** The cache recorded. */
  readonly cache: AsyncCache
  /** Bumped on every event: readers compare it to know whether anything changed. */
  version = 0

  readonly #window: number
  /** Per bucket: the second it counts, NaN while unused. */
  readonly #second: Float64Array
  readonly #hits: Float64Array
  readonly #misses: Float64Array
  readonly #evictions: Float64Array
  readonly #log: (CacheEvent | undefined)[]
  /** Events ever logged; the next write goes to `#logged % logSize`. */
  #logged = 0
  readonly #onEvent: (() => void) | undefined
  #unsubscribe: (() => void) | undefined

  constructor(cache: AsyncCache, options: RecorderOptions) {
    this.cache = cache
    this.#window = options.windowSeconds
    this.#second = new Float64Array(this.#window).fill(Number.NaN)
    this.#hits = new Float64Array(this.#window)
    this.#misses = new Float64Array(this.#window)
    this.#evictions = new Float64Array(this.#window)
    this.#log = new Array(options.logSize)
    this.#onEvent = options.onEvent
  }

  /** Subscribes to the cache; calling it again while recording does nothing. */
  start(): void {
    this.#unsubscribe ??= this.cache.subscribe(this.record)
  }

  /** Unsubscribes from the cache, keeping what was recorded. */
  stop(): void {
    this.#unsubscribe?.()
    this.#unsubscribe = undefined
  }

  /** Takes one event: the cache's listener (bound, so it can be handed over as is). */
  readonly record = (event: CacheEvent): void => {
    this.version++
    this.#log[this.#logged % this.#log.length] = event
    this.#logged++
    const type = event.type
    if (type === 'hit') this.#count(this.#hits, event.time)
    else if (type === 'miss') this.#count(this.#misses, event.time)
    else if (type === 'evict') this.#count(this.#evictions, event.time)
    this.#onEvent?.()
  }

  /** Counts per second for the window ending with the second that holds `endMs`. */
  series(endMs: number): Series {
    const end = Math.floor(endMs / 1000)
    const series: Series = { offsets: [], hits: [], misses: [], evictions: [] }
    for (let offset = 1 - this.#window; offset <= 0; offset++) {
      const second = end + offset
      const b = this.#bucket(second)
      const current = this.#second[b] === second
      series.offsets.push(offset)
      series.hits.push(current ? this.#hits[b] : 0)
      series.misses.push(current ? this.#misses[b] : 0)
      series.evictions.push(current ? this.#evictions[b] : 0)
    }
    return series
  }

  /** Events ever recorded, including those the log no longer holds. */
  get total(): number {
    return this.#logged
  }

  /** The logged events, newest first (at most `logSize`). */
  events(): CacheEvent[] {
    const size = this.#log.length
    const kept = Math.min(this.#logged, size)
    const out: CacheEvent[] = new Array(kept)
    for (let i = 0; i < kept; i++) out[i] = this.#log[(this.#logged - 1 - i) % size] as CacheEvent
    return out
  }

  #bucket(second: number): number {
    return ((second % this.#window) + this.#window) % this.#window
  }

  #count(counts: Float64Array, time: number): void {
    const second = Math.floor(time / 1000)
    const b = this.#bucket(second)
    const held = this.#second[b]
    if (held !== second) {
      // An event older than the window (only an injected clock can go back) is not drawable.
      if (held > second) return
      this.#second[b] = second
      this.#hits[b] = this.#misses[b] = this.#evictions[b] = 0
    }
    counts[b]++
  }
}
