const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']

/** IMF-fixdate, the preferred format: `Sun, 06 Nov 1994 08:49:37 GMT`. */
const IMF_FIXDATE = /^[a-z]{3}, (\d{2}) ([a-z]{3}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) gmt$/i
/** The obsolete RFC 850 format, with a two-digit year: `Sunday, 06-Nov-94 08:49:37 GMT`. */
const RFC_850 = /^[a-z]{6,9}, (\d{2})-([a-z]{3})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) gmt$/i
/** The obsolete asctime format, the day padded with a space: `Sun Nov  6 08:49:37 1994`. */
const ASCTIME = /^[a-z]{3} ([a-z]{3}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/i

/**
 * An HTTP-date (RFC 9110 section 5.6.7) as milliseconds since the epoch, or `undefined` when the
 * value is in none of its three formats or names no real time (`Feb 30`, hour 24). Anything
 * else `Date.parse` would guess at (`3000`, `0`, `2025-07-01`) is invalid: RFC 9111 section 5.3
 * then has an `Expires` mean "already expired", and other headers are ignored. An RFC 850
 * two-digit year more than 50 years ahead is taken as the latest past year ending so.
 */
export function parseHttpDate(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined
  const text = value.trim()
  let match = IMF_FIXDATE.exec(text)
  if (match !== null) return utc(match[3], match[2], match[1], match[4], match[5], match[6])
  match = ASCTIME.exec(text)
  if (match !== null) return utc(match[6], match[1], match[2], match[3], match[4], match[5])
  match = RFC_850.exec(text)
  if (match === null) return undefined
  const thisYear = new Date(now).getUTCFullYear()
  let year = thisYear - (thisYear % 100) + Number(match[3])
  if (year > thisYear + 50) year -= 100
  return utc(String(year), match[2], match[1], match[4], match[5], match[6])
}

function utc(...parts: (string | undefined)[]): number | undefined {
  const [year, monthName, day, hour, minute, second] = parts as string[]
  const month = MONTHS.indexOf(monthName.toLowerCase())
  const [y, d, h, m, s] = [year, day, hour, minute, second].map(Number) as number[]
  // The last day of the month, so that Feb 30 is refused rather than rolled into March.
  const lastDay = new Date(Date.UTC(y, month + 1, 0)).getUTCDate()
  // A leap second (60) is valid syntax; it counts as the next second.
  if (month === -1 || d < 1 || d > lastDay || h > 23 || m > 59 || s > 60) return undefined
  return Date.UTC(y, month, d, h, m, s)
}
