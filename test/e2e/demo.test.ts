import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, beforeEach, expect, test } from 'vitest'
import {
  type Demo,
  launchChromium,
  OUTPUT,
  openDemo,
  overlayStat,
  startDemo,
  waitReady,
} from './harness.js'

let demo: Demo
let browser: Browser
let context: BrowserContext
let page: Page
let pageErrors: string[]

beforeAll(async () => {
  ;[demo, browser] = await Promise.all([startDemo(), launchChromium()])
  mkdirSync(OUTPUT, { recursive: true })
})

afterAll(async () => {
  await browser?.close()
  await demo?.close()
})

beforeEach(async () => {
  // A fresh context: empty localStorage and IndexedDB, so every test starts cold.
  context = await browser.newContext({ viewport: { width: 1400, height: 1000 } })
  page = await context.newPage()
  pageErrors = []
  page.on('pageerror', (e) => pageErrors.push(e.message))
  await demo.settings({ latencyMs: [0, 0], errorRate: 0 })
  await openDemo(page, demo)
})

afterEach(async () => {
  expect(pageErrors).toEqual([])
  await context.close()
})

const badge = () => page.locator('.detail article .badge')

test('clicking a product twice: one server request, a cache hit shown, the overlay counts one more hit', async () => {
  const product = page.locator('button.product[data-id="3"]')
  await product.click()
  await expect.poll(() => badge().getAttribute('data-source')).toBe('network')
  const hitsBefore = await overlayStat(page, 'Hits')
  await product.click()
  await expect.poll(() => page.locator('.history li').count()).toBe(2)
  expect(await badge().getAttribute('data-source')).toBe('cache')
  expect(await badge().textContent()).toMatch(/^cache hit \d+\.\d ms$/)
  expect(await demo.productRequests()).toBe(1)
  await expect.poll(() => overlayStat(page, 'Hits')).toBe(hitsBefore + 1)
  expect(await overlayStat(page, 'Misses')).toBe(1)
})

test('the traffic generator: the overlay, the page and the server agree', async () => {
  await page.locator('.traffic input[type="number"]').fill('400')
  await page.getByTestId('run-traffic').click()
  const tally = page.getByTestId('tally')
  await expect.poll(() => tally.getAttribute('data-running'), { timeout: 30_000 }).toBe('false')
  const requests = Number(await tally.getAttribute('data-requests'))
  const network = Number(await tally.getAttribute('data-network'))
  expect(requests).toBe(400)
  // Misses are loader runs, and each loader run is one request the server saw.
  expect(await demo.productRequests()).toBe(network)
  await expect.poll(() => overlayStat(page, 'Misses')).toBe(network)
  // The overlay's redraws are throttled: the last hits may show one redraw later.
  await expect
    .poll(async () => (await overlayStat(page, 'Hits')) + (await overlayStat(page, 'Misses')))
    .toBe(requests)
  expect(await overlayStat(page, 'Evicted: capacity')).toBeGreaterThan(0)
  // The README's pictures: an entry's details beside the table, then the panel on a phone.
  const panel = page.locator('[data-asynccache-devtools]')
  await panel.locator('.viewport tbody tr').first().click()
  await expect
    .poll(() => panel.locator('.entry-details .response p').textContent())
    .toMatch(/^HTTP 200 OK/)
  await page.screenshot({ path: join(OUTPUT, 'demo-traffic.png') })
  await page.setViewportSize({ width: 390, height: 844 })
  await panel.getByRole('button', { name: 'Close the entry details' }).click()
  await page.screenshot({ path: join(OUTPUT, 'devtools-narrow.png') })
})

test('with persistence on, a reload starts warm: no server request for what was loaded before', async () => {
  const ids = [1, 2, 3, 4, 5]
  for (const id of ids) {
    await page.locator(`button.product[data-id="${id}"]`).click()
    await expect.poll(() => page.locator('.history li').count()).toBe(id)
  }
  expect(await demo.productRequests()).toBe(ids.length)
  // Written behind within the flush window: wait until the five values are on disk.
  await expect
    .poll(() =>
      page.evaluate(
        () =>
          new Promise<number>((resolve, reject) => {
            const open = indexedDB.open('asynccache:asynccache-demo')
            open.onerror = () => reject(open.error)
            open.onsuccess = () => {
              const db = open.result
              const keys = db.transaction('entries').objectStore('entries').getAllKeys()
              keys.onsuccess = () => {
                resolve(keys.result.filter((k) => String(k).startsWith('v')).length)
                db.close()
              }
            }
          }),
      ),
    )
    .toBe(ids.length)
  await demo.settings({ latencyMs: [0, 0], errorRate: 0 }) // zeroes the server's counters
  await page.reload()
  await waitReady(page)
  for (const id of ids) {
    await page.locator(`button.product[data-id="${id}"]`).click()
    await expect.poll(() => page.locator('.history li').count()).toBe(id)
    expect(await badge().getAttribute('data-source')).toBe('cache')
  }
  expect(await demo.productRequests()).toBe(0)
})

test('a product shown in two places: deleting its entry in the devtools refetches it once and both show it', async () => {
  await page.locator('button.product[data-id="3"]').click()
  const detail = page.locator('.detail article h2')
  const opened = page.getByTestId('opened').locator('strong')
  await expect.poll(() => detail.textContent()).toBe('Bright Kettle 1')
  expect(await opened.textContent()).toBe('Bright Kettle 1')
  expect(await demo.productRequests()).toBe(1)
  await page.getByRole('button', { name: 'Delete entry GET /api/products/3' }).click()
  await expect.poll(() => demo.productRequests()).toBe(2)
  await expect.poll(() => opened.textContent()).toBe('Bright Kettle 1')
  expect(await detail.textContent()).toBe('Bright Kettle 1')
  expect(await demo.productRequests()).toBe(2)
})
