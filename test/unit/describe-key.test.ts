import { asyncCache, describeKey, HashableWrapper, makeHashable } from 'asynccache'
import { describe, expect, test } from 'vitest'

describe('describeKey', () => {
  test('atoms read as themselves, strings quoted', () => {
    expect(describeKey(7)).toBe('7')
    expect(describeKey(-0)).toBe('0')
    expect(describeKey(12n)).toBe('12n')
    expect(describeKey(null)).toBe('null')
    expect(describeKey(undefined)).toBe('undefined')
    expect(describeKey('ACME')).toBe('"ACME"')
    expect(describeKey('')).toBe('""')
  })

  test("the wrapper's keys read as calls of the function, with their arguments", async () => {
    const search = asyncCache()(async function search(text: string, page?: number) {
      return [text, page]
    })
    await search('tea, green', 2)
    await search('chai')
    const keys = [...search.cacheInstance.keys()].map((k) => describeKey(k, search.name))
    expect(keys).toEqual(['search("chai")', 'search("tea, green", 2)'])
  })

  test("a method call's key names the instance by its identity number", async () => {
    const get = asyncCache()(async function get(this: object, id: number) {
      return id
    })
    const service = { get }
    await service.get(3)
    const [key] = [...get.cacheInstance.keys()]
    const id = new HashableWrapper(service).id
    expect(describeKey(key, 'get')).toBe(`#${id}.get(3)`)
    expect(describeKey(key)).toBe(`#${id}.(3)`)
  })

  test('encoded values read as data: strings by their text whatever they hold, spacing added', () => {
    const key = makeHashable({
      "it's": "'3:abc",
      list: ['a,b', 1n, null],
      map: new Map([[1, 'x']]),
      set: new Set([2, 1]),
    })
    expect(describeKey(key)).toBe(
      `{"it's": "'3:abc", "list": ["a,b", 1n, null], "map": Map{1 => "x"}, "set": Set{1, 2}}`,
    )
  })

  test('an object known only by identity reads as its number', () => {
    const fn = () => 1
    expect(describeKey(makeHashable([fn]))).toBe(`[#${new HashableWrapper(fn).id}]`)
  })
})
