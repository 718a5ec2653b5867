/**
 * How much a cachedFetch hit costs over building the same Response in memory by hand: a
 * standalone measurement for the fetch layer (the benchmark suite proper lives in test/bench/).
 *
 *   node test/support/fetch-hit-overhead.mjs [--time <ms per task>]
 *
 * Loads the TypeScript sources through Vite's module runner, so nothing needs building first.
 */
import { parseArgs } from 'node:util'
import { Bench } from 'tinybench'
import { runnerImport } from 'vite'

const { values } = parseArgs({ options: { time: { type: 'string', default: '1500' } } })
const root = new URL('../../', import.meta.url)
/** @param {string} path from the repository root */
const load = async (path) =>
  (await runnerImport(new URL(path, root).pathname, { configFile: false, logLevel: 'error' }))
    .module

const { cachedFetch, replay } = await load('lib/fetch/index.ts')

const url = 'https://api.test/users/42'
const bytes = new TextEncoder().encode(
  JSON.stringify({ id: 42, name: 'Ada Lovelace', email: 'ada@example.test', roles: ['admin'] }),
)
/** @type {[string, string][]} */
const headers = [
  ['content-type', 'application/json'],
  ['cache-control', 'max-age=600'],
  ['etag', '"v42"'],
]
/** @type {ResponseInit} */
const init = { status: 200, statusText: 'OK', headers }

const api = cachedFetch({
  maxsize: 128,
  fetch: async () =>
    Object.defineProperty(new Response(bytes.slice(), init), 'url', { value: url }),
})
await (await api(url)).arrayBuffer() // the one miss: from here on every call is a hit
const snapshot = api.cacheInstance.peek(url)
const loader = () => snapshot

const bench = new Bench({ time: Number(values.time), warmup: true })
bench
  .add('new Response(bytes, init)', () => new Response(bytes, init))
  .add('cache.getOrLoad hit (core alone)', () => api.cacheInstance.getOrLoad(url, loader))
  .add('replay(snapshot)', () => replay(snapshot))
  .add('await api(url) hit', async () => api(url))
  .add('new Response + text()', () => new Response(bytes, init).text())
  .add('await api(url) hit + text()', async () => (await api(url)).text())

await bench.run()
const rows = bench.tasks.map(({ name, result }) => {
  if (result.state !== 'completed') throw new Error(`${name}: ${result.state}`)
  return {
    task: name,
    'ns/op (mean)': Math.round(result.latency.mean * 1e6),
    'ns/op (p50)': Math.round(result.latency.p50 * 1e6),
    'ops/s': Math.round(result.throughput.mean),
    'rme %': Number(result.latency.rme.toFixed(2)),
  }
})
console.table(rows)
/** @param {string} name */
const ns = (name) => rows.find((row) => row.task === name)?.['ns/op (p50)'] ?? Number.NaN
console.log(
  `hit overhead over new Response: ${ns('await api(url) hit') - ns('new Response(bytes, init)')} ns ` +
    `(${(ns('await api(url) hit') / ns('new Response(bytes, init)')).toFixed(2)}x); ` +
    `with text(): ${ns('await api(url) hit + text()') - ns('new Response + text()')} ns ` +
    `(${(ns('await api(url) hit + text()') / ns('new Response + text()')).toFixed(2)}x)`,
)
console.log(`node ${process.version}, ${(await import('node:os')).cpus().length} cores`)
