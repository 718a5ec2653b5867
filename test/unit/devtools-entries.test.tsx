import { AsyncCache } from 'asynccache'
import { persist } from 'asynccache/persist'
import { IDBFactory } from 'fake-indexeddb'
import { render } from 'preact'
import { act } from 'preact/test-utils'
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { Entries } from '../../devtools/entries.js'
import { ROW_HEIGHT } from '../../devtools/styles.js'

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

function show<V>(cache: AsyncCache<string, V>, version = 0): void {
  const any = cache as unknown as AsyncCache
  act(() => render(<Entries cache={any} version={version} />, container))
}

/** The body rows' cells, as text. */
function rows(): string[][] {
  return [...container.querySelectorAll('tbody tr')].map((tr) =>
    [...tr.querySelectorAll('td')].map((td) => td.textContent ?? ''),
  )
}

function headers(): string[] {
  return [...container.querySelectorAll('thead th')].map((th) => th.textContent ?? '')
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
    expect(row5000?.querySelector('td')?.textContent).toBe('"key-4999"')
    expect(table.style.marginTop).toBe(`${(indices[0] as number) * ROW_HEIGHT}px`)
  })

  test('filters by key, case-insensitively, and counts what it shows', () => {
    const cache = new AsyncCache<string, number>({ maxsize: 100 })
    for (const key of ['user:1', 'user:2', 'post:1', 'USER:3']) cache.set(key, 0)
    show(cache)

    filter('user')

    expect(rows().map((r) => r[0])).toEqual(['"USER:3"', '"user:2"', '"user:1"'])
    expect(container.querySelector('.count')?.textContent).toBe('3 of 4 entries')

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
    expect(cell.textContent).toHaveLength(120) // still truncated for display
    expect(cell.textContent?.endsWith('…')).toBe(true)

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
