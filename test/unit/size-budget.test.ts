// @vitest-environment node
import { fileURLToPath } from 'node:url'
import * as api from 'asynccache'
import { describe, expect, it } from 'vitest'
import { bundleSize, type Entry, entries, KB } from '../bench/bundle-size.js'

const fromRoot = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url))
const entry = (file: string) =>
  entries.find((e) => e.file === file && e.imports === undefined) as Entry
const kb = (bytes = 0) => `${bytes / KB} KB`

// The same measurement as `npm run size`: bundled by Vite/rolldown, minified by Oxc, gzip -9.
// The budgets are ceilings just above today's sizes: the targets (issue 7: 5 KB core, 3 KB
// persist; issue 11: 4 KB persist without cross-tab coherence) are missed, as the README says,
// and these keep the miss from growing unnoticed.
describe('size budgets of the entry points, bundled, minified and gzipped', () => {
  const core = entry('lib/index.ts')
  it(`the core entry (everything 'asynccache' exports) is at most ${kb(core.budget)} (target ${kb(core.target)})`, async () => {
    const size = await bundleSize(fromRoot(core.file))
    expect(size.exports.sort()).toEqual(Object.keys(api).sort())
    expect(size.gzipped).toBeLessThanOrEqual(core.budget as number)
  })

  const cacheAlone = entries.find(
    (e) => e.file === 'lib/index.ts' && e.imports !== undefined,
  ) as Entry
  it(`AsyncCache alone is at most ${kb(cacheAlone.budget)} (target ${kb(cacheAlone.target)})`, async () => {
    const size = await bundleSize(fromRoot(cacheAlone.file), false, cacheAlone.imports)
    expect(size.exports).toEqual(cacheAlone.imports)
    expect(size.gzipped).toBeLessThanOrEqual(cacheAlone.budget as number)
  })

  for (const hooks of [entry('lib/react/index.ts'), entry('lib/preact/index.ts')]) {
    it(`${hooks.specifier} adds at most ${kb(hooks.ownBudget)} to an app that has the core and cachedFetch`, async () => {
      const size = await bundleSize(fromRoot(hooks.file), true, undefined, true)
      expect(size.exports.sort()).toEqual(['useCached', 'useCachedFetch'])
      expect(size.gzipped).toBeLessThanOrEqual(hooks.ownBudget as number)
    })
  }

  for (const persist of entries.filter((e) => e.file === 'lib/persist/index.ts')) {
    const what = persist.imports === undefined ? 'the persist entry' : `${persist.imports} alone`
    it(`${what}, idb-keyval excluded, is at most ${kb(persist.budget)} (target ${kb(persist.target)})`, async () => {
      const size = await bundleSize(fromRoot(persist.file), false, persist.imports)
      if (persist.imports !== undefined) expect(size.exports).toEqual(persist.imports)
      expect(size.gzipped).toBeLessThanOrEqual(persist.budget as number)
    })
  }
})
