import { useEffect, useRef, useState } from 'preact/hooks'

/**
 * React's `useSyncExternalStore` for Preact without `preact/compat`: reads the snapshot on
 * every render, re-renders when it is no longer the one shown (checked after subscribing too,
 * for a change between render and effect). Snapshots must be identical between changes.
 */
export function useSyncExternalStore<T>(
  subscribe: (onChange: () => void) => () => void,
  getSnapshot: () => T,
): T {
  const value = getSnapshot()
  const [, rerender] = useState(0)
  const shown = useRef(value)
  shown.current = value
  useEffect(() => {
    const check = () => {
      if (getSnapshot() !== shown.current) rerender((n) => n + 1)
    }
    const stop = subscribe(check)
    check()
    return stop
  }, [subscribe, getSnapshot])
  return value
}
