import { AsyncCache, asyncCache } from 'asynccache'
import { persist } from 'asynccache/persist'
import { IDBFactory } from 'fake-indexeddb'
import { render } from 'preact'
import { useState } from 'preact/hooks'
import { act } from 'preact/test-utils'
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { Entries } from '../../devtools/entries.js'
import { Recorder } from '../../devtools/recorder.js'
import { ROW_HEIGHT } from '../../devtools/styles.js'
import { DEFAULT_ENTRIES_VIEW, type EntriesView } from '../../devtools/view.js'

const container = document.createElement('div')
document.body.append(container)

// A frozen performance clock: the snapshot throttle (a multiple of the last inspection's cost)
// then never defers a refresh, so each render shows the cache as it is.
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['performance'] })
})

afterEach(() => {
  act(() => render(null, container))
  vi.useRealTimers()
})

const recorders = new WeakMap<AsyncCache, Recorder>()

/** The recorder the panel would keep for `cache`, recording from the first show on. */
function recorderOf(cache: AsyncCache): Recorder {
  let r = recorders.get(cache)
  if (r === undefined) {
    r = new Recorder(cache, { windowSeconds: 60, logSize: 100 })
    r.start()
    recorders.set(cache, r)
  }
  return r
}

/** Entries as the panel shows it: the view state kept above it, as the panel keeps it. */
function Harness({ cache, version }: { cache: AsyncCache; version: number }) {
  const [view, setView] = useState<EntriesView>(DEFAULT_ENTRIES_VIEW)
  return (
    <Entries
      cache={cache}
      recorder={recorderOf(cache)}
      version={version}
      view={view}
      onView={(change) => setView((v) => ({ ...v, ...change }))}
      onTimeline={() => {}}
      origin="http://127.0.0.1:5173"
    />
  )
}

function show<V>(cache: AsyncCache<string, V>, version = 0): void {
  const any = cache as unknown as AsyncCache
  act(() => render(<Harness cache={any} version={version} />, container))
}

/** The body rows' cells but the status (see {@link statuses}), as text. */
function rows(): string[][] {
  return [...container.querySelectorAll('.viewport tbody tr')].map((tr) =>
    [...tr.querySelectorAll('td:not(.status)')].map((td) => td.textContent ?? ''),
  )
}

/** Each row's status, as the status cell tells assistive technology. */
function statuses(): string[] {
  return [...container.querySelectorAll('.viewport tbody td.status')].map(
    (td) => td.textContent ?? '',
  )
}

function headers(): string[] {
  return [...container.querySelectorAll('.viewport thead th:not(.status)')].map(
    (th) => th.textContent ?? '',
  )
}

function filter(text: string): void {
  const input = container.querySelector('input[type=search]') as HTMLInputElement
  act(() => {
    input.value = text
    input.dispatchEvent(new Event('input', { bubbles: true }))
  })
}

function click(label: string): void {
  const button = container.querySelector(`button[aria-label='${label}']`) as HTMLButtonElement
  expect(button, label).not.toBeNull()
  act(() => button.click())
}

