import { AsyncCache } from 'asynccache'
import { describe, expect, test } from 'vitest'
import { Recorder } from '../../devtools/recorder.js'

function setup(windowSeconds = 5, logSize = 4) {
  const clock = { t: 10_000 }
  const cache = new AsyncCache<string, number>({ maxsize: 2, policy: 'LRU', now: () => clock.t })
  const recorder = new Recorder(cache as AsyncCache, { windowSeconds, logSize })
  recorder.start()
  return { clock, cache, recorder }
}

describe('devtools Recorder', () => {
  test('counts hits, misses and evictions per second of the cache clock', () => {
    const { clock, cache, recorder } = setup()
    cache.set('a', 1) // 10 s
    cache.get('a')
    cache.get('a')
    cache.get('zz')
    clock.t = 11_999 // still second 11
    cache.set('b', 2)
    cache.set('c', 3) // evicts 'a' (capacity)
    cache.get('b')
    clock.t = 13_000
    cache.get('nope')
    cache.get('nope')

    expect(recorder.series(13_500)).toEqual({
      offsets: [-4, -3, -2, -1, 0],
      hits: [0, 2, 1, 0, 0],
      misses: [0, 1, 0, 0, 2],
      evictions: [0, 0, 1, 0, 0],
    })
  })

  test('the window rolls: a bucket reused for a later second starts from zero', () => {
    const { clock, cache, recorder } = setup(5)
    cache.get('x') // second 10
    clock.t = 15_000 // same bucket as second 10 in a 5-bucket ring
    cache.get('y')
    cache.get('y')

    expect(recorder.series(15_000).misses).toEqual([0, 0, 0, 0, 2])
    // Seconds that left the window read as zero even though their bucket was never reused.
    expect(recorder.series(30_000).misses).toEqual([0, 0, 0, 0, 0])
  })

  test('an event older than the window is not drawn and does not corrupt a newer bucket', () => {
    const { clock, cache, recorder } = setup(5)
    clock.t = 15_000
    cache.get('new')
    clock.t = 10_000 // an injected clock may go back
    cache.get('old')

    expect(recorder.series(15_000).misses).toEqual([0, 0, 0, 0, 1])
  })

  test('the log keeps the last logSize events, newest first, and counts every event', () => {
    const { cache, recorder } = setup(5, 3)
    cache.set('a', 1)
    cache.get('a')
    cache.get('b')
    cache.delete('a')
    cache.clear()

    expect(recorder.events().map((e) => e.type)).toEqual(['clear', 'delete', 'miss'])
    expect(recorder.total).toBe(5)
    expect(recorder.version).toBe(5)
  })

  test('start subscribes once, stop unsubscribes and keeps what was recorded', () => {
    const { cache, recorder } = setup()
    recorder.start()
    cache.get('a')
    expect(recorder.total).toBe(1) // one subscription, not two
    recorder.stop()
    expect(cache.listening).toBe(false)
    cache.get('a')
    expect(recorder.total).toBe(1)
    expect(recorder.series(10_000).misses.at(-1)).toBe(1)
  })

  test('onEvent is called after each event is recorded', () => {
    const cache = new AsyncCache<string, number>({ maxsize: 2, now: () => 0 })
    const seen: number[] = []
    const recorder: Recorder = new Recorder(cache as AsyncCache, {
      windowSeconds: 5,
      logSize: 10,
      onEvent: () => seen.push(recorder.total),
    })
    recorder.start()
    cache.get('a')
    cache.set('a', 1)
    expect(seen).toEqual([1, 2])
  })
})

describe('Recorder: loads and failures per key', () => {
  test('a load is listed while in flight; a rejection or an HTTP error status is a failure until the key stores again', async () => {
    const cache = new AsyncCache<string, unknown>({ maxsize: 10, policy: 'LRU' })
    const recorder = new Recorder(cache as AsyncCache, { windowSeconds: 60, logSize: 100 })
    recorder.start()
    let finish: (v: number) => void = () => {}
    const pending = cache.getOrLoad('slow', () => new Promise<number>((r) => (finish = r)))
    expect([...recorder.loading.keys()]).toEqual(['slow'])
    finish(1)
    await pending
    expect(recorder.loading.size).toBe(0)

    await cache.getOrLoad('bad', () => Promise.reject(new TypeError('offline'))).catch(() => {})
    cache.publish({
      type: 'fetch-response',
      key: 'http',
      status: 503,
      statusText: 'Service Unavailable',
      stored: false,
    })
    expect(recorder.failures).toBe(2)
    expect([...recorder.errors].map(([k, e]) => [k, e.message])).toEqual([
      ['bad', 'TypeError: offline'],
      ['http', 'HTTP 503 Service Unavailable'],
    ])

    cache.publish({
      type: 'fetch-response',
      key: 'http',
      status: 200,
      statusText: 'OK',
      stored: true,
    })
    cache.set('bad', 2)
    expect(recorder.errors.size).toBe(0)
    expect(recorder.failures).toBe(2) // counted until the statistics are reset
    cache.resetStats()
    expect(recorder.failures).toBe(0)
  })
})
