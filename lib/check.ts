/**
 * The checks every layer's options go through (the core, fetch, persist, devtools), so that a
 * rule such as "no NaN" or "a timer's delay fits in 32 bits" is written once.
 */

/** The longest delay `setTimeout` honours, in ms; a longer one fires at once. */
export const MAX_DELAY_MS = 2 ** 31 - 1

/** A value as an error message shows it: strings quoted, NaN as NaN, objects as JSON. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value)
  if (typeof value === 'bigint') return `${value}n`
  if (typeof value === 'function') return 'a function'
  if (typeof value === 'number' || typeof value === 'symbol') return String(value)
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}

/** What {@link checkNumber} accepts. NaN never is; Infinity only when `max` is Infinity. */
export interface NumberRule {
  /** Whole numbers only. */
  integer?: boolean
  /** The smallest value allowed (default: no bound). */
  min?: number
  /** `min` itself is refused: the value must be greater. */
  aboveMin?: boolean
  /** The largest value allowed (default: the largest finite number). */
  max?: number
  /** What is allowed, in words, for the message: `'a number of milliseconds >= 0'`. */
  allowed: string
}

/**
 * `value` if it is a number `rule` allows; `fallback` if it is `undefined` (an explicit
 * `undefined` always means the default). Otherwise throws a `TypeError` (not a number) or a
 * `RangeError` (NaN, a fraction where an integer is needed, out of range) that names the
 * option, what is allowed and the value.
 */
export function checkNumber(
  name: string,
  value: unknown,
  rule: NumberRule,
  fallback?: number,
): number {
  if (value === undefined && fallback !== undefined) return fallback
  if (typeof value !== 'number') {
    throw new TypeError(`${name} must be ${rule.allowed}, got ${describe(value)}`)
  }
  const { min = -Infinity, max = Number.MAX_VALUE } = rule
  if (
    !(value >= min && value <= max) ||
    (rule.aboveMin === true && value === min) ||
    (rule.integer === true && !Number.isInteger(value))
  ) {
    throw new RangeError(`${name} must be ${rule.allowed}, got ${describe(value)}`)
  }
  return value
}

/** A delay for a timer, in ms: from 0 to {@link MAX_DELAY_MS}. */
export function checkDelay(name: string, value: unknown, fallback?: number): number {
  return checkNumber(
    name,
    value,
    { min: 0, max: MAX_DELAY_MS, allowed: `a number of milliseconds from 0 to ${MAX_DELAY_MS}` },
    fallback,
  )
}

/** Throws unless `value` is undefined or of `type`. */
export function checkType(
  name: string,
  value: unknown,
  type: 'string' | 'function' | 'boolean',
): void {
  if (value !== undefined && typeof value !== type) {
    throw new TypeError(`${name} must be a ${type}, got ${describe(value)}`)
  }
}
