import { AsyncCache } from 'asynccache'
import { persist } from 'asynccache/persist'
import { afterEach, expect, test } from 'vitest'

// Prints figures for the persistence note; asserts behaviour only, never timing.
// Run: npx vitest run --project browser test/browser/persist.measure.test.ts

const N = 10_000
const never = () => () => {}

const transaction = IDBDatabase.prototype.transaction
const opened: IDBTransactionMode[] = []
IDBDatabase.prototype.transaction = function (this: IDBDatabase, ...args) {
  opened.push(args[1] ?? 'readonly')
  return transaction.apply(this, args)
} as typeof transaction
afterEach(() => {
  IDBDatabase.prototype.transaction = transaction
})

function value(i: number) {
  return { id: i, name: `user ${i}`, tags: ['a', 'b'], at: new Date(1_700_000_000_000 + i) }
}

test(`10,000 sets in one burst take one IndexedDB transaction; hydrating them`, async () => {
  const name = `measure-${crypto.randomUUID()}`
  const cache = new AsyncCache<string, ReturnType<typeof value>>({ maxsize: N, policy: 'LFU' })
  const store = persist(cache, { name, schedule: never })
  await store.ready
  opened.length = 0

  const writeStart = performance.now()
  for (let i = 0; i < N; i++) cache.set(`user:${i}`, value(i))
  await store.flush()
  const writeMs = performance.now() - writeStart
  const readwrite = opened.filter((mode) => mode === 'readwrite').length
  expect(readwrite).toBe(1)
  await store.stop()

  const runs: number[] = []
  for (let run = 0; run < 5; run++) {
    const rebuilt = new AsyncCache<string, ReturnType<typeof value>>({ maxsize: N, policy: 'LFU' })
    opened.length = 0
    const start = performance.now()
    const again = persist(rebuilt, { name, schedule: never })
    await again.ready
    runs.push(performance.now() - start)
    expect(rebuilt.size).toBe(N)
    expect(opened).toEqual(['readonly'])
    await again.stop()
  }
  runs.sort((a, b) => a - b)
  console.log(
    `[persist] ${N} sets in one burst: ${readwrite} readwrite transaction(s), set + flush ${writeMs.toFixed(0)} ms`,
  )
  console.log(
    `[persist] hydrating ${N} entries (${navigator.userAgent.match(/Chrome\/[\d.]+/)?.[0]}): ` +
      `median ${runs[2].toFixed(0)} ms, min ${runs[0].toFixed(0)} ms, max ${runs[4].toFixed(0)} ms over 5 runs`,
  )
})
