/**
 * A measurement, not a timed test: 100,000 cache events per second for 5 s in real Chromium,
 * once without the devtools and once with the panel open. It asserts behaviour only (every event
 * counted exactly by the panel's graph) and prints the figures (longest main-thread task, frame
 * rate, longest gap between frames, time per animation-frame callback) to the console and to
 * test-output/devtools-storm.json.
 */
import { AsyncCache, listCaches, unregisterCache } from 'asynccache'
import { type DevtoolsChart, HOST_ATTRIBUTE, mountDevtools } from 'asynccache/devtools'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { commands, page } from 'vitest/browser'

const RATE = 100_000
const SECONDS = 5
/** A step that fell behind catches up at most this much at once, so the driver itself never makes a long task. */
const MAX_ROUNDS_PER_STEP = 1_500
const SIZE = 10_000

/** What one storm did, counted from the calls' results (not from events). */
interface Storm {
  hits: number
  misses: number
  /** New keys stored into the full cache: each evicted exactly one entry. */
  evictions: number
  events: number
}

interface Figures {
  eventsPerSecond: number
  frames: number
  framesPerSecond: number
  longestFrameGapMs: number
  longTasks: number
  longestTaskMs: number
  /** Time spent in each animation-frame callback: the panel's render (and the frame counter). */
  frameCallbackMedianMs: number
  frameCallbackMaxMs: number
}

/**
 * Each round is ten events: seven lookups of recently stored keys, one lookup of a key never
 * stored (a miss), and one new key (a `set` and, the cache being full, an `evict`).
 */
function storm(cache: AsyncCache<string, number>, onHalfway: () => void): Promise<Storm> {
  const done: Storm = { hits: 0, misses: 0, evictions: 0, events: 0 }
  let next = SIZE
  let rounds = 0
  let halfway = false
  const start = performance.now()
  const total = (RATE / 10) * SECONDS
  return new Promise((resolve) => {
    const step = () => {
      const elapsed = performance.now() - start
      const due = Math.min(total, Math.floor(((RATE / 10) * elapsed) / 1000))
      const until = Math.min(due, rounds + MAX_ROUNDS_PER_STEP)
      for (; rounds < until; rounds++) {
        for (let i = 1; i <= 7; i++) {
          if (cache.get(`key-${next - i * 3}`) === undefined) done.misses++
          else done.hits++
        }
        if (cache.get(`absent-${rounds}`) === undefined) done.misses++
        else done.hits++
        cache.set(`key-${next++}`, rounds)
        done.evictions++
        done.events += 10
      }
      if (!halfway && elapsed >= (SECONDS * 1000) / 2) {
        halfway = true
        onHalfway()
      }
      if (rounds < total) setTimeout(step, 0)
      else resolve(done)
    }
    setTimeout(step, 0)
  })
}

/** Runs `work` while counting frames and long tasks. */
async function measured(work: () => Promise<Storm>): Promise<[Storm, Figures]> {
  const longTasks: number[] = []
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) longTasks.push(entry.duration)
  })
  observer.observe({ type: 'longtask' })
  // Times every animation-frame callback (the panel's render among them) while the work runs.
  const callbacks: number[] = []
  const request = window.requestAnimationFrame
  window.requestAnimationFrame = (callback) =>
    request.call(window, (time) => {
      const begin = performance.now()
      callback(time)
      callbacks.push(performance.now() - begin)
    })
  let frames = 0
  let last = 0
  let longestGap = 0
  let counting = true
  const count = (time: number) => {
    if (!counting) return
    if (last > 0) longestGap = Math.max(longestGap, time - last)
    last = time
    frames++
    requestAnimationFrame(count)
  }
  requestAnimationFrame(count)
  const start = performance.now()
  const result = await work()
  const seconds = (performance.now() - start) / 1000
  counting = false
  // Long tasks are reported after they end: take what the observer still holds.
  for (const entry of observer.takeRecords()) longTasks.push(entry.duration)
  observer.disconnect()
  window.requestAnimationFrame = request
  callbacks.sort((a, b) => a - b)
  const ms = (n: number) => Math.round(n * 100) / 100
  return [
    result,
    {
      eventsPerSecond: Math.round(result.events / seconds),
      frames,
      framesPerSecond: Math.round((frames / seconds) * 10) / 10,
      longestFrameGapMs: Math.round(longestGap * 10) / 10,
      longTasks: longTasks.length,
      longestTaskMs: Math.round(Math.max(0, ...longTasks)),
      frameCallbackMedianMs: ms(callbacks[callbacks.length >> 1] ?? 0),
      frameCallbackMaxMs: ms(callbacks.at(-1) ?? 0),
    },
  ]
}

