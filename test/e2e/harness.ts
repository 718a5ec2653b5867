import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type Browser, chromium, type Page } from 'playwright-core'
import { createServer, type ViteDevServer } from 'vite'
import type { ApiSettings } from '../../demo/api.js'
import { CHROMIUM_ARGS, findChromium } from '../../scripts/chromium-path.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '../..')

/** Where the e2e tests leave screenshots for a person to look at (git-ignored). */
export const OUTPUT = join(root, 'test-output/e2e')

/** The demo served by a Vite dev server on a free loopback port, and its mock API's controls. */
export interface Demo {
  url: string
  /** Requests the mock API has served since the last settings or reset. */
  served(): Promise<number>
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
    served: async () => (await api('/api/__stats')).served,
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
  await page.locator('main[data-ready="true"]').waitFor()
}
