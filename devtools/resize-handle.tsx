import type { PanelPosition } from './options.js'
import { MIN_HEIGHT, MIN_WIDTH } from './storage.js'

/** Pixels one arrow key press moves the panel's edge. */
const STEP = 24

/** Whether the panel docked at `position` is sized by its width (at a side) or its height. */
export const isSide = (position: PanelPosition): boolean =>
  position === 'left' || position === 'right'

/** Props of {@link ResizeHandle}. */
export interface ResizeHandleProps {
  /** The edge the panel is docked to; the handle is its opposite edge. */
  position: PanelPosition
  /** The panel's height, or its width at a side. */
  size: number
  max: number
  onResize: (size: number) => void
}

/** Clamps a wanted panel size (height, or width at a side) to what fits. */
export function clampSize(position: PanelPosition, size: number, max: number): number {
  return Math.round(Math.max(isSide(position) ? MIN_WIDTH : MIN_HEIGHT, Math.min(size, max)))
}

/** The panel's size that puts its free edge under the pointer. */
const sizeAt: Record<PanelPosition, (view: Window, event: PointerEvent) => number> = {
  bottom: (view, event) => view.innerHeight - event.clientY,
  top: (_, event) => event.clientY,
  left: (_, event) => event.clientX,
  right: (view, event) => view.innerWidth - event.clientX,
}

/** The arrow key that moves the free edge away from the docked one (grows the panel). */
const GROW: Record<PanelPosition, string> = {
  bottom: 'ArrowUp',
  top: 'ArrowDown',
  left: 'ArrowRight',
  right: 'ArrowLeft',
}
const SHRINK: Record<PanelPosition, string> = {
  bottom: 'ArrowDown',
  top: 'ArrowUp',
  left: 'ArrowLeft',
  right: 'ArrowRight',
}

/**
 * The panel's free edge (the top one when docked at the bottom): drag it (pointer) or focus it
 * and press the arrow keys across it to change the panel's size.
 */
export function ResizeHandle({ position, size, max, onResize }: ResizeHandleProps) {
  const onPointerMove = (event: PointerEvent): void => {
    const view = (event.currentTarget as Element).ownerDocument.defaultView
    if (view !== null) onResize(clampSize(position, sizeAt[position](view, event), max))
  }
  return (
    // A focusable separator is the ARIA "window splitter": arrow keys move it.
    <hr
      class="resize"
      aria-orientation={isSide(position) ? 'vertical' : 'horizontal'}
      aria-label="Resize the devtools panel"
      aria-valuemin={isSide(position) ? MIN_WIDTH : MIN_HEIGHT}
      aria-valuemax={max}
      aria-valuenow={size}
      tabIndex={0}
      onPointerDown={(event) => {
        const handle = event.currentTarget
        handle.setPointerCapture(event.pointerId)
        handle.addEventListener('pointermove', onPointerMove)
        const stop = () => {
          handle.removeEventListener('pointermove', onPointerMove)
          handle.removeEventListener('pointerup', stop)
          handle.removeEventListener('pointercancel', stop)
        }
        handle.addEventListener('pointerup', stop)
        handle.addEventListener('pointercancel', stop)
      }}
      onKeyDown={(event) => {
        const delta =
          event.key === GROW[position] ? STEP : event.key === SHRINK[position] ? -STEP : 0
        if (delta === 0) return
        event.preventDefault()
        onResize(clampSize(position, size + delta, max))
      }}
    />
  )
}