function filled(name: string | undefined): AsyncCache<string, number> {
  const cache = new AsyncCache<string, number>({
    maxsize: SIZE,
    policy: 'LRU',
    ...(name === undefined ? {} : { name }),
  })
  for (let i = 0; i < SIZE; i++) cache.set(`key-${i}`, i)
  return cache
}

const created: AsyncCache[] = []
let unmount: (() => void) | undefined

beforeEach(() => {
  // Every live cache is listed, named or not: the storm's cache is the only one shown.
  for (const cache of listCaches()) unregisterCache(cache)
})

afterEach(() => {
  unmount?.()
  for (const cache of created.splice(0)) unregisterCache(cache)
})

describe('devtools under an event storm (measurement)', () => {
  test('100,000 events/s for 5 s: the open panel counts every event exactly', async () => {
    await page.viewport(1280, 800)

    // Baseline: the same storm on a page without the devtools.
    const quiet = filled(undefined)
    const [, baseline] = await measured(() => storm(quiet, () => {}))
    // Listed too (every live cache is): out of the panel's way before it opens.
    unregisterCache(quiet as unknown as AsyncCache)

    const cache = filled('storm')
    created.push(cache as unknown as AsyncCache)
    const chart = await new Promise<DevtoolsChart>((resolve) => {
      unmount = mountDevtools({ initialIsOpen: true, onChart: resolve })
    })
    const root = (document.querySelector(`[${HOST_ATTRIBUTE}]`) as HTMLElement)
      .shadowRoot as ShadowRoot
    const eventsTab = () =>
      [...root.querySelectorAll<HTMLButtonElement>('[role=tab]')].find(
        (b) => b.textContent === 'Events',
      )
    const before = cache.getStats()

    // Entries tab for the first half (10,000 rows to inspect), the event log for the second.
    const [done, open] = await measured(() => storm(cache, () => eventsTab()?.click()))
    const sum = (i: number) => (chart.data[i] as number[]).reduce((a, b) => a + b, 0)
    // Redraws are throttled while events stream in: the last one comes within a gap.
    await expect.poll(() => sum(1), { interval: 20 }).toBe(done.hits)

    const stats = cache.getStats()
    expect(stats.hits - before.hits).toBe(done.hits)
    expect(stats.misses - before.misses).toBe(done.misses)
    expect(stats.evictions.capacity).toBe(done.evictions)
    expect({ hits: sum(1), misses: sum(2), evictions: sum(3) }).toEqual({
      hits: done.hits,
      misses: done.misses,
      evictions: done.evictions,
    })
    expect(done.events).toBe(RATE * SECONDS)
    // The log is a bounded ring: it shows the last events, the newest on top.
    const log = root.querySelector('.viewport tbody tr td.type')
    expect(log?.textContent).toBe('set')

    const figures = { machine: navigator.userAgent, rate: RATE, seconds: SECONDS, baseline, open }
    console.log(`devtools storm figures: ${JSON.stringify(figures, null, 2)}`)
    await commands.writeFile('test-output/devtools-storm.json', JSON.stringify(figures, null, 2))
  }, 60_000)
})
