import { asyncCache, cacheOf } from 'asynccache'
import { expect, test } from 'vitest'

test('works as a TC39 standard method decorator, one cache per method, keyed per instance', async () => {
  const calls: string[] = []
  class WeatherService {
    constructor(readonly city: string) {}

    @asyncCache({ maxsize: 128, policy: 'LFU' })
    async getForecast(date: string) {
      calls.push(`${this.city} ${date}`)
      return { city: this.city, date }
    }
  }
  const serviceA = new WeatherService('London')
  const serviceB = new WeatherService('Paris')
  expect(await serviceA.getForecast('2026-03-25')).toEqual({ city: 'London', date: '2026-03-25' })
  expect(await serviceB.getForecast('2026-03-25')).toEqual({ city: 'Paris', date: '2026-03-25' })
  await serviceA.getForecast('2026-03-25')
  expect(calls).toEqual(['London 2026-03-25', 'Paris 2026-03-25'])
  const cache = cacheOf(serviceA.getForecast)
  expect(cache).toBe(cacheOf(serviceB.getForecast))
  expect(cache).toMatchObject({ name: 'getForecast', maxsize: 128, policy: 'LFU', size: 2 })
  expect(cache.getStats()).toMatchObject({ hits: 1, misses: 2 })
})

test('refuses to decorate anything but a method', () => {
  expect(() => {
    class Bad {
      @asyncCache()
      get value() {
        return Promise.resolve(1)
      }
    }
    return Bad
  }).toThrow('@asyncCache decorates methods, not a getter')
})
