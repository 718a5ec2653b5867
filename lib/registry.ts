/**
 * The registry of live caches, through which the devtools find caches the app never handed
 * them. It lives on `globalThis` under a `Symbol.for` key so that two copies of the library
 * (hot module reload, a duplicate install) share one list; its shape is therefore a contract
 * between versions and must only ever grow. Caches are held weakly, and a collected cache's
 * record is dropped by a `FinalizationRegistry`, so the registry's size follows the live caches
 * however many short-lived ones an app makes.
 */

import type { AsyncCache } from './cache.js'
import { subscribeTo, tell } from './subscribable.js'

/** What the registry needs of a cache: its name. */
export interface Named {
  readonly name: string | undefined
}

interface Registry {
  readonly version: 1
  readonly refs: Set<WeakRef<Named>>
  readonly listeners: Set<() => void>
}

const KEY = Symbol.for('asynccache.registry')

function registry(): Registry {
  const g = globalThis as { [KEY]?: Registry }
  g[KEY] ??= { version: 1, refs: new Set(), listeners: new Set() }
  return g[KEY]
}

// Told from a copy: a listener that subscribes or leaves meanwhile changes the next change's list.
const changed = (r: Registry) =>
  tell([...r.listeners], undefined, 'a listener threw on a change of the registry')

// Made on first use: importing the library touches no global.
let finalizer: FinalizationRegistry<WeakRef<Named>> | undefined

/** Adds a cache to the registry (every cache does this itself when it is made). */
export function registerCache(cache: Named): void {
  const r = registry()
  const ref = new WeakRef(cache)
  r.refs.add(ref)
  finalizer ??= new FinalizationRegistry((gone) => {
    if (r.refs.delete(gone)) changed(r)
  })
  finalizer.register(cache, ref, ref)
  changed(r)
}

/** Removes a cache from the registry, for caches an app retires before they are collected. */
export function unregisterCache(cache: Named): void {
  const r = registry()
  for (const ref of r.refs) {
    if (ref.deref() === cache) {
      r.refs.delete(ref)
      finalizer?.unregister(ref)
    }
  }
  changed(r)
}

/** The caches still alive, named or not, oldest first. Names need not be unique. */
export function listCaches(): AsyncCache[] {
  const alive: AsyncCache[] = []
  for (const ref of registry().refs) {
    const cache = ref.deref()
    if (cache !== undefined) alive.push(cache as AsyncCache)
  }
  return alive
}

/** Calls `listener` whenever a cache is registered, unregistered or collected; returns the unsubscribe. */
export function onCachesChange(listener: () => void): () => void {
  return subscribeTo(registry().listeners, listener, 'onCachesChange')
}
