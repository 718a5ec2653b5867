import { SHORTCUT } from './names.js'
import type { ButtonPosition } from './options.js'

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
