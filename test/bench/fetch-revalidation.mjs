/**
 * What validators save over real HTTP: part of `npm run bench:fetch`.
 *
 *   node test/bench/fetch-revalidation.mjs [--urls 50] [--requests 1000] [--change 0.05]
 *     [--size 8192] [--before <commit>]
 *
 * A node:http server on 127.0.0.1 serves `urls` JSON resources of `size` bytes, each with an
 * ETag and `Cache-Control: max-age=1`, and answers a matching `If-None-Match` with 304. The
 * workload is `requests / urls` rounds, each asking for every URL at once; rounds are 1.2 s
 * apart (from one's end to the next's start), so that every entry is stale by the next one (real time: the browser's HTTP cache
 * knows no other clock), and before each round a seeded `change` share of the resources get a
 * new version. Five ways run side by side, each on URLs of its own:
 *
 * - in Chromium: plain `fetch` with the browser's HTTP cache; `cachedFetch` as it was before
 *   validators (the fetch layer of commit `before`, built from git); `cachedFetch` now;
 * - in Node, whose fetch has no HTTP cache: `cachedFetch` before and now.
 *
 * The server counts round-trips, 304s and body bytes sent per way; each way checks every body
 * it got against the version the server held for that round.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:http'
import { cpus } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { build, runnerImport } from 'vite'
import { CHROMIUM_ARGS, findChromium } from '../../scripts/chromium-path.mjs'

const { values } = parseArgs({
  options: {
    urls: { type: 'string', default: '50' },
    requests: { type: 'string', default: '1000' },
    change: { type: 'string', default: '0.05' },
    size: { type: 'string', default: '8192' },
    // The last commit whose fetch layer sent no validators.
    before: { type: 'string', default: '9baaedf098b3fbd1b1e898242dc6074aa9802335' },
  },
})
const urls = Number(values.urls)
const rounds = Math.round(Number(values.requests) / urls)
const size = Number(values.size)
const ROUND_GAP_MS = 1_200

const root = fileURLToPath(new URL('../..', import.meta.url))
const loadTs = async (/** @type {string} */ path) =>
  (await runnerImport(join(root, path), { configFile: false, logLevel: 'error' })).module
const { mulberry32 } = await loadTs('test/bench/random.ts')

// Which resources change before each round: drawn once, the same for every way.
const random = mulberry32(7)
const changes = Array.from({ length: rounds }, (_, round) =>
  Array.from({ length: urls }, () => round > 0 && random() < Number(values.change)),
)
const versions = changes.map((_, round) =>
  Array.from(
    { length: urls },
    (_, i) => 1 + changes.slice(0, round + 1).filter((changed) => changed[i]).length,
  ),
)

/** Bundles a fetch layer entry into one ES module file under bench-output/. */
async function bundle(/** @type {string} */ entry, /** @type {string} */ name) {
  const outDir = join(root, 'bench-output/fetch-revalidation')
  await build({
    configFile: false,
    logLevel: 'error',
    build: {
      outDir,
      emptyOutDir: false,
      lib: { entry, formats: ['es'], fileName: () => `${name}.js` },
    },
  })
  return join(outDir, `${name}.js`)
}
const beforeDir = join(root, 'bench-output/fetch-before')
rmSync(beforeDir, { recursive: true, force: true })
mkdirSync(beforeDir, { recursive: true })
const archive = execFileSync('git', ['archive', values.before, 'lib'], { cwd: root })
execFileSync('tar', ['-x', '-C', beforeDir], { input: archive })
const files = {
  before: await bundle(join(beforeDir, 'lib/fetch/index.ts'), 'before'),
  now: await bundle(join(root, 'lib/fetch/index.ts'), 'now'),
}

/** @type {Record<string, { roundTrips: number, notModified: number, bodyBytes: number }>} */
const counts = {}
let round = 0

const server = createServer((request, response) => {
  const url = new URL(request.url ?? '/', 'http://bench')
  if (url.pathname === '/') {
    response.writeHead(200, { 'content-type': 'text/html' })
    response.end('<!doctype html><title>fetch revalidation bench</title>')
    return
  }
  const script = /^\/(before|now)\.js$/.exec(url.pathname)
  if (script !== null) {
    response.writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'no-store' })
    response.end(readFileSync(files[/** @type {'before' | 'now'} */ (script[1])]))
    return
  }
  const match = /^\/([\w-]+)\/(\d+)$/.exec(url.pathname)
  if (match === null) {
    response.writeHead(404)
    response.end()
    return
  }
  const [, way = '', id = ''] = match
  counts[way] ??= { roundTrips: 0, notModified: 0, bodyBytes: 0 }
  const count = counts[way]
  count.roundTrips++
  const version = versions[round]?.[Number(id)]
  const etag = `"${id}-${version}"`
  const headers = { etag, 'cache-control': 'max-age=1', 'content-type': 'application/json' }
  if (request.headers['if-none-match'] === etag) {
    count.notModified++
    response.writeHead(304, headers)
    response.end()
    return
  }
  const body = JSON.stringify({ id: Number(id), version, padding: 'x'.repeat(size) })
  count.bodyBytes += Buffer.byteLength(body)
  response.writeHead(200, headers)
  response.end(body)
})
await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)))
const address = /** @type {import('node:net').AddressInfo} */ (server.address())
const origin = `http://127.0.0.1:${address.port}`

