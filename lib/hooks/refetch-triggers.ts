import type { Observer } from '../index.js'

type Revalidating = Pick<Observer<never, unknown>, 'revalidate'>

/** The mounted observers to revalidate on each trigger. */
const focused = new Set<Revalidating>()
const online = new Set<Revalidating>()

const revalidateAll = (observers: Set<Revalidating>) => {
  for (const observer of [...observers]) void observer.revalidate()
}
const onVisible = () => {
  if (document.visibilityState === 'visible') revalidateAll(focused)
}
const onFocus = () => revalidateAll(focused)
const onOnline = () => revalidateAll(online)

/** Adds the page's listeners while some observer needs them, removes them after the last. */
function follow(observers: Set<Revalidating>, observer: Revalidating, install: boolean) {
  const before = observers.size
  if (install) observers.add(observer)
  else observers.delete(observer)
  if ((before === 0) === (observers.size === 0)) return
  const method = install ? 'addEventListener' : 'removeEventListener'
  if (observers === focused) {
    window[method]('focus', onFocus)
    document[method]('visibilitychange', onVisible)
  } else {
    window[method]('online', onOnline)
  }
}

/**
 * Revalidates `observer` (loads its key if it is not fresh) when the page becomes visible or
 * focused again (`focus`) and when the browser comes back online (`reconnect`); returns the
 * function that stops. However many observers show a key, it loads once (single-flight).
 */
export function refetchOn(observer: Revalidating, focus: boolean, reconnect: boolean): () => void {
  if (focus) follow(focused, observer, true)
  if (reconnect) follow(online, observer, true)
  return () => {
    if (focus) follow(focused, observer, false)
    if (reconnect) follow(online, observer, false)
  }
}
