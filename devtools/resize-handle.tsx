import { MIN_HEIGHT } from './storage.js'

/** Pixels one arrow key press moves the panel's edge. */
const STEP = 24

/** Props of {@link ResizeHandle}. */
export interface ResizeHandleProps {
  height: number
  max: number
  onResize: (height: number) => void
}

/** Clamps a wanted panel height to what fits. */
export function clampHeight(height: number, max: number): number {
  return Math.round(Math.max(MIN_HEIGHT, Math.min(height, max)))
}

/**
 * The panel's top edge: drag it (pointer) or focus it and press the up and down arrow keys to
 * change the panel's height.
 */
export function ResizeHandle({ height, max, onResize }: ResizeHandleProps) {
  const onPointerMove = (event: PointerEvent): void => {
    const view = (event.currentTarget as Element).ownerDocument.defaultView
    if (view !== null) onResize(clampHeight(view.innerHeight - event.clientY, max))
  }
  return (
    // A focusable separator is the ARIA "window splitter": arrow keys move it.
    <hr
      class="resize"
      aria-orientation="horizontal"
      aria-label="Resize the devtools panel"
      aria-valuemin={MIN_HEIGHT}
      aria-valuemax={max}
      aria-valuenow={height}
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
        const delta = event.key === 'ArrowUp' ? STEP : event.key === 'ArrowDown' ? -STEP : 0
        if (delta === 0) return
        event.preventDefault()
        onResize(clampHeight(height + delta, max))
      }}
    />
  )
}
