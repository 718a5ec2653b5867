import { type CacheStats, formatStats } from '../lib/index.js'
import { count, duration } from './format.js'

/** Props of {@link StatsCards}. */
export interface StatsCardsProps {
  stats: CacheStats
  /** Failed loads (rejections and HTTP error statuses) the recorder counted since the last reset. */
  failures: number
}

/**
 * The cache's counters as cards, with the Python original's formatted dictionary one click
 * away (a `<details>` the app's re-renders leave open or closed as the user left it).
 */
export function StatsCards({ stats, failures }: StatsCardsProps) {
  const lookups = stats.hits + stats.misses
  const timed = stats.totalCalls > 0
  const cards: [label: string, value: string][] = [
    ['Hits', count(stats.hits)],
    ['Misses', count(stats.misses)],
    ['Hit ratio', lookups === 0 ? '—' : `${(stats.hitRatio * 100).toFixed(1)} %`],
    ['Size', `${count(stats.size)} / ${count(stats.maxsize)}`],
    ['Evicted: capacity', count(stats.evictions.capacity)],
    ['Evicted: expired', count(stats.evictions.expired)],
    ['Loads in flight', count(stats.loadsInFlight)],
    ['Load errors', count(failures)],
    ['Avg load', timed ? duration(stats.avgTimeMs) : '—'],
    ['Max load', timed ? duration(stats.maxTimeMs) : '—'],
  ]
  return (
    <section aria-label="Statistics">
      <dl class="cards">
        {cards.map(([label, value]) => (
          <div class={label === 'Load errors' && failures > 0 ? 'card error' : 'card'} key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <details>
        <summary>Formatted stats (as the Python original)</summary>
        <pre>{JSON.stringify(formatStats(stats), null, 2)}</pre>
      </details>
    </section>
  )
}
