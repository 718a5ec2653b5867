import { mulberry32, zipfKeys } from './random.js'

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

/** W4: W1 at alpha 0.9 with a new rank permutation every 100,000 requests (W6: every 20,000). */
function shifting(every: number, name: string, caches: number[]): Workload {
  return {
    name,
    description: `W1 a=0.9, popularity reshuffled every ${every} requests`,
    caches,
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

/** W7: a loop 1.5x the 1,000-entry cache, each request a coin flip between it and W1 a=0.9. */
function loopAndZipf(): Workload {
  const length = 1_500
  return {
    name: 'W7 loop+zipf',
    description: `keys i mod ${length} and W1 a=0.9 (keys apart), 50/50, ${REQUESTS} requests`,
    caches: [1_000],
    keys: () => {
      const zipfs = zipfKeys(KEYS, 0.9, REQUESTS, SEED)
      const random = mulberry32(SEED + 7)
      const out = new Int32Array(REQUESTS)
      let step = 0
      for (let i = 0; i < REQUESTS; i++) {
        out[i] = random() < 0.5 ? KEYS + (step++ % length) : zipfs[i]
      }
      return out
    },
  }
}

/**
 * W8, corda-like: every key is new, and one in two comes back once, 20 to 400 requests later
 * (a third of the requests can hit, and LRU at 1,000 entries gets them all), while a
 * frequency filter sees every key at a count of one and refuses it.
 */
function corda(): Workload {
  const requests = 1_000_000
  return {
    name: 'W8 corda-like',
    description: `new keys, half requested once more 20 to 400 requests later, ${requests} requests`,
    caches: [250, 1_000],
    keys: () => {
      const random = mulberry32(SEED + 8)
      const out = new Int32Array(requests).fill(-1)
      let fresh = 0
      for (let i = 0; i < requests; i++) {
        if (out[i] !== -1) continue
        const key = fresh++
        out[i] = key
        if (random() < 0.5) {
          // The first free position at least the gap away; past the end, it is dropped.
          let at = i + 20 + Math.floor(random() * 381)
          while (at < requests && out[at] !== -1) at++
          if (at < requests) out[at] = key
        }
      }
      return out
    },
  }
}

/**
 * W9: phases of 100,000 requests alternating between frequency (W1 a=0.9, the same favourites
 * every time) and recency (uniform over the 800 keys introduced last, one new key per 20
 * requests): LFU keeps the favourites through recency phases, LRU forgets them in each.
 */
function phases(): Workload {
  const phase = 100_000
  const recent = 800
  return {
    name: 'W9 phases',
    description: `${phase}-request phases alternating W1 a=0.9 and uniform over the ${recent} newest keys, ${REQUESTS} requests`,
    caches: [1_000, 10_000],
    keys: () => {
      const zipfs = zipfKeys(KEYS, 0.9, REQUESTS, SEED)
      const random = mulberry32(SEED + 9)
      const out = new Int32Array(REQUESTS)
      let newest = KEYS + recent
      for (let i = 0; i < REQUESTS; i++) {
        if (Math.floor(i / phase) % 2 === 0) {
          out[i] = zipfs[i]
        } else {
          if (random() < 0.05) newest++
          out[i] = newest - 1 - Math.floor(random() * recent)
        }
      }
      return out
    },
  }
}

/** All workloads, in the order the issues list them (7: W1-W5, 16: W6-W9). */
export const workloads: Workload[] = [
  ...[0.6, 0.8, 1.0, 1.2].map(zipf),
  scans(),
  ...[1.1, 1.5, 3].map(loop),
  shifting(100_000, 'W4 shifting', [100, 1_000, 10_000]),
  twoTouch(),
  shifting(20_000, 'W6 shifting 20k', [1_000, 10_000]),
  loopAndZipf(),
  corda(),
  phases(),
]
