/**
 * How much a cachedFetch hit costs over building the same Response in memory by hand: a
 * standalone measurement for the fetch layer: `npm run bench:fetch`.
 *
 *   node test/bench/fetch-hit-overhead.mjs [--browser] [--rounds <n>] [--batch <ops>]
 *
 * Runs in Node, and with `--browser` in headless Chromium too (the library bundled by Vite and
 * imported into a blank page). Rounds interleave the cases, so that load from other work on
 * the machine spreads over all of them; each case reports its median nanoseconds per call.
 */
import { parseArgs } from 'node:util'
import { build, runnerImport } from 'vite'
import { CHROMIUM_ARGS, findChromium } from '../../scripts/chromium-path.mjs'

const { values } = parseArgs({
  options: {
    browser: { type: 'boolean', default: false },
    rounds: { type: 'string', default: '25' },
    batch: { type: 'string', default: '2000' },
  },
})
const entry = new URL('../../lib/fetch/index.ts', import.meta.url).pathname
const settings = { rounds: Number(values.rounds), batch: Number(values.batch) }

/**
 * The measurement, self-contained so that it also runs inside the page (it is sent as source).
 * @param {typeof import('../../lib/fetch/index.ts')} fetchLayer
 * @param {{ rounds: number, batch: number }} settings
 * @returns {Promise<Record<string, number>>} median ns per call, by case
 */
async function measure({ cachedFetch, replay }, { rounds, batch }) {
  const url = 'https://api.test/users/42'
  const bytes = new TextEncoder().encode(
    JSON.stringify({ id: 42, name: 'Ada Lovelace', email: 'ada@example.test', roles: ['admin'] }),
  )
  /** @type {ResponseInit} */
  const init = {
    status: 200,
    statusText: 'OK',
    headers: [
      ['content-type', 'application/json'],
      ['cache-control', 'max-age=600'],
      ['etag', '"v42"'],
    ],
  }
  const api = cachedFetch({ maxsize: 128, fetch: async () => new Response(bytes.slice(), init) })
  await (await api(url)).arrayBuffer() // the one miss: from here on every call is a hit
  const snapshot = /** @type {import('../../lib/fetch/index.ts').ResponseSnapshot} */ (
    api.cacheInstance.peek(url)
  )
  const loader = () => snapshot
  /** @type {Record<string, () => unknown>} */
  const cases = {
    'new Response(bytes, init)': () => new Response(bytes, init),
    'replay(snapshot)': () => replay(snapshot),
    'cache.getOrLoad hit (core)': () => api.cacheInstance.getOrLoad(url, loader),
    'api(url) hit': () => api(url),
    'new Response + text()': () => new Response(bytes, init).text(),
    'api(url) hit + text()': async () => (await api(url)).text(),
  }
  /** @type {Record<string, number[]>} */
  const samples = Object.fromEntries(Object.keys(cases).map((name) => [name, []]))
  for (let round = -3; round < rounds; round++) {
    for (const [name, run] of Object.entries(cases)) {
      const start = performance.now()
      for (let i = 0; i < batch; i++) await run()
      const ns = ((performance.now() - start) * 1e6) / batch
      if (round >= 0) samples[name]?.push(ns)
    }
  }
  /** @type {Record<string, number>} */
  const medians = {}
  for (const [name, list] of Object.entries(samples)) {
    list.sort((a, b) => a - b)
    medians[name] = Math.round(list[list.length >> 1] ?? Number.NaN)
  }
  return medians
}

/** @param {string} where @param {Record<string, number>} medians */
function report(where, medians) {
  console.log(`\n${where}: median ns per call`)
  console.table(medians)
  const over = (/** @type {string} */ a, /** @type {string} */ b) =>
    `${(medians[a] ?? 0) - (medians[b] ?? 0)} ns (${((medians[a] ?? 0) / (medians[b] ?? 1)).toFixed(2)}x)`
  console.log(`hit over new Response: ${over('api(url) hit', 'new Response(bytes, init)')}`)
  console.log(`with text(): ${over('api(url) hit + text()', 'new Response + text()')}`)
}

const { cpus } = await import('node:os')
console.log(
  `Node ${process.version}, ${cpus().length} cores, ${settings.rounds} rounds of ${settings.batch}`,
)
const fetchLayer = (await runnerImport(entry, { configFile: false, logLevel: 'error' })).module
report('Node', await measure(/** @type {any} */ (fetchLayer), settings))

if (values.browser) {
  const { chromium } = await import('playwright-core')
  const bundle = /** @type {import('rolldown').RolldownOutput[]} */ (
    await build({
      configFile: false,
      logLevel: 'error',
      build: { write: false, lib: { entry, formats: ['es'], fileName: 'fetch' } },
    })
  )
  const code = bundle[0]?.output[0].code ?? ''
  const browser = await chromium.launch({
    executablePath: findChromium() ?? undefined,
    args: CHROMIUM_ARGS,
  })
  try {
    const page = await browser.newPage()
    const version = browser.version()
    const medians = await page.evaluate(
      `(async () => {
        const url = URL.createObjectURL(new Blob([${JSON.stringify(code)}], { type: 'text/javascript' }))
        return (${measure.toString()})(await import(url), ${JSON.stringify(settings)})
      })()`,
    )
    report(`Chromium ${version}`, /** @type {Record<string, number>} */ (medians))
  } finally {
    await browser.close()
  }
}
