/**
 * The registry of named caches, through which the devtools find caches the app never handed
 * them. It lives on `globalThis` under a `Symbol.for` key so that two copies of the library
 * (hot module reload, a duplicate install) share one list; its shape is therefore a contract
 * between versions and must only ever grow. Caches are held weakly.
 */

import type { AsyncCache } from './cache.js'

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

function changed(r: Registry): void {
  for (const listener of r.listeners) {
    try {
      listener()
    } catch (error) {
      console.error('asynccache: a registry listener threw', error)
    }
  }
}

/** Adds a cache to the registry (the cache does this itself when it has a `name`). */
export function registerCache(cache: Named): void {
  const r = registry()
  r.refs.add(new WeakRef(cache))
  changed(r)
}

/** Removes a cache from the registry, for caches an app retires before they are collected. */
export function unregisterCache(cache: Named): void {
  const r = registry()
  for (const ref of r.refs) if (ref.deref() === cache) r.refs.delete(ref)
  changed(r)
}

/** The named caches still alive, oldest first. Names need not be unique. */
export function listCaches(): AsyncCache[] {
  const r = registry()
  const alive: AsyncCache[] = []
  for (const ref of r.refs) {
    const cache = ref.deref()
    if (cache === undefined) r.refs.delete(ref)
    else alive.push(cache as AsyncCache)
  }
  return alive
}

/** Calls `listener` whenever a cache is registered or unregistered; returns the unsubscribe. */
export function onCachesChange(listener: () => void): () => void {
  const r = registry()
  r.listeners.add(listener)
  return () => {
    r.listeners.delete(listener)
  }
}
