import { checkDelay } from './check.js'
import type { CacheEventInit } from './events.js'

/** Options of one `getOrLoad` call. */
export interface LoadOptions {
  /** Aborting it rejects this caller with `signal.reason`; the load goes on for the others. */
  signal?: AbortSignal
  /**
   * Load even if the entry is fresh (joining a load already in flight), and replace it with
   * the result: a forced reload that a `set`, `delete` or `clear` still wins over. A miss.
   */
  refresh?: boolean
}

/**
 * What a loader may decide about the value it produces, once it knows it (an HTTP response's
 * `max-age`, an error payload that must reach the callers but not the cache).
 */
export interface LoadContext {
  /** This entry's TTL in seconds (`null`: never), instead of the cache's `ttl`. */
  ttl?: number | null
  /** `false`: hand the value to every waiter without storing it. Default `true`. */
  store?: boolean
}

/**
 * Computes a missing value. `signal` aborts once every caller waiting for it has left; `context`
 * lets the loader set the entry's TTL or keep the value out of the cache.
 */
export type Loader<V> = (signal: AbortSignal, context: LoadContext) => Promise<V> | V

/** What loading needs of its cache: the cache's own rules for serving, storing and counting. */
export interface LoadHost<K, V> {
  /**
   * The value as a resolved promise if memory can serve `key` (counting the hit, marking the
   * use, starting a stale entry's refresh through {@link Loads.revalidate}); else `undefined`.
   */
  serve(key: K, loader: Loader<V>): Promise<V> | undefined
  /** A loader's `context.ttl` (`undefined`: the cache's) in the milliseconds `store` takes; throws if bad. */
  ttl(seconds: number | null | undefined): number
  /** Stores a loaded value (a load is not a use); throws if the cache cannot measure it. */
  store(key: K, value: V, ttlMs: number): void
  /** Counts a lookup as a hit or a miss, telling listeners. */
  count(key: K, hit: boolean): void
  /** Whether anyone listens, checked before an event is built. */
  listening(): boolean
  emit(event: CacheEventInit<K, V>): void
  /** Records a finished load's run time. */
  profile(ns: number): void
}

/** A load in flight, shared by every caller of its key. */
interface Flight<K, V> {
  key: K
  promise: Promise<V>
  resolve: (value: V | PromiseLike<V>) => void
  reject: (reason: unknown) => void
  controller: AbortController
  /** Callers still waiting; a caller without a signal never leaves. */
  waiters: number
  /** A background refresh, held open by the cache itself until a caller joins it. */
  background: boolean
  /** Cleared by a `set`/`delete`/`clear` of the key, or when every waiter left: then the result is not stored. */
  store: boolean
  /** The flight this one's waiters were handed to (a held miss that found another load). */
  into: Flight<K, V> | undefined
}

const noop = () => {}

/**
 * The loads of one cache: single-flight per key, per-caller abort, supersession by a `set`,
 * `delete` or `clear`, background refreshes and held misses.
 *
 * One rule runs through it: whatever an event reports is complete before the event goes out
 * (a flight is registered, with its promise and its first waiter, before its `miss` or
 * `load-start`), so a listener or a loader that calls back into the cache joins what exists.
 */
export class Loads<K, V> {
  /** Loaders running now. */
  running = 0
  readonly #host: LoadHost<K, V>
  readonly #flights = new Map<K, Flight<K, V>>()
  /** Settles when misses may load (see {@link hold}); null when they may now. */
  #hold: Promise<void> | null = null

  constructor(host: LoadHost<K, V>) {
    this.#host = host
  }

  /** Whether misses are being held. */
  get holding(): boolean {
    return this.#hold !== null
  }

  /** Settles when misses may load: at once when none are held. */
  settled(): Promise<void> {
    return this.#hold ?? Promise.resolve()
  }

  /** Whether any load is in flight: `set` and `delete` only look for one to supersede then. */
  get busy(): boolean {
    return this.#flights.size > 0
  }

  /**
   * A lookup memory could not serve: joins the key's load in flight (a hit), or starts one (a
   * miss, counted when it starts: at once, or when a hold ends).
   */
  join(key: K, loader: Loader<V>, signal: AbortSignal | undefined, refresh = false): Promise<V> {
    let flight = this.#flights.get(key)
    if (flight !== undefined) {
      this.#adopt(flight, 1)
      this.#host.count(key, true)
    } else if (typeof loader !== 'function') {
      return Promise.reject(
        new TypeError(`getOrLoad: loader must be a function, got ${typeof loader}`),
      )
    } else {
      flight = this.#open(key)
      if (this.#hold === null) {
        this.#host.count(key, false)
        this.#run(flight, loader)
      } else {
        this.#held(flight, loader, refresh)
      }
    }
    return signal === undefined ? flight.promise : this.#wait(flight, signal)
  }

