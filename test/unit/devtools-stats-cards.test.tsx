import { AsyncCache, formatStats } from 'asynccache'
import { render } from 'preact'
import { afterEach, describe, expect, test } from 'vitest'
import { StatsCards } from '../../devtools/stats-cards.js'

const container = document.createElement('div')

afterEach(() => {
  render(null, container)
})

function cards(): Record<string, string> {
  const out: Record<string, string> = {}
  for (const card of container.querySelectorAll('.card')) {
    out[card.querySelector('dt')?.textContent ?? ''] = card.querySelector('dd')?.textContent ?? ''
  }
  return out
}

describe('devtools StatsCards', () => {
  test('shows the counters of getStats()', async () => {
    let t = 0
    const cache = new AsyncCache<string, number>({
      maxsize: 2,
      policy: 'LFU',
      ttl: 1,
      now: () => t,
    })
    cache.set('a', 1)
    cache.get('a')
    cache.get('a')
    cache.get('a')
    cache.get('zz')
    cache.set('b', 2)
    cache.set('c', 3) // capacity eviction
    t = 5000
    cache.get('a') // expired: a miss and an expired eviction
    cache.updateProfiling(2_000_000)
    cache.updateProfiling(4_000_000)
    const pending = cache.getOrLoad('slow', () => new Promise<number>(() => {}))
    void pending

    render(<StatsCards stats={cache.getStats()} failures={0} />, container)

    expect(cards()).toEqual({
      Hits: '3',
      Misses: '3',
      'Hit ratio': '50.0 %',
      Size: '1 / 2',
      'Evicted: capacity': '1',
      'Evicted: expired': '1',
      'Loads in flight': '1',
      'Load errors': '0',
      'Avg load': '3 ms',
      'Max load': '4 ms',
    })
  })

  test('shows dashes before any lookup or timing, and large counts with separators', () => {
    const cache = new AsyncCache<string, number>({ maxsize: 20_000 })
    render(<StatsCards stats={cache.getStats()} failures={0} />, container)
    expect(cards()).toMatchObject({ 'Hit ratio': '—', 'Avg load': '—', Size: '0 / 20,000' })
  })

  test("the Python original's formatted stats are one click away", () => {
    const cache = new AsyncCache<string, number>({ maxsize: 5, ttl: 60 })
    cache.set('a', 1)
    cache.get('a')
    render(<StatsCards stats={cache.getStats()} failures={0} />, container)

    const details = container.querySelector('details') as HTMLDetailsElement
    expect(details.open).toBe(false)
    ;(details.querySelector('summary') as HTMLElement).click()
    expect(details.open).toBe(true)
    expect(JSON.parse(details.querySelector('pre')?.textContent ?? '')).toEqual(
      formatStats(cache.getStats()),
    )
  })
})
