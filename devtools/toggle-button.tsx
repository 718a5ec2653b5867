import type { ButtonPosition } from './options.js'

/** The keyboard shortcut that toggles the panel, as `aria-keyshortcuts` spells it. */
export const SHORTCUT = 'Alt+Shift+C'

/** Whether a keydown is the {@link SHORTCUT} (by physical key, as Alt changes `key` on macOS). */
export function isShortcut(event: KeyboardEvent): boolean {
  return event.altKey && event.shiftKey && !event.ctrlKey && !event.metaKey && event.code === 'KeyC'
}

/** Props of {@link ToggleButton}. */
export interface ToggleButtonProps {
  position: ButtonPosition
  onOpen: () => void
}

/** The floating button in a corner of the page that opens the panel. */
export function ToggleButton({ position, onOpen }: ToggleButtonProps) {
  return (
    <button
      type="button"
      class={`toggle ${position}`}
      aria-label={`Open asynccache devtools (${SHORTCUT})`}
      aria-keyshortcuts={SHORTCUT}
      aria-expanded={false}
      title={`asynccache devtools (${SHORTCUT})`}
      onClick={onOpen}
    >
      AC
    </button>
  )
}
