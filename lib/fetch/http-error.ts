/**
 * What `cachedFetch(...).json()` rejects with when the status is not 2xx: a 404's error page
 * must not pass for the `T` the caller asked for. The response's body is left unread, so the
 * catcher may still read the server's error message from it.
 */
export class HttpError extends Error {
  override readonly name = 'HttpError'
  /** The HTTP status, as `response.status`. */
  readonly status: number
  /** The response, its body unread. */
  readonly response: Response

  constructor(response: Response) {
    const status = `${response.status} ${response.statusText}`.trimEnd()
    super(`${response.url || 'the request'} answered ${status}; json() parses only 2xx responses`)
    this.status = response.status
    this.response = response
  }
}
