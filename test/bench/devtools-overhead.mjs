/**
 * What the devtools panel costs the app it inspects: `npm run bench:devtools`.
 *
 *   node test/bench/devtools-overhead.mjs [--rounds <n>] [--requests <n>] [--cpu-prof <dir>]
 *
 * Serves the demo (Vite dev server, mock API at latency 0, no errors) and, in headless Chromium,
 * runs its traffic generator with the panel closed, open on the Entries tab and open on the
 * Events tab, interleaved round by round in one process so that the machine's other load
 * spreads over all three. Per case: the median time of the run, and over all its runs the p95
 * frame time (requestAnimationFrame deltas) and the longest task (Long Tasks API). With
 * `--cpu-prof`, one Chromium CPU profile per case is written there (DevTools can open them).
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { chromium } from 'playwright-core'
import { createServer } from 'vite'
import { CHROMIUM_ARGS, findChromium } from '../../scripts/chromium-path.mjs'

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    requests: { type: 'string', default: '1500' },
    'cpu-prof': { type: 'string' },
  },
})
const rounds = Number(values.rounds)
const requests = Number(values.requests)
const root = new URL('../..', import.meta.url).pathname

const server = await createServer({
  root,
  configFile: join(root, 'vite.config.ts'),
  logLevel: 'error',
  server: { host: '127.0.0.1', port: 0, strictPort: false },
})
await server.listen()
const url = String(server.resolvedUrls?.local[0])
/** @param {string} path @param {unknown} body */
const post = (path, body) =>
  fetch(new URL(path, url), { method: 'POST', body: JSON.stringify(body) }).then((r) => r.json())
await post('/api/__settings', { latencyMs: [0, 0], errorRate: 0 })

const browser = await chromium.launch({
  executablePath: findChromium() ?? undefined,
  args: CHROMIUM_ARGS,
  headless: true,
})

/** @typedef {'closed' | 'entries' | 'events'} Case */
/** @type {Case[]} */
const CASES = ['closed', 'entries', 'events']

/**
 * One run of the traffic generator in a fresh context: its time, frame deltas and long tasks.
 * @returns {Promise<{ ms: number, frames: number[], tasks: number[] }>}
 */
async function run(/** @type {Case} */ which, /** @type {string | undefined} */ profile) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } })
  // The demo keeps its settings without persistence, so that IndexedDB writes do not blur the figure.
  await context.addInitScript((open) => {
    localStorage.setItem(
      'asynccache-demo:settings',
      JSON.stringify({ policy: 'LRU', maxsize: 100, ttl: 120, persist: false }),
    )
    localStorage.setItem('asynccache-devtools', JSON.stringify({ open, height: 440 }))
  }, which !== 'closed')
  const page = await context.newPage()
  await page.goto(url)
  await page.locator('main[data-ready="true"]').waitFor()
  await page.locator('button.product').first().waitFor()
  if (which === 'events') {
    await page.locator('[data-asynccache-devtools] [role=tab]', { hasText: 'Events' }).click()
  }
  await page.locator('.traffic input[type="number"]').fill(String(requests))
  const cdp = profile === undefined ? undefined : await context.newCDPSession(page)
  if (cdp !== undefined) {
    await cdp.send('Profiler.enable')
    await cdp.send('Profiler.start')
  }
  const measured = page.evaluate(
    () =>
      new Promise((resolve) => {
        /** @type {number[]} */
        const frames = []
        /** @type {number[]} */
        const tasks = []
        new PerformanceObserver((list) => {
          for (const e of list.getEntries()) tasks.push(e.duration)
        }).observe({ type: 'longtask' })
        let last = performance.now()
        /** @param {number} t */
        const frame = (t) => {
          frames.push(t - last)
          last = t
          requestAnimationFrame(frame)
        }
        requestAnimationFrame(frame)
        const tally = /** @type {Element} */ (document.querySelector('[data-testid=tally]'))
        let start = 0
        new MutationObserver(() => {
          if (tally.getAttribute('data-running') === 'true' && start === 0)
            start = performance.now()
          if (tally.getAttribute('data-running') === 'false' && start !== 0) {
            resolve({ ms: performance.now() - start, frames, tasks })
          }
        }).observe(tally, { attributes: true })
      }),
  )
  await page.getByTestId('run-traffic').click()
  const result = await measured
  if (cdp !== undefined && profile !== undefined) {
    const { profile: data } = await cdp.send('Profiler.stop')
    writeFileSync(profile, JSON.stringify(data))
  }
  const done = Number(await page.getByTestId('tally').getAttribute('data-requests'))
  if (done !== requests) throw new Error(`${which}: ${done} of ${requests} requests ran`)
  await context.close()
  return result
}

/** @param {number[]} xs */
const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)]
/** @param {number[]} xs */
const p95 = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length * 0.95)] ?? 0

/** @type {Record<Case, { ms: number[], frames: number[], tasks: number[] }>} */
const results = /** @type {any} */ (
  Object.fromEntries(CASES.map((c) => [c, { ms: [], frames: [], tasks: [] }]))
)
if (values['cpu-prof'] !== undefined) mkdirSync(values['cpu-prof'], { recursive: true })
await run('closed', undefined) // warm-up: Vite's first transform of every module
for (let r = 0; r < rounds; r++) {
  // Rotated, so that no case always runs first after a fresh context.
  for (let i = 0; i < CASES.length; i++) {
    const which = CASES[(i + r) % CASES.length]
    const profile =
      r === 0 && values['cpu-prof'] !== undefined
        ? join(values['cpu-prof'], `${which}.cpuprofile`)
        : undefined
    const { ms, frames, tasks } = await run(which, profile)
    results[which].ms.push(ms)
    results[which].frames.push(...frames)
    results[which].tasks.push(...tasks)
  }
}
await browser.close()
await server.close()

const closed = median(results.closed.ms)
console.log(`${requests} requests, ${rounds} interleaved rounds, API latency 0`)
console.log(
  'case     median run   ratio   runs (ms)                        p95 frame   longest task',
)
for (const c of CASES) {
  const { ms, frames, tasks } = results[c]
  const m = median(ms)
  console.log(
    `${c.padEnd(8)} ${`${m.toFixed(0)} ms`.padStart(10)}   ${(m / closed).toFixed(2).padStart(5)}   ${ms
      .map((x) => x.toFixed(0))
      .join(' ')
      .padEnd(
        32,
      )} ${`${p95(frames).toFixed(1)} ms`.padStart(9)}   ${`${Math.max(0, ...tasks).toFixed(0)} ms`.padStart(8)}`,
  )
}
