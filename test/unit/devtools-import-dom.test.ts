import { describe, expect, test, vi } from 'vitest'

describe('asynccache/devtools entry in a page', () => {
  test('importing it calls no DOM API: only mountDevtools() does (uPlot loads on first draw)', async () => {
    const spies = [
      vi.spyOn(window, 'matchMedia'),
      vi.spyOn(window, 'addEventListener'),
      vi.spyOn(window, 'dispatchEvent'),
      vi.spyOn(document, 'addEventListener'),
      vi.spyOn(document, 'createElement'),
      vi.spyOn(window, 'localStorage', 'get'),
    ]
    vi.resetModules()

    const devtools = await import('asynccache/devtools')

    expect(typeof devtools.mountDevtools).toBe('function')
    for (const spy of spies) expect(spy).not.toHaveBeenCalled()
    for (const spy of spies) spy.mockRestore()
  })
})
