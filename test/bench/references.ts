/**
 * Reference eviction policies for the simulator only (not shipped): ARC, SIEVE, S3-FIFO and
 * Window TinyLFU with Caffeine's fixed 1 % window, each written from its paper over a
 * recorded stream of non-negative integer keys, returning its hits. Links and flags live in
 * arrays indexed by key, which the bounded key spaces of the workloads allow.
 */
import { FrequencySketch } from '../../lib/frequency-sketch.js'
import { mix } from '../../lib/key-hash.js'
import { SETTINGS } from '../../lib/tournament.js'
import { Regions } from '../../lib/w-tinylfu.js'

const NIL = -1

/** Doubly linked lists over keys: `list[k]` says which one holds key k (0: none). */
class Lists {
  readonly next: Int32Array
  readonly prev: Int32Array
  readonly list: Uint8Array
  readonly head: Int32Array
  readonly tail: Int32Array
  readonly size: Int32Array

  constructor(keys: number, lists: number) {
    this.next = new Int32Array(keys)
    this.prev = new Int32Array(keys)
    this.list = new Uint8Array(keys)
    this.head = new Int32Array(lists + 1).fill(NIL)
    this.tail = new Int32Array(lists + 1).fill(NIL)
    this.size = new Int32Array(lists + 1)
  }

  /** Appends key `k` at the tail (most recent end) of list `l`. */
  push(k: number, l: number): void {
    const t = this.tail[l]
    this.list[k] = l
    this.prev[k] = t
    this.next[k] = NIL
    if (t === NIL) this.head[l] = k
    else this.next[t] = k
    this.tail[l] = k
    this.size[l]++
  }

  unlink(k: number): void {
    const l = this.list[k]
    const p = this.prev[k]
    const n = this.next[k]
    if (p === NIL) this.head[l] = n
    else this.next[p] = n
    if (n === NIL) this.tail[l] = p
    else this.prev[n] = p
    this.size[l]--
    this.list[k] = 0
  }

  move(k: number, l: number): void {
    this.unlink(k)
    this.push(k, l)
  }

  /** Takes the head (least recent) of list `l` out, returning it. */
  shift(l: number): number {
    const k = this.head[l]
    this.unlink(k)
    return k
  }
}

function keySpace(keys: Int32Array): number {
  let max = 0
  for (let i = 0; i < keys.length; i++) if (keys[i] > max) max = keys[i]
  return max + 1
}

/** ARC (Megiddo and Modha, FAST'03): recency and frequency lists sized by their ghosts' hits. */
export function arcHits(keys: Int32Array, c: number): number {
  const T1 = 1
  const T2 = 2
  const B1 = 3
  const B2 = 4
  const s = new Lists(keySpace(keys), 4)
  let p = 0
  let hits = 0
  const replace = (inB2: boolean) => {
    const t1 = s.size[T1]
    if (t1 > 0 && (t1 > p || (inB2 && t1 === p))) s.push(s.shift(T1), B1)
    else s.push(s.shift(T2), B2)
  }
  for (let i = 0; i < keys.length; i++) {
    const x = keys[i]
    const l = s.list[x]
    if (l === T1 || l === T2) {
      hits++
      s.move(x, T2)
    } else if (l === B1) {
      p = Math.min(c, p + Math.max(s.size[B2] / s.size[B1], 1))
      replace(false)
      s.move(x, T2)
    } else if (l === B2) {
      p = Math.max(0, p - Math.max(s.size[B1] / s.size[B2], 1))
      replace(true)
      s.move(x, T2)
    } else {
      const l1 = s.size[T1] + s.size[B1]
      const total = l1 + s.size[T2] + s.size[B2]
      if (l1 === c) {
        if (s.size[T1] < c) {
          s.shift(B1)
          replace(false)
        } else {
          s.shift(T1)
        }
      } else if (total >= c) {
        if (total === 2 * c) s.shift(B2)
        replace(false)
      }
      s.push(x, T1)
    }
  }
  return hits
}

