import { keys, promisifyRequest, type UseStore } from 'idb-keyval'
import { isClosingError, StorageUnavailableError } from './faults.js'

/** Builds the idb-keyval store of one database and object store, as idb-keyval's `createStore` does. */
export type StoreFactory = (dbName: string, storeName: string) => UseStore

/**
 * Closes `db` when another context deletes or upgrades the database ("clear site data", a newer
 * version in another tab), which idb-keyval's connections would otherwise block forever; the
 * next call then finds the connection closed and {@link reopening} opens a fresh one.
 */
function yieldOnVersionChange(db: IDBDatabase): void {
  db.onversionchange ??= () => db.close()
}

/**
 * A `UseStore` that outlives its connection. A call failing with `InvalidStateError` ("The
 * database connection is closing": Safari drops connections, and {@link closeStore} closes
 * them on purpose) gets a fresh connection and one retry; idb-keyval would keep handing out the
 * closed one. A call that fails before reaching the object store (IndexedDB missing, refused,
 * or the database unusable) rejects with {@link StorageUnavailableError}.
 *
 * `callback` may run twice, so it must start from scratch each time; an aborted transaction
 * left nothing behind, so running it again is safe.
 */
export function reopening(open: () => UseStore): UseStore {
  let current: UseStore | undefined
  return async (mode, callback) => {
    for (let attempt = 1; ; attempt++) {
      let reached = false
      try {
        current ??= open()
        return await current(mode, (store) => {
          reached = true
          yieldOnVersionChange(store.transaction.db)
          return callback(store)
        })
      } catch (error) {
        if (attempt === 1 && isClosingError(error)) {
          current = undefined
          continue
        }
        throw reached ? error : new StorageUnavailableError(error)
      }
    }
  }
}

/**
 * Closes the store's connection once its transactions are done, so that other code may delete
 * or upgrade the database; a {@link reopening} store opens a new one if used again.
 */
export function closeStore(store: UseStore): Promise<void> {
  return store('readonly', (objectStore) => objectStore.transaction.db.close())
}

/**
 * Reads the store one row at a time, for when reading it whole fails: the rows that can be read,
 * and the keys of those that cannot (a value that no longer deserializes).
 */
export async function readEach(
  store: UseStore,
): Promise<{ rows: [IDBValidKey, unknown][]; unreadable: IDBValidKey[] }> {
  const all = await keys(store)
  return store('readonly', (objectStore) => {
    const rows: [IDBValidKey, unknown][] = []
    const unreadable: IDBValidKey[] = []
    for (const key of all) {
      let request: IDBRequest
      try {
        request = objectStore.get(key)
      } catch {
        unreadable.push(key)
        continue
      }
      request.onsuccess = () => rows.push([key, request.result])
      request.onerror = (event) => {
        // Claimed, so that one bad row does not abort the reads of the others.
        event.preventDefault()
        unreadable.push(key)
      }
    }
    return promisifyRequest(objectStore.transaction).then(() => ({ rows, unreadable }))
  })
}
