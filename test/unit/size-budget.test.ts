// @vitest-environment node
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import * as core from 'asynccache'
import { describe, expect, it } from 'vitest'
import { bundleSize, entries, KB } from '../bench/bundle-size.js'

const fromRoot = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url))
const budgetOf = (file: string) => entries.find((e) => e.file === file)?.budget ?? 0

// The same measurement as `npm run size`: bundled by Vite/rolldown, minified by Oxc, gzip -9.
describe('size budgets of the entry points, bundled, minified and gzipped', () => {
  it(`the core entry (everything 'asynccache' exports) is at most ${budgetOf('lib/index.ts') / KB} KB`, async () => {
    const size = await bundleSize(fromRoot('lib/index.ts'))
    expect(size.exports.sort()).toEqual(Object.keys(core).sort())
    expect(size.gzipped).toBeLessThanOrEqual(budgetOf('lib/index.ts'))
  })

  const persist = fromRoot('lib/persist/index.ts')
  const persistBudget = `the persist entry, idb-keyval excluded, is at most ${budgetOf('lib/persist/index.ts') / KB} KB`
  it.skipIf(!existsSync(persist))(
    existsSync(persist)
      ? persistBudget
      : `${persistBudget} (skipped: lib/persist/index.ts does not exist yet)`,
    async () => {
      const size = await bundleSize(persist)
      expect(size.gzipped).toBeLessThanOrEqual(budgetOf('lib/persist/index.ts'))
    },
  )
})
