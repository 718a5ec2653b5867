/** What the devtools remember between page loads. */
export interface Remembered {
  open: boolean
  /** Panel height in CSS pixels. */
  height: number
  /** Name of the selected cache (caches are matched by name after a reload). */
  selected: string | undefined
}

/** The localStorage key the state lives under. */
export const STORAGE_KEY = 'asynccache-devtools'

/** Panel heights the resize handle allows, in CSS pixels. */
export const MIN_HEIGHT = 160
export const DEFAULT_HEIGHT = 440

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
  const { open, height, selected } = saved as Partial<Record<keyof Remembered, unknown>>
  return {
    open: typeof open === 'boolean' ? open : defaults.open,
    height:
      typeof height === 'number' && Number.isFinite(height) && height >= MIN_HEIGHT
        ? height
        : defaults.height,
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
