import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { type Demo, launchChromium, OUTPUT, openDemo, startDemo } from './harness.js'

let demo: Demo
let browser: Browser

beforeAll(async () => {
  ;[demo, browser] = await Promise.all([startDemo(), launchChromium()])
  await demo.settings({ latencyMs: [0, 0], errorRate: 0 })
  mkdirSync(OUTPUT, { recursive: true })
})

afterAll(async () => {
  await browser?.close()
  await demo?.close()
})

test('the demo page loads with the devtools open', async () => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } })
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(e.message))
  await openDemo(page, demo)
  await page.locator('button.product').first().waitFor()
  await page.screenshot({ path: join(OUTPUT, 'demo.png') })
  expect(errors).toEqual([])
  await page.close()
})
