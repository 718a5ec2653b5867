/**
 * Cross-tab coherence, passed to {@link persist} as its `tabs` option (`tabs: tabCoherence()`),
 * the way idb-keyval takes a `UseStore`: an app that does not pass it does not ship it.
 *
 * Tabs (and workers) of one origin that persist the same name announce each commit on a
 * `BroadcastChannel`; each applies another's change to its memory without writing it again, and
 * only when it is newer than what it holds. Newer is decided by the store's count of write
 * transactions, which orders commits across tabs as clocks cannot: this tab remembers, per key,
 * the write that gave it what it holds (its ledger), so of two writes of one key every tab ends
 * with the one that committed last.
 */

import { type AsyncCache, type HashKey, isContentKey } from '../index.js'
import { describeError } from './faults.js'
import { type Commit, DELETE, DROP, PUT, type WriteQueue } from './queue.js'
import type { Version } from './record.js'

/** What {@link persist} hands the coherence of one cache. */
export interface TabContext {
  cache: AsyncCache<HashKey, unknown>
  /** The database's name, which the channel shares. */
  name: string
  version: Version
  /** What this tab has yet to write, is writing, and holds on disk. */
  queue: WriteQueue
  /** Runs `apply` on the cache without its changes being written: the tab that made them writes them. */
  quietly(apply: () => void): void
  report(reason: string): void
}

/** The coherence of one persisted cache, as {@link persist} drives it. */
export interface TabLink {
  /** Hydration found `writes` write transactions, and which one stored each restored key. */
  hydrated(writes: number, written: ReadonlyMap<HashKey, number>): void
  /** This tab committed a write: remember it, and tell the others. */
  committed(commit: Commit): void
  /** Stops hearing and telling. */
  close(): void
}

/**
 * The `tabs` option of {@link persist}: joins the tabs persisting the same name, or returns
 * `null` where there is no `BroadcastChannel`. Built by {@link tabCoherence}.
 */
export type Tabs = (context: TabContext) => TabLink | null

/** An entry a committed write stored, as other tabs hear of it. */
interface StoredEntry {
  key: HashKey
  value: unknown
  expiresAt: number | null
}

/** What one commit changed, as other tabs hear it. */
interface Change {
  at: number
  cleared: boolean
  deleted: HashKey[]
  stored: StoredEntry[]
}

interface Message {
  v: Version
  change: Change
}

function isChange(value: unknown): value is Change {
  if (typeof value !== 'object' || value === null) return false
  const { at, cleared, deleted, stored } = value as Partial<Change>
  return (
    Number.isSafeInteger(at) &&
    typeof cleared === 'boolean' &&
    Array.isArray(deleted) &&
    Array.isArray(stored)
  )
}

/** A stored entry as a message carries it, checked like a row read from disk. */
function isEntry(value: unknown): value is StoredEntry {
  if (typeof value !== 'object' || value === null) return false
  const { key, expiresAt } = value as Partial<StoredEntry>
  return isContentKey(key) && (expiresAt === null || Number.isFinite(expiresAt))
}

/**
 * Keeps tabs that persist the same name coherent: sets, deletes and clears made in one reach
 * the others' memory (capacity evictions stay local), and the tab that made a change is the one
 * that writes it. Pass it as `persist(cache, { tabs: tabCoherence() })`.
 */
