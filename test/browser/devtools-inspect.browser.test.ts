import { AsyncCache, asyncCache, listCaches, unregisterCache } from 'asynccache'
import { type DevtoolsOptions, HOST_ATTRIBUTE, mountDevtools } from 'asynccache/devtools'
import { cachedFetch } from 'asynccache/fetch'
import type uPlot from 'uplot'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { cdp, page } from 'vitest/browser'
import { dataUrl, requestCount, resetTestApi } from '../support/test-api-client.js'

const created: AsyncCache[] = []
let unmounts: (() => void)[] = []

function track<K, V>(cache: AsyncCache<K, V>): AsyncCache<K, V> {
  created.push(cache as unknown as AsyncCache)
  return cache
}

/** Mounts the devtools; `charts` receives each uPlot instance the graph creates. */
function mount(options: DevtoolsOptions = {}): { unmount: () => void; charts: uPlot[] } {
  const charts: uPlot[] = []
  const unmount = mountDevtools({
    initialIsOpen: true,
    ...options,
    // The chart handed over is the uPlot instance itself; its axes tell the colours drawn.
    onChart: (chart) => charts.push(chart as unknown as uPlot),
  })
  unmounts.push(unmount)
  return { unmount, charts }
}

function shadow(): ShadowRoot {
  const host = document.querySelector(`[${HOST_ATTRIBUTE}]`) as HTMLElement
  return host.shadowRoot as ShadowRoot
}

function find<E extends Element = HTMLElement>(selector: string): E {
  const el = shadow().querySelector<E>(selector)
  expect(el, selector).not.toBeNull()
  return el as E
}

function button(text: string): HTMLButtonElement {
  const found = [...shadow().querySelectorAll('button')].find(
    (b) => b.textContent === text || b.getAttribute('aria-label') === text,
  )
  expect(found, text).toBeDefined()
  return found as HTMLButtonElement
}

function card(label: string): string | null | undefined {
  const cards = [...shadow().querySelectorAll('.card')]
  return cards.find((c) => c.querySelector('dt')?.textContent === label)?.querySelector('dd')
    ?.textContent
}

/** The colour the chart draws its x axis labels in (what the theme decides). */
const axisColour = (chart: uPlot) => {
  const stroke = chart.axes[0]?.stroke as unknown
  return typeof stroke === 'function' ? stroke(chart, 0) : stroke
}

/** Waits until the panel has redrawn after what happened (redraws are throttled, never skipped). */
const redrawn = (check: () => unknown) => expect.poll(check, { interval: 20, timeout: 5000 })

const dark = (on: boolean) =>
  cdp().send('Emulation.setEmulatedMedia', {
    features: [{ name: 'prefers-color-scheme', value: on ? 'dark' : 'light' }],
  })

beforeEach(async () => {
  // Every live cache is listed, named or not: each test starts with a registry of its own.
  for (const cache of listCaches()) unregisterCache(cache)
  localStorage.clear()
  await resetTestApi()
  await page.viewport(1280, 800)
  await dark(false)
})

afterEach(async () => {
  for (const unmount of unmounts) unmount()
  unmounts = []
  for (const cache of created.splice(0)) unregisterCache(cache)
  await dark(false)
})

