/**
 * Listener sets, shared by the cache's event stream and the registry of caches: subscribing
 * checks the listener and hands back its unsubscribe; telling isolates a listener that throws,
 * so that one broken listener can neither disturb the publisher nor starve the others.
 */

/** Adds `listener` to `listeners`; returns the function that removes it. */
export function subscribeTo<L>(listeners: Set<L>, listener: L, where: string): () => void {
  if (typeof listener !== 'function') {
    throw new TypeError(`${where}: listener must be a function, got ${typeof listener}`)
  }
  listeners.add(listener)
  return () => {
    listeners.delete(listener)
  }
}

/** Calls every listener with `arg`; one that throws is reported on the console, naming `what`. */
export function tell<A>(listeners: Set<(arg: A) => void>, arg: A, what: string): void {
  for (const listener of listeners) {
    try {
      listener(arg)
    } catch (error) {
      console.error(`asynccache: a listener threw on ${what}`, error)
    }
  }
}
