import { type AsyncCache, checkNumber, checkType, describe } from '../lib/index.js'

/** Corner of the viewport that holds the floating toggle button. */
export type ButtonPosition = 'top-left' | 'top-right' | 'bottom-left' | 'bottom-right'

/** Edge of the viewport the open panel is docked to. */
export type PanelPosition = 'bottom' | 'top' | 'left' | 'right'

/** Colour scheme of the panel; `'system'` follows `prefers-color-scheme`. */
export type Theme = 'light' | 'dark' | 'system'

/**
 * The chart the graph draws, as {@link DevtoolsOptions.onChart} receives it: the uPlot instance,
 * typed by what the devtools promise of it, so that the published types need no uPlot (with
 * uPlot installed, `chart as uPlot` gives the rest of its API).
 */
export interface DevtoolsChart {
  /** What is drawn, in uPlot's column form: `[secondsAgo, hits, misses, evictions]`, one value per second. */
  readonly data: readonly ArrayLike<number | null | undefined>[]
  /** The chart's element, inside the panel's shadow root. */
  readonly root: HTMLElement
}

/** Options of {@link mountDevtools}, in the style of TanStack Query's devtools. */
export interface DevtoolsOptions {
  /** Open the panel on first mount; afterwards the remembered state wins. Default `false`. */
  initialIsOpen?: boolean
  /** Corner of the toggle button. Default `'bottom-right'`. */
  buttonPosition?: ButtonPosition
  /**
   * Edge the open panel is docked to, full width at the top or bottom, full height at the left
   * or right. Default `'bottom'`; an edge picked in the panel wins.
   */
  position?: PanelPosition
  /** Default `'system'`. */
  theme?: Theme
  /** CSP nonce put on the panel's `<style>` element (for a `style-src 'nonce-…'` policy). */
  nonce?: string
  /**
   * Caches to show in addition to those the registry lists (every live cache, named or not,
   * unless `unregisterCache` took it out).
   */
  // biome-ignore lint/suspicious/noExplicitAny: a cache of any key and value type may be shown.
  caches?: readonly AsyncCache<any, any>[]
  /**
   * The clock (ms) that places the graph's rolling window (its last second is the one holding
   * `now()`). Default: the selected cache's own clock (`cache.now`), on which event times are.
   * Tests inject the same clock here and into their caches.
   */
  now?: () => number
  /** Seconds the live graph shows: an integer from 2 to 3600. Default 60. */
  window?: number
  /**
   * Receives the uPlot instance the graph creates each time the panel opens (it is destroyed when
   * the panel closes). A hook for tests, since `chart.data` is exactly what is drawn
   * (`[secondsAgo, hits, misses, evictions]` per second), and for adding uPlot hooks.
   */
  onChart?: (chart: DevtoolsChart) => void
}

/** {@link DevtoolsOptions} checked and with defaults filled in. */
export interface ResolvedOptions {
  initialIsOpen: boolean
  buttonPosition: ButtonPosition
  position: PanelPosition
  theme: Theme
  nonce: string | undefined
  caches: readonly AsyncCache[]
  now: (() => number) | undefined
  window: number
  onChart: ((chart: DevtoolsChart) => void) | undefined
}

const POSITIONS: readonly ButtonPosition[] = [
  'top-left',
  'top-right',
  'bottom-left',
  'bottom-right',
]
export const PANEL_POSITIONS: readonly PanelPosition[] = ['bottom', 'top', 'left', 'right']
export const THEMES: readonly Theme[] = ['light', 'dark', 'system']
const MIN_WINDOW = 2
const MAX_WINDOW = 3600

function oneOf<T extends string>(
  name: string,
  value: unknown,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback
  if (!allowed.includes(value as T)) {
    const list = allowed.map((a) => `'${a}'`).join(', ')
    throw new TypeError(`mountDevtools: ${name} must be one of ${list}, got ${describe(value)}`)
  }
  return value as T
}

function optional<T>(
  name: string,
  value: unknown,
  type: 'string' | 'function' | 'boolean',
): T | undefined {
  checkType(`mountDevtools: ${name}`, value, type)
  return value as T | undefined
}

/** Checks the options of `mountDevtools`, naming the option, the value and what is allowed. */
export function resolveOptions(options: DevtoolsOptions | undefined): ResolvedOptions {
  const o = options ?? {}
  if (typeof o !== 'object') {
    throw new TypeError(`mountDevtools: options must be an object, got ${describe(o)}`)
  }
  const window = checkNumber(
    'mountDevtools: window',
    o.window,
    {
      integer: true,
      min: MIN_WINDOW,
      max: MAX_WINDOW,
      allowed: `an integer number of seconds from ${MIN_WINDOW} to ${MAX_WINDOW}`,
    },
    60,
  )
  const caches = o.caches ?? []
  if (!Array.isArray(caches) || caches.some((c) => typeof c?.subscribe !== 'function')) {
    throw new TypeError('mountDevtools: caches must be an array of AsyncCache instances')
  }
  return {
    initialIsOpen: optional<boolean>('initialIsOpen', o.initialIsOpen, 'boolean') ?? false,
    buttonPosition: oneOf('buttonPosition', o.buttonPosition, POSITIONS, 'bottom-right'),
    position: oneOf('position', o.position, PANEL_POSITIONS, 'bottom'),
    theme: oneOf('theme', o.theme, THEMES, 'system'),
    nonce: optional<string>('nonce', o.nonce, 'string'),
    caches,
    now: optional<() => number>('now', o.now, 'function'),
    window,
    onChart: optional<(chart: DevtoolsChart) => void>('onChart', o.onChart, 'function'),
  }
}
