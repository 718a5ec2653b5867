/** The longest preview of a key or value the panel shows, in characters. */
export const PREVIEW_LENGTH = 120

/**
 * A one-line, truncated text preview of any value, for rendering as text (never as HTML).
 * Strings are quoted (control characters escaped), plain data is JSON, anything JSON cannot
 * show (functions, symbols, bigints, cycles, class instances) falls back to a short tag, and no
 * preview ever throws.
 */
export function preview(value: unknown, length = PREVIEW_LENGTH): string {
  return truncate(fullText(value), length)
}

/**
 * The whole one-line text of a value that {@link preview} truncates: what filtering and
 * sorting compare, so that keys alike in their first characters stay apart.
 */
export function fullText(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value)
    case 'undefined':
      return 'undefined'
    case 'bigint':
      return `${value}n`
    case 'symbol':
      return value.toString()
    case 'function':
      return `ƒ ${value.name || 'anonymous'}()`
    case 'object':
      return value === null ? 'null' : describeObject(value)
    default:
      return String(value)
  }
}

function describeObject(value: object): string {
  if (value instanceof Error) return `${value.name}: ${value.message}`
  if (value instanceof Map) return `Map(${value.size})`
  if (value instanceof Set) return `Set(${value.size})`
  if (value instanceof Date)
    return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString()
  try {
    const json = JSON.stringify(value)
    if (json !== undefined) return json
  } catch {
    // Cycles, bigints deep inside, throwing getters or toJSON: show the type instead.
  }
  return `[${value.constructor?.name ?? 'Object'}]`
}

function truncate(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length - 1)}…`
}

/** Milliseconds as a short human duration: `0.234 ms`, `850 ms`, `12.3 s`, `4 min 10 s`, `2 h 5 min`. */
export function duration(ms: number): string {
  const sign = ms < 0 ? '−' : ''
  const abs = Math.abs(ms)
  if (abs < 1000) return `${sign}${Number(abs.toPrecision(3))} ms`
  if (abs < 60_000) return `${sign}${(abs / 1000).toFixed(1)} s`
  if (abs < 3_600_000) {
    return `${sign}${Math.floor(abs / 60_000)} min ${Math.floor((abs % 60_000) / 1000)} s`
  }
  return `${sign}${Math.floor(abs / 3_600_000)} h ${Math.floor((abs % 3_600_000) / 60_000)} min`
}

/** A time on a cache's clock (ms) as local `HH:MM:SS.mmm`. */
export function clockTime(ms: number): string {
  const d = new Date(ms)
  const two = (n: number) => String(n).padStart(2, '0')
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`
}

/** An integer with thousands separators, the same in every locale: `12,345`. */
export function count(n: number): string {
  // Not toLocaleString: it builds a number format per call, a visible cost at ten redraws a second.
  return Number.isSafeInteger(n) && Math.abs(n) < 1000 ? String(n) : thousands.format(n)
}

const thousands = new Intl.NumberFormat('en-US')

/**
 * An event's fields besides `type`, `time` and `key`, as `name=value` text, whole (nothing cut)
 * and the reason of an eviction first: what the log shows and its filter searches.
 */
export function eventDetails(event: object): string {
  const parts: string[] = []
  const fields = Object.entries(event)
  const reason = fields.findIndex(([name]) => name === 'reason')
  if (reason > 0) fields.unshift(...fields.splice(reason, 1))
  for (const [name, value] of fields) {
    if (name === 'type' || name === 'time' || name === 'key') continue
    const text =
      name === 'durationMs' && typeof value === 'number'
        ? duration(value)
        : name === 'error'
          ? fullText(value instanceof Error ? `${value.name}: ${value.message}` : value)
          : fullText(value)
    parts.push(`${name}=${text}`)
  }
  return parts.join(' ')
}

/**
 * JSON for the clipboard, of any value: Maps as objects of their entries, Sets and bytes as
 * arrays (bytes by size past 1 KB), bigints as strings, cycles and functions marked.
 */
export function toJson(value: unknown): string {
  const path: object[] = []
  const convert = (v: unknown): unknown => {
    if (typeof v === 'bigint') return `${v}n`
    if (typeof v === 'function' || typeof v === 'symbol') return fullText(v)
    if (v === null || typeof v !== 'object') return v
    if (path.includes(v)) return '[cycle]'
    if (v instanceof Date) return fullText(v)
    if (v instanceof ArrayBuffer || ArrayBuffer.isView(v)) {
      const bytes =
        v instanceof ArrayBuffer
          ? new Uint8Array(v)
          : new Uint8Array(v.buffer, v.byteOffset, v.byteLength)
      return bytes.length > 1024 ? `[${bytes.length} bytes]` : [...bytes]
    }
    path.push(v)
    let out: unknown
    if (v instanceof Map)
      out = Object.fromEntries([...v].map(([k, x]) => [fullText(k), convert(x)]))
    else if (v instanceof Set || Array.isArray(v)) out = [...v].map(convert)
    else if (v instanceof Error) out = { name: v.name, message: v.message }
    else {
      const o: Record<string, unknown> = {}
      for (const k of Object.keys(v)) {
        try {
          o[k] = convert((v as Record<string, unknown>)[k])
        } catch (error) {
          o[k] = `[getter threw: ${String(error)}]`
        }
      }
      out = o
    }
    path.pop()
    return out
  }
  return JSON.stringify(convert(value), null, 2) ?? 'undefined'
}
