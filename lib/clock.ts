/**
 * The wall clock in milliseconds, held so that it never runs backwards.
 *
 * Wall time (not `performance.now()`) is the default because time spent asleep or with the
 * tab closed must count toward a TTL, and because expiries written to IndexedDB must mean
 * the same instant after a reload. Holding the high-water mark keeps an NTP step backwards
 * from resurrecting expired entries.
 */
export function wallClock(): () => number {
  let last = 0
  return () => {
    const t = Date.now()
    if (t > last) last = t
    return last
  }
}
