// @vitest-environment node
// Node's Response streams its body as the Fetch standard says; happy-dom's buffers it.
import { cachedFetch } from 'asynccache/fetch'
import { describe, expect, test } from 'vitest'
import { record } from '../support/cache-events.js'
import { fetchDouble, networkResponse } from '../support/fetch-double.js'

const url = 'https://api.test/events'

/** A body that sends `first` and then stays open: it never closes, as a live feed does not. */
function endlessBody(first: string): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(first))
    },
  })
}

/** The first chunk a response's body delivers, as text. */
async function firstChunk(response: Response): Promise<string> {
  const { value } = (await response.body?.getReader().read()) ?? {}
  return new TextDecoder().decode(value)
}

describe('a response that is not stored is not buffered', () => {
  test.each([
    ['text/event-stream', { 'content-type': 'text/event-stream; charset=utf-8' }, {}],
    ['Cache-Control: no-store', { 'cache-control': 'no-store' }, {}],
    ['a 200 cacheable() refuses', {}, { cacheable: () => false }],
  ])(
    'a never-ending body with %s resolves every waiter, each reading the first chunk',
    async (_name, headers, options) => {
      const net = fetchDouble((call) =>
        networkResponse(call.url, endlessBody('data: 1\n\n'), { headers }),
      )
      const api = cachedFetch({ fetch: net.fetch, ...options })
      const events = record(api.cacheInstance)

      const responses = await Promise.all([api(url), api(url), api(url)])

      expect(net.calls).toHaveLength(1)
      expect(new Set(responses).size).toBe(3)
      for (const response of responses) expect(await firstChunk(response)).toBe('data: 1\n\n')
      expect(responses[0]?.url).toBe(url)
      expect(events).toEqual([
        `miss ${url}`,
        `load-start ${url}`,
        `hit ${url}`,
        `hit ${url}`,
        `fetch-response ${url}`,
        `load-success ${url}`,
      ])
      expect(api.cacheInstance.size).toBe(0)
    },
  )

  test('text/event-stream is never stored, whatever cacheable() and max-age say', async () => {
    const net = fetchDouble((call) =>
      networkResponse(call.url, 'data: done\n\n', {
        headers: { 'content-type': 'Text/Event-Stream', 'cache-control': 'max-age=60' },
      }),
    )
    const api = cachedFetch({ fetch: net.fetch, cacheable: () => true })

    expect(await (await api(url)).text()).toBe('data: done\n\n')
    expect(await (await api(url)).text()).toBe('data: done\n\n')
    expect(net.calls).toHaveLength(2)
  })
})
