import type { FrequencySketch } from './frequency-sketch.js'
import { grown } from './policy.js'

/** Marks "no slot" in the link arrays. */
export const NIL = 0xffffffff

/** The regions, numbered in the order of a cold-to-hot walk. */
export const PROBATION = 0
export const WINDOW = 1
export const PROTECTED = 2

/** How a W-TinyLFU cache is tuned: what the tournament of shadow caches chooses between. */
export interface Settings {
  /** Share of the capacity given to the admission window (LRU), 0 to 1. */
  readonly window: number
  /** Admit every candidate leaving the window: no frequency duel (SLRU behind a window). */
  readonly lenient: boolean
  /** Share of the main region kept for entries used again there (protected), 0 to 1. */
  readonly protectedShare: number
  /** Also admit a candidate whose estimated uses reach this, even if it lost the duel; 0: never. */
  readonly threshold: number
  /**
   * An entry used again in probation leaves next instead of being protected: for streams
   * where a key comes back once and is done (ARC's recency list at its largest).
   */
  readonly spent: boolean
}

/**
 * Window TinyLFU's regions over slot indices (Einziger, Friedman and Manes; Caffeine's
 * layout), three LRU lists in typed arrays: new entries enter the window; the window's least
 * recently used entry, once it overflows, becomes a candidate for the main region, whose
 * probation segment takes it and whose protected segment keeps entries used again in
 * probation. When the cache is full, the candidate and probation's least recently used entry
 * duel on their estimated frequencies and the loser leaves: {@link victim} names it before
 * the new entry arrives, so that the cache evicts it as it evicts any policy's coldest.
 */
export class Regions {
  /** Per slot: the key's hash, its links, its region. */
  hash: Int32Array
  #next: Uint32Array
  #prev: Uint32Array
  #region: Uint8Array
  readonly #head = new Uint32Array(3).fill(NIL)
  readonly #tail = new Uint32Array(3).fill(NIL)
  readonly #size = new Uint32Array(3)
  #settings: Settings
  #windowLimit = 1
  #protectedLimit = 0
  readonly #maxsize: number
  /** The estimates the duel compares; replaced when the cache grows. */
  sketch: FrequencySketch

  constructor(capacity: number, maxsize: number, settings: Settings, sketch: FrequencySketch) {
    this.hash = new Int32Array(capacity)
    this.#next = new Uint32Array(capacity)
    this.#prev = new Uint32Array(capacity)
    this.#region = new Uint8Array(capacity)
    this.#maxsize = maxsize
    this.sketch = sketch
    this.#settings = settings
    this.#limit(settings)
  }

  get settings(): Settings {
    return this.#settings
  }

