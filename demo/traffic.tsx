import { useRef, useState } from 'preact/hooks'
import { mulberry32, permutation, zipfRanks } from '../test/bench/random.js'
import { PRODUCT_COUNT } from './catalogue.js'
import type { Data, Outcome } from './data.js'

/** Requests in flight at once, like a browser's connections to one host. */
const CONCURRENCY = 6

interface Tally {
  requests: number
  cache: number
  network: number
  errors: number
}

const ZERO: Tally = { requests: 0, cache: 0, network: 0, errors: 0 }

/**
 * Fires many product requests with Zipf popularity (a few products are very popular, most are
 * rare), so that the hit ratio, the evictions and the LRU/LFU difference show in the overlay.
 */
export function Traffic({ data, onOutcome }: { data: Data; onOutcome: (o: Outcome) => void }) {
  const [count, setCount] = useState(500)
  const [alpha, setAlpha] = useState(1)
  const [running, setRunning] = useState(false)
  const [tally, setTally] = useState<Tally>(ZERO)
  const runs = useRef(0)
  const stop = useRef(false)

  async function run() {
    runs.current++
    stop.current = false
    setRunning(true)
    const random = mulberry32(runs.current)
    const rank = zipfRanks(PRODUCT_COUNT, alpha, random)
    const ids = permutation(PRODUCT_COUNT, mulberry32(7)) // the same favourites on every run
    let started = 0
    const worker = async () => {
      while (started < count && !stop.current) {
        started++
        const outcome = await data.loadProduct(ids[rank()] + 1)
        onOutcome(outcome)
        setTally((t) => ({
          requests: t.requests + 1,
          cache: t.cache + (outcome.source === 'cache' ? 1 : 0),
          network: t.network + (outcome.source === 'network' ? 1 : 0),
          errors: t.errors + (outcome.error ? 1 : 0),
        }))
      }
    }
    await Promise.all(Array.from({ length: CONCURRENCY }, worker))
    setRunning(false)
  }

  return (
    <section class="traffic" aria-label="Traffic generator">
      <h2>Traffic generator</h2>
      <label>
        Requests{' '}
        <input
          type="number"
          min={1}
          max={100000}
          value={count}
          onInput={(e) => setCount(Number(e.currentTarget.value))}
        />
      </label>
      <label>
        Skew (Zipf α {alpha.toFixed(1)})
        <input
          type="range"
          min={0.4}
          max={1.6}
          step={0.1}
          value={alpha}
          onInput={(e) => setAlpha(Number(e.currentTarget.value))}
        />
      </label>
      {running ? (
        <button type="button" onClick={() => (stop.current = true)}>
          Stop
        </button>
      ) : (
        <button type="button" class="primary" onClick={run} data-testid="run-traffic">
          Run traffic
        </button>
      )}
      <button type="button" onClick={() => setTally(ZERO)} disabled={running}>
        Reset tallies
      </button>
      <p
        class="tally"
        data-testid="tally"
        data-requests={tally.requests}
        data-cache={tally.cache}
        data-network={tally.network}
        data-running={running}
      >
        {tally.requests} requests: {tally.cache} from the cache, {tally.network} from the network
        {tally.errors > 0 && `, ${tally.errors} failed`}
        {tally.requests > 0 && ` (hit ratio ${((tally.cache / tally.requests) * 100).toFixed(1)}%)`}
      </p>
    </section>
  )
}
