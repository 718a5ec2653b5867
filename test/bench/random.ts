/**
 * Seeded randomness for the benchmarks and the simulator: every stream is a pure function of
 * its seed, so any run can be reproduced bit for bit.
 */

/** A uniform generator on [0, 1). */
export type Random = () => number

/** mulberry32: a tiny, fast 32-bit generator, good enough for workloads (not for secrets). */
export function mulberry32(seed: number): Random {
  let a = seed | 0
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A uniformly random permutation of `0 .. n - 1` (Fisher-Yates). */
export function permutation(n: number, random: Random): Int32Array {
  const p = new Int32Array(n)
  for (let i = 0; i < n; i++) p[i] = i
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    const t = p[i]
    p[i] = p[j]
    p[j] = t
  }
  return p
}

/**
 * Draws ranks `0 .. n - 1` with probability proportional to `1 / (rank + 1)^alpha`, by inverse
 * CDF: a uniform draw is located in the cumulative weights by binary search.
 */
export function zipfRanks(n: number, alpha: number, random: Random): () => number {
  const cdf = new Float64Array(n)
  let total = 0
  for (let r = 0; r < n; r++) {
    total += 1 / (r + 1) ** alpha
    cdf[r] = total
  }
  return () => {
    const u = random() * total
    let lo = 0
    let hi = n - 1
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (cdf[mid] > u) hi = mid
      else lo = mid + 1
    }
    return lo
  }
}

/**
 * `length` keys `0 .. n - 1` drawn from Zipf(`alpha`), ranks mapped to keys through a seeded
 * permutation so that popularity is unrelated to key order. `shiftEvery` draws a new
 * permutation after every that many requests (shifting popularity); 0 never does.
 */
export function zipfKeys(
  n: number,
  alpha: number,
  length: number,
  seed: number,
  shiftEvery = 0,
): Int32Array {
  const random = mulberry32(seed)
  const rank = zipfRanks(n, alpha, random)
  let keyOf = permutation(n, random)
  const out = new Int32Array(length)
  for (let i = 0; i < length; i++) {
    if (shiftEvery > 0 && i > 0 && i % shiftEvery === 0) keyOf = permutation(n, random)
    out[i] = keyOf[rank()]
  }
  return out
}
