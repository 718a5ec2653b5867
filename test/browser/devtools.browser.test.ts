import { AsyncCache, listCaches, unregisterCache } from 'asynccache'
import {
  type DevtoolsChart,
  type DevtoolsOptions,
  HOST_ATTRIBUTE,
  mountDevtools,
} from 'asynccache/devtools'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { page } from 'vitest/browser'

/** The height of one entries row, as devtools/styles.ts sets it. */
const ROW_HEIGHT = 24

const created: AsyncCache[] = []
let unmounts: (() => void)[] = []

function track<K, V>(cache: AsyncCache<K, V>): AsyncCache<K, V> {
  created.push(cache as unknown as AsyncCache)
  return cache
}

/** Mounts the devtools and resolves with the graph's uPlot instance once it is drawn. */
function mount(options: DevtoolsOptions = {}): {
  unmount: () => void
  chart: Promise<DevtoolsChart>
} {
  let unmount: () => void = () => {}
  const chart = new Promise<DevtoolsChart>((resolve) => {
    unmount = mountDevtools({ initialIsOpen: true, ...options, onChart: resolve })
  })
  unmounts.push(unmount)
  return { unmount, chart }
}

function shadow(): ShadowRoot {
  const host = document.querySelector(`[${HOST_ATTRIBUTE}]`) as HTMLElement
  return host.shadowRoot as ShadowRoot
}

function button(label: string): HTMLButtonElement {
  const found = shadow().querySelector(`button[aria-label='${label}']`)
  expect(found, label).not.toBeNull()
  return found as HTMLButtonElement
}

/** Resolves on the next animation frame, after the frame the panel asked for (asked first). */
const nextFrame = () => new Promise<number>((resolve) => requestAnimationFrame(resolve))

beforeEach(async () => {
  // Every live cache is listed, named or not: each test starts with a registry of its own.
  for (const cache of listCaches()) unregisterCache(cache)
  localStorage.clear()
  await page.viewport(1280, 800)
})

afterEach(() => {
  for (const unmount of unmounts) unmount()
  unmounts = []
  for (const cache of created.splice(0)) unregisterCache(cache)
  for (const style of document.querySelectorAll('style[data-hostile]')) style.remove()
})

