// @vitest-environment node
import { AsyncCache, asyncCache, listCaches } from 'asynccache'
import { expect, test } from 'vitest'

// The unit project runs with --expose-gc.
const gc = (globalThis as { gc?: () => void }).gc as () => void

const records = () =>
  (globalThis as Record<symbol, { refs: Set<WeakRef<object>> }>)[Symbol.for('asynccache.registry')]
    .refs.size

/** Collects, then lets finalizers run (they run in a later task), until `done` or 50 rounds. */
async function collectUntil(done: () => boolean): Promise<void> {
  for (let round = 0; round < 50 && !done(); round++) {
    gc()
    await new Promise((resolve) => setImmediate(resolve))
  }
}

test('the registry follows the live caches: 3,000 short-lived caches leave no records', async () => {
  const kept = new AsyncCache({ maxsize: 1, name: 'kept' })
  const before = records()
  ;(() => {
    for (let i = 0; i < 1500; i++) new AsyncCache({ maxsize: 1, name: `short-lived ${i}` })
    for (let i = 0; i < 1500; i++)
      asyncCache()(async function wrapped(x: number) {
        return x
      })
  })()
  expect(records()).toBe(before + 3000)
  await collectUntil(() => records() <= before)
  expect(records()).toBe(before)
  expect(listCaches()).toContain(kept)
})
