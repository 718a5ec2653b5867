import { render } from 'preact'
import { act } from 'preact/test-utils'
import { afterEach, describe, expect, test } from 'vitest'
import { PAGE, ValueTree } from '../../devtools/value-tree.js'

const container = document.createElement('div')
document.body.append(container)

afterEach(() => {
  act(() => render(null, container))
})

function show(value: unknown): void {
  act(() => render(<ValueTree name="value" value={value} />, container))
}

const items = () => container.querySelectorAll('li').length
function open(name: string): void {
  const toggle = [...container.querySelectorAll<HTMLButtonElement>('.tree-toggle')].find(
    (b) => b.querySelector('.tree-name')?.textContent === name,
  )
  expect(toggle, name).toBeDefined()
  act(() => toggle?.click())
}

describe('devtools ValueTree', () => {
  test('objects, arrays, Maps, Sets and dates, opened one level at a time', () => {
    show({ list: [1, 'two'], map: new Map([['k', true]]), set: new Set([null]), at: new Date(0) })
    expect(container.textContent).toBe(
      '▾ value {4 keys}▸ list Array(2)▸ map Map(1)▸ set Set(1)at: 1970-01-01T00:00:00.000Z',
    )
    open('list')
    open('map')
    expect(container.textContent).toContain('▾ list Array(2)0: 11: "two"')
    expect(container.textContent).toContain('▾ map Map(1)"k" =>: true')
  })

  test('a cycle is marked, not followed', () => {
    const node: { name: string; self?: unknown } = { name: 'loop' }
    node.self = node
    show(node)
    expect(container.textContent).toBe(
      '▾ value {2 keys}name: "loop"self: [cycle: an object that contains itself]',
    )
  })

  test('a huge array opens a page of children at a time', () => {
    show(Array.from({ length: 1_000_000 }, (_, i) => i))
    expect(items()).toBe(1 + PAGE + 1) // the root, a page, "show more"
    const more = container.querySelector(
      '.tree > li > ul > li:last-child button',
    ) as HTMLButtonElement
    expect(more.textContent).toBe('show 100 more of 999,900')
    act(() => more.click())
    expect(items()).toBe(1 + 2 * PAGE + 1)
  })

  test('markup is text; a throwing getter is shown, not thrown', () => {
    const hostile = {
      html: '<img src=x onerror="globalThis.pwned=1">',
      get boom(): never {
        throw new Error('no')
      },
    }
    show(hostile)
    expect(container.querySelector('img')).toBeNull()
    expect(container.textContent).toContain('boom: "[getter threw: Error: no]"')
  })
})
