import { useEffect, useMemo, useState } from 'preact/hooks'
import { CatalogueView } from './catalogue-view.js'
import { Controls } from './controls.js'
import { createData, type Outcome } from './data.js'
import { ProductView } from './product-view.js'
import { type DemoSettings, loadSettings, saveSettings } from './settings.js'
import { Traffic } from './traffic.js'

const HISTORY = 12

/** The demo: a product catalogue whose every request goes through asynccache. */
export function App() {
  const [settings, setSettings] = useState(loadSettings)
  const data = useMemo(() => createData(settings), [settings])
  const [ready, setReady] = useState(false)
  const [current, setCurrent] = useState<Outcome>()
  const [history, setHistory] = useState<Outcome[]>([])

  useEffect(() => {
    setReady(false)
    // Hydration finishes (or fails) before the first request, so a reload is served from disk.
    ;(data.store?.ready ?? Promise.resolve()).then(() => setReady(true))
    return () => {
      data.dispose()
    }
  }, [data])

  const record = (o: Outcome) => setHistory((h) => [o, ...h].slice(0, HISTORY))
  const open = async (id: number) => {
    const o = await data.loadProduct(id)
    setCurrent(o)
    record(o)
  }
  const apply = (next: DemoSettings) => {
    saveSettings(next)
    setSettings(next)
  }

  return (
    <main data-ready={ready}>
      <header>
        <h1>asynccache demo: a product catalogue</h1>
        <p>
          Every product request goes through <code>cachedFetch</code>, the catalogue pages through{' '}
          <code>asyncCache</code>. The devtools panel, docked to the bottom of the page or an edge
          picked in it (the <kbd>AC</kbd> button at the bottom right, or <kbd>Alt+Shift+C</kbd>,
          opens and closes it), shows both caches live: hits, misses and evictions per second, the
          failed requests (the mock API answers 3 % of them with 503), every entry by URL or call
          with its status; click one for its response, headers and body, and to refresh, invalidate
          or fail it.
        </p>
        <Controls key={JSON.stringify(settings)} settings={settings} data={data} onApply={apply} />
      </header>
      {ready ? (
        <div class="layout">
          <Traffic data={data} onOutcome={record} />
          <CatalogueView data={data} opened={current?.id} onOpen={open} />
          <ProductView data={data} current={current} history={history} />
        </div>
      ) : (
        <p class="hint">Restoring the cache from IndexedDB...</p>
      )}
    </main>
  )
}
