import { useCached, useCachedFetch } from 'asynccache/react'
import { createElement, type ReactNode, StrictMode, Suspense, version } from 'react'
import { createRoot, hydrateRoot } from 'react-dom/client'
import { renderToString } from 'react-dom/server'
import { describeApp } from '../support/app-suite.js'
import { peerName } from '../support/peers.js'

// A React app under StrictMode: effects mount, unmount and mount again.
describeApp({
  name: `${peerName('react', version)} (StrictMode)`,
  h: createElement as never,
  Suspense,
  useCached,
  useCachedFetch,
  mount(app) {
    const container = document.body.appendChild(document.createElement('div'))
    const root = createRoot(container)
    root.render(createElement(StrictMode, null, app as ReactNode))
    return { container, unmount: () => root.unmount() }
  },
  renderToString: (app) => renderToString(app as ReactNode),
  hydrate(container, app) {
    const errors: unknown[] = []
    const root = hydrateRoot(container, createElement(StrictMode, null, app as ReactNode), {
      onRecoverableError: (error) => errors.push(error),
    })
    return { errors, unmount: () => root.unmount() }
  },
})
