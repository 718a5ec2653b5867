// @vitest-environment node
import { fileURLToPath } from 'node:url'
import * as api from 'asynccache'
import { describe, expect, it } from 'vitest'
import { bundleSize, type Entry, entries, KB } from '../bench/bundle-size.js'

const fromRoot = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url))
const entry = (file: string) => entries.find((e) => e.file === file) as Entry
const kb = (bytes = 0) => `${bytes / KB} KB`

// The same measurement as `npm run size`: bundled by Vite/rolldown, minified by Oxc, gzip -9.
// The budgets are ceilings just above today's sizes: issue 7's targets (5 KB core, 3 KB persist)
// are missed, as the README says, and these keep the miss from growing unnoticed.
describe('size budgets of the entry points, bundled, minified and gzipped', () => {
  const core = entry('lib/index.ts')
  it(`the core entry (everything 'asynccache' exports) is at most ${kb(core.budget)} (target ${kb(core.target)})`, async () => {
    const size = await bundleSize(fromRoot(core.file))
    expect(size.exports.sort()).toEqual(Object.keys(api).sort())
    expect(size.gzipped).toBeLessThanOrEqual(core.budget as number)
  })

  const persist = entry('lib/persist/index.ts')
  it(`the persist entry, idb-keyval excluded, is at most ${kb(persist.budget)} (target ${kb(persist.target)})`, async () => {
    const size = await bundleSize(fromRoot(persist.file))
    expect(size.gzipped).toBeLessThanOrEqual(persist.budget as number)
  })
})
