/**
 * `npm run sim`: replays the seeded workloads of workloads.ts through the real AsyncCache (get,
 * then set on a miss; cold start; every request counted) under LRU, LFU and ADAPTIVE, through
 * the reference policies of references.ts and through Belady's OPT, then prints the hit ratios
 * with ADAPTIVE's gap to the best of the others, writes them to bench-output/sim.json and
 * draws docs/hit-ratio.svg.
 *
 *   node bench-output/build/sim.mjs [--only <workload name prefix>]
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { AsyncCache, type PolicyName } from 'asynccache'
import { groupedBarChart } from './chart.js'
import { nextUses, optHits } from './opt.js'
import { references } from './references.js'
import { markdownTable, percent } from './table.js'
import { workloads } from './workloads.js'

interface Result {
  workload: string
  description: string
  requests: number
  cache: number
  lru: number
  lfu: number
  adaptive: number
  /** Hit ratio of each reference policy, by name. */
  references: Record<string, number>
  /** The best of LRU, LFU and the references, and which it is. */
  best: number
  bestName: string
  opt: number
}

const { values: options } = parseArgs({ options: { only: { type: 'string' } } })

function hitRatio(keys: Int32Array, maxsize: number, policy: PolicyName): number {
  const cache = new AsyncCache<number, number>({ maxsize, policy })
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]
    if (cache.get(key) === undefined) cache.set(key, key)
  }
  return cache.getStats().hitRatio
}

const started = performance.now()
const results: Result[] = []
for (const w of workloads) {
  if (options.only !== undefined && !w.name.startsWith(options.only)) continue
  const keys = w.keys()
  const next = nextUses(keys)
  for (const cache of w.caches) {
    const others: Record<string, number> = {
      LRU: hitRatio(keys, cache, 'LRU'),
      LFU: hitRatio(keys, cache, 'LFU'),
    }
    const refs: Record<string, number> = {}
    for (const [name, hits] of Object.entries(references)) {
      refs[name] = others[name] = hits(keys, cache) / keys.length
    }
    const [bestName, best] = Object.entries(others).reduce((a, b) => (b[1] > a[1] ? b : a))
    results.push({
      workload: w.name,
      description: w.description,
      requests: keys.length,
      cache,
      lru: others.LRU,
      lfu: others.LFU,
      adaptive: hitRatio(keys, cache, 'ADAPTIVE'),
      references: refs,
      best,
      bestName,
      opt: optHits(keys, next, cache) / keys.length,
    })
    console.error(
      `${w.name} cache ${cache}: done at ${((performance.now() - started) / 1000).toFixed(1)} s`,
    )
  }
}

const points = (r: number) => (r * 100).toFixed(2)
const gap = (r: Result) => (r.adaptive - r.best) * 100
const refNames = Object.keys(references)
console.log(
  markdownTable(
    [
      'workload',
      'cache',
      'LRU',
      'LFU',
      ...refNames,
      'ADAPTIVE',
      'best other',
      'gap',
      'OPT',
      'ADAPTIVE/OPT',
    ],
    results.map((r) => [
      r.workload,
      r.cache.toLocaleString('en-US'),
      points(r.lru),
      points(r.lfu),
      ...refNames.map((n) => points(r.references[n])),
      points(r.adaptive),
      `${points(r.best)} ${r.bestName}`,
      `${gap(r) >= 0 ? '+' : ''}${gap(r).toFixed(2)}`,
      points(r.opt),
      r.opt === 0 ? '-' : percent(r.adaptive / r.opt, 1),
    ]),
    [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
  ),
)
const worst = results.reduce((a, b) => (gap(b) < gap(a) ? b : a))
const withOpt = results.filter((r) => r.opt > 0)
const mean = (f: (r: Result) => number) => withOpt.reduce((s, r) => s + f(r), 0) / withOpt.length
const within = results.filter((r) => gap(r) >= -1.5).length
console.log(
  `\nADAPTIVE within 1.5 points of the best other policy on ${within} of ${results.length} rows;` +
    ` worst gap ${gap(worst).toFixed(2)} points (${worst.workload}, cache ${worst.cache}).` +
    ` Mean of OPT: ADAPTIVE ${mean((r) => r.adaptive / r.opt).toFixed(3)},` +
    ` best other per row ${mean((r) => r.best / r.opt).toFixed(3)},` +
    ` LRU ${mean((r) => r.lru / r.opt).toFixed(3)}, LFU ${mean((r) => r.lfu / r.opt).toFixed(3)}.`,
)
console.log(`\n${workloads.map((w) => `${w.name}: ${w.description}`).join('\n')}`)
console.log(
  `\nsimulated in ${((performance.now() - started) / 1000).toFixed(1)} s, Node ${process.version}`,
)

if (options.only === undefined) {
  mkdirSync('bench-output', { recursive: true })
  writeFileSync('bench-output/sim.json', `${JSON.stringify(results, null, 2)}\n`)
  mkdirSync('docs', { recursive: true })
  writeFileSync(
    'docs/hit-ratio.svg',
    groupedBarChart(
      'Hit ratio: asynccache LRU, LFU and ADAPTIVE against the optimum (npm run sim)',
      [
        { name: 'LRU', color: '#4e79a7' },
        { name: 'LFU', color: '#f28e2b' },
        { name: 'ADAPTIVE', color: '#59a14f' },
        { name: 'OPT', color: '#9c9c9c' },
      ],
      results.map((r) => ({
        label: [...r.workload.split(' '), `c=${r.cache}`],
        values: [r.lru, r.lfu, r.adaptive, r.opt],
      })),
    ),
  )
  console.log('wrote bench-output/sim.json and docs/hit-ratio.svg')
}
