/**
 * What the user chose in the panel's views, which the panel remembers across close and reload:
 * plain data, apart from the components that show it.
 */

/** The panel's tabs. */
export type Tab = 'entries' | 'events'

/** Columns the entries can be sorted by. */
export type SortColumn = 'rank' | 'key' | 'frequency' | 'age' | 'ttl' | 'persisted' | 'status'

/** What the user chose in the entries view. */
export interface EntriesView {
  filter: string
  sort: SortColumn
  descending: boolean
  /** The full text of the selected key (keys are matched by it after a reload). */
  selected: string | undefined
}

export const DEFAULT_ENTRIES_VIEW: EntriesView = {
  filter: '',
  sort: 'rank',
  descending: false,
  selected: undefined,
}

/** What the user chose in the event log. */
export interface EventsView {
  /** The type shown, `''` for all. */
  type: string
  /** The full text of the key shown (see `keyText`), `undefined` for all keys. */
  key: string | undefined
}

export const DEFAULT_EVENTS_VIEW: EventsView = { type: '', key: undefined }
