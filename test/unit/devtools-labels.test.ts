import { asyncCache } from 'asynccache'
import { describe, expect, test } from 'vitest'
import { keyLabel, plural } from '../../devtools/labels.js'

const origin = 'http://127.0.0.1:5173'

describe('devtools key labels', () => {
  test('cachedFetch keys read as method and path, relative to the page origin', () => {
    expect(keyLabel(`${origin}/api/products/7`, 'api', origin)).toBe('GET /api/products/7')
    expect(keyLabel(`HEAD ${origin}/api?q=1`, 'api', origin)).toBe('HEAD /api?q=1')
    expect(keyLabel(`${origin}/a {"accept-language":"fr"}`, 'api', origin)).toBe(
      'GET /a {"accept-language":"fr"}',
    )
    // Another origin keeps its full URL.
    expect(keyLabel('https://cdn.test/x.json', 'api', origin)).toBe('GET https://cdn.test/x.json')
  })

  test("the wrapper's encoded keys read as calls of the cache's name; plain keys as themselves", async () => {
    const load = asyncCache({ name: 'load' })(async (a: number, b: string) => `${a}${b}`)
    await load(1, 'x')
    const [key] = [...load.cacheInstance.keys()]
    expect(keyLabel(key, 'load', origin)).toBe('load(1, "x")')
    expect(keyLabel('ACME', 'prices', origin)).toBe('"ACME"')
    expect(keyLabel(7, 'prices', origin)).toBe('7')
  })

  test('plurals agree with their count', () => {
    expect(plural(1, 'entry', 'entries')).toBe('1 entry')
    expect(plural(0, 'entry', 'entries')).toBe('0 entries')
    expect(plural(1200, 'key', 'keys', '1,200')).toBe('1,200 keys')
  })
})
