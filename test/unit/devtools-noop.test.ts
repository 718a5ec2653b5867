import * as panel from 'asynccache/devtools'
import * as production from 'asynccache/devtools/production'
import { describe, expect, test } from 'vitest'
import * as noop from '../../devtools/noop.js'

// What `asynccache/devtools` is under the `production` export condition (package.json); the
// package test checks the condition itself in built apps and under Node.
describe('the production no-op', () => {
  test('exports what the panel exports, the constants with the same values', () => {
    expect(Object.keys(noop).sort()).toEqual(Object.keys(panel).sort())
    expect([noop.HOST_ATTRIBUTE, noop.SHORTCUT, noop.STORAGE_KEY]).toEqual([
      panel.HOST_ATTRIBUTE,
      panel.SHORTCUT,
      panel.STORAGE_KEY,
    ])
  })

  test('mountDevtools mounts nothing, stores nothing, and returns an unmount that does nothing', () => {
    const unmount = noop.mountDevtools({ initialIsOpen: true })
    expect(document.querySelector(`[${noop.HOST_ATTRIBUTE}]`)).toBeNull()
    expect(localStorage.getItem(noop.STORAGE_KEY)).toBeNull()
    unmount()
    unmount()
    expect(document.body.children).toHaveLength(0)
  })

  test('asynccache/devtools/production is the panel itself', () => {
    expect(production.mountDevtools).toBe(panel.mountDevtools)
    const unmount = production.mountDevtools({ initialIsOpen: true })
    expect(document.querySelector(`[${production.HOST_ATTRIBUTE}]`)).not.toBeNull()
    unmount()
  })
})