describe('devtools Entries', () => {
  test('lists entries hottest first with rank, LFU uses, age and TTL left', () => {
    let t = 1_000
    const cache = new AsyncCache<string, unknown>({ maxsize: 10, policy: 'LFU', now: () => t })
    cache.set('a', { n: 1 }, { ttl: 30 })
    cache.set('b', 'text')
    cache.get('a')
    t = 3_500

    show(cache)

    expect(headers()).toEqual(['Key', 'Value', 'Rank ▲', 'Uses', 'Age', 'TTL left', 'Actions'])
    expect(rows()).toEqual([
      ['"a"', '{"n":1}', '0', '2', '2.5 s', '27.5 s', 'Delete'],
      ['"b"', '"text"', '1', '1', '2.5 s', '∞', 'Delete'],
    ])
  })

  test('an LRU cache has no uses column; a stale entry says so', () => {
    // Not 0: the core reads a store time of 0 as "unknown" (see the devtools report).
    let t = 1_000
    const cache = new AsyncCache<string, unknown>({
      maxsize: 10,
      policy: 'LRU',
      ttl: 1,
      staleWhileRevalidate: 10,
      now: () => t,
    })
    cache.set('k', 1)
    t = 3_000

    show(cache)

    expect(headers()).toEqual(['Key', 'Value', 'Rank ▲', 'Age', 'TTL left', 'Actions'])
    expect(rows()).toEqual([['"k"', '1', '0', '2.0 s', 'stale', 'Delete']])
  })

  test('renders only the visible rows of 10,000 entries, and the right ones after scrolling', () => {
    const cache = new AsyncCache<string, number>({ maxsize: 10_000, policy: 'LRU' })
    for (let i = 0; i < 10_000; i++) cache.set(`key-${i}`, i)

    show(cache)

    const table = container.querySelector('table') as HTMLTableElement
    expect(table.getAttribute('aria-rowcount')).toBe('10001')
    const first = rows()
    expect(first.length).toBeGreaterThan(10)
    expect(first.length).toBeLessThan(40)
    expect(first[0]?.[0]).toBe('"key-9999"') // the hottest: the last set

    const viewport = container.querySelector('.viewport') as HTMLElement
    act(() => {
      viewport.scrollTop = 5000 * ROW_HEIGHT
      viewport.dispatchEvent(new Event('scroll'))
    })
    const scrolled = container.querySelectorAll('tbody tr')
    expect(scrolled.length).toBeLessThan(40)
    const indices = [...scrolled].map((tr) => Number(tr.getAttribute('aria-rowindex')) - 2)
    expect(indices).toContain(5000)
    const row5000 = [...scrolled].find((tr) => tr.getAttribute('aria-rowindex') === '5002')
    expect(row5000?.querySelector('td.key')?.textContent).toBe('"key-4999"')
    expect(table.style.marginTop).toBe(`${(indices[0] as number) * ROW_HEIGHT}px`)
  })

  test('filters by key, case-insensitively, and counts what it shows', () => {
    const cache = new AsyncCache<string, number>({ maxsize: 100 })
    for (const key of ['user:1', 'user:2', 'post:1', 'USER:3']) cache.set(key, 0)
    show(cache)

    filter('user')

    expect(rows().map((r) => r[0])).toEqual(['"USER:3"', '"user:2"', '"user:1"'])
    expect(container.querySelector('.count')?.textContent).toBe('3 of 4 keys')

    filter('nothing')
    expect(rows()).toEqual([])
    expect(container.querySelector('.empty')?.textContent).toBe('No key matches the filter.')
  })

  test('sorts by a column, then in reverse on a second click', () => {
    const t = 0
    const cache = new AsyncCache<string, number>({ maxsize: 100, policy: 'LRU', now: () => t })
    cache.set('b', 0, { ttl: 30 })
    cache.set('c', 0, { ttl: 10 })
    cache.set('a', 0)
    show(cache)

    click('Sort by Key')
    expect(rows().map((r) => r[0])).toEqual(['"a"', '"b"', '"c"'])
    expect(container.querySelector('th[aria-sort=ascending]')?.textContent).toBe('Key ▲')

    click('Sort by Key')
    expect(rows().map((r) => r[0])).toEqual(['"c"', '"b"', '"a"'])
    expect(container.querySelector('th[aria-sort=descending]')?.textContent).toBe('Key ▼')

    click('Sort by TTL left')
    expect(rows().map((r) => r[0])).toEqual(['"c"', '"b"', '"a"']) // 10 s, 30 s, never
  })

  test('filters and sorts on the whole key, not on its truncated preview', () => {
    // The keys share their first 200 characters: only what the preview cuts off tells them apart.
    const stem = 'x'.repeat(200)
    const cache = new AsyncCache<string, number>({ maxsize: 100, policy: 'LRU' })
    cache.set(`${stem}a-needle`, 1)
    cache.set(`${stem}b-other`, 2) // the most recent: rank 0
    show(cache)
    const values = () => rows().map((r) => r[1])

    filter('needle')
    expect(values()).toEqual(['1'])
    const cell = container.querySelector('td.key') as HTMLElement
    // Shown whole: CSS ends the cell with an ellipsis, and the title holds the whole label.
    expect(cell.textContent).toBe(JSON.stringify(`${stem}a-needle`))
    expect(cell.title).toBe(cell.textContent)

    filter('')
    click('Sort by Key')
    expect(values()).toEqual(['1', '2'])
  })

  test('the delete action deletes the entry through the cache and the row goes', () => {
    const cache = new AsyncCache<string, number>({ maxsize: 100 })
    cache.set('keep', 1)
    cache.set('drop', 2)
    show(cache)

    click('Delete entry "drop"')

    expect(cache.has('drop')).toBe(false)
    expect(rows().map((r) => r[0])).toEqual(['"keep"'])
  })

  test('keys and values are text: markup in them is not parsed', () => {
    const cache = new AsyncCache<string, string>({ maxsize: 10 })
    cache.set('<b>key</b>', '<img src=x onerror="globalThis.pwned=1">')
    show(cache)

    expect(container.querySelector('tbody img, tbody b')).toBeNull()
    expect(rows()[0]?.slice(0, 2)).toEqual([
      '"<b>key</b>"',
      '"<img src=x onerror=\\"globalThis.pwned=1\\">"',
    ])
  })

  test('ages move on once a second even when no event changes the version', () => {
    let t = 1_000
    const cache = new AsyncCache<string, number>({ maxsize: 10, now: () => t })
    cache.subscribe(() => {}) // as the devtools do: a cache keeps ages once someone listens
    cache.set('a', 1)
    t = 3_000
    show(cache, 1)
    expect(rows()[0]?.[4]).toBe('2.0 s')

    t = 9_000
    show(cache, 1)
    expect(rows()[0]?.[4]).toBe('2.0 s') // same version, same second: the snapshot stands
    vi.advanceTimersByTime(1000)
    show(cache, 1)
    expect(rows()[0]?.[4]).toBe('8.0 s')
  })

  test('a Persisted column appears only when entries say whether they are on disk', () => {
    const cache = new AsyncCache<string, number>({ maxsize: 10, policy: 'LRU' })
    cache.set('disk', 1).set('memory', 2)
    show(cache, 1)
    expect(headers()).not.toContain('Persisted')

    const remove = cache.addInspector((key) => ({ persisted: key === 'disk' }))
    show(cache, 2)
    expect(headers()).toEqual(['Key', 'Value', 'Rank ▲', 'Age', 'TTL left', 'Persisted', 'Actions'])
    expect(rows().map((r) => [r[0], r[5]])).toEqual([
      ['"memory"', 'no'],
      ['"disk"', 'yes'],
    ])

    click('Sort by Persisted')
    expect(rows().map((r) => r[0])).toEqual(['"memory"', '"disk"'])
    click('Sort by Persisted')
    expect(rows().map((r) => r[0])).toEqual(['"disk"', '"memory"'])

    remove()
    show(cache, 3)
    expect(headers()).not.toContain('Persisted')
  })

  test('a persisted cache shows which entries have reached the disk', async () => {
    vi.stubGlobal('indexedDB', new IDBFactory())
    try {
      const cache = new AsyncCache<string, number>({ maxsize: 10, policy: 'LRU' })
      const store = persist(cache, { name: 'devtools-entries', schedule: () => () => {} })
      await store.ready
      cache.set('a', 1)
      await store.flush()
      cache.set('b', 2)
      show(cache, 1)
      expect(rows().map((r) => [r[0], r[5]])).toEqual([
        ['"b"', 'no'],
        ['"a"', 'yes'],
      ])
      await store.stop()
    } finally {
      vi.unstubAllGlobals()
    }
  })

  test('a new version re-inspects the cache; an unchanged one does not', () => {
    const cache = new AsyncCache<string, number>({ maxsize: 10 })
    cache.set('a', 1)
    show(cache, 1)
    cache.set('b', 2)
    show(cache, 1)
    expect(rows().map((r) => r[0])).toEqual(['"a"'])
    show(cache, 2)
    expect(rows().map((r) => r[0])).toEqual(['"b"', '"a"'])
  })
})

