import { useCached, useCachedFetch } from 'asynccache/preact'
import { h, hydrate, render } from 'preact'
import { Suspense } from 'preact/compat'
import preact from 'preact/package.json' with { type: 'json' }
import { renderToString } from 'preact-render-to-string'
import { describeApp } from '../support/app-suite.js'
import { peerName } from '../support/peers.js'

describeApp({
  name: peerName('preact', preact.version),
  h: h as never,
  Suspense,
  useCached,
  useCachedFetch,
  mount(app) {
    const container = document.body.appendChild(document.createElement('div'))
    render(app as never, container)
    return { container, unmount: () => render(null, container) }
  },
  renderToString: (app) => renderToString(app as never),
  hydrate(container, app) {
    hydrate(app as never, container)
    return { errors: [], unmount: () => render(null, container) }
  },
})
