import { checkDelay, checkNumber, describe } from './check.js'

/**
 * How a failed load is retried, by every layer that retries (the wrapper, `cachedFetch`):
 * `attempts` more tries, each after a jittered, growing delay.
 */
export interface RetryOptions {
  /** Tries after the first one: an integer from 0 to 100. */
  attempts: number
  /** The first retry waits up to this, in ms; each next one up to twice the last. Default 1,000. */
  minDelayMs?: number
  /** No wait is longer, in ms (a server's `Retry-After` included). Default 30,000. */
  maxDelayMs?: number
}

/** The `retry` option: a number of retries with the default delays, or {@link RetryOptions}. */
export type RetryOption = number | RetryOptions

/** A checked retry option (see {@link retryPolicy}). */
export interface RetryPolicy {
  attempts: number
  minDelayMs: number
  maxDelayMs: number
}

/** Told of each failed try that will be retried: which try failed, why, and the wait. */
export type RetryListener = (attempt: number, error: unknown, delayMs: number) => void

/** Checks a `retry` option (see {@link RetryOption}); `undefined` for 0 or `undefined`: no retries. */
export function retryPolicy(option: RetryOption | undefined): RetryPolicy | undefined {
  if (option === undefined) return undefined
  const options = typeof option === 'number' ? { attempts: option } : option
  if (options === null || typeof options !== 'object') {
    throw new TypeError(
      `retry must be a number of retries or { attempts, minDelayMs, maxDelayMs }, got ${describe(option)}`,
    )
  }
  const attempts = checkNumber(
    typeof option === 'number' ? 'retry' : 'retry.attempts',
    options.attempts,
    {
      integer: true,
      min: 0,
      max: 100,
      allowed: 'an integer from 0 to 100',
    },
  )
  const minDelayMs = checkDelay('retry.minDelayMs', options.minDelayMs, 1000)
  const maxDelayMs = checkDelay(
    'retry.maxDelayMs',
    options.maxDelayMs,
    Math.max(30_000, minDelayMs),
  )
  if (maxDelayMs < minDelayMs) {
    throw new RangeError(
      `retry.maxDelayMs must be at least retry.minDelayMs (${minDelayMs}), got ${maxDelayMs}`,
    )
  }
  return attempts === 0 ? undefined : { attempts, minDelayMs, maxDelayMs }
}

/**
 * The wait before retrying after try `attempt` (1 for the first) failed: exponential backoff
 * with full jitter, a random share of `minDelayMs * 2^(attempt - 1)` capped by `maxDelayMs`,
 * so that clients that failed together do not come back together.
 */
export function retryDelay(policy: RetryPolicy, attempt: number, random = Math.random()): number {
  return Math.round(random * Math.min(policy.maxDelayMs, policy.minDelayMs * 2 ** (attempt - 1)))
}

/**
 * Runs `load`, and again after each rejection while tries remain, waiting {@link retryDelay}
 * in between. `signal` aborting stops the wait (or the next try) and rejects with its reason;
 * the last rejection is the result's.
 */
export async function retrying<V>(
  load: () => Promise<V> | V,
  policy: RetryPolicy,
  signal: AbortSignal,
  onRetry: RetryListener,
): Promise<V> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await load()
    } catch (error) {
      if (attempt > policy.attempts || signal.aborted) throw error
      const delayMs = retryDelay(policy, attempt)
      onRetry(attempt, error, delayMs)
      await wait(delayMs, signal)
    }
  }
}

/** Resolves after `ms` (a checked delay), or rejects with `signal`'s reason once it aborts. */
export function wait(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason)
      return
    }
    const abort = () => {
      clearTimeout(timer)
      reject(signal?.reason)
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', abort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', abort, { once: true })
  })
}
