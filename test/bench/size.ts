/**
 * `npm run size`: the bundled, minified and gzipped size of each entry point that exists,
 * against its target and its budget. Exits non-zero when one is over budget (the size-budget
 * unit test checks the same figures).
 */
import { existsSync } from 'node:fs'
import { bundleSize, entries } from './bundle-size.js'
import { markdownTable, thousands } from './table.js'

const rows: string[][] = []
for (const entry of entries) {
  if (!existsSync(entry.file)) {
    rows.push([entry.specifier, entry.file, '-', '-', '-', '-', '-', 'not written yet'])
    continue
  }
  const peers = entry.peers === true
  const size = await bundleSize(entry.file, false, entry.imports, peers)
  const own =
    entry.file === 'lib/index.ts'
      ? undefined
      : await bundleSize(entry.file, true, entry.imports, peers)
  const over =
    (entry.budget !== undefined && size.gzipped > entry.budget) ||
    (entry.ownBudget !== undefined && own !== undefined && own.gzipped > entry.ownBudget)
  if (over) process.exitCode = 1
  const missedBy = entry.target === undefined ? 0 : size.gzipped - entry.target
  rows.push([
    entry.specifier,
    entry.file,
    thousands(size.minified),
    thousands(size.gzipped),
    own === undefined ? '-' : thousands(own.gzipped),
    entry.target === undefined ? '-' : thousands(entry.target),
    entry.budget !== undefined
      ? thousands(entry.budget)
      : entry.ownBudget !== undefined
        ? `${thousands(entry.ownBudget)} beyond`
        : '-',
    [
      entry.target === undefined
        ? ''
        : missedBy > 0
          ? `target missed by ${thousands(missedBy)}`
          : 'target met',
      entry.budget === undefined && entry.ownBudget === undefined
        ? ''
        : over
          ? 'OVER BUDGET'
          : 'within budget',
    ]
      .filter(Boolean)
      .join(', '),
  ])
}
console.log(
  markdownTable(
    [
      'entry',
      'source',
      'min bytes',
      'gzip bytes',
      'gzip beyond core',
      'target',
      'budget',
      'status',
    ],
    rows,
    [2, 3, 4, 5, 6],
  ),
)
// The same measurement of the LRU cache most apps already ship, for scale.
const lruCache = await bundleSize('node_modules/lru-cache/dist/esm/index.js')
console.log(
  [
    '',
    `For comparison, lru-cache measured the same way: ${thousands(lruCache.minified)} min bytes, ${thousands(lruCache.gzipped)} gzip bytes.`,
    'Each entry bundled alone with everything it imports (idb-keyval, and react/preact for the',
    'hooks, external), minified by Oxc (compress, mangle, no whitespace), gzip -9. "beyond core":',
    'the same with lib/*.ts external (and lib/fetch/*.ts for the hooks), what the entry adds to an',
    'app that already ships the core (and cachedFetch). Targets (issue 7) and budgets',
    '(the ceilings the tests enforce) apply to gzip bytes.',
  ].join('\n'),
)
