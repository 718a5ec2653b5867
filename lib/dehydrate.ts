import type { AsyncCache, EntryRecord } from './cache.js'

/**
 * The entries of `cache` to carry to another cache (a server's per-request cache into the page
 * the client hydrates, in TanStack Query's words): its {@link AsyncCache.dump}, coldest first,
 * with expiries and LFU frequencies. Serialise it as its values allow (JSON for JSON values).
 */
export function dehydrate<K, V>(cache: AsyncCache<K, V>): EntryRecord<K, V>[] {
  return cache.dump()
}

/**
 * Restores what {@link dehydrate} gave into `cache`, hottest first, under `restore`'s rule
 * (memory wins, expired records are refused); returns how many entries were restored. Call it
 * before the first render, so that it finds the values the server rendered with.
 */
export function hydrate<K, V>(
  cache: AsyncCache<K, V>,
  records: readonly EntryRecord<K, V>[],
): number {
  if (!Array.isArray(records)) {
    throw new TypeError(
      `hydrate: records must be the array dehydrate() gave, got ${typeof records}`,
    )
  }
  let restored = 0
  for (let i = records.length - 1; i >= 0; i--) {
    const { key, value, expiresAt, frequency } = records[i]
    if (cache.restore(key, value, expiresAt, frequency) === 'restored') restored++
  }
  return restored
}