describe('devtools Entries: status, details and actions', () => {
  function button(label: string | RegExp): HTMLButtonElement {
    const found = [...container.querySelectorAll('button')].find((b) =>
      typeof label === 'string' ? b.textContent === label : label.test(b.textContent ?? ''),
    )
    expect(found, String(label)).toBeDefined()
    return found as HTMLButtonElement
  }
  const press = (label: string | RegExp) => act(() => button(label).click())
  const pick = (index: number) =>
    act(() => (container.querySelectorAll('.viewport tbody tr')[index] as HTMLElement).click())
  const chips = () =>
    [...container.querySelectorAll('.status-counts .chip')].map((c) => c.textContent)

  test('each key has a status, counted in the header: loads in flight and failures are listed too', async () => {
    let t = 0
    const cache = new AsyncCache<string, number>({
      maxsize: 10,
      policy: 'LRU',
      ttl: 1,
      staleWhileRevalidate: 10,
      now: () => t,
    })
    show(cache) // the recorder starts with the first show
    cache.set('old', 1)
    t = 2_000
    cache.set('fresh', 2)
    const never = cache.getOrLoad('loading', () => new Promise<number>(() => {}))
    void never
    await cache.getOrLoad('failed', () => Promise.reject(new Error('boom'))).catch(() => {})
    show(cache, 1)

    expect(rows().map((r) => r[0])).toEqual(['"fresh"', '"old"', '"loading"', '"failed"'])
    expect(statuses()).toEqual(['fresh', 'stale', 'loading', 'error'])
    expect(chips()).toEqual(['fresh 1', 'stale 1', 'loading 1', 'error 1'])
    expect(container.querySelector('.count')?.textContent).toBe('4 keys')
  })

  test('one key reads "1 key"; Rank and Uses explain themselves', () => {
    const cache = new AsyncCache<string, number>({ maxsize: 10, policy: 'LFU' })
    cache.set('only', 1)
    show(cache)
    expect(container.querySelector('.count')?.textContent).toBe('1 key')
    const help = [...container.querySelectorAll('thead th')].map((th) => th.getAttribute('title'))
    expect(help).toContain(
      'Rank: place in the eviction order, 0 = evicted last; the highest rank is evicted next.',
    )
    expect(help).toContain(
      'Uses: LFU counts each use; when full, the entry with the fewest uses goes.',
    )
  })

  test('a click on a row opens its details: the key in full, facts, the value as a tree, its events', () => {
    let t = 10_000
    const cache = new AsyncCache<string, unknown>({
      maxsize: 10,
      policy: 'LFU',
      ttl: 60,
      staleWhileRevalidate: 5,
      now: () => t,
    })
    show(cache)
    cache.set('user:1', { name: 'Ada', tags: ['a', 'b'], since: new Date(0) })
    cache.get('user:1')
    t = 12_500
    show(cache, 1)
    pick(0)

    const pane = container.querySelector('.entry-details') as HTMLElement
    expect(pane.querySelector('h3')?.textContent).toBe('"user:1"')
    const facts = [...pane.querySelectorAll('.facts dt')].map((dt) => [
      dt.textContent,
      dt.nextElementSibling?.textContent,
    ])
    expect(facts).toEqual([
      ['Status', 'fresh'],
      ['Age', '2.5 s'],
      ['TTL left', '57.5 s'],
      ['Stale window', '5.0 s past the TTL'],
      ['Rank', '0 (0 = evicted last)'],
      ['Uses', '2 (LFU evicts the fewest first)'],
    ])
    expect(pane.querySelector('.tree')?.textContent).toContain('value {3 keys}')
    act(() =>
      (
        pane.querySelector('.tree li:nth-child(1) ul li:nth-child(2) button') as HTMLElement
      ).click(),
    )
    expect(pane.querySelector('.tree')?.textContent).toContain('tags Array(2)0: "a"1: "b"')
    expect(pane.querySelector('.tree')?.textContent).toContain('since: 1970-01-01T00:00:00.000Z')
    const events = [...pane.querySelectorAll('.key-events li')].map((li) => li.textContent)
    expect(events).toEqual([expect.stringContaining('hit'), expect.stringContaining('set value=')])
  })

  test('Invalidate marks the entry stale, Delete removes it, both through the cache', () => {
    const t = 0
    const cache = new AsyncCache<string, number>({
      maxsize: 10,
      policy: 'LRU',
      ttl: 60,
      staleWhileRevalidate: 30,
      now: () => t,
    })
    cache.set('k', 1)
    show(cache)
    pick(0)
    press('Invalidate')
    expect(cache.inspect()[0]?.stale).toBe(true)
    expect(statuses()).toEqual(['stale'])
    expect((button('Invalidate') as HTMLButtonElement).disabled).toBe(true)

    press('Delete')
    expect(cache.has('k')).toBe(false)
    expect(rows()).toEqual([])
  })

  test('Trigger loading holds a load the app joins; Restore stores the value back', async () => {
    const cache = new AsyncCache<string, number>({ maxsize: 10, policy: 'LRU' })
    cache.set('k', 41)
    show(cache)
    pick(0)
    press('Trigger loading')
    expect(statuses()).toEqual(['loading'])
    let loaderRan = false
    const app = cache.getOrLoad('k', () => {
      loaderRan = true
      return 0
    })
    press('Restore')
    expect(await app).toBe(41)
    expect(loaderRan).toBe(false) // the app waited on the held load
    expect(cache.peek('k')).toBe(41)
  })

  test('Fail the load rejects the app waiting on a held load; Trigger error records a failure', async () => {
    const cache = new AsyncCache<string, number>({ maxsize: 10, policy: 'LRU' })
    cache.set('k', 1)
    show(cache)
    pick(0)
    press('Trigger loading')
    const app = cache.getOrLoad('k', () => 0)
    press('Fail the load')
    await expect(app).rejects.toThrow('Error triggered by the asynccache devtools')
    show(cache, 1)
    expect(statuses()).toEqual(['error'])

    cache.set('k', 2) // a value stored again clears the error
    show(cache, 2)
    expect(statuses()).toEqual(['fresh'])
    press('Trigger error') // the details stay open on the key
    await Promise.resolve()
    await Promise.resolve()
    show(cache, 3)
    expect(statuses()).toEqual(['error'])
    expect(cache.peek('k')).toBe(2) // the entry stays
    expect(container.querySelector('.entry-details .status-error')?.textContent).toMatch(
      /Last load failed at .*: TriggeredError: Error triggered by the asynccache devtools/,
    )
  })

  test('Refresh is disabled, with the reason, where the cache has no reloader; else it calls it', async () => {
    const cache = new AsyncCache<string, number>({ maxsize: 10, policy: 'LRU' })
    cache.set('k', 1)
    show(cache)
    pick(0)
    expect(button('Refresh').disabled).toBe(true)
    expect(button('Refresh').title).toMatch(/^Nothing but the app can reload/)

    const reloaded: unknown[] = []
    cache.reloader = async (key) => {
      reloaded.push(key)
      cache.set(key, 2)
    }
    show(cache, 1)
    press('Refresh')
    expect(reloaded).toEqual(['k'])
    expect(cache.peek('k')).toBe(2)
  })

  test("a wrapped function's entries read as calls; Refresh calls it again, or says why it cannot", async () => {
    let version = 0
    const fetchProduct = asyncCache()(async function fetchProduct(id: number, lang?: string) {
      return { id, lang, version: ++version }
    })
    await fetchProduct(7)
    show(fetchProduct.cacheInstance as unknown as AsyncCache<string, unknown>)
    expect(rows().map((row) => row[0])).toEqual(['fetchProduct(7)'])
    pick(0)
    expect(button('Refresh').disabled).toBe(false)
    await act(async () => {
      button('Refresh').click()
    })
    expect(fetchProduct.cacheInstance.peek(7)).toEqual({ id: 7, lang: undefined, version: 2 })

    await fetchProduct(8, 'en')
    show(fetchProduct.cacheInstance as unknown as AsyncCache<string, unknown>, 1)
    const row = rows().findIndex((r) => r[0] === 'fetchProduct(8, "en")')
    pick(row)
    await act(async () => {
      button('Refresh').click()
    })
    expect(container.querySelector('.entry-details p[role=status]')?.textContent).toBe(
      'Refresh failed: asyncCache cannot call fetchProduct(8, "en") again: a key keeps the arguments whole only for no argument, one primitive or one flat record (never a method\'s instance)',
    )
    expect(version).toBe(3) // 7 twice and 8 once: no call for the refresh that could not be
  })

  test('a cachedFetch response shows its status, headers and decoded JSON body', () => {
    const body = new TextEncoder().encode(JSON.stringify({ id: 7, name: 'Kettle' })).buffer
    const cache = new AsyncCache<string, unknown>({ maxsize: 10, policy: 'LRU' })
    cache.set('http://127.0.0.1:5173/api/products/7?x=1', {
      status: 200,
      statusText: 'OK',
      headers: [['content-type', 'application/json']],
      url: 'http://127.0.0.1:5173/api/products/7?x=1',
      redirected: false,
      type: 'basic',
      body,
    })
    show(cache)
    expect(rows()[0]?.[0]).toBe('GET /api/products/7?x=1')
    pick(0)
    const pane = container.querySelector('.entry-details') as HTMLElement
    expect(pane.querySelector('.response p')?.textContent).toBe(
      'HTTP 200 OK · 24 B · http://127.0.0.1:5173/api/products/7?x=1',
    )
    expect(pane.querySelector('.headers')?.textContent).toBe('content-typeapplication/json')
    expect(pane.querySelector('.tree')?.textContent).toBe('▾ body {2 keys}id: 7name: "Kettle"')
  })
})
