/**
 * `npm run sim`: replays the seeded workloads of workloads.ts through the real AsyncCache (get,
 * then set on a miss; cold start; every request counted) under LRU and LFU, and through
 * Belady's OPT, then prints the hit ratios, writes them to bench-output/sim.json and draws
 * docs/hit-ratio.svg.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { AsyncCache, type PolicyName } from 'asynccache'
import { groupedBarChart } from './chart.js'
import { nextUses, optHits } from './opt.js'
import { markdownTable, percent } from './table.js'
import { workloads } from './workloads.js'

interface Result {
  workload: string
  description: string
  requests: number
  cache: number
  lru: number
  lfu: number
  opt: number
}

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
  const keys = w.keys()
  const next = nextUses(keys)
  for (const cache of w.caches) {
    results.push({
      workload: w.name,
      description: w.description,
      requests: keys.length,
      cache,
      lru: hitRatio(keys, cache, 'LRU'),
      lfu: hitRatio(keys, cache, 'LFU'),
      opt: optHits(keys, next, cache) / keys.length,
    })
    console.error(
      `${w.name} cache ${cache}: done at ${((performance.now() - started) / 1000).toFixed(1)} s`,
    )
  }
}

const of = (r: number, opt: number) => (opt === 0 ? '-' : percent(r / opt, 1))
console.log(
  markdownTable(
    ['workload', 'requests', 'cache', 'LRU', 'LFU', 'OPT', 'LRU/OPT', 'LFU/OPT'],
    results.map((r) => [
      r.workload,
      r.requests.toLocaleString('en-US'),
      r.cache.toLocaleString('en-US'),
      percent(r.lru),
      percent(r.lfu),
      percent(r.opt),
      of(r.lru, r.opt),
      of(r.lfu, r.opt),
    ]),
    [1, 2, 3, 4, 5, 6, 7],
  ),
)
console.log(`\n${workloads.map((w) => `${w.name}: ${w.description}`).join('\n')}`)
console.log(
  `\nsimulated in ${((performance.now() - started) / 1000).toFixed(1)} s, Node ${process.version}`,
)

mkdirSync('bench-output', { recursive: true })
writeFileSync('bench-output/sim.json', `${JSON.stringify(results, null, 2)}\n`)
mkdirSync('docs', { recursive: true })
writeFileSync(
  'docs/hit-ratio.svg',
  groupedBarChart(
    'Hit ratio: asynccache LRU and LFU against the optimum (npm run sim)',
    [
      { name: 'LRU', color: '#4e79a7' },
      { name: 'LFU', color: '#f28e2b' },
      { name: 'OPT', color: '#9c9c9c' },
    ],
    results.map((r) => ({
      label: [...r.workload.split(' '), `c=${r.cache}`],
      values: [r.lru, r.lfu, r.opt],
    })),
  ),
)
console.log('wrote bench-output/sim.json and docs/hit-ratio.svg')
