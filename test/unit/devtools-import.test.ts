// @vitest-environment node
import { describe, expect, test } from 'vitest'

describe('asynccache/devtools entry', () => {
  test('importing it touches no browser global (it loads where there is no DOM)', async () => {
    expect(typeof (globalThis as { window?: unknown }).window).toBe('undefined')
    expect(typeof (globalThis as { document?: unknown }).document).toBe('undefined')

    const devtools = await import('asynccache/devtools')

    expect(typeof devtools.mountDevtools).toBe('function')
    expect(devtools.SHORTCUT).toBe('Alt+Shift+C')
  })
})
