import { describe, expect, test } from 'vitest'
import { parseHttpDate } from '../../lib/fetch/http-date.js'

const at = (iso: string) => Date.parse(iso)

describe('parseHttpDate reads the three HTTP-date formats of RFC 9110 section 5.6.7, and only those', () => {
  test.each([
    ['Sun, 06 Nov 1994 08:49:37 GMT', '1994-11-06T08:49:37Z'],
    ['Sunday, 06-Nov-94 08:49:37 GMT', '1994-11-06T08:49:37Z'],
    ['Sun Nov  6 08:49:37 1994', '1994-11-06T08:49:37Z'],
    ['Sun Nov 16 08:49:37 1994', '1994-11-16T08:49:37Z'],
    ['sun, 06 nov 1994 08:49:37 gmt', '1994-11-06T08:49:37Z'],
    ['Thu, 29 Feb 2024 23:59:59 GMT', '2024-02-29T23:59:59Z'],
    ['Wed, 31 Dec 2025 23:59:60 GMT', '2026-01-01T00:00:00Z'],
  ])('%s', (value, iso) => {
    expect(parseHttpDate(value)).toBe(at(iso))
  })

  test('an RFC 850 year more than 50 years ahead is the latest past year ending so', () => {
    const now = at('2026-01-01T00:00:00Z')
    expect(parseHttpDate('Monday, 01-Jan-76 00:00:00 GMT', now)).toBe(at('2076-01-01T00:00:00Z'))
    expect(parseHttpDate('Monday, 01-Jan-77 00:00:00 GMT', now)).toBe(at('1977-01-01T00:00:00Z'))
  })

  test.each([
    '3000',
    '0',
    '-1',
    '',
    '2025-07-01T12:00:00Z',
    'Tue, 01 Jul 2025 12:00:00 UTC',
    'Tue, 1 Jul 2025 12:00:00 GMT',
    'Tue, 31 Feb 2025 12:00:00 GMT',
    'Thu, 29 Feb 2025 12:00:00 GMT',
    'Tue, 01 Jul 2025 24:00:00 GMT',
    'Tue, 01 Jul 2025 12:60:00 GMT',
    'Tue, 01 Foo 2025 12:00:00 GMT',
    'Tue Jul 1 12:00:00 2025',
  ])('%j is invalid', (value) => {
    expect(parseHttpDate(value)).toBeUndefined()
  })

  test('a missing header is undefined', () => {
    expect(parseHttpDate(null)).toBeUndefined()
  })
})
