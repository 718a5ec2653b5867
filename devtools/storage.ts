import { STORAGE_KEY } from './names.js'
import { PANEL_POSITIONS, type PanelPosition, THEMES, type Theme } from './options.js'
import {
  DEFAULT_ENTRIES_VIEW,
  DEFAULT_EVENTS_VIEW,
  type EntriesView,
  type EventsView,
  type SortColumn,
  type Tab,
} from './view.js'

/** What the devtools remember between page loads. */
export interface Remembered {
  open: boolean
  /** Panel height in CSS pixels, docked at the top or bottom. */
  height: number
  /** Panel width in CSS pixels, docked at the left or right. */
  width: number
  /** The edge picked in the panel; `undefined`: the `position` option's. */
  position: PanelPosition | undefined
  /** Name of the selected cache (caches are matched by name after a reload). */
  selected: string | undefined
  tab: Tab
  /** The theme picked in the panel; `undefined`: the `theme` option's. */
  theme: Theme | undefined
  entries: EntriesView
  events: EventsView
}

const SORTS: readonly SortColumn[] = [
  'rank',
  'key',
  'frequency',
  'age',
  'ttl',
  'persisted',
  'status',
]

type Fields<T> = Partial<Record<keyof T, unknown>>
const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)

function entriesView(saved: unknown): EntriesView {
  const v = (typeof saved === 'object' && saved !== null ? saved : {}) as Fields<EntriesView>
  const d = DEFAULT_ENTRIES_VIEW
  return {
    filter: text(v.filter) ?? d.filter,
    sort: SORTS.includes(v.sort as SortColumn) ? (v.sort as SortColumn) : d.sort,
    descending: typeof v.descending === 'boolean' ? v.descending : d.descending,
    selected: text(v.selected),
  }
}

function eventsView(saved: unknown): EventsView {
  const v = (typeof saved === 'object' && saved !== null ? saved : {}) as Fields<EventsView>
  return { type: text(v.type) ?? DEFAULT_EVENTS_VIEW.type, key: text(v.key) }
}

/** Panel sizes the resize handle allows, in CSS pixels. */
export const MIN_HEIGHT = 160
export const DEFAULT_HEIGHT = 440
export const MIN_WIDTH = 280
export const DEFAULT_WIDTH = 560

const size = (v: unknown, min: number, fallback: number): number =>
  typeof v === 'number' && Number.isFinite(v) && v >= min ? v : fallback

/**
 * Reads the remembered state, falling back to `defaults` field by field. localStorage may be
 * missing, blocked (sandboxed iframes and some privacy modes throw on access) or hold
 * anything, so every failure reads as "nothing remembered".
 */
export function recall(storage: () => Storage, defaults: Remembered): Remembered {
  let saved: unknown
  try {
    saved = JSON.parse(storage().getItem(STORAGE_KEY) ?? 'null')
  } catch {
    return defaults
  }
  if (saved === null || typeof saved !== 'object') return defaults
  const { open, height, width, position, selected, tab, theme, entries, events } =
    saved as Fields<Remembered>
  return {
    tab: tab === 'events' || tab === 'entries' ? tab : defaults.tab,
    theme: THEMES.includes(theme as Theme) ? (theme as Theme) : defaults.theme,
    position: PANEL_POSITIONS.includes(position as PanelPosition)
      ? (position as PanelPosition)
      : defaults.position,
    entries: entriesView(entries),
    events: eventsView(events),
    open: typeof open === 'boolean' ? open : defaults.open,
    height: size(height, MIN_HEIGHT, defaults.height),
    width: size(width, MIN_WIDTH, defaults.width),
    selected: typeof selected === 'string' ? selected : defaults.selected,
  }
}

/** Writes the state; a full or blocked storage only means it is not remembered. */
export function remember(storage: () => Storage, state: Remembered): void {
  try {
    storage().setItem(STORAGE_KEY, JSON.stringify(state))
  } catch {
    // Remembering is a convenience: losing it must not break the panel.
  }
}
