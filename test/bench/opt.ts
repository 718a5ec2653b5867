/**
 * Belady's optimal policy (MIN / OPT): on a miss with a full cache, drop whichever of the cached
 * keys and the requested one is next used farthest in the future. No policy can do better,
 * which makes it the yardstick for LRU and LFU. It needs the future, so it works on a recorded
 * stream of non-negative integer keys.
 */

/**
 * For each request, the index of the next request of the same key; a request whose key never
 * comes back gets `length + i`, a distinct "never" that sorts after every real index.
 */
export function nextUses(keys: Int32Array): Int32Array {
  const n = keys.length
  let maxKey = 0
  for (let i = 0; i < n; i++) if (keys[i] > maxKey) maxKey = keys[i]
  const seen = new Int32Array(maxKey + 1).fill(-1)
  const next = new Int32Array(n)
  for (let i = n - 1; i >= 0; i--) {
    const k = keys[i]
    next[i] = seen[k] === -1 ? n + i : seen[k]
    seen[k] = i
  }
  return next
}

/** Hits of OPT with `capacity` slots on `keys`, whose {@link nextUses} are `next`. */
export function optHits(keys: Int32Array, next: Int32Array, capacity: number): number {
  let maxKey = 0
  for (let i = 0; i < keys.length; i++) if (keys[i] > maxKey) maxKey = keys[i]
  const cached = new FarthestFirst(capacity, maxKey)
  let hits = 0
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]
    if (cached.has(key)) {
      hits++
      cached.later(key, next[i])
    } else if (cached.size < capacity) {
      cached.push(key, next[i])
    } else if (next[i] < cached.farthest()) {
      cached.replaceFarthest(key, next[i])
    }
    // Otherwise the requested key is itself the farthest: it is not kept.
  }
  return hits
}

/**
 * The cached keys in a binary max-heap ordered by next use, with each key's heap position
 * indexed so that a hit can push its key's next use later in O(log n).
 */
class FarthestFirst {
  private readonly keys: Int32Array
  private readonly when: Int32Array
  /** Heap position of each key, -1 when not cached. */
  private readonly at: Int32Array
  size = 0

  constructor(capacity: number, maxKey: number) {
    this.keys = new Int32Array(capacity)
    this.when = new Int32Array(capacity)
    this.at = new Int32Array(maxKey + 1).fill(-1)
  }

  has(key: number): boolean {
    return this.at[key] !== -1
  }

  farthest(): number {
    return this.when[0]
  }

  push(key: number, when: number): void {
    this.up(this.size++, key, when)
  }

  replaceFarthest(key: number, when: number): void {
    this.at[this.keys[0]] = -1
    this.down(0, key, when)
  }

  /** `key` is next used at `when`, later than before. */
  later(key: number, when: number): void {
    this.up(this.at[key], key, when)
  }

  private place(i: number, key: number, when: number): void {
    this.keys[i] = key
    this.when[i] = when
    this.at[key] = i
  }

  private up(i: number, key: number, when: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (this.when[parent] >= when) break
      this.place(i, this.keys[parent], this.when[parent])
      i = parent
    }
    this.place(i, key, when)
  }

  private down(i: number, key: number, when: number): void {
    for (;;) {
      let child = 2 * i + 1
      if (child >= this.size) break
      if (child + 1 < this.size && this.when[child + 1] > this.when[child]) child++
      if (this.when[child] <= when) break
      this.place(i, this.keys[child], this.when[child])
      i = child
    }
    this.place(i, key, when)
  }
}
