/** @jsxImportSource react */
import { asyncCache } from 'asynccache'
import { useCached, useCachedFetch } from 'asynccache/react'
import { act, Component, createElement, StrictMode, Suspense, version } from 'react'
import { createRoot } from 'react-dom/client'
import { expect, test } from 'vitest'
import { describeHooks, nextTask } from '../support/hook-suite.js'
import { peerName } from '../support/peers.js'

// React's act() wants to be told it runs in a test.
;(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true

async function mount(element: unknown) {
  const container = document.body.appendChild(document.createElement('div'))
  const root = createRoot(container)
  await act(async () => root.render(element as React.ReactNode))
  return {
    container,
    unmount: () => act(async () => root.unmount()),
  }
}

const name = peerName('react', version)

describeHooks({
  name,
  h: createElement as never,
  Suspense,
  Component: Component as never,
  useCached,
  useCachedFetch,
  mount,
  act: (work) =>
    act(async () => {
      await work?.()
      await nextTask()
    }),
})

test(`${name} StrictMode: the double mount starts one load, and the value shows`, async () => {
  const runs: number[] = []
  const fetchUser = asyncCache()(async (id: number) => {
    runs.push(id)
    return `user ${id}`
  })
  function Name() {
    const { data } = useCached(fetchUser, [4])
    return <p>{data ?? '...'}</p>
  }
  const { container } = await mount(
    <StrictMode>
      <Name />
    </StrictMode>,
  )
  await act(async () => {})
  expect(container.textContent).toBe('user 4')
  expect(runs).toEqual([4])
})
