import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type Browser, chromium, type Page } from 'playwright-core'
import { createServer, type ViteDevServer } from 'vite'
import type { ApiSettings } from '../../demo/api.js'
import { CHROMIUM_ARGS, findChromium } from '../../scripts/chromium-path.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '../..')

/**
 * Where screenshots go: test-output/e2e (git-ignored) for a person to look at after a test run;
 * `npm run screenshots` points SCREENSHOT_DIR at docs/ to refresh the README's pictures.
 */
export const OUTPUT = process.env.SCREENSHOT_DIR
  ? join(root, process.env.SCREENSHOT_DIR)
  : join(root, 'test-output/e2e')

/** The demo served by a Vite dev server on a free loopback port, and its mock API's controls. */
export interface Demo {
  url: string
  /** Product requests (`/api/products/:id`) the mock API served since the last settings or reset. */
  productRequests(): Promise<number>
  /** Changes the mock API's latency, errors or seed, and zeroes its counters. */
  settings(settings: Partial<ApiSettings>): Promise<void>
  close(): Promise<void>
}

/** Starts the demo exactly as `npm run demo` does, but on a free port and quietly. */
export async function startDemo(): Promise<Demo> {
  const server: ViteDevServer = await createServer({
    root,
    configFile: join(root, 'vite.config.ts'),
    logLevel: 'error',
    server: { host: '127.0.0.1', port: 0, strictPort: false },
  })
  await server.listen()
  const url = server.resolvedUrls?.local[0]
  if (url === undefined) throw new Error('the demo server did not report its URL')
  const api = (path: string, init?: RequestInit) =>
    fetch(new URL(path, url), init).then((r) => r.json())
  return {
    url,
    productRequests: async () => {
      const { byPath } = (await api('/api/__stats')) as { byPath: Record<string, number> }
      return Object.entries(byPath)
        .filter(([path]) => /^\/api\/products\/\d+$/.test(path))
        .reduce((sum, [, n]) => sum + n, 0)
    },
    settings: async (settings) => {
      await api('/api/__settings', { method: 'POST', body: JSON.stringify(settings) })
    },
    close: () => server.close(),
  }
}

/** Debian's Chromium (or whatever findChromium finds), headless, driven by Playwright. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: findChromium() ?? undefined,
    args: CHROMIUM_ARGS,
    headless: true,
  })
}

/** Opens the demo and waits until its cache is ready (hydrated when persistence is on). */
export async function openDemo(page: Page, demo: Demo): Promise<void> {
  await page.goto(demo.url)
  await waitReady(page)
}

/** Waits for the demo's data layer to be ready and its first catalogue page to be shown. */
export async function waitReady(page: Page): Promise<void> {
  await page.locator('main[data-ready="true"]').waitFor()
  await page.locator('button.product').first().waitFor()
}

/** The number on one of the overlay's stat cards ('Hits', 'Misses', ...); it lives in a shadow root. */
export async function overlayStat(page: Page, label: string): Promise<number> {
  const card = page
    .locator('[data-asynccache-devtools] .card')
    .filter({ has: page.locator('dt', { hasText: new RegExp(`^${label}$`) }) })
  return Number((await card.locator('dd').textContent())?.replace(/[^\d.]/g, ''))
}
