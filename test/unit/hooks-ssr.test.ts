// @vitest-environment node
import { Writable } from 'node:stream'
import { asyncCache } from 'asynccache'
import { h } from 'preact'
import { Suspense as PreactSuspense } from 'preact/compat'
import preact from 'preact/package.json' with { type: 'json' }
import { renderToString as preactToString, renderToStringAsync } from 'preact-render-to-string'
import { createElement, type ReactNode, Suspense, version } from 'react'
import { renderToString as reactToString, renderToPipeableStream } from 'react-dom/server'
import { renderToReadableStream } from 'react-dom/server.browser'
import { describe, expect, test } from 'vitest'
import { peerName } from '../support/peers.js'

/** Node's streaming render, in React 18 and 19: the page once every Suspense boundary is ready. */
function pipeToString(element: ReactNode): Promise<string> {
  return new Promise((resolve, reject) => {
    let html = ''
    const sink = new Writable({
      write(chunk, _encoding, done) {
        html += chunk
        done()
      },
    })
    sink.on('finish', () => resolve(html))
    const { pipe } = renderToPipeableStream(element, {
      onAllReady: () => pipe(sink),
      onShellError: reject,
    })
  })
}

/**
 * The web-streams render (edge runtimes, Deno, Bun), likewise. React 18 has it only in
 * react-dom/server.browser; React 19 in react-dom/server too.
 */
async function readableToString(element: ReactNode): Promise<string> {
  const stream = await renderToReadableStream(element)
  await stream.allReady
  return new Response(stream).text()
}

describe(`the hooks on a server (no DOM): ${peerName('react', version)}, ${peerName('preact', preact.version)}`, () => {
  test('both entries import and render where there is no window or document', async () => {
    expect(typeof (globalThis as { window?: unknown }).window).toBe('undefined')
    expect(typeof (globalThis as { document?: unknown }).document).toBe('undefined')
    const react = await import('asynccache/react')
    const preact = await import('asynccache/preact')
    const runs: number[] = []
    const fetchUser = asyncCache()(async (id: number) => {
      runs.push(id)
      return `user ${id}`
    })
    await fetchUser(1)
    function ReactUser({ id }: { id: number }) {
      const { data, status } = react.useCached(fetchUser, [id])
      return createElement('p', null, `${status} ${data}`)
    }
    function PreactUser({ id }: { id: number }) {
      const { data, status } = preact.useCached(fetchUser, [id])
      return h('p', null, `${status} ${data}`)
    }
    // A cached value renders; a missing one renders pending, and rendering loads nothing.
    expect(reactToString(createElement(ReactUser, { id: 1 }))).toBe('<p>success user 1</p>')
    expect(preactToString(h(PreactUser, { id: 1 }))).toBe('<p>success user 1</p>')
    expect(reactToString(createElement(ReactUser, { id: 2 }))).toBe('<p>pending undefined</p>')
    expect(preactToString(h(PreactUser, { id: 2 }))).toBe('<p>pending undefined</p>')
    expect(runs).toEqual([1])
  })

  test.each([
    ['renderToPipeableStream', pipeToString],
    ['renderToReadableStream', readableToString],
  ])(
    'with suspense, a streaming render (React: %s) fills the per-request cache while rendering: one load per key',
    async (_, renderToStream) => {
      const react = await import('asynccache/react')
      const preact = await import('asynccache/preact')
      const runs: number[] = []
      const fetchUser = asyncCache()(async (id: number) => {
        runs.push(id)
        return `user ${id}`
      })
      function ReactUser({ id }: { id: number }) {
        const { data } = react.useCached(fetchUser, [id], { suspense: true })
        return createElement('p', null, data)
      }
      const reactPage = createElement(
        Suspense,
        { fallback: 'loading' },
        createElement(ReactUser, { id: 3 }),
        createElement(ReactUser, { id: 3 }),
      )
      const html = await renderToStream(reactPage)
      expect(html).toContain('<p>user 3</p><p>user 3</p>')
      function PreactUser({ id }: { id: number }) {
        const { data } = preact.useCached(fetchUser, [id], { suspense: true })
        return h('p', null, data)
      }
      const preactPage = h(PreactSuspense, { fallback: 'loading' }, h(PreactUser, { id: 4 }))
      expect(await renderToStringAsync(preactPage)).toContain('<p>user 4</p>')
      expect(runs).toEqual([3, 4])
    },
  )
})
