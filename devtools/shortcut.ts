/** Whether a keydown is `SHORTCUT` (by physical key, as Alt changes `key` on macOS). */
export function isShortcut(event: KeyboardEvent): boolean {
  return event.altKey && event.shiftKey && !event.ctrlKey && !event.metaKey && event.code === 'KeyC'
}
