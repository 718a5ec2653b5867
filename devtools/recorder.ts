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

/** A key's last failed load: when, and what failed (the error's message or the HTTP status). */
export interface KeyError {
  time: number
  message: string
}

/** Failed keys remembered at most, the oldest forgotten first. */
const ERRORS_KEPT = 200

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
  /** Loads in flight, by key, with their start time: listed before they store anything. */
  readonly loading = new Map<unknown, number>()
  /** The last failed load of each key, until it loads or sets again (at most {@link ERRORS_KEPT}). */
  readonly errors = new Map<unknown, KeyError>()
  /** Failed loads since the statistics were last reset: rejections and HTTP error statuses. */
  failures = 0
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
    else if (type === 'load-start') this.loading.set(event.key, event.time)
    else if (type === 'load-success') this.loading.delete(event.key)
    else if (type === 'load-error') {
      this.loading.delete(event.key)
      this.#fail(event.key, event.time, errorText(event.error))
    } else if (type === 'fetch-response') {
      // A 503 ends in load-success: only the response tells it failed.
      if (event.status >= 400) {
        this.#fail(event.key, event.time, `HTTP ${event.status} ${event.statusText}`.trim())
      } else this.errors.delete(event.key)
    } else if (type === 'set' || type === 'delete') this.errors.delete(event.key)
    else if (type === 'clear' || type === 'stats-reset') {
      this.failures = 0
      if (type === 'clear') this.errors.clear()
    }
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

  /** The logged events of one key, newest first. */
  eventsOf(key: unknown): CacheEvent[] {
    return this.events().filter((e) => 'key' in e && Object.is(e.key, key))
  }

  #fail(key: unknown, time: number, message: string): void {
    this.failures++
    this.errors.delete(key) // re-inserted as the newest
    this.errors.set(key, { time, message })
    if (this.errors.size > ERRORS_KEPT) this.errors.delete(this.errors.keys().next().value)
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

/** An error as one line: `Name: message` for an Error, its text for anything else. */
export function errorText(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`
  try {
    return String(error)
  } catch {
    return 'an error that cannot be shown'
  }
}
