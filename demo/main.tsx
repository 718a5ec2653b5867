// The demo shows the panel in its production build too (`npm run preview`), hence /production.
import { mountDevtools } from 'asynccache/devtools/production'
import { render } from 'preact'
import { App } from './app.js'

render(<App />, document.getElementById('app') as HTMLElement)
mountDevtools({ initialIsOpen: true, buttonPosition: 'bottom-right' })