export function tabCoherence(): Tabs {
  return (context) => {
    if (typeof BroadcastChannel !== 'function') return null
    const { cache, queue, version } = context
    /** Per key, the write transaction that stored (or deleted) the state this tab holds. */
    const versions = new Map<HashKey, number>()
    /** Keys not in `versions` were last written by this transaction or an earlier one. */
    let floor = 0
    let open = true

    /**
     * Whether another tab's change of `key`, committed by write `at`, is to be applied: not over
     * a change of this tab still to be written (it commits later, so it wins), not over a state
     * this tab got from a later write; deferred while this tab writes the key, as which of the
     * two committed last is known only once it has.
     */
    const admit = (key: HashKey, at: number): 'apply' | 'ignore' | 'defer' => {
      const op = queue.queued(key)
      if (op === PUT || op === DELETE) return 'ignore'
      if (queue.writing(key)) return 'defer'
      if (!(at > (versions.get(key) ?? floor))) return 'ignore'
      // The row this tab meant to remove is another tab's newer one now.
      if (op === DROP) queue.unqueue(key)
      return 'apply'
    }
    const saw = (key: HashKey, at: number, stored: boolean) => {
      versions.set(key, at)
      if (stored) queue.onDisk.add(key)
      else queue.onDisk.delete(key)
    }

    /** Applies a change another tab committed, key by key; keys this tab is writing wait for that write. */
    const apply = (change: Change) => {
      if (!open) return
      const { at } = change
      const deferred: Change = { at, cleared: false, deleted: [], stored: [] }
      context.quietly(() => {
        if (change.cleared) {
          cache.clear()
          queue.onDisk.clear()
          floor = Math.max(floor, at)
          // Writes committed after the clear still stand.
          for (const [key, written] of versions) if (written <= at) versions.delete(key)
        }
        for (const key of change.deleted) {
          if (!isContentKey(key)) continue
          const verdict = admit(key, at)
          if (verdict === 'defer') deferred.deleted.push(key)
          if (verdict !== 'apply') continue
          cache.delete(key)
          saw(key, at, false)
        }
        const now = cache.now()
        for (const entry of change.stored) {
          if (!isEntry(entry)) continue
          const { key, value, expiresAt } = entry
          const verdict = admit(key, at)
          if (verdict === 'defer') deferred.stored.push(entry)
          if (verdict !== 'apply') continue
          if (expiresAt !== null && expiresAt <= now) {
            // Expired on arrival: what this tab holds under the key is older still.
            cache.delete(key)
            saw(key, at, false)
            continue
          }
          cache.set(key, value, { ttl: expiresAt === null ? null : (expiresAt - now) / 1000 })
          saw(key, at, true)
        }
      })
      if (deferred.deleted.length + deferred.stored.length > 0) {
        void queue.settled().then(() => apply(deferred))
      }
    }

    const channel = new BroadcastChannel(context.name)
    channel.onmessage = (event: MessageEvent<unknown>) => {
      const message = event.data as Partial<Message> | null
      if (message?.v === version && isChange(message.change)) apply(message.change)
    }
    const post = (change: Change) => channel.postMessage({ v: version, change } satisfies Message)

    return {
      hydrated(writes, written) {
        floor = Math.max(floor, writes)
        for (const [key, at] of written) if (!versions.has(key)) versions.set(key, at)
      },
      committed({ at, batch, failed }) {
        const { clear: cleared, deletes, announced: deleted } = batch
        if (cleared) {
          versions.clear()
          floor = Math.max(floor, at)
        }
        const stored: StoredEntry[] = []
        for (const key of deletes) versions.set(key, at)
        for (const { key, value, expiresAt } of batch.puts) {
          versions.set(key, at)
          if (!failed.has(key)) stored.push({ key, value, expiresAt })
        }
        // Closed: a handle that stopped may still clear the disk, with no one left to tell.
        if (!open || (!cleared && deleted.length === 0 && stored.length === 0)) return
        try {
          post({ at, cleared, deleted, stored })
        } catch (error) {
          // A value changed since it was written (it no longer clones): the others drop their
          // copies rather than keep older ones, and read the disk's when they need it.
          context.report(
            `other tabs were told of a change without its values (${describeError(error)})`,
          )
          try {
            post({
              at,
              cleared,
              deleted: [...deleted, ...stored.map(({ key }) => key)],
              stored: [],
            })
          } catch (retryError) {
            context.report(`other tabs were not told of a change (${describeError(retryError)})`)
          }
        }
      },
      close() {
        open = false
        channel.close()
      },
    }
  }
}
