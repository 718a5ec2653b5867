/**
 * The names the page knows the devtools by, outside their shadow root. Their own module, so that
 * the production no-op (noop.ts) exports them without a line of the panel.
 */

/** The attribute that marks the host element in the page. */
export const HOST_ATTRIBUTE = 'data-asynccache-devtools'

/** The localStorage key the state lives under. */
export const STORAGE_KEY = 'asynccache-devtools'

/** The keyboard shortcut that toggles the panel, as `aria-keyshortcuts` spells it. */
export const SHORTCUT = 'Alt+Shift+C'