/**
 * Builds the ways of one place (the page or Node): `round(r)` asks every way for every URL at
 * once and returns, per way, how many bodies were not the round's version. Sent to the page
 * as source, so self-contained.
 * @param {{ ways: Record<string, string | null>, origin: string, urls: number, versions: number[][] }} plan
 *   each way's fetch layer module URL, `null` for plain fetch
 */
async function setup({ ways, origin, urls, versions }) {
  /** @type {Record<string, (url: string) => Promise<Response>>} */
  const gets = {}
  for (const [way, module] of Object.entries(ways)) {
    if (module === null) {
      gets[way] = (url) => fetch(url)
    } else {
      const { cachedFetch } = await import(module)
      gets[way] = cachedFetch({ maxsize: 1000 })
    }
  }
  return async (/** @type {number} */ round) => {
    /** @type {Record<string, number>} */
    const wrong = {}
    await Promise.all(
      Object.entries(gets).map(async ([way, get]) => {
        const bodies = await Promise.all(
          Array.from({ length: urls }, async (_, i) => (await get(`${origin}/${way}/${i}`)).json()),
        )
        wrong[way] = bodies.filter((body, i) => body.version !== versions[round]?.[i]).length
      }),
    )
    return wrong
  }
}

const ways = {
  'chromium-plain': "Chromium: plain fetch (the browser's HTTP cache)",
  'chromium-before': 'Chromium: cachedFetch before (no validators)',
  'chromium-now': 'Chromium: cachedFetch now (revalidating)',
  'node-before': 'Node: cachedFetch before (no validators)',
  'node-now': 'Node: cachedFetch now (revalidating)',
}
const plan = { origin, urls, versions }
const { chromium } = await import('playwright-core')
const browser = await chromium.launch({
  executablePath: findChromium() ?? undefined,
  args: CHROMIUM_ARGS,
})
/** @type {Record<string, number>} */
const wrong = {}
try {
  const page = await browser.newPage()
  await page.goto(origin)
  const pageWays = {
    'chromium-plain': null,
    'chromium-before': '/before.js',
    'chromium-now': '/now.js',
  }
  await page.evaluate(
    `(async () => { globalThis.benchRound = await (${setup.toString()})(${JSON.stringify({ ...plan, ways: pageWays })}) })()`,
  )
  const nodeRound = await setup({
    ...plan,
    ways: {
      'node-before': pathToFileURL(files.before).href,
      'node-now': pathToFileURL(files.now).href,
    },
  })
  for (round = 0; round < rounds; round++) {
    const results = await Promise.all([
      page.evaluate(`globalThis.benchRound(${round})`),
      nodeRound(round),
    ])
    for (const result of results) {
      for (const [way, n] of Object.entries(/** @type {Record<string, number>} */ (result))) {
        wrong[way] = (wrong[way] ?? 0) + n
      }
    }
    // Every entry must be stale by the next round: max-age=1 from its arrival, at the latest
    // when the round ended.
    await new Promise((resolve) => setTimeout(resolve, ROUND_GAP_MS))
  }
} finally {
  await browser.close()
  server.close()
}

console.log(
  `\nRevalidation: Node ${process.version}, Chromium ${browser.version()}, ${cpus().length} cores; ` +
    `${rounds * urls} requests per way over ${urls} URLs (${rounds} rounds, ${ROUND_GAP_MS} ms between), ` +
    `${values.change} of them changing between rounds, bodies of ${size} bytes, max-age=1 + ETag`,
)
/** @type {Record<string, Record<string, number>>} */
const table = {}
for (const [way, label] of Object.entries(ways)) {
  const count = counts[way] ?? { roundTrips: 0, notModified: 0, bodyBytes: 0 }
  table[label] = {
    'round-trips': count.roundTrips,
    '304s': count.notModified,
    'body bytes': count.bodyBytes,
    'outdated bodies': wrong[way] ?? 0,
  }
}
console.table(table)
for (const place of ['chromium', 'node']) {
  const before = counts[`${place}-before`]?.bodyBytes ?? 0
  const now = counts[`${place}-now`]?.bodyBytes ?? 0
  console.log(
    `${place}: cachedFetch now downloads ${(100 * (1 - now / before)).toFixed(1)} % fewer body bytes than before`,
  )
}
