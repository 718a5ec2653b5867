import { asyncCache, type CacheEvent, type HashKey } from 'asynccache'
import fc from 'fast-check'
import { describe, expect, test, vi } from 'vitest'
import { argsKey, argsOfKey } from '../../lib/keys.js'

/** Every event type the cache publishes while `run` runs, in order. */
async function eventsDuring(
  fn: { cacheInstance: { subscribe(l: (e: CacheEvent<HashKey, unknown>) => void): () => void } },
  run: () => Promise<unknown>,
): Promise<string[]> {
  const types: string[] = []
  const stop = fn.cacheInstance.subscribe((event) => types.push(event.type))
  try {
    await run()
  } finally {
    stop()
  }
  return types
}

describe("the wrapper's help for tools: cache.describeKey and cache.reloader", () => {
  test('describeKey reads every key as a call of the function, one primitive argument too', async () => {
    const fetchProduct = asyncCache()(async function fetchProduct(
      id: number | string | { id: number },
      lang?: string,
    ) {
      return { id, lang }
    })
    await fetchProduct(7)
    await fetchProduct('7')
    await fetchProduct({ id: 7 })
    await fetchProduct(7, 'en')
    const { cacheInstance: cache } = fetchProduct
    expect([...cache.keys()].map((key) => cache.describeKey?.(key)).sort()).toEqual([
      'fetchProduct("7")',
      'fetchProduct(7)',
      'fetchProduct(7, "en")',
      'fetchProduct({"id":7})',
    ])
  })

  test('reloader calls the function again for a key holding its one primitive argument, and stores the result', async () => {
    let version = 0
    const fn = vi.fn(async (id: number) => ({ id, version: ++version }))
    const fetchProduct = asyncCache()(fn)
    await fetchProduct(7)
    const cache = fetchProduct.cacheInstance
    const reload = cache.reloader as (key: HashKey) => Promise<unknown>
    // Over a fresh entry: a miss and a load, as a refresh is.
    const types = await eventsDuring(fetchProduct, () => reload(7))
    expect(types).toEqual(expect.arrayContaining(['load-start', 'load-success', 'set']))
    expect(fn).toHaveBeenLastCalledWith(7)
    expect(cache.peek(7)).toEqual({ id: 7, version: 2 })
    expect(await fetchProduct(7)).toEqual({ id: 7, version: 2 }) // a hit on the reloaded entry
    expect(fn).toHaveBeenCalledTimes(2)
  })

  test('reloader recovers a flat record argument from its JSON key, and no argument at all', async () => {
    const search = vi.fn(async (query: { text: string; page: number }) => query.text.repeat(2))
    const cachedSearch = asyncCache()(search)
    await cachedSearch({ page: 2, text: 'tea' })
    const [key] = [...cachedSearch.cacheInstance.keys()]
    await cachedSearch.cacheInstance.reloader?.(key)
    expect(search).toHaveBeenCalledTimes(2)
    expect(search.mock.calls[1]).toEqual([{ page: 2, text: 'tea' }])

    const config = vi.fn(async () => 'config')
    const cachedConfig = asyncCache()(config)
    await cachedConfig()
    await cachedConfig.cacheInstance.reloader?.(cachedConfig.keyOf())
    expect(config).toHaveBeenCalledTimes(2)
    expect(config.mock.calls[1]).toEqual([])
  })

  test('a key that does not hold its arguments whole is not reloaded: the reloader rejects and says why', async () => {
    const fn = vi.fn(async (a: number, b: number) => a + b)
    const add = asyncCache({ name: 'add' })(fn) // the name option wins over the mock's 'Mock'

    await add(1, 2)
    const [key] = [...add.cacheInstance.keys()]
    await expect(add.cacheInstance.reloader?.(key)).rejects.toThrow(
      "asyncCache cannot call add(1, 2) again: a key keeps the arguments whole only for no argument, one primitive or one flat record (never a method's instance)",
    )
    expect(fn).toHaveBeenCalledTimes(1)
    expect(add.cacheInstance.peek(key)).toBe(3) // the entry is untouched

    class Service {
      get = asyncCache()(async (id: number) => id)
    }
    const service = new Service()
    await service.get.call(service, 1)
    const [methodKey] = [...service.get.cacheInstance.keys()]
    await expect(service.get.cacheInstance.reloader?.(methodKey)).rejects.toThrow(TypeError)
  })

  test('with a key option the arguments are never recoverable: no reloader, keys still read as calls', async () => {
    const byId = asyncCache({ key: (user: { id: number }) => user.id })(async function byId(user: {
      id: number
      name: string
    }) {
      return user.name
    })
    await byId({ id: 3, name: 'Ada' })
    expect(byId.cacheInstance.reloader).toBeUndefined()
    expect(byId.cacheInstance.describeKey?.(3)).toBe('byId(3)')
  })

  test('argsOfKey gives back the arguments of every key that holds them whole (none, one atom, one flat record), and never wrong ones', () => {
    const atom = fc.oneof(
      fc.string(),
      fc.double(),
      fc.boolean(),
      fc.bigInt(),
      fc.constant(null),
      fc.constant(undefined),
    )
    const flat = fc.dictionary(
      fc.string(),
      fc.oneof(
        fc.string(),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.boolean(),
        fc.constant(null),
      ),
    )
    const anyArgs = fc.array(fc.oneof(atom, flat, fc.array(atom)), { maxLength: 3 })
    fc.assert(
      fc.property(
        fc.oneof(
          anyArgs,
          atom.map((a) => [a]),
          flat.map((r) => [r]),
        ),
        (args) => {
          const key = argsKey(args)
          const recovered = argsOfKey(key)
          // Recovered or not, never wrong: what it recovers is keyed exactly as the call was.
          if (recovered !== undefined) expect(argsKey(recovered)).toBe(key)
          const [one] = args
          const whole =
            args.length === 0 ||
            (args.length === 1 &&
              (typeof one === 'string'
                ? one === '' || (one.charCodeAt(0) > 1 && !one.startsWith('{'))
                : !Array.isArray(one)))
          if (whole) expect(recovered).toBeDefined()
        },
      ),
      { numRuns: 2000 },
    )
  })
})
