import { mountDevtools } from 'asynccache/devtools'
import { render } from 'preact'
import { App } from './app.js'

render(<App />, document.getElementById('app') as HTMLElement)
mountDevtools({ initialIsOpen: true, buttonPosition: 'bottom-right' })
