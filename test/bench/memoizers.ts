import { asyncCache } from 'asynccache'
import memoizee from 'memoizee'
import { memoize as microMemoize } from 'micro-memoize'
import moize from 'moize'
import pMemoize from 'p-memoize'
import type { Role } from './stores.js'

/** The memoized function: one argument, a promise of a result. */
export type AsyncFn<A> = (arg: A) => Promise<unknown>

/** The small object argument: equal content, new identity on every call. */
export interface Query {
  id: number
  lang: string
}

/** A memoizer under test, set up for each key semantics with room for every argument used. */
export interface Memoizer {
  name: string
  role: Role
  /** Keyed by the primitive itself. */
  primitive(fn: AsyncFn<number>, size: number): AsyncFn<number>
  /** Keyed by content, so that equal objects share an entry. */
  object(fn: AsyncFn<Query>, size: number): AsyncFn<Query>
}

/** The floor: a Map of promises, keyed by the argument or by its JSON. */
function mapMemo<A>(fn: AsyncFn<A>, keyOf: (arg: A) => unknown): AsyncFn<A> {
  const memo = new Map<unknown, Promise<unknown>>()
  return (arg) => {
    const key = keyOf(arg)
    let result = memo.get(key)
    if (result === undefined) {
      result = fn(arg)
      memo.set(key, result)
    }
    return result
  }
}

/**
 * asynccache's `asyncCache` wrapper and the promise memoizers people use, each in its promise
 * mode and its own idiom for content keys: deep equality where the library offers it (moize,
 * micro-memoize), a JSON key where it takes a key function (p-memoize, memoizee). p-memoize's
 * default cache is an unbounded Map, which holds every argument.
 */
export const memoizers: Record<string, Memoizer> = {
  asynccache: {
    name: 'asynccache asyncCache',
    role: 'ours',
    primitive: (fn, size) => asyncCache({ maxsize: size })(fn),
    object: (fn, size) => asyncCache({ maxsize: size })(fn),
  },
  'p-memoize': {
    name: 'p-memoize',
    role: 'peer',
    primitive: (fn) => pMemoize(fn),
    object: (fn) => pMemoize(fn, { cacheKey: ([arg]) => JSON.stringify(arg) }),
  },
  moize: {
    name: 'moize',
    role: 'peer',
    primitive: (fn, size) => moize(fn, { isPromise: true, maxSize: size }),
    object: (fn, size) => moize(fn, { isPromise: true, maxSize: size, isDeepEqual: true }),
  },
  'micro-memoize': {
    name: 'micro-memoize',
    role: 'peer',
    primitive: (fn, size) => microMemoize(fn, { async: true, maxSize: size }),
    object: (fn, size) => microMemoize(fn, { async: true, maxSize: size, isKeyItemEqual: 'deep' }),
  },
  memoizee: {
    name: 'memoizee',
    role: 'peer',
    primitive: (fn, size) => memoizee(fn, { promise: true, max: size, primitive: true }),
    object: (fn, size) =>
      memoizee(fn, {
        promise: true,
        max: size,
        normalizer: (args: ArrayLike<unknown>) => JSON.stringify(args[0]),
      }),
  },
  'map-floor': {
    name: 'Map memo (floor)',
    role: 'floor',
    primitive: (fn) => mapMemo(fn, (arg) => arg),
    object: (fn) => mapMemo(fn, (arg) => JSON.stringify(arg)),
  },
}
