import { grown, type Policy } from './policy.js'

/** Marks "no slot" in the link arrays; slots are < 2^32 - 1. */
const NIL = 0xffffffff

/**
 * Least recently used: one doubly linked list threaded through two typed arrays,
 * coldest at `head`, hottest at `tail`.
 */
export class LRU implements Policy {
  #next: Uint32Array
  #prev: Uint32Array
  #head = NIL
  #tail = NIL

  constructor(capacity: number) {
    this.#next = new Uint32Array(capacity)
    this.#prev = new Uint32Array(capacity)
  }

  add(i: number): void {
    this.#link(i)
  }

  restore(i: number): void {
    this.#prev[i] = NIL
    this.#next[i] = this.#head
    if (this.#head === NIL) this.#tail = i
    else this.#prev[this.#head] = i
    this.#head = i
  }

  touch(i: number): void {
    if (i === this.#tail) return
    this.#unlink(i)
    this.#link(i)
  }

  remove(i: number): void {
    this.#unlink(i)
  }

  coldest(): number {
    return this.#head === NIL ? -1 : this.#head
  }

  hotter(i: number): number {
    const n = this.#next[i]
    return n === NIL ? -1 : n
  }

  hottest(): number {
    return this.#tail === NIL ? -1 : this.#tail
  }

  colder(i: number): number {
    const p = this.#prev[i]
    return p === NIL ? -1 : p
  }

  frequency(): undefined {
    return undefined
  }

  grow(capacity: number): void {
    this.#next = grown(this.#next, capacity)
    this.#prev = grown(this.#prev, capacity)
  }

  clear(): void {
    this.#head = this.#tail = NIL
  }

  #link(i: number): void {
    this.#prev[i] = this.#tail
    this.#next[i] = NIL
    if (this.#tail === NIL) this.#head = i
    else this.#next[this.#tail] = i
    this.#tail = i
  }

  #unlink(i: number): void {
    const p = this.#prev[i]
    const n = this.#next[i]
    if (p === NIL) this.#head = n
    else this.#next[p] = n
    if (n === NIL) this.#tail = p
    else this.#prev[n] = p
  }
}
