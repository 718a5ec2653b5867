/**
 * The wall clock in milliseconds, held so that it never runs backwards, and read once per task.
 *
 * Wall time (not `performance.now()`) is the default because time spent asleep or with the
 * tab closed must count toward a TTL, and because expiries written to IndexedDB must mean
 * the same instant after a reload. Holding the high-water mark keeps an NTP step backwards
 * from resurrecting expired entries.
 *
 * `Date.now()` costs more than a cache hit, and a TTL check or an event needs the time on every
 * operation, so the reading is kept until the next microtask checkpoint: every operation of one
 * synchronous run sees the same instant (as lru-cache's `ttlResolution` trades precision for
 * speed, here to the length of one task).
 */
export function wallClock(): () => number {
  let last = 0
  let current = false
  const expire = () => {
    current = false
  }
  return () => {
    if (!current) {
      const t = Date.now()
      if (t > last) last = t
      current = true
      queueMicrotask(expire)
    }
    return last
  }
}