/** SIEVE (Zhang et al., NSDI'24): a FIFO whose hand spares visited entries, clearing their bit. */
export function sieveHits(keys: Int32Array, c: number): number {
  const Q = 1
  const s = new Lists(keySpace(keys), 1)
  const visited = new Uint8Array(s.list.length)
  // The list runs oldest (head) to newest (tail); the hand moves from old to new.
  let hand = NIL
  let hits = 0
  for (let i = 0; i < keys.length; i++) {
    const x = keys[i]
    if (s.list[x] === Q) {
      hits++
      visited[x] = 1
      continue
    }
    if (s.size[Q] === c) {
      let h = hand === NIL ? s.head[Q] : hand
      while (visited[h] === 1) {
        visited[h] = 0
        h = s.next[h] === NIL ? s.head[Q] : s.next[h]
      }
      hand = s.next[h]
      s.unlink(h)
    }
    visited[x] = 0
    s.push(x, Q)
  }
  return hits
}

/**
 * S3-FIFO (Yang et al., SOSP'23): a small FIFO (10 %) that one-hit keys leave quickly, a main
 * FIFO with reinsertion for keys used again, and a ghost FIFO of keys recently dropped from
 * the small one, which go straight to main when they return.
 */
export function s3fifoHits(keys: Int32Array, c: number): number {
  const S = 1
  const M = 2
  const s = new Lists(keySpace(keys), 2)
  const freq = new Uint8Array(s.list.length)
  const smallLimit = Math.max(1, Math.floor(c / 10))
  const mainLimit = c - smallLimit
  // Ghosts: a key is one while its stamp is among the last `mainLimit` stamps handed out.
  const ghost = new Float64Array(s.list.length)
  let stamps = 0
  const inGhost = (k: number) => ghost[k] > 0 && ghost[k] > stamps - mainLimit
  const evictMain = () => {
    for (;;) {
      const t = s.head[M]
      if (freq[t] > 0) {
        freq[t]--
        s.move(t, M)
      } else {
        s.unlink(t)
        return
      }
    }
  }
  const evict = () => {
    if (s.size[S] >= smallLimit || s.size[M] === 0) {
      while (s.size[S] > 0) {
        const t = s.shift(S)
        if (freq[t] > 1) {
          if (s.size[M] >= mainLimit) evictMain()
          freq[t] = 0
          s.push(t, M)
        } else {
          ghost[t] = ++stamps
          return
        }
      }
    }
    if (s.size[M] > 0) evictMain()
  }
  let hits = 0
  for (let i = 0; i < keys.length; i++) {
    const x = keys[i]
    if (s.list[x] !== 0) {
      hits++
      if (freq[x] < 3) freq[x]++
      continue
    }
    while (s.size[S] + s.size[M] >= c) evict()
    freq[x] = 0
    if (inGhost(x)) {
      ghost[x] = 0
      s.push(x, M)
    } else {
      s.push(x, S)
    }
  }
  return hits
}

/** Window TinyLFU with Caffeine's fixed settings (1 % window, 80 % protected), no tuning. */
export function wTinyLfuHits(keys: Int32Array, c: number): number {
  const sketch = new FrequencySketch(c)
  const regions = new Regions(c, c, SETTINGS[0], sketch)
  const slot = new Int32Array(keySpace(keys)).fill(NIL)
  const keyOf = new Int32Array(c)
  let used = 0
  let hits = 0
  for (let n = 0; n < keys.length; n++) {
    const x = keys[n]
    const h = mix(x)
    let i = slot[x]
    if (i !== NIL) {
      hits++
      regions.use(i)
    } else {
      if (used < c) {
        i = used++
      } else {
        i = regions.victim()
        regions.remove(i)
        slot[keyOf[i]] = NIL
      }
      slot[x] = i
      keyOf[i] = x
      regions.insert(i, h)
    }
    sketch.increment(h)
  }
  return hits
}

/** The references by name, in the order the simulator prints them. */
export const references: Record<string, (keys: Int32Array, c: number) => number> = {
  ARC: arcHits,
  SIEVE: sieveHits,
  'S3-FIFO': s3fifoHits,
  'W-TinyLFU 1%': wTinyLfuHits,
}
