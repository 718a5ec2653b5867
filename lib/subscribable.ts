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

/**
 * A list of listeners copied on write: telling never copies it, and a listener that subscribes
 * or unsubscribes while it is told changes the next event's list, not this one's.
 */
export class ListenerList<A> {
  #list: readonly ((arg: A) => void)[] = []

  get size(): number {
    return this.#list.length
  }

  /** Adds `listener`; returns the function that removes it. */
  add(listener: (arg: A) => void, where: string): () => void {
    if (typeof listener !== 'function') {
      throw new TypeError(`${where}: listener must be a function, got ${typeof listener}`)
    }
    this.#list = [...this.#list, listener]
    return () => {
      this.#list = this.#list.filter((l) => l !== listener)
    }
  }

  tell(arg: A, what: string): void {
    tell(this.#list, arg, what)
  }
}

/**
 * Calls every listener with `arg`; one that throws is reported on the console with `what`
 * ("a listener threw on …"), and the others are still told.
 */
export function tell<A>(listeners: Iterable<(arg: A) => void>, arg: A, what: string): void {
  for (const listener of listeners) {
    try {
      listener(arg)
    } catch (error) {
      console.error(`asynccache: ${what}`, error)
    }
  }
}
