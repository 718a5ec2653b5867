/**
 * The wall clock in milliseconds, held so that it never runs backwards.
 *
 * Wall time (not `performance.now()`) is the default because time spent asleep or with the
 * tab closed must count toward a TTL, and because expiries written to IndexedDB must mean
 * the same instant after a reload. Holding the high-water mark keeps an NTP step backwards
 * from resurrecting expired entries. It is read on every call, never kept: an app's tests that
 * move time with fake timers see every step at once.
 */
export function wallClock(): () => number {
  let last = 0
  return () => {
    const t = Date.now()
    if (t > last) last = t
    return last
  }
}
