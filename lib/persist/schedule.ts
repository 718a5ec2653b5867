/** Runs `callback` once after `ms` milliseconds; returns the function that cancels it. */
export type Schedule = (callback: () => void, ms: number) => () => void

/** {@link Schedule} on `setTimeout`, looked up only when called. */
export const timeout: Schedule = (callback, ms) => {
  const id = setTimeout(callback, ms)
  return () => clearTimeout(id)
}
