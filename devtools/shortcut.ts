/** The keyboard shortcut that toggles the panel, as `aria-keyshortcuts` spells it. */
export const SHORTCUT = 'Alt+Shift+C'

/** Whether a keydown is the {@link SHORTCUT} (by physical key, as Alt changes `key` on macOS). */
export function isShortcut(event: KeyboardEvent): boolean {
  return event.altKey && event.shiftKey && !event.ctrlKey && !event.metaKey && event.code === 'KeyC'
}
