import { describeError } from './faults.js'
import type { Version } from './record.js'
import type { Change } from './write-behind.js'

/** The link between tabs (and workers) of one origin that persist the same cache. */
export interface Tabs {
  /** Tells the others what this tab just committed. */
  tell(change: Change): void
  close(): void
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

/**
 * Joins the BroadcastChannel `name`, where each tab announces the changes it committed; messages
 * of another `version` are ignored. `null` where BroadcastChannel does not exist.
 */
export function joinTabs(
  name: string,
  version: Version,
  receive: (change: Change) => void,
  report: (reason: string) => void,
): Tabs | null {
  if (typeof BroadcastChannel !== 'function') return null
  const channel = new BroadcastChannel(name)
  channel.onmessage = (event: MessageEvent<unknown>) => {
    const message = event.data as Partial<Message> | null
    if (message?.v === version && isChange(message.change)) receive(message.change)
  }
  let open = true
  return {
    tell(change) {
      // Closed: a handle that stopped may still clear the disk, with no one left to tell.
      if (!open) return
      if (!change.cleared && change.deleted.length === 0 && change.stored.length === 0) return
      try {
        channel.postMessage({ v: version, change } satisfies Message)
      } catch (error) {
        report(`other tabs were not told of a change (${describeError(error)})`)
      }
    },
    close() {
      open = false
      channel.close()
    },
  }
}
