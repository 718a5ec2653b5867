import { HashableWrapper, hasIdentity, isIterable, isMapping, makeHashable } from 'asynccache'
import { describe, expect, test } from 'vitest'

const same = (a: unknown, b: unknown) => expect(makeHashable(a)).toBe(makeHashable(b))
const differ = (a: unknown, b: unknown) => expect(makeHashable(a)).not.toBe(makeHashable(b))

describe('makeHashable', () => {
  test('atoms are their own key', () => {
    for (const atom of [1, 'abc', '', true, null, undefined, 10n, Number.NaN]) {
      expect(makeHashable(atom)).toBe(atom)
    }
  })

  test('keys are type-tagged: 1 and "1", arrays and Sets, arrays and objects differ', () => {
    differ(1, '1')
    differ([1, 2], new Set([1, 2]))
    differ([1, 2], { 0: 1, 1: 2 })
    differ(['a'], 'a')
    differ(1n, 1)
    differ(new Uint8Array([1, 2]), [1, 2])
    differ(new Uint8Array([1, 2]), new Int8Array([1, 2]))
    differ([null], [undefined])
    differ(['1,2'], ['1', '2'])
  })

  test('equal content gives equal keys across identities', () => {
    same({ a: [1, 2], b: 3 }, { a: [1, 2], b: 3 })
    same(new Date(5), new Date(5))
    same(new URL('https://x.test/a?b=1'), new URL('https://x.test/a?b=1'))
    same(new Uint8Array([1, 255]), new Uint8Array([1, 255]))
  })

  test('plain objects, Maps and Sets are order-independent; arrays are ordered', () => {
    same({ a: 1, b: 2 }, { b: 2, a: 1 })
    same(
      new Map([
        ['x', 1],
        ['y', 2],
      ]),
      new Map([
        ['y', 2],
        ['x', 1],
      ]),
    )
    same(new Set([3, 1, 2]), new Set([1, 2, 3]))
    differ([1, 2], [2, 1])
  })

  test('a mutated array gives a new key (the original keyed it by id() and served stale results)', () => {
    const list = [1, 2]
    const before = makeHashable(list)
    list.push(3)
    expect(makeHashable(list)).not.toBe(before)
  })

  test('class instances, functions and unregistered symbols are keyed by identity', () => {
    class Point {
      constructor(readonly x: number) {}
    }
    const p = new Point(1)
    same(p, p)
    differ(new Point(1), new Point(1))
    const f = () => 1
    same([f], [f])
    differ(
      () => 1,
      () => 1,
    )
    const s = Symbol('s')
    same(s, s)
    differ(Symbol('s'), Symbol('s'))
    same(Symbol.for('app'), Symbol.for('app'))
    expect(hasIdentity(makeHashable({ at: p }))).toBe(true)
    expect(hasIdentity(makeHashable({ at: [1, 'x'] }))).toBe(false)
  })

  test('a generator is keyed by identity and never consumed', () => {
    function* numbers() {
      yield 1
      yield 2
    }
    const gen = numbers()
    makeHashable(gen)
    expect([...gen]).toEqual([1, 2])
    differ(numbers(), numbers())
  })

  test('other re-iterable collections are keyed by content, in order', () => {
    class Bag {
      constructor(readonly items: number[]) {}
      *[Symbol.iterator]() {
        yield* this.items
      }
    }
    same(new Bag([1, 2]), new Bag([1, 2]))
    differ(new Bag([1, 2]), new Bag([2, 1]))
    differ(new Bag([1, 2]), [1, 2])
  })

  test('an anonymous iterable class is never read as an array', () => {
    const Bag = class {
      *[Symbol.iterator]() {
        yield 1
        yield 2
      }
    }
    differ(new Bag(), [1, 2])
  })

  test('inherited enumerable properties are not part of a key', () => {
    const proto = { z: 9 }
    const child = Object.create(proto) as Record<string, number>
    child.a = 1
    // A plain object of another prototype is keyed by identity; the same data, plain, by content.
    same({ a: 1 }, { a: 1 })
    const polluted = Object.prototype as Record<string, unknown>
    polluted.injected = 1
    try {
      same({ a: 1, b: 2 }, { b: 2, a: 1 })
    } finally {
      delete polluted.injected
    }
    expect(hasIdentity(makeHashable(child))).toBe(true)
  })

  test('strings that look like encoded keys cannot collide with them', () => {
    const encoded = makeHashable([1])
    expect(typeof encoded).toBe('string')
    differ(encoded, [1])
  })

  test('identity keys are never reused, even after the object is gone', () => {
    const keys = new Set<unknown>()
    for (let i = 0; i < 1000; i++)
      keys.add(makeHashable([{ toString: () => 'same' }, new (class {})()]))
    expect(keys.size).toBe(1000)
  })

  test('cyclic input gives a clear error', () => {
    const a: unknown[] = [1]
    a.push(a)
    expect(() => makeHashable(a)).toThrow(TypeError)
    expect(() => makeHashable(a)).toThrow(
      'makeHashable: the value is cyclic (it contains itself); pass a key option',
    )
  })

  test('shared, non-cyclic references are fine', () => {
    const shared = { x: 1 }
    same([shared, shared], [{ x: 1 }, { x: 1 }])
  })

  test('the seed examples keep their meaning', () => {
    same({ a: [1, 2], b: 3 }, { b: 3, a: [1, 2] })
    differ([1, { x: 2 }], [1, { x: 3 }])
  })
})

describe('HashableWrapper', () => {
  test('equality is identity of the wrapped value, consistent with its id', () => {
    const o = {}
    const a = new HashableWrapper(o)
    const b = new HashableWrapper(o)
    const c = new HashableWrapper({})
    expect(a.equals(b)).toBe(true)
    expect(a.id).toBe(b.id)
    expect(a.equals(c)).toBe(false)
    expect(a.id).not.toBe(c.id)
    expect(String(a)).toBe(`#${a.id}`)
  })
})

describe('isIterable and isMapping', () => {
  test('isIterable excludes strings, bytes and nullish values, like the original', () => {
    expect(isIterable([1, 2, 3])).toBe(true)
    expect(isIterable(new Set())).toBe(true)
    expect(isIterable(new Map())).toBe(true)
    expect(isIterable('hello')).toBe(false)
    expect(isIterable(new Uint8Array(2))).toBe(false)
    expect(isIterable(null)).toBe(false)
    expect(isIterable(undefined)).toBe(false)
    expect(isIterable({})).toBe(false)
  })

  test('isMapping is true for plain objects and Maps only', () => {
    expect(isMapping({ a: 1 })).toBe(true)
    expect(isMapping(Object.create(null))).toBe(true)
    expect(isMapping(new Map())).toBe(true)
    expect(isMapping(['a', 1])).toBe(false)
    expect(isMapping(new (class {})())).toBe(false)
    expect(isMapping(null)).toBe(false)
  })
})
