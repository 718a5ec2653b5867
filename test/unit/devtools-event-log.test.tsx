import { AsyncCache, type CacheEvent } from 'asynccache'
import { render } from 'preact'
import { useState } from 'preact/hooks'
import { act } from 'preact/test-utils'
import { afterEach, describe, expect, test } from 'vitest'
import { EventLog } from '../../devtools/event-log.js'
import { clockTime } from '../../devtools/format.js'
import { keyLabel } from '../../devtools/labels.js'
import { Recorder } from '../../devtools/recorder.js'
import { DEFAULT_EVENTS_VIEW, type EventsView } from '../../devtools/view.js'

const container = document.createElement('div')
document.body.append(container)

afterEach(() => {
  act(() => render(null, container))
})

/** The log as the panel shows it: the view state kept above it, as the panel keeps it. */
function Harness({ recorder }: { recorder: Recorder }) {
  const [view, setView] = useState<EventsView>(DEFAULT_EVENTS_VIEW)
  return (
    <EventLog
      events={recorder.events()}
      total={recorder.total}
      view={view}
      onView={(change) => setView((v) => ({ ...v, ...change }))}
      label={(key) => keyLabel(key, recorder.cache.describeKey, undefined)}
    />
  )
}

function show(recorder: Recorder): void {
  act(() => render(<Harness recorder={recorder} />, container))
}

function rows(): string[][] {
  return [...container.querySelectorAll('tbody tr')].map((tr) =>
    [...tr.querySelectorAll('td')].map((td) => td.textContent ?? ''),
  )
}

function choose(type: string): void {
  const select = container.querySelector('select') as HTMLSelectElement
  act(() => {
    select.value = type
    select.dispatchEvent(new Event('change', { bubbles: true }))
  })
}

function recorded(logSize = 1000) {
  const clock = { t: 1_000 }
  const cache = new AsyncCache<string, unknown>({ maxsize: 1, policy: 'LRU', now: () => clock.t })
  const recorder = new Recorder(cache as AsyncCache, { windowSeconds: 60, logSize })
  recorder.start()
  return { clock, cache, recorder }
}

describe('devtools EventLog', () => {
  test('shows events newest first with time, type, key and the other fields', async () => {
    const { clock, cache, recorder } = recorded()
    cache.get('a')
    clock.t = 2_250
    cache.set('a', { v: 1 })
    cache.set('b', 'B') // evicts 'a'
    await cache.getOrLoad('c', () => 7) // miss, load-start, load-success, set, evict 'b'
    cache.clear()

    show(recorder)

    const table = rows()
    expect(table.map((r) => r[1])).toEqual([
      'clear',
      'load-success',
      'set',
      'evict',
      'load-start',
      'miss',
      'set',
      'evict',
      'set',
      'miss',
    ])
    expect(table[0]).toEqual([clockTime(2_250), 'clear', '', 'count=1'])
    expect(table[3]).toEqual([clockTime(2_250), 'evict', '"b"', 'reason="capacity" value="B"'])
    expect(table[1]?.[3]).toMatch(/^durationMs=[\d.]+ ms$/)
    expect(table.at(-1)).toEqual([clockTime(1_000), 'miss', '"a"', ''])
  })

  test('filters by type, offering the core types and any layer type seen', () => {
    const { cache, recorder } = recorded()
    cache.get('a')
    cache.set('a', 1)
    cache.get('a')
    cache.publish({ type: 'load-start', key: 'x' })
    // A layer's own event type (layers augment CacheEventMap; this test needs no augmentation).
    cache.publish({ type: 'persist-error', key: 'a', reason: 'quota' } as never)
    show(recorder)

    const options = [...container.querySelectorAll('option')].map((o) => o.value)
    expect(options).toContain('persist-error')
    expect(options).toContain('stats-reset')

    choose('hit')
    expect(rows().map((r) => r[1])).toEqual(['hit'])
    choose('persist-error')
    expect(rows()).toEqual([[expect.any(String), 'persist-error', '"a"', 'reason="quota"']])
    expect(container.querySelector('.count')?.textContent).toBe(
      '1 shown · 5 recorded, the last 5 kept',
    )
  })

  test('keeps only the ring buffer: the oldest events are dropped and counted', () => {
    const { cache, recorder } = recorded(3)
    for (let i = 0; i < 10; i++) cache.get(`k${i}`)
    show(recorder)

    expect(rows().map((r) => r[2])).toEqual(['"k9"', '"k8"', '"k7"'])
    expect(container.querySelector('.count')?.textContent).toBe(
      '3 shown · 10 recorded, the last 3 kept',
    )
  })

  test('a value with markup is shown as text', () => {
    const { cache, recorder } = recorded()
    cache.set('x', '<img src=x onerror="globalThis.pwned=1">')
    show(recorder)

    expect(container.querySelector('img')).toBeNull()
    expect(rows()[0]?.[3]).toBe('value="<img src=x onerror=\\"globalThis.pwned=1\\">"')
  })

  test('says so when there is nothing to show', () => {
    const events: CacheEvent[] = []
    act(() =>
      render(
        <EventLog
          events={events}
          total={0}
          view={DEFAULT_EVENTS_VIEW}
          onView={() => {}}
          label={String}
        />,
        container,
      ),
    )
    expect(container.querySelector('.empty')?.textContent).toBe('No events yet.')
  })
})

describe('devtools EventLog as a timeline', () => {
  test('a click on a key shows only its events; the chip brings every key back', () => {
    const { cache, recorder } = recorded()
    cache.get('a')
    cache.get('b')
    cache.set('a', 1)
    show(recorder)
    const link = [...container.querySelectorAll<HTMLButtonElement>('td.key button')].find(
      (b) => b.textContent === '"a"',
    ) as HTMLButtonElement
    act(() => link.click())
    expect(rows().map((r) => [r[1], r[2]])).toEqual([
      ['set', '"a"'],
      ['miss', '"a"'],
    ])
    act(() =>
      (
        container.querySelector("button[aria-label='Show the events of every key']") as HTMLElement
      ).click(),
    )
    expect(rows()).toHaveLength(3)
  })

  test('a row opens its whole payload; long details are never cut', () => {
    const { cache, recorder } = recorded()
    const long = 'v'.repeat(500)
    cache.set('k', long)
    show(recorder)
    expect(rows()[0]?.[3]).toBe(`value=${JSON.stringify(long)}`)
    act(() => (container.querySelector('.viewport tbody tr') as HTMLElement).click())
    const payload = container.querySelector('.event-payload pre')?.textContent ?? ''
    expect(JSON.parse(payload)).toEqual({ type: 'set', key: 'k', value: long, time: 1_000 })
  })
})
