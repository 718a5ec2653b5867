/**
 * Coalesces any number of requests into one callback on the next animation frame: however many
 * events arrive, the panel renders at most once per frame.
 */
export class FrameScheduler {
  readonly #window: Window
  readonly #callback: () => void
  #id: number | undefined

  constructor(window: Window, callback: () => void) {
    this.#window = window
    this.#callback = callback
  }

  /** Asks for one callback on the next frame; O(1), and free when one is already pending. */
  request(): void {
    if (this.#id === undefined) this.#id = this.#window.requestAnimationFrame(this.#run)
  }

  /** Drops a pending callback. */
  cancel(): void {
    if (this.#id !== undefined) this.#window.cancelAnimationFrame(this.#id)
    this.#id = undefined
  }

  readonly #run = (): void => {
    this.#id = undefined
    this.#callback()
  }
}
