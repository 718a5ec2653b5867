/** Counters per entry of the capacity it is sized for: 16 four-bit counters, 8 bytes. */
const COUNTERS_PER_ENTRY = 16
/** Below this many entries the sketch does not shrink: collisions would swamp the counts. */
const MIN_ENTRIES = 256
/** Counts are halved after this many increments per entry: old popularity fades. */
const AGING_PERIOD = 10
/** One multiplier per row of the count-min sketch. */
const SEED0 = 0x97cb3127
const SEED1 = 0xb9d34bc3
const SEED2 = 0x2f0a7c5d
const SEED3 = 0x6e2c9f1b

/**
 * How often each key was used lately, approximately: TinyLFU's count-min sketch, four rows of
 * 4-bit counters (saturating at 15) packed eight to a 32-bit word, every counter halved once
 * the sketch has counted ten uses per entry. An estimate never undercounts a key's uses since
 * the last halving (only collisions overcount it), which is all admission needs.
 */
export class FrequencySketch {
  #table: Uint32Array
  /**
   * Counters per 2^32: a 32-bit product times this picks a counter (Lemire's reduction), so
   * the table need not round up to a power of two.
   */
  readonly #scale: number
  #additions = 0
  readonly #period: number

  /** Entries it is sized for. */
  readonly entries: number

  /** A sketch for a cache of `entries` entries: 8 bytes each, 2 KB at least (and as slow to age). */
  constructor(entries: number) {
    this.entries = entries
    const counters = COUNTERS_PER_ENTRY * Math.max(entries, MIN_ENTRIES)
    this.#table = new Uint32Array(counters / 8)
    this.#scale = counters / 2 ** 32
    this.#period = AGING_PERIOD * Math.max(entries, MIN_ENTRIES)
  }

  /** Counts one use of the key hashed to `h`. */
  increment(h: number): void {
    const added =
      this.#add(Math.imul(h, SEED0)) |
      this.#add(Math.imul(h, SEED1)) |
      this.#add(Math.imul(h, SEED2)) |
      this.#add(Math.imul(h, SEED3))
    if (added !== 0 && ++this.#additions >= this.#period) this.#halve()
  }

  /** The estimated uses of the key hashed to `h`, 0 to 15. */
  estimate(h: number): number {
    return Math.min(
      this.#count(Math.imul(h, SEED0)),
      this.#count(Math.imul(h, SEED1)),
      this.#count(Math.imul(h, SEED2)),
      this.#count(Math.imul(h, SEED3)),
    )
  }

  /** Forgets every count. */
  clear(): void {
    this.#table.fill(0)
    this.#additions = 0
  }

  /** Adds one to the counter that the product `x` picks unless it is saturated; 1 if it did. */
  #add(x: number): number {
    const c = Math.floor((x >>> 0) * this.#scale)
    const shift = (c & 7) << 2
    const word = c >>> 3
    if (((this.#table[word] >>> shift) & 15) === 15) return 0
    this.#table[word] += 1 << shift
    return 1
  }

  #count(x: number): number {
    const c = Math.floor((x >>> 0) * this.#scale)
    return (this.#table[c >>> 3] >>> ((c & 7) << 2)) & 15
  }

  /** Halves every counter at once: a shift, with each nibble's top bit cleared of its neighbour's. */
  #halve(): void {
    const t = this.#table
    for (let i = 0; i < t.length; i++) t[i] = (t[i] >>> 1) & 0x77777777
    this.#additions >>>= 1
  }
}
