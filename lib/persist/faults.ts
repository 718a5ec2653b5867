import type { AsyncCache } from '../index.js'

/**
 * How storage failures are told apart. IndexedDB reports them as `DOMException`s (or, from
 * older engines and polyfills, as errors carrying the same `name`), so they are matched by name.
 */

/** Thrown for a storage call that never reached the object store: IndexedDB is missing or refused. */
export class StorageUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`IndexedDB could not be opened (${describeError(cause)})`, { cause })
    this.name = 'StorageUnavailableError'
  }
}

function nameOf(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'name' in error
    ? String((error as { name: unknown }).name)
    : undefined
}

/** The origin's storage quota is used up. */
export function isQuotaError(error: unknown): boolean {
  return nameOf(error) === 'QuotaExceededError'
}

/**
 * The connection was closed under us ("The database connection is closing"): Safari does this,
 * and so does closing it on purpose. A fresh connection usually works.
 */
export function isClosingError(error: unknown): boolean {
  return nameOf(error) === 'InvalidStateError'
}

/** One line naming a failure, for a `persist-error` event's `reason`. */
export function describeError(error: unknown): string {
  if (error === null || error === undefined) return 'the transaction was aborted'
  const name = nameOf(error)
  const message =
    typeof error === 'object' && 'message' in error ? String(error.message) : String(error)
  return name === undefined || message.startsWith(name) ? message : `${name}: ${message}`
}

/**
 * Publishes a `persist-error` on the cache's stream, naming `key` when the failure concerns one
 * entry. Faults are reported, never thrown: the memory cache goes on regardless.
 */
export function reportError<K>(
  cache: AsyncCache<K, unknown>,
  reason: string,
  ...key: [K] | []
): void {
  cache.publish(
    key.length === 0
      ? { type: 'persist-error', reason }
      : { type: 'persist-error', key: key[0], reason },
  )
}
