import { useCached, useCachedFetch } from 'asynccache/preact'
import { Component, h, render } from 'preact'
import { Suspense } from 'preact/compat'
import preact from 'preact/package.json' with { type: 'json' }
import { act } from 'preact/test-utils'
import { describeHooks, nextTask } from '../support/hook-suite.js'
import { peerName } from '../support/peers.js'

async function mount(element: unknown) {
  const container = document.body.appendChild(document.createElement('div'))
  await act(async () => render(element as never, container))
  return {
    container,
    unmount: () => act(async () => render(null, container)),
  }
}

describeHooks({
  name: peerName('preact', preact.version),
  h: h as never,
  Suspense,
  Component: Component as never,
  useCached,
  useCachedFetch,
  mount,
  act: (work) =>
    act(async () => {
      await work?.()
      await nextTask()
    }) as Promise<void>,
})
