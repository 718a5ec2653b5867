import { describe, expect, test } from 'vitest'
import { clockTime, count, duration, preview } from '../../devtools/format.js'

describe('devtools previews', () => {
  test('every kind of value becomes one line of text, and none throws', () => {
    const cyclic: Record<string, unknown> = { a: 1 }
    cyclic.self = cyclic
    class Point {
      constructor(readonly x: number) {}
    }
    const throwing = {
      toJSON() {
        throw new Error('no')
      },
    }
    expect(preview('a\nb')).toBe('"a\\nb"')
    expect(preview('\u0000[1,2]')).toBe('"\\u0000[1,2]"')
    expect(preview(undefined)).toBe('undefined')
    expect(preview(null)).toBe('null')
    expect(preview(12n)).toBe('12n')
    expect(preview(Symbol('s'))).toBe('Symbol(s)')
    expect(preview(function named() {})).toBe('ƒ named()')
    expect(preview(new Map([[1, 2]]))).toBe('Map(1)')
    expect(preview(new Set([1]))).toBe('Set(1)')
    expect(preview(new Date(0))).toBe('1970-01-01T00:00:00.000Z')
    expect(preview(new TypeError('bad'))).toBe('TypeError: bad')
    expect(preview({ b: [1, 'x'] })).toBe('{"b":[1,"x"]}')
    expect(preview(new Point(3))).toBe('{"x":3}')
    expect(preview(cyclic)).toBe('[Object]')
    expect(preview(throwing)).toBe('[Object]')
  })

  test('long previews are cut to the length asked, with an ellipsis', () => {
    const text = preview('x'.repeat(500), 20)
    expect(text).toHaveLength(20)
    expect(text.endsWith('…')).toBe(true)
    expect(preview('x'.repeat(500))).toHaveLength(120)
  })

  test('durations, counts and clock times read naturally', () => {
    expect(duration(0.2344)).toBe('0.234 ms')
    expect(duration(850)).toBe('850 ms')
    expect(duration(12_340)).toBe('12.3 s')
    expect(duration(250_000)).toBe('4 min 10 s')
    expect(duration(7_500_000)).toBe('2 h 5 min')
    expect(duration(-1500)).toBe('−1.5 s')
    expect(count(1_234_567)).toBe('1,234,567')
    const t = new Date(2024, 0, 2, 3, 4, 5, 6).getTime()
    expect(clockTime(t)).toBe('03:04:05.006')
  })
})