describe('devtools: inspecting real caches in Chromium', () => {
  test('an HTTP 503 from cachedFetch is counted as an error, shown as one in the table and the log', async () => {
    const api = cachedFetch({ name: 'api-503', maxsize: 10 })
    track(api.cacheInstance)
    mount()
    const response = await api(dataUrl('down', { status: 503 }))
    expect(response.status).toBe(503)

    await redrawn(() => card('Load errors')).toBe('1')
    expect(find('.card.error')).toBeDefined()
    const row = find('.viewport tbody tr')
    expect(row.querySelector('td.key')?.textContent).toBe('GET /__test_api__/data/down?status=503')
    expect(row.querySelector('td.status')?.textContent).toBe('error')
    expect(
      [...shadow().querySelectorAll('.status-counts .chip')].map((c) => c.textContent),
    ).toEqual(['fresh 0', 'stale 0', 'loading 0', 'error 1'])

    button('Events').click()
    const types = [...shadow().querySelectorAll('.viewport tbody td.type')].map((td) => [
      td.textContent,
      td.classList.contains('status-error'),
    ])
    expect(types).toContainEqual(['fetch-response', true])
    const details = [...shadow().querySelectorAll('.viewport tbody td.value')].map(
      (td) => td.textContent,
    )
    expect(details).toContain('status=503 statusText="Service Unavailable" stored=false')
  })

  test('Refresh re-runs the load over real HTTP, and the details show the new body', async () => {
    const api = cachedFetch({ name: 'api-refresh', maxsize: 10 })
    track(api.cacheInstance)
    mount()
    await (await api(dataUrl('fresh'))).json()
    expect(await requestCount('fresh')).toBe(1)
    await redrawn(() => shadow().querySelectorAll('.viewport tbody tr').length).toBe(1)
    find('.viewport tbody tr').click()
    expect(find('.entry-details .tree').textContent).toContain('count: 1')

    button('Refresh').click()
    await expect.poll(() => requestCount('fresh')).toBe(2)
    await redrawn(() => find('.entry-details .tree').textContent).toContain('count: 2')
    expect(find('.entry-details .response p').textContent).toMatch(/^HTTP 200 OK · \d+ B · /)
  })

  test('Refresh calls a wrapped function again over real HTTP: its entry reads fetchProduct(7)', async () => {
    const fetchProduct = asyncCache({ maxsize: 10 })(async function fetchProduct(id: number) {
      const response = await fetch(dataUrl(`product-${id}`))
      return (await response.json()) as unknown
    })
    track(fetchProduct.cacheInstance)
    mount()
    await fetchProduct(7)
    expect(await requestCount('product-7')).toBe(1)
    await redrawn(() => shadow().querySelectorAll('.viewport tbody tr').length).toBe(1)
    expect(find('.viewport tbody td.key').textContent).toBe('fetchProduct(7)')
    find('.viewport tbody tr').click()
    expect(find('.entry-details h3').textContent).toBe('fetchProduct(7)')
    expect(find('.entry-details .tree').textContent).toContain('count: 1')

    button('Refresh').click()
    await expect.poll(() => requestCount('product-7')).toBe(2)
    await redrawn(() => find('.entry-details .tree').textContent).toContain('count: 2')
    expect(await fetchProduct(7)).toMatchObject({ count: 2 }) // the app now gets the new value
    expect(await requestCount('product-7')).toBe(2)
  })

  test('the chart follows the OS colour scheme live, and the theme picked in the panel', async () => {
    track(new AsyncCache<string, number>({ maxsize: 10, name: 'themed' }))
    const { charts } = mount()
    await expect.poll(() => charts.length).toBe(1)
    const light = axisColour(charts[0] as uPlot)

    await dark(true)
    await expect.poll(() => charts.length).toBe(2)
    const darkColour = axisColour(charts[1] as uPlot)
    expect(darkColour).not.toBe(light)
    await page.screenshot({ path: '../../test-output/devtools-dark.png' })

    const select = find<HTMLSelectElement>('select[aria-label=Theme]')
    select.value = 'light'
    select.dispatchEvent(new Event('change', { bubbles: true }))
    await expect.poll(() => charts.length).toBe(3)
    expect(axisColour(charts[2] as uPlot)).toBe(light)
    expect(find('.root').dataset.theme).toBe('light')
  })

  test('tab, filters, sort and the selected entry survive unmounting (a reload) through localStorage', async () => {
    const cache = track(new AsyncCache<string, number>({ maxsize: 10, name: 'kept-view' }))
    cache.set('first', 1).set('second', 2)
    const { unmount } = mount()
    const input = find<HTMLInputElement>('input[type=search]')
    input.value = 'sec'
    input.dispatchEvent(new Event('input', { bubbles: true }))
    button('Sort by TTL left').click()
    find('.viewport tbody tr').click()
    unmount()

    mount({ initialIsOpen: false })
    expect(find<HTMLInputElement>('input[type=search]').value).toBe('sec')
    expect(find('th[aria-sort=ascending]').textContent).toBe('TTL left ▲')
    expect(find('.entry-details h3').textContent).toBe('"second"')
    await page.screenshot({ path: '../../test-output/devtools-details.png' })
  })

  /** Fills a cache with keys long enough to push a table that did not fit off the screen. */
  function longKeys(name: string): void {
    const cache = track(new AsyncCache<string, unknown>({ maxsize: 50, policy: 'LFU', name }))
    for (let i = 0; i < 30; i++) {
      cache.set(`/a/rather/long/key/that/would/push/the/table/out/of/the/screen/${i}`, { i })
    }
  }

  /** Checks that the panel hugs `edge` of a `width`×`height` viewport and nothing of it overflows. */
  function expectDocked(edge: string, width: number, height: number): void {
    const panel = find('.panel')
    const box = panel.getBoundingClientRect()
    const hugs = { bottom: box.bottom, top: box.top, left: box.left, right: box.right }
    expect(hugs[edge as keyof typeof hugs], `the panel's ${edge} edge`).toBe(
      edge === 'bottom' ? height : edge === 'right' ? width : 0,
    )
    // Full width at the top or bottom, full height at a side, and inside the viewport.
    if (edge === 'top' || edge === 'bottom') expect([box.left, box.right]).toEqual([0, width])
    else expect([box.top, box.bottom]).toEqual([0, height])
    expect(box.left).toBeGreaterThanOrEqual(0)
    expect(box.right).toBeLessThanOrEqual(width)
    for (const selector of ['.panel', 'header', '.overview', '.viewport', '.entry-details']) {
      const el = find(selector)
      expect(el.scrollWidth, `${selector} scrolls sideways`).toBeLessThanOrEqual(el.clientWidth)
      expect(
        el.getBoundingClientRect().right,
        `${selector} ends off the panel`,
      ).toBeLessThanOrEqual(box.right)
    }
    expect(find('.viewport table').getBoundingClientRect().right).toBeLessThanOrEqual(box.right)
    // The handle lines the free edge, inside the panel's 1 px border.
    const handle = find('hr.resize').getBoundingClientRect()
    const gap = {
      bottom: handle.top - box.top,
      top: box.bottom - handle.bottom,
      left: box.right - handle.right,
      right: handle.left - box.left,
    }[edge as 'bottom']
    expect(gap, 'from the free edge to the handle').toBeGreaterThanOrEqual(0)
    expect(gap, 'from the free edge to the handle').toBeLessThanOrEqual(1)
  }

  for (const edge of ['bottom', 'top', 'left', 'right'] as const) {
    test(`position '${edge}' docks the panel to that edge at 1280×800, nothing overflowing`, async () => {
      longKeys(`docked-${edge}`)
      mount({ position: edge })
      find('.viewport tbody tr').click()
      expectDocked(edge, 1280, 800)
      await page.screenshot({ path: `../../test-output/devtools-${edge}.png` })
    })
  }

  for (const edge of ['bottom', 'right'] as const) {
    test(`position '${edge}' at 390×844: the panel hugs the edge and nothing overflows`, async () => {
      await page.viewport(390, 844)
      longKeys(`narrow-${edge}`)
      mount({ position: edge })
      find('.viewport tbody tr').click()
      expectDocked(edge, 390, 844)
      // Stacked, as the panel is narrow: the graph above the cards above the table.
      const top = (s: string) => find(s).getBoundingClientRect().top
      expect(top('.graph')).toBeLessThan(top('.cards'))
      expect(top('.cards')).toBeLessThan(top('.details'))
      await page.screenshot({
        path: `../../test-output/devtools-narrow${edge === 'bottom' ? '' : `-${edge}`}.png`,
      })
    })
  }

  test('the edge switched in the panel moves it at once', async () => {
    longKeys('switched')
    mount()
    const select = find<HTMLSelectElement>('select[aria-label=Position]')
    select.value = 'right'
    select.dispatchEvent(new Event('change', { bubbles: true }))
    find('.viewport tbody tr').click()
    expectDocked('right', 1280, 800)
  })
})
