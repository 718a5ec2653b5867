import { asyncCache } from 'asynccache'
import { describe, expect, test } from 'vitest'
import { keyLabel, plural } from '../../devtools/labels.js'

const origin = 'http://127.0.0.1:5173'

describe('devtools key labels', () => {
  test('cachedFetch keys read as method and path, relative to the page origin', () => {
    expect(keyLabel(`${origin}/api/products/7`, undefined, origin)).toBe('GET /api/products/7')
    expect(keyLabel(`HEAD ${origin}/api?q=1`, undefined, origin)).toBe('HEAD /api?q=1')
    expect(keyLabel(`${origin}/a {"accept-language":"fr"}`, undefined, origin)).toBe(
      'GET /a {"accept-language":"fr"}',
    )
    // Another origin keeps its full URL.
    expect(keyLabel('https://cdn.test/x.json', undefined, origin)).toBe(
      'GET https://cdn.test/x.json',
    )
  })

  test("a wrapped function's keys read as calls of it, a single primitive or record argument too", async () => {
    const fetchProduct = asyncCache()(async function fetchProduct(id: number) {
      return { id }
    })
    const anonymous = asyncCache()(async (id: number) => id)
    const search = asyncCache({ name: 'catalogue' })(async function search(
      q: { text: string } | string,
      page?: number,
    ) {
      return [q, page]
    })
    const pages = asyncCache({ name: 'pages' })(async (page: number) => page)
    await fetchProduct(7)
    await anonymous(7)
    await pages(2)
    await search({ text: 'tea' })
    await search('https://example.test/x')
    await search('tea', 2)
    const label = (cache: { describeKey?: (key: never) => string; keys(): Iterable<unknown> }) =>
      [...cache.keys()].map((key) => keyLabel(key, cache.describeKey, origin))
    expect(label(fetchProduct.cacheInstance)).toEqual(['fetchProduct(7)'])
    expect(label(anonymous.cacheInstance)).toEqual(['(7)']) // a call of a function with no name
    // The cache's name (the option's, which a minifier leaves alone), else the function's.
    expect(label(search.cacheInstance).sort()).toEqual([
      'catalogue("https://example.test/x")', // a URL argument is an argument, not a request
      'catalogue("tea", 2)',
      'catalogue({"text":"tea"})',
    ])
    expect(label(pages.cacheInstance)).toEqual(['pages(2)'])
  })

  test("other caches' keys read as describeKey reads them; a describeKey that throws falls back to it", () => {
    expect(keyLabel('ACME', undefined, origin)).toBe('"ACME"')
    expect(keyLabel(7, undefined, origin)).toBe('7')
    const broken = () => {
      throw new Error('no')
    }
    expect(keyLabel(7, broken, origin)).toBe('7')
  })

  test('plurals agree with their count', () => {
    expect(plural(1, 'entry', 'entries')).toBe('1 entry')
    expect(plural(0, 'entry', 'entries')).toBe('0 entries')
    expect(plural(1200, 'key', 'keys', '1,200')).toBe('1,200 keys')
  })
})