  /**
   * Starts (or finds) a stale entry's refresh, held open by the cache itself until a caller
   * joins it. Its flight exists before the `stale` event that reports it.
   */
  revalidate(key: K, loader: Loader<V>): void {
    const running = this.#flights.get(key)
    const flight = running ?? this.#open(key)
    if (running === undefined) flight.background = true
    if (this.#host.listening()) this.#host.emit({ type: 'stale', key })
    if (running === undefined) this.#run(flight, loader)
  }

  /** A `set` or `delete` of `key` wins over its load in flight. */
  supersede(key: K): void {
    const flight = this.#flights.get(key)
    if (flight === undefined) return
    flight.store = false
    this.#flights.delete(key)
  }

  /** A `clear` wins over every load in flight. */
  clear(): void {
    for (const flight of this.#flights.values()) flight.store = false
    this.#flights.clear()
  }

  /** Makes misses wait until `until` settles, at most `timeoutMs` (a timer's range: 0 to 2^31 - 1). */
  hold(until: PromiseLike<unknown>, timeoutMs: number): void {
    checkDelay('holdLoads: timeoutMs', timeoutMs)
    let timer: ReturnType<typeof setTimeout> | undefined
    const hold: Promise<void> = Promise.race([
      Promise.resolve(until).then(noop, noop),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs)
      }),
    ]).then(() => {
      clearTimeout(timer)
      if (this.#hold === hold) this.#hold = null
    })
    this.#hold = hold
  }

  /** A new flight for `key` with its first waiter, registered so that later callers join it. */
  #open(key: K): Flight<K, V> {
    const flight = {
      key,
      controller: new AbortController(),
      waiters: 1,
      store: true,
      background: false,
      into: undefined,
    } as Flight<K, V>
    flight.promise = new Promise<V>((resolve, reject) => {
      flight.resolve = resolve
      flight.reject = reject
    })
    // Every waiter may have left (or none was ever there): the rejection must still count as handled.
    flight.promise.catch(noop)
    this.#flights.set(key, flight)
    return flight
  }

  /** Adds `waiters` callers to `flight`; a background refresh is theirs from now on. */
  #adopt(flight: Flight<K, V>, waiters: number): void {
    flight.waiters += waiters
    if (flight.background) {
      // Real callers now wait: they alone decide whether the refresh is still wanted.
      flight.background = false
      flight.waiters--
    }
  }

  /** A miss while loads are held: it waits, then is served from memory if the key came back (unless it is a `refresh`). */
  #held(flight: Flight<K, V>, loader: Loader<V>, refresh: boolean): void {
    const { key, controller } = flight
    ;(this.#hold as Promise<void>).then(() => {
      if (controller.signal.aborted) return flight.reject(controller.signal.reason)
      if (this.#flights.get(key) === flight) this.#flights.delete(key)
      // A forced reload is not answered from memory, held or not.
      const served = refresh ? undefined : this.#host.serve(key, loader)
      if (served !== undefined) return flight.resolve(served)
      // Someone may have started a load since (after a delete superseded this one): its
      // callers and these now wait for it together, and leave from it.
      const other = this.#flights.get(key)
      if (other !== undefined) {
        this.#adopt(other, flight.waiters)
        flight.waiters = 0
        flight.into = other
        this.#host.count(key, true)
        return flight.resolve(other.promise)
      }
      flight.store = true
      this.#flights.set(key, flight)
      this.#host.count(key, false)
      this.#run(flight, loader)
    })
  }

  /** Runs the loader of a registered flight: timing, storing, events. */
  #run(flight: Flight<K, V>, loader: Loader<V>): void {
    const host = this.#host
    const { key, controller } = flight
    const context: LoadContext = {}
    this.running++
    if (host.listening()) host.emit({ type: 'load-start', key })
    const start = performance.now()
    // Never negative, even under a test's fake clock that moves performance.now() back.
    const elapsed = () => Math.max(0, performance.now() - start)
    const fail = (error: unknown) => {
      if (host.listening()) host.emit({ type: 'load-error', key, error, durationMs: elapsed() })
      flight.reject(error)
    }
    let result: Promise<V>
    try {
      result = Promise.resolve(loader(controller.signal, context))
    } catch (error) {
      result = Promise.reject(error)
    }
    result.then(
      (value) => {
        const ms = elapsed()
        this.#settle(flight)
        // Abandoned by every caller: a late value is not trusted to be wanted, nor stored.
        if (controller.signal.aborted) return fail(controller.signal.reason)
        let ttl: number
        try {
          ttl = host.ttl(context.ttl)
        } catch (error) {
          return fail(
            new RangeError(`getOrLoad: the loader set context.${(error as Error).message}`),
          )
        }
        host.profile(ms * 1e6)
        try {
          if (flight.store && context.store !== false) host.store(key, value, ttl)
        } catch (error) {
          // A value the cache refuses to measure (a bad sizeOf result) ends the load.
          return fail(error)
        }
        if (host.listening()) host.emit({ type: 'load-success', key, durationMs: ms })
        flight.resolve(value)
      },
      (error: unknown) => {
        this.#settle(flight)
        fail(error)
      },
    )
  }

  #settle(flight: Flight<K, V>): void {
    this.running--
    if (this.#flights.get(flight.key) === flight) this.#flights.delete(flight.key)
  }

  /** One caller's wait, which its `signal` ends: the last caller to leave aborts the load. */
  #wait(flight: Flight<K, V>, signal: AbortSignal): Promise<V> {
    return new Promise<V>((resolve, reject) => {
      const leave = () => {
        reject(signal.reason)
        let current = flight
        while (current.into !== undefined) current = current.into
        if (--current.waiters === 0) {
          current.store = false
          if (this.#flights.get(current.key) === current) this.#flights.delete(current.key)
          current.controller.abort(signal.reason)
        }
      }
      // A listener told of this very call may have aborted it already.
      if (signal.aborted) return leave()
      signal.addEventListener('abort', leave, { once: true })
      flight.promise.then(
        (value) => {
          signal.removeEventListener('abort', leave)
          resolve(value)
        },
        (error: unknown) => {
          signal.removeEventListener('abort', leave)
          reject(error)
        },
      )
    })
  }
}