describe('devtools in real Chromium', () => {
  test("hostile global CSS does not change the panel, and the panel's CSS does not leak out", async () => {
    const pageButton = document.body.appendChild(document.createElement('button'))
    pageButton.textContent = 'app button'
    const pageBefore = { ...snapshot(pageButton) }

    const cache = track(new AsyncCache<string, number>({ maxsize: 50, name: 'styled' }))
    for (let i = 0; i < 20; i++) cache.set(`key-${i}`, i)
    cache.get('key-3')
    const { chart } = mount()
    await chart

    expect(snapshot(pageButton)).toEqual(pageBefore)

    const probes = [
      '.panel',
      'header h2',
      'header button',
      '.card dd',
      '.card dt',
      'thead th',
      'tbody td.key',
      'input[type=search]',
      '.graph .u-legend',
      '.plot canvas',
    ]
    const before = probes.map((selector) => snapshot(probe(selector)))
    const rect = JSON.stringify(probe('.panel').getBoundingClientRect())

    const hostile = document.createElement('style')
    hostile.dataset.hostile = ''
    hostile.textContent = `
      * { color: red !important; display: block }
      div { display: none !important; }
      body * { font: 40px/3 serif !important; visibility: hidden !important;
               letter-spacing: 9px !important; box-sizing: content-box !important;
               position: static !important; transform: scale(2) !important; }
      button, input, td, th { background: lime !important; border: 9px solid red !important; }`
    document.head.append(hostile)

    expect(probes.map((selector) => snapshot(probe(selector)))).toEqual(before)
    expect(JSON.stringify(probe('.panel').getBoundingClientRect())).toBe(rect)
    expect(snapshot(pageButton).color).toBe('rgb(255, 0, 0)') // the hostile CSS is live
    pageButton.remove()
  })

  test('with an injected clock the chart shows exactly the scripted hits, misses and evictions', async () => {
    let t = 1_000_000 // second 1000
    const clock = () => t
    const cache = track(
      new AsyncCache<string, number>({ maxsize: 2, policy: 'LRU', name: 'scripted', now: clock }),
    )
    const { chart: ready } = mount({ now: clock, window: 10 })
    const chart = await ready

    cache.set('a', 1)
    cache.set('b', 2)
    for (let i = 0; i < 3; i++) cache.get('a') // 3 hits
    cache.get('x')
    cache.get('y') // 2 misses
    t = 1_001_500 // second 1001
    cache.set('c', 3) // evicts 'b' (capacity)
    cache.get('c') // 1 hit
    t = 1_003_200 // second 1003
    for (let i = 0; i < 4; i++) cache.get(`none-${i}`) // 4 misses
    cache.set('short', 4, { ttl: 0.5 }) // evicts 'a' (capacity)
    t = 1_004_000 // second 1004
    cache.get('short') // expired: a miss and an eviction (expired)
    t = 1_004_999 // the window ends with second 1004

    // Redraws while events stream in are throttled (at most ten a second), never skipped.
    await expect
      .poll(() => chart.data, { interval: 20 })
      .toEqual([
        [-9, -8, -7, -6, -5, -4, -3, -2, -1, 0],
        [0, 0, 0, 0, 0, 3, 1, 0, 0, 0],
        [0, 0, 0, 0, 0, 2, 0, 0, 4, 1],
        [0, 0, 0, 0, 0, 0, 1, 0, 1, 1],
      ])
    const stats = cache.getStats()
    const sum = (i: number) => (chart.data[i] as number[]).reduce((a, b) => a + b, 0)
    expect([sum(1), sum(2), sum(3)]).toEqual([
      stats.hits,
      stats.misses,
      stats.evictions.capacity + stats.evictions.expired,
    ])

    // Paused, the chart keeps what it showed; resumed, it catches up.
    button('Pause the live graph').click()
    cache.get('c')
    await nextFrame()
    expect(chart.data[1]).toEqual([0, 0, 0, 0, 0, 3, 1, 0, 0, 0])
    button('Resume the live graph').click()
    await expect.poll(() => chart.data[1], { interval: 20 }).toEqual([0, 0, 0, 0, 0, 3, 1, 0, 0, 1])

    // The window rolls with the clock, even without events.
    t = 1_006_000
    cache.get('c')
    await expect.poll(() => chart.data[1], { interval: 20 }).toEqual([0, 0, 0, 3, 1, 0, 0, 1, 0, 1])
  })

  test('markup in a cache name, key, value or event is shown as text and runs nothing', async () => {
    const evil = '<img src=x onerror="window.__devtoolsXss = 1">'
    const cache = track(new AsyncCache<string, string>({ maxsize: 10, name: evil }))
    const { chart } = mount()
    await chart
    cache.set(evil, evil)
    cache.set('<script>window.__devtoolsXss = 2</script>', '<b>bold</b>')
    cache.get(evil)

    const root = shadow()
    const keys = () => [...root.querySelectorAll('.viewport td.key')].map((td) => td.textContent)
    await expect.poll(keys, { interval: 20 }).toContain(JSON.stringify(evil))
    expect(root.querySelector('.cache')?.textContent).toContain(evil)
    const tab = [...root.querySelectorAll('[role=tab]')].find((b) => b.textContent === 'Events')
    ;(tab as HTMLButtonElement).click()
    await nextFrame()
    expect(root.querySelector('.viewport tbody')?.textContent).toContain(
      `value=${JSON.stringify(evil)}`,
    )

    expect(root.querySelectorAll('img, script, b')).toHaveLength(0)
    expect(document.querySelectorAll('img')).toHaveLength(0)
    await nextFrame()
    expect((window as { __devtoolsXss?: number }).__devtoolsXss).toBeUndefined()
  })

  test('unmount leaves the caches without listeners and the document as it was', async () => {
    const before = document.documentElement.outerHTML
    const cache = track(new AsyncCache<string, number>({ maxsize: 10, name: 'temporary' }))
    const explicit = new AsyncCache<string, number>({ maxsize: 10 })
    const { unmount, chart } = mount({ caches: [explicit] })
    await chart
    cache.get('x') // a frame is pending while unmounting
    expect(cache.listening).toBe(true)
    expect(explicit.listening).toBe(true)

    unmount()

    expect(cache.listening).toBe(false)
    expect(explicit.listening).toBe(false)
    expect(document.querySelector(`[${HOST_ATTRIBUTE}]`)).toBeNull()
    expect(document.documentElement.outerHTML).toBe(before)
    expect(track(new AsyncCache({ maxsize: 1, name: 'later' })).listening).toBe(false)
    await nextFrame()
    expect(document.documentElement.outerHTML).toBe(before)
  })

  test('10,000 entries: a few rows rendered, each exactly where its index puts it', async () => {
    const cache = track(new AsyncCache<string, number>({ maxsize: 10_000, name: 'big' }))
    for (let i = 0; i < 10_000; i++) cache.set(`key-${i}`, i)
    const { chart } = mount()
    await chart

    const root = shadow()
    const viewport = root.querySelector('.viewport') as HTMLElement
    expect(viewport.scrollHeight).toBe(10_001 * ROW_HEIGHT)
    viewport.scrollTop = 5_000 * ROW_HEIGHT
    viewport.dispatchEvent(new Event('scroll'))
    await nextFrame()

    const rendered = root.querySelectorAll('.viewport tbody tr')
    expect(rendered.length).toBeLessThan(60)
    const row = root.querySelector('tbody tr[aria-rowindex="5002"]') as HTMLElement
    const sizer = root.querySelector('.sizer') as HTMLElement
    const top = row.getBoundingClientRect().top - sizer.getBoundingClientRect().top
    expect(top).toBe(5_001 * ROW_HEIGHT) // below the header row
    expect(row.querySelector('td.key')?.textContent).toBe('"key-4999"')
  })

  test('a screenshot of the open panel goes to test-output/', async () => {
    let t = 1_700_000_000_000
    const clock = () => t
    const prices = track(
      new AsyncCache<string, number>({
        maxsize: 40,
        policy: 'LFU',
        ttl: 120,
        name: 'prices',
        now: clock,
      }),
    )
    track(new AsyncCache<string, unknown>({ maxsize: 200, policy: 'LRU', name: 'users' }))
    const { chart } = mount({ now: clock, theme: 'light' })
    await chart
    for (let second = 0; second < 60; second++) {
      t += 1000
      const load = 20 + Math.round(15 * Math.sin(second / 6))
      for (let i = 0; i < load; i++) {
        const key = `SYM${(i * 7 + second) % 55}`
        if (prices.get(key) === undefined) prices.set(key, 100 + ((i * 13) % 50))
      }
    }
    await nextFrame()

    const path = await page.screenshot({ path: '../../test-output/devtools-panel.png' })
    expect(path).toMatch(/test-output[\\/]devtools-panel\.png$/)
  })
})

/** The computed styles the panel's look depends on. */
function snapshot(el: Element): Record<string, string> {
  const style = getComputedStyle(el)
  const out: Record<string, string> = {}
  for (const name of [
    'color',
    'background-color',
    'display',
    'visibility',
    'position',
    'font-family',
    'font-size',
    'line-height',
    'letter-spacing',
    'box-sizing',
    'border-top-width',
    'transform',
    'width',
    'height',
  ]) {
    out[name] = style.getPropertyValue(name)
  }
  return out
}

function probe(selector: string): Element {
  const el = shadow().querySelector(selector)
  expect(el, selector).not.toBeNull()
  return el as Element
}
