import { grown, type Policy } from './policy.js'

/** Marks "no slot" and "no bucket" in the link arrays. */
const NIL = 0xffffffff

/**
 * Least frequently used, ties broken by least recently used, in O(1) per operation:
 * the frequency-bucket scheme of Shah, Mitra and Matani, laid out in typed arrays.
 *
 * Buckets form a list in increasing frequency; each holds the slots of one frequency in a
 * list of its own, least recently used at its head. A use moves a slot to the tail of the
 * next bucket (creating it when the next frequency has none), so the victim is always the
 * head of the first bucket. At most one bucket exists per live slot, so the bucket arrays
 * never need more room than the slot arrays.
 */
export class LFU implements Policy {
  // Per slot: its bucket and its neighbours inside that bucket.
  #bucket: Uint32Array
  #next: Uint32Array
  #prev: Uint32Array
  // Per bucket: frequency (a float: counts may pass 2^32), neighbours, and its slot list.
  #freq: Float64Array
  #bNext: Uint32Array
  #bPrev: Uint32Array
  #bHead: Uint32Array
  #bTail: Uint32Array
  #first = NIL
  #last = NIL
  // Bucket allocation: a high-water mark plus a stack of freed buckets.
  #bUsed = 0
  #bFree: Uint32Array
  #bFreeTop = 0

  constructor(capacity: number) {
    this.#bucket = new Uint32Array(capacity)
    this.#next = new Uint32Array(capacity)
    this.#prev = new Uint32Array(capacity)
    this.#freq = new Float64Array(capacity)
    this.#bNext = new Uint32Array(capacity)
    this.#bPrev = new Uint32Array(capacity)
    this.#bHead = new Uint32Array(capacity)
    this.#bTail = new Uint32Array(capacity)
    this.#bFree = new Uint32Array(capacity)
  }

  add(i: number, frequency: number): void {
    this.#append(i, this.#bucketOf(frequency))
  }

  restore(i: number, frequency: number): void {
    const b = this.#bucketOf(frequency)
    const h = this.#bHead[b]
    this.#bucket[i] = b
    this.#prev[i] = NIL
    this.#next[i] = h
    if (h === NIL) this.#bTail[b] = i
    else this.#prev[h] = i
    this.#bHead[b] = i
  }

  touch(i: number): void {
    const b = this.#bucket[i]
    const f = this.#freq[b] + 1
    const n = this.#bNext[b]
    if (n !== NIL && this.#freq[n] === f) {
      this.#detach(i, b)
      this.#append(i, n)
    } else if (this.#bHead[b] === i && this.#bTail[b] === i) {
      // Alone in its bucket and the next frequency is free: promote the bucket itself.
      this.#freq[b] = f
    } else {
      const c = this.#newBucket(f, b, n)
      this.#detach(i, b)
      this.#append(i, c)
    }
  }

  remove(i: number): void {
    this.#detach(i, this.#bucket[i])
  }

  coldest(): number {
    return this.#first === NIL ? -1 : this.#bHead[this.#first]
  }

  hotter(i: number): number {
    const n = this.#next[i]
    if (n !== NIL) return n
    const b = this.#bNext[this.#bucket[i]]
    return b === NIL ? -1 : this.#bHead[b]
  }

  hottest(): number {
    return this.#last === NIL ? -1 : this.#bTail[this.#last]
  }

  colder(i: number): number {
    const p = this.#prev[i]
    if (p !== NIL) return p
    const b = this.#bPrev[this.#bucket[i]]
    return b === NIL ? -1 : this.#bTail[b]
  }

  frequency(i: number): number {
    return this.#freq[this.#bucket[i]]
  }

  grow(capacity: number): void {
    this.#bucket = grown(this.#bucket, capacity)
    this.#next = grown(this.#next, capacity)
    this.#prev = grown(this.#prev, capacity)
    this.#freq = grown(this.#freq, capacity)
    this.#bNext = grown(this.#bNext, capacity)
    this.#bPrev = grown(this.#bPrev, capacity)
    this.#bHead = grown(this.#bHead, capacity)
    this.#bTail = grown(this.#bTail, capacity)
    this.#bFree = grown(this.#bFree, capacity)
  }

  clear(): void {
    this.#first = this.#last = NIL
    this.#bUsed = this.#bFreeTop = 0
  }

  /**
   * The bucket of `frequency`, created if need be. New entries (frequency 1) find it at the
   * front, high restored frequencies near the back: the search starts at the nearer end.
   */
  #bucketOf(frequency: number): number {
    let b = this.#first
    if (b === NIL || frequency <= this.#freq[b]) {
      return b !== NIL && this.#freq[b] === frequency ? b : this.#newBucket(frequency, NIL, b)
    }
    b = this.#last
    while (this.#freq[b] > frequency) b = this.#bPrev[b]
    return this.#freq[b] === frequency ? b : this.#newBucket(frequency, b, this.#bNext[b])
  }

  /** Puts slot `i` at the most recent end of bucket `b`. */
  #append(i: number, b: number): void {
    const t = this.#bTail[b]
    this.#bucket[i] = b
    this.#prev[i] = t
    this.#next[i] = NIL
    if (t === NIL) this.#bHead[b] = i
    else this.#next[t] = i
    this.#bTail[b] = i
  }

  /** Takes slot `i` out of bucket `b`, dropping the bucket once it is empty. */
  #detach(i: number, b: number): void {
    const p = this.#prev[i]
    const n = this.#next[i]
    if (p === NIL) this.#bHead[b] = n
    else this.#next[p] = n
    if (n === NIL) this.#bTail[b] = p
    else this.#prev[n] = p
    if (this.#bHead[b] === NIL) this.#dropBucket(b)
  }

  /** A new, empty bucket of frequency `f` linked between buckets `p` and `n`. */
  #newBucket(f: number, p: number, n: number): number {
    const b = this.#bFreeTop > 0 ? this.#bFree[--this.#bFreeTop] : this.#bUsed++
    this.#freq[b] = f
    this.#bHead[b] = this.#bTail[b] = NIL
    this.#bPrev[b] = p
    this.#bNext[b] = n
    if (p === NIL) this.#first = b
    else this.#bNext[p] = b
    if (n === NIL) this.#last = b
    else this.#bPrev[n] = b
    return b
  }

  #dropBucket(b: number): void {
    const p = this.#bPrev[b]
    const n = this.#bNext[b]
    if (p === NIL) this.#first = n
    else this.#bNext[p] = n
    if (n === NIL) this.#last = p
    else this.#bPrev[n] = p
    this.#bFree[this.#bFreeTop++] = b
  }
}
