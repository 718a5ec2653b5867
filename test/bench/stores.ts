import { AsyncCache } from 'asynccache'
import { LRUCache } from 'lru-cache'
import { LRUMap } from 'mnemonist'
import QuickLRU from 'quick-lru'
import { lru } from 'tiny-lru'

/** What the synchronous workloads need of a cache: `get` (undefined on a miss) and `set`. */
export interface Store {
  get(key: string): string | undefined
  set(key: string, value: string): unknown
}

/** What a contender is to the targets: ours, a peer to beat, or a floor no library can reach. */
export type Role = 'ours' | 'peer' | 'floor'

/** A cache under test: its name in the tables, its role, and how to make one of `max` entries. */
export interface StoreMaker {
  name: string
  role: Role
  make(max: number): Store
}

/**
 * asynccache under each policy, through its public API, and the LRU caches people use, each
 * in its default configuration at the same capacity. quick-lru keeps between `maxSize` and
 * twice that many entries (its documented design), which the hit ratio column shows.
 */
export const stores: Record<string, StoreMaker> = {
  'asynccache-lru': {
    name: 'asynccache LRU',
    role: 'ours',
    make: (max) => new AsyncCache<string, string>({ maxsize: max, policy: 'LRU' }),
  },
  'asynccache-lfu': {
    name: 'asynccache LFU',
    role: 'ours',
    make: (max) => new AsyncCache<string, string>({ maxsize: max, policy: 'LFU' }),
  },
  'asynccache-adaptive': {
    name: 'asynccache ADAPTIVE',
    role: 'ours',
    make: (max) => new AsyncCache<string, string>({ maxsize: max, policy: 'ADAPTIVE' }),
  },
  'lru-cache': {
    name: 'lru-cache',
    role: 'peer',
    make: (max) => new LRUCache<string, string>({ max }),
  },
  mnemonist: {
    name: 'mnemonist LRUMap',
    role: 'peer',
    make: (max) => new LRUMap<string, string>(max),
  },
  'tiny-lru': { name: 'tiny-lru', role: 'peer', make: (max) => lru<string>(max) },
  'quick-lru': {
    name: 'quick-lru',
    role: 'peer',
    make: (max) => new QuickLRU<string, string>({ maxSize: max }),
  },
}