  /** Slot `i` holds a new entry hashed to `h`: the window's most recent. */
  insert(i: number, h: number): void {
    this.hash[i] = h
    this.#push(i, WINDOW)
    while (this.#size[WINDOW] > this.#windowLimit) this.#move(this.#head[WINDOW], PROBATION)
  }

  /** Slot `i` holds a restored entry hashed to `h`: probation's least recent, below all else. */
  restore(i: number, h: number): void {
    this.hash[i] = h
    this.#pushCold(i, PROBATION)
  }

  /** Slot `i` was used: most recent of its region, or promoted from probation to protected. */
  use(i: number): void {
    const r = this.#region[i]
    if (r === PROBATION) {
      if (this.#settings.spent) {
        this.#unlink(i)
        this.#pushCold(i, PROBATION)
      } else {
        this.#move(i, PROTECTED)
        this.#trimProtected()
      }
    } else if (i !== this.#tail[r]) {
      this.#move(i, r)
    }
  }

  remove(i: number): void {
    this.#unlink(i)
  }

  /**
   * The entry to evict when one more arrives: with the window at its limit, the loser of the
   * duel between its least recent entry and the main region's (probation first); otherwise
   * the main region's least recent. -1 when empty.
   */
  victim(): number {
    const head = this.#head
    const main = head[PROBATION] !== NIL ? head[PROBATION] : head[PROTECTED]
    const candidate =
      this.#size[WINDOW] > 0 && this.#size[WINDOW] >= this.#windowLimit ? head[WINDOW] : NIL
    if (candidate === NIL) return main !== NIL ? main : head[WINDOW] === NIL ? -1 : head[WINDOW]
    if (main === NIL) return candidate
    return this.#admits(candidate, main) ? main : candidate
  }

  /** Cold-to-hot order: the victim, then probation, window and protected, each least recent first. */
  coldest(): number {
    return this.victim()
  }

  hotter(i: number): number {
    const v = this.victim()
    let n = i === v ? this.first() : this.after(i)
    if (n === v) n = this.after(n)
    return n === NIL ? -1 : n
  }

  hottest(): number {
    const v = this.victim()
    const last = this.#last()
    if (last !== v) return last === NIL ? -1 : last
    const p = this.#before(last)
    return p === NIL ? v : p
  }

  colder(i: number): number {
    const v = this.victim()
    if (i === v) return -1
    let p = this.#before(i)
    if (p === v) p = this.#before(p)
    return p === NIL ? v : p
  }

  /** Adopts `settings`: new region limits, entries moved across the window's edge to fit them. */
  configure(settings: Settings): void {
    if (settings.lenient && !this.#settings.lenient) {
      // Entries protected under strict admission would outstay their use under lenient
      // admission, where probation turns over fast: they start over in probation.
      while (this.#head[PROTECTED] !== NIL) this.#move(this.#head[PROTECTED], PROBATION)
    }
    this.#settings = settings
    this.#limit(settings)
    while (this.#size[WINDOW] > this.#windowLimit) this.#move(this.#head[WINDOW], PROBATION)
    while (this.#size[WINDOW] < this.#windowLimit) {
      const from = this.#tail[PROBATION] !== NIL ? PROBATION : PROTECTED
      if (this.#tail[from] === NIL) break
      // The main region's most recent entries become the window's least recent.
      const i = this.#tail[from]
      this.#unlink(i)
      this.#pushCold(i, WINDOW)
    }
    this.#trimProtected()
  }

  grow(capacity: number): void {
    this.hash = grown(this.hash, capacity)
    this.#next = grown(this.#next, capacity)
    this.#prev = grown(this.#prev, capacity)
    this.#region = grown(this.#region, capacity)
  }

  clear(): void {
    this.#head.fill(NIL)
    this.#tail.fill(NIL)
    this.#size.fill(0)
  }

  #limit(s: Settings): void {
    const c = this.#maxsize
    this.#windowLimit = Math.max(1, Math.min(c - 1, Math.round(s.window * c)))
    this.#protectedLimit = Math.floor(s.protectedShare * (c - this.#windowLimit))
  }

  #admits(candidate: number, victim: number): boolean {
    const s = this.#settings
    if (s.lenient) return true
    const f = this.sketch.estimate(this.hash[candidate])
    return f > this.sketch.estimate(this.hash[victim]) || (s.threshold > 0 && f >= s.threshold)
  }

  #trimProtected(): void {
    while (this.#size[PROTECTED] > this.#protectedLimit) {
      this.#move(this.#head[PROTECTED], PROBATION)
    }
  }

  /** The first slot of the walk without the victim's jump (NIL when empty): for a walk the sketch may change under. */
  first(): number {
    for (let r = PROBATION; r <= PROTECTED; r++) if (this.#head[r] !== NIL) return this.#head[r]
    return NIL
  }

  #last(): number {
    for (let r = PROTECTED; r >= PROBATION; r--) if (this.#tail[r] !== NIL) return this.#tail[r]
    return NIL
  }

  /** The next slot of the walk without the victim's jump, across regions; NIL at the end. */
  after(i: number): number {
    const n = this.#next[i]
    if (n !== NIL) return n
    for (let r = this.#region[i] + 1; r <= PROTECTED; r++) {
      if (this.#head[r] !== NIL) return this.#head[r]
    }
    return NIL
  }

  #before(i: number): number {
    const p = this.#prev[i]
    if (p !== NIL) return p
    for (let r = this.#region[i] - 1; r >= PROBATION; r--) {
      if (this.#tail[r] !== NIL) return this.#tail[r]
    }
    return NIL
  }

  #move(i: number, r: number): void {
    this.#unlink(i)
    this.#push(i, r)
  }

  #push(i: number, r: number): void {
    const t = this.#tail[r]
    this.#region[i] = r
    this.#prev[i] = t
    this.#next[i] = NIL
    if (t === NIL) this.#head[r] = i
    else this.#next[t] = i
    this.#tail[r] = i
    this.#size[r]++
  }

  #pushCold(i: number, r: number): void {
    const h = this.#head[r]
    this.#region[i] = r
    this.#prev[i] = NIL
    this.#next[i] = h
    if (h === NIL) this.#tail[r] = i
    else this.#prev[h] = i
    this.#head[r] = i
    this.#size[r]++
  }

  #unlink(i: number): void {
    const r = this.#region[i]
    const p = this.#prev[i]
    const n = this.#next[i]
    if (p === NIL) this.#head[r] = n
    else this.#next[p] = n
    if (n === NIL) this.#tail[r] = p
    else this.#prev[n] = p
    this.#size[r]--
  }
}
