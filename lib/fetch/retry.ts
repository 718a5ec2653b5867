import { checkDelay, checkNumber, describe } from '../index.js'
import { deltaSeconds } from './cache-control.js'
import { parseHttpDate } from './http-date.js'

/** How `cachedFetch` retries a GET or HEAD that failed in a way that may pass. */
export interface RetryOptions {
  /** Retries after the first attempt; a whole number, 0 or more. */
  attempts: number
  /** The first retry waits up to this (ms); each next one up to twice the last. Default 250. */
  minDelayMs?: number
  /** No wait is longer, a server's `Retry-After` included (ms). Default 30,000. */
  maxDelayMs?: number
}

/** {@link RetryOptions} checked, with their defaults. */
export type RetryPolicy = Required<RetryOptions>

/** One retry about to wait: its number (1 for the first), its delay and what failed. */
export interface RetryNotice {
  attempt: number
  delayMs: number
  /** The status that asked for the retry, or `undefined` after a network error. */
  status: number | undefined
  /** The network error, or `undefined` after a status. */
  error: unknown
}

/**
 * Statuses worth another try: Request Timeout, Too Many Requests, and the server errors that
 * say "not now" rather than "never" (501 Not Implemented and 505 would fail the same way again).
 */
export const RETRIED_STATUSES = new Set([408, 429, 500, 502, 503, 504])

const NO_RETRY: RetryPolicy = { attempts: 0, minDelayMs: 250, maxDelayMs: 30_000 }

/** Checks the `retry` option: a number of attempts or {@link RetryOptions}. */
export function resolveRetry(value: unknown): RetryPolicy {
  if (value === undefined) return NO_RETRY
  const attemptsRule = { integer: true, min: 0, allowed: 'a whole number of retries, 0 or more' }
  if (typeof value === 'number')
    return { ...NO_RETRY, attempts: checkNumber('retry', value, attemptsRule) }
  if (value === null || typeof value !== 'object') {
    throw new TypeError(
      `retry must be a number of retries or { attempts, minDelayMs, maxDelayMs }, got ${describe(value)}`,
    )
  }
  const options = value as RetryOptions
  const minDelayMs = checkDelay('retry.minDelayMs', options.minDelayMs, NO_RETRY.minDelayMs)
  const maxDelayMs = checkDelay('retry.maxDelayMs', options.maxDelayMs, NO_RETRY.maxDelayMs)
  if (maxDelayMs < minDelayMs) {
    throw new RangeError(
      `retry.maxDelayMs must be at least retry.minDelayMs (${minDelayMs}), got ${maxDelayMs}`,
    )
  }
  return {
    attempts: checkNumber('retry.attempts', options.attempts, attemptsRule),
    minDelayMs,
    maxDelayMs,
  }
}

/**
 * Sends a request, and again after a network error or a {@link RETRIED_STATUSES} status, up
 * to `policy.attempts` more times. A retry waits as the response's `Retry-After` says (seconds
 * or an HTTP-date, capped by `maxDelayMs`), else a random time up to `minDelayMs` doubled per
 * retry, capped by `maxDelayMs` ("full jitter": many clients retrying do not come back
 * together). `signal` aborting ends it at once with its reason, waiting or not. The last
 * response (a 503 too) or error is the result.
 */
export async function withRetries(
  send: () => Promise<Response>,
  policy: RetryPolicy,
  signal: AbortSignal | undefined,
  notify: (notice: RetryNotice) => void,
): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    let response: Response
    try {
      response = await send()
    } catch (error) {
      if (attempt > policy.attempts || signal?.aborted) throw error
      const delayMs = backoff(policy, attempt)
      notify({ attempt, delayMs, status: undefined, error })
      await wait(delayMs, signal)
      continue
    }
    if (attempt > policy.attempts || !RETRIED_STATUSES.has(response.status)) return response
    const delayMs = retryAfterMs(response, policy) ?? backoff(policy, attempt)
    // The connection is freed rather than left holding a body nobody reads.
    response.body?.cancel().catch(() => {})
    notify({ attempt, delayMs, status: response.status, error: undefined })
    await wait(delayMs, signal)
  }
}

function backoff({ minDelayMs, maxDelayMs }: RetryPolicy, attempt: number): number {
  return Math.round(Math.random() * Math.min(maxDelayMs, minDelayMs * 2 ** (attempt - 1)))
}

/**
 * What `Retry-After` asks (RFC 9110 section 10.2.3), capped by `maxDelayMs`; an HTTP-date is
 * taken against the response's own `Date` when valid, so that a skewed local clock does not
 * matter. `undefined` when absent or invalid.
 */
function retryAfterMs(response: Response, { maxDelayMs }: RetryPolicy): number | undefined {
  const value = response.headers.get('retry-after')?.trim()
  if (value === undefined) return undefined
  const seconds = deltaSeconds(value)
  let ms: number | undefined
  if (seconds !== undefined) {
    ms = seconds * 1000
  } else {
    const at = parseHttpDate(value)
    if (at === undefined) return undefined
    ms = Math.max(0, at - (parseHttpDate(response.headers.get('date')) ?? Date.now()))
  }
  return Math.min(ms, maxDelayMs)
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
function wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
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
