/**
 * What an eviction policy does, in terms of slot indices.
 *
 * The cache owns keys, values and expiries in slot-indexed arrays; a policy owns only the
 * order in which slots should leave. Every method is O(1) and allocates nothing, which is
 * what keeps `get` and `set` allocation-free whichever policy is chosen.
 */
export interface Policy {
  /**
   * Slot `i` now holds a new entry; `frequency` seeds LFU when entries are restored. `key` is
   * for policies that count uses of keys they no longer hold (ADAPTIVE hashes it, once).
   */
  add(i: number, frequency: number, key: unknown): void
  /**
   * Slot `i` now holds a restored entry, older than every entry of its frequency: it goes to
   * the cold end of them (under LRU, of everything), so that restoring never outranks a newer use.
   */
  restore(i: number, frequency: number, key: unknown): void
  /** Slot `i` was used (read by `get`, or overwritten by `set`). */
  touch(i: number): void
  /** Slot `i` is being vacated. */
  remove(i: number): void
  /** The slot to evict next, or -1 when empty. Also the start of a cold-to-hot walk. */
  coldest(): number
  /** The slot just hotter than `i`, or -1. */
  hotter(i: number): number
  /** The hottest slot, or -1. The start of a hot-to-cold walk. */
  hottest(): number
  /** The slot just colder than `i`, or -1. */
  colder(i: number): number
  /**
   * The use count of slot `i` (LFU; ADAPTIVE's estimate of recent uses, 1 to 15), or
   * `undefined` where the policy keeps none (LRU).
   */
  frequency(i: number): number | undefined
  /** Make room for slots `0 .. capacity - 1`, keeping the current order. */
  grow(capacity: number): void
  /** Forget every slot. */
  clear(): void
}

/**
 * Names of the eviction policies: least recently used, least frequently used, or adaptive
 * (Window TinyLFU tuned to the workload as it runs; see the README's policy section).
 */
export type PolicyName = 'LRU' | 'LFU' | 'ADAPTIVE'

/** A typed array twice as long as `a`, holding `a`'s contents: the growth step of every slot array. */
export function grown<T extends Uint8Array | Int32Array | Uint32Array | Float64Array>(
  a: T,
  capacity: number,
): T {
  const b = new (a.constructor as new (n: number) => T)(capacity)
  b.set(a)
  return b
}
