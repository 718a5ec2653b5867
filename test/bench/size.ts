/**
 * `npm run size`: the bundled, minified and gzipped size of each entry point that exists,
 * against its budget. Exits non-zero when one is over (the size-budget unit test checks the
 * same figures).
 */
import { existsSync } from 'node:fs'
import { bundleSize, entries } from './bundle-size.js'
import { markdownTable, thousands } from './table.js'

const rows: string[][] = []
for (const entry of entries) {
  if (!existsSync(entry.file)) {
    rows.push([entry.specifier, entry.file, '-', '-', '-', '-', 'not written yet'])
    continue
  }
  const size = await bundleSize(entry.file)
  const own = entry.file === 'lib/index.ts' ? undefined : await bundleSize(entry.file, true)
  const over = entry.budget !== undefined && size.gzipped > entry.budget
  if (over) process.exitCode = 1
  rows.push([
    entry.specifier,
    entry.file,
    thousands(size.minified),
    thousands(size.gzipped),
    own === undefined ? '-' : thousands(own.gzipped),
    entry.budget === undefined ? '-' : thousands(entry.budget),
    entry.budget === undefined ? '' : over ? 'OVER BUDGET' : 'within budget',
  ])
}
console.log(
  markdownTable(
    ['entry', 'source', 'min bytes', 'gzip bytes', 'gzip beyond core', 'budget (gzip)', 'status'],
    rows,
    [2, 3, 4, 5],
  ),
)
console.log(
  [
    '',
    'Each entry bundled alone with everything it imports (idb-keyval external), minified by Oxc',
    '(compress, mangle, no whitespace), gzip -9. "beyond core": the same with lib/*.ts external,',
    'what the entry adds to an app that already ships the core. Budgets apply to gzip bytes.',
  ].join('\n'),
)
