import type { ComponentChildren } from 'preact'
import { useLayoutEffect, useRef, useState } from 'preact/hooks'
import { ROW_HEIGHT } from './styles.js'

/** Rows rendered above and below the visible ones, so fast scrolling shows no gap. */
const OVERSCAN = 6
/** Viewport height assumed until it can be measured (or where layout does not exist). */
const FALLBACK_HEIGHT = 400

/** Props of {@link VirtualList}. */
export interface VirtualListProps<T> {
  /** Accessible name of the table. */
  label: string
  /** The header row's cells (`<th scope="col">`). */
  head: ComponentChildren
  items: readonly T[]
  /** One row's cells (`<td>`); every row is {@link ROW_HEIGHT} pixels high. */
  renderRow: (item: T, index: number) => ComponentChildren
  /** Shown when there are no items. */
  empty: string
  /** The index of the selected item (highlighted); -1 or absent for none. */
  selected?: number
  /** Makes rows pickable (click, or Enter on a focused row). */
  onPick?: (item: T, index: number) => void
}

/**
 * A table that renders only the rows in view (plus a few), so its cost per render depends on
 * the viewport's height, not on the number of items: 10,000 entries render like 30. A sizer as
 * tall as every row scrolls; the table sits in it at the first rendered row, its header sticky.
 * `aria-rowcount` and `aria-rowindex` tell assistive technology the real size.
 */
export function VirtualList<T>(props: VirtualListProps<T>) {
  const { items, renderRow, onPick, selected = -1 } = props
  const viewport = useRef<HTMLDivElement>(null)
  const [scrollTop, setScrollTop] = useState(0)
  const [height, setHeight] = useState(FALLBACK_HEIGHT)

  useLayoutEffect(() => {
    const el = viewport.current
    if (el === null) return
    const measure = () => setHeight(el.clientHeight || FALLBACK_HEIGHT)
    measure()
    const view = el.ownerDocument.defaultView
    if (view?.ResizeObserver === undefined) return
    const observer = new view.ResizeObserver(measure)
    observer.observe(el)
    return () => observer.disconnect()
  }, [])

  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN)
  const last = Math.min(items.length, Math.ceil((scrollTop + height) / ROW_HEIGHT) + OVERSCAN)
  const rows = []
  for (let i = first; i < last; i++) {
    rows.push(
      // Keyed by position: scrolling patches the text of a few reused rows instead of rebuilding them.
      <tr
        key={i}
        aria-rowindex={i + 2}
        data-selected={i === selected ? '' : undefined}
        tabIndex={onPick === undefined ? undefined : 0}
        onClick={onPick === undefined ? undefined : () => onPick(items[i] as T, i)}
        onKeyDown={
          onPick === undefined
            ? undefined
            : (event) => {
                if (event.key === 'Enter' && event.target === event.currentTarget) {
                  onPick(items[i] as T, i)
                }
              }
        }
      >
        {renderRow(items[i] as T, i)}
      </tr>,
    )
  }

  return (
    <div
      ref={viewport}
      class="viewport"
      onScroll={(event) => setScrollTop(event.currentTarget.scrollTop)}
    >
      <div class="sizer" style={{ height: `${(items.length + 1) * ROW_HEIGHT}px` }}>
        <table
          aria-label={props.label}
          aria-rowcount={items.length + 1}
          style={{ marginTop: `${first * ROW_HEIGHT}px` }}
        >
          <thead>
            <tr aria-rowindex={1}>{props.head}</tr>
          </thead>
          <tbody>{rows}</tbody>
        </table>
      </div>
      {items.length === 0 && <p class="empty">{props.empty}</p>}
    </div>
  )
}
