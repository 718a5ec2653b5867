import type { AsyncCache } from '../lib/index.js'

/** A load the panel holds open for a key (Trigger loading), until it is resolved or rejected. */
interface Held {
  resolve(value: unknown): void
  reject(error: Error): void
  /** The value the key held when the load started, stored back by {@link resolveHeld}. */
  previous: { value: unknown } | undefined
}

const held = new WeakMap<AsyncCache, Map<unknown, Held>>()

/** The error the panel's Trigger error and Reject make a load fail with. */
export class TriggeredError extends Error {
  override name = 'TriggeredError'
}

/** Whether the panel holds a load of `key` open. */
export function isHeld(cache: AsyncCache, key: unknown): boolean {
  return held.get(cache)?.has(key) === true
}

/**
 * Trigger loading: removes the entry and starts a load of `key` that does not finish, through
 * `getOrLoad`, so that the app's next use of the key joins it and waits (its loading state
 * shows) until {@link resolveHeld} or {@link rejectHeld}.
 */
export function holdLoading(cache: AsyncCache, key: unknown): void {
  if (isHeld(cache, key)) return
  const entry = cache.info(key)
  const previous = entry === undefined ? undefined : { value: entry.value }
  cache.delete(key)
  const holds = held.get(cache) ?? new Map<unknown, Held>()
  held.set(cache, holds)
  cache
    .getOrLoad(
      key,
      () => new Promise((resolve, reject) => holds.set(key, { resolve, reject, previous })),
    )
    .catch(() => {
      // The app's callers get the rejection; the panel only started the load.
    })
    .finally(() => {
      if (holds.get(key)?.previous === previous) holds.delete(key)
    })
}

/** Ends a held load with the value the key had (a key that had none fails instead). */
export function resolveHeld(cache: AsyncCache, key: unknown): void {
  const h = held.get(cache)?.get(key)
  if (h === undefined) return
  if (h.previous === undefined)
    h.reject(new TriggeredError('Released by the devtools: the key had no value to store'))
  else h.resolve(h.previous.value)
}

/** Ends a held load with a {@link TriggeredError}: every caller waiting for the key gets it. */
export function rejectHeld(cache: AsyncCache, key: unknown): void {
  held
    .get(cache)
    ?.get(key)
    ?.reject(new TriggeredError('Error triggered by the asynccache devtools'))
}

/**
 * Trigger error: a load of `key` that fails at once, through `getOrLoad` with `refresh`; the
 * entry stays as it was, the failure is recorded (the key shows as an error, the log has it).
 */
export function triggerError(cache: AsyncCache, key: unknown): void {
  cache
    .getOrLoad(
      key,
      () => Promise.reject(new TriggeredError('Error triggered by the asynccache devtools')),
      {
        refresh: true,
      },
    )
    .catch(() => {
      // Expected: the failure is the point, and the panel is its only caller.
    })
}
