/**
 * Calls `flush` when the page is being hidden or unloaded (`pagehide`, or `visibilitychange`
 * to hidden: on mobile the page may never come back). Where there are no such events (a worker,
 * a server), nothing is installed. Returns the function that removes the listeners.
 */
export function onPageHidden(flush: () => void): () => void {
  const global = globalThis as Partial<EventTarget>
  if (typeof global.addEventListener !== 'function') return () => {}
  const doc = typeof document === 'undefined' ? undefined : document
  const onHide = () => flush()
  const onVisibility = () => {
    if (doc?.visibilityState === 'hidden') flush()
  }
  global.addEventListener('pagehide', onHide)
  doc?.addEventListener('visibilitychange', onVisibility)
  return () => {
    global.removeEventListener?.('pagehide', onHide)
    doc?.removeEventListener('visibilitychange', onVisibility)
  }
}
