/**
 * Panel redraws driven by events are at least this far apart (ms). A storm of events would
 * otherwise redraw the panel on every frame: its style, layout and paint, which no JavaScript
 * timer sees, then take the main thread from the app it inspects (the demo's traffic ran at
 * half speed). Ten redraws a second still read as live; the graph counts whole seconds.
 */
export const MIN_GAP_MS = 100

/**
 * The share of the main thread a redraw may take, measured: after a redraw that took `cost` ms
 * the next waits at least `cost × COST_FACTOR`, so a big panel slows down rather than the app.
 */
const COST_FACTOR = 4

/**
 * Coalesces any number of requests into one callback on an animation frame: however many
 * events arrive, the panel renders at most once per frame, and at most once per
 * {@link MIN_GAP_MS} (longer after a costly redraw). The first request after a quiet spell is
 * served on the next frame.
 */
export class FrameScheduler {
  readonly #window: Window
  readonly #callback: () => void
  #frame: number | undefined
  #timer: ReturnType<typeof setTimeout> | undefined
  /** When the last callback ended, and the gap the next must keep (performance.now(), ms). */
  #end = Number.NEGATIVE_INFINITY
  #gap = 0

  constructor(window: Window, callback: () => void) {
    this.#window = window
    this.#callback = callback
  }

  /** Asks for one callback as soon as allowed; O(1), and free when one is already pending. */
  request(): void {
    if (this.#frame !== undefined || this.#timer !== undefined) return
    const wait = this.#end + this.#gap - this.#window.performance.now()
    if (wait <= 0) this.#frame = this.#window.requestAnimationFrame(this.#run)
    else this.#timer = setTimeout(this.#later, wait)
  }

  /** Drops a pending callback. */
  cancel(): void {
    if (this.#frame !== undefined) this.#window.cancelAnimationFrame(this.#frame)
    clearTimeout(this.#timer)
    this.#frame = this.#timer = undefined
  }

  readonly #later = (): void => {
    this.#timer = undefined
    this.#frame = this.#window.requestAnimationFrame(this.#run)
  }

  readonly #run = (): void => {
    this.#frame = undefined
    const start = this.#window.performance.now()
    this.#callback()
    this.#end = this.#window.performance.now()
    this.#gap = Math.max(MIN_GAP_MS, (this.#end - start) * COST_FACTOR)
  }
}
