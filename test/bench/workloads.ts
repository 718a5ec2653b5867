import { zipfKeys } from './random.js'

/**
 * The simulator's workloads (issue 7, W1-W5): each a seeded stream of integer keys and the
 * cache sizes it is replayed at. Streams are generated on demand, one at a time, to keep memory
 * flat.
 */
export interface Workload {
  /** Short name for tables and the chart, such as `W1 a=0.8`. */
  name: string
  /** What the workload is made of. */
  description: string
  caches: number[]
  keys(): Int32Array
}

const KEYS = 100_000
const REQUESTS = 2_000_000
const SEED = 20240607

/** W1: Zipf over 100,000 keys, 2,000,000 requests. */
function zipf(alpha: number): Workload {
  return {
    name: `W1 a=${alpha.toFixed(1)}`,
    description: `Zipf(${alpha}) over ${KEYS} keys, ${REQUESTS} requests`,
    caches: [100, 1_000, 10_000],
    keys: () => zipfKeys(KEYS, alpha, REQUESTS, SEED),
  }
}

/** W2: W1 at alpha 0.9 with a burst of 1,000 never-seen keys after every 10,000 requests. */
function scans(): Workload {
  const every = 10_000
  const burst = 1_000
  return {
    name: 'W2 scans',
    description: `W1 a=0.9 plus ${burst} never-seen keys after every ${every} requests`,
    caches: [1_000, 10_000],
    keys: () => {
      const base = zipfKeys(KEYS, 0.9, REQUESTS, SEED)
      const out = new Int32Array(REQUESTS + (REQUESTS / every) * burst)
      let fresh = KEYS
      let o = 0
      for (let i = 0; i < REQUESTS; i++) {
        out[o++] = base[i]
        if ((i + 1) % every === 0) for (let j = 0; j < burst; j++) out[o++] = fresh++
      }
      return out
    },
  }
}

/** W3: key = i mod L over 1,000,000 requests, L a multiple of the 1,000-entry cache. */
function loop(factor: number): Workload {
  const length = Math.round(1_000 * factor)
  const requests = 1_000_000
  return {
    name: `W3 loop ${factor}x`,
    description: `keys i mod ${length}, ${requests} requests`,
    caches: [1_000],
    keys: () => {
      const out = new Int32Array(requests)
      for (let i = 0; i < requests; i++) out[i] = i % length
      return out
    },
  }
}

/** W4: W1 at alpha 0.9 with a new rank permutation every 100,000 requests. */
function shifting(): Workload {
  const every = 100_000
  return {
    name: 'W4 shifting',
    description: `W1 a=0.9, popularity reshuffled every ${every} requests`,
    caches: [100, 1_000, 10_000],
    keys: () => zipfKeys(KEYS, 0.9, REQUESTS, SEED, every),
  }
}

/**
 * W5: every key requested exactly twice, 30 requests apart: blocks of 30 new keys, each block
 * requested twice in a row. Half the requests can hit, and LRU gets all of them.
 */
function twoTouch(): Workload {
  const gap = 30
  const requests = 1_000_000
  return {
    name: 'W5 2-touch',
    description: `each key twice, ${gap} requests apart, ${requests} requests`,
    caches: [250, 1_000],
    keys: () => {
      const out = new Int32Array(requests)
      for (let i = 0; i < requests; i++) {
        const block = Math.floor(i / (2 * gap))
        out[i] = block * gap + (i % gap)
      }
      return out
    },
  }
}

/** All workloads, in the order the issue lists them. */
export const workloads: Workload[] = [
  ...[0.6, 0.8, 1.0, 1.2].map(zipf),
  scans(),
  ...[1.1, 1.5, 3].map(loop),
  shifting(),
  twoTouch(),
]
