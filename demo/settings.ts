import type { PolicyName } from 'asynccache'

/** What the demo's controls choose; the data layer is rebuilt from it. */
export interface DemoSettings {
  policy: PolicyName
  maxsize: number
  /** Seconds; 0 for entries that never expire. */
  ttl: number
  persist: boolean
}

const KEY = 'asynccache-demo:settings'
const DEFAULTS: DemoSettings = { policy: 'LRU', maxsize: 100, ttl: 120, persist: true }

/** The settings of the last visit (they survive the reload that shows the warm start). */
export function loadSettings(): DemoSettings {
  try {
    return { ...DEFAULTS, ...JSON.parse(localStorage.getItem(KEY) ?? '{}') }
  } catch {
    return DEFAULTS
  }
}

export function saveSettings(settings: DemoSettings): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(settings))
  } catch {
    // Private modes may refuse storage: the demo still works, it just forgets.
  }
}
