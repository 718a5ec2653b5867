import { grown, type Policy } from './policy.js'

/**
 * Marks "no slot" in the link arrays. -1, which the interface answers for "none", keeps
 * `#head` and `#tail` small integers: 0xffffffff is no small integer, so the engine kept them as
 * boxed doubles, converted on every link and unlink.
 */
const NIL = -1

/**
 * Least recently used: one doubly linked list threaded through two typed arrays,
 * coldest at `head`, hottest at `tail`.
 */
export class LRU implements Policy {
  #next: Int32Array
  #prev: Int32Array
  #head = NIL
  #tail = NIL

  constructor(capacity: number) {
    this.#next = new Int32Array(capacity)
    this.#prev = new Int32Array(capacity)
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
    return this.#head
  }

  hotter(i: number): number {
    return this.#next[i]
  }

  hottest(): number {
    return this.#tail
  }

  colder(i: number): number {
    return this.#prev[i]
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
