import type { Outcome } from './data.js'

/** "cache 0.1 ms" or "network 240 ms": where one request was served from, and how fast. */
export function Badge({ outcome }: { outcome: Outcome }) {
  const label = `${outcome.source === 'cache' ? 'cache hit' : 'network'} ${outcome.ms.toFixed(1)} ms`
  return (
    <span
      class={`badge ${outcome.source}${outcome.error ? ' failed' : ''}`}
      data-source={outcome.source}
    >
      {outcome.error ? `${label}: ${outcome.error}` : label}
    </span>
  )
}
