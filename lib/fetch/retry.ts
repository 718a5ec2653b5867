import { type RetryPolicy, retryDelay, wait } from '../index.js'
import { deltaSeconds } from './cache-control.js'
import { parseHttpDate } from './http-date.js'

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
      const delayMs = retryDelay(policy, attempt)
      notify({ attempt, delayMs, status: undefined, error })
      await wait(delayMs, signal)
      continue
    }
    if (attempt > policy.attempts || !RETRIED_STATUSES.has(response.status)) return response
    const delayMs = retryAfterMs(response, policy) ?? retryDelay(policy, attempt)
    // The connection is freed rather than left holding a body nobody reads.
    response.body?.cancel().catch(() => {})
    notify({ attempt, delayMs, status: response.status, error: undefined })
    await wait(delayMs, signal)
  }
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
