import { useState } from 'preact/hooks'
import { fullText } from './format.js'

/** Children shown per step when a node opens ("show more" adds as many): a 10 MB array opens at once. */
export const PAGE = 100
/** Characters of a long string shown before its "show all" button. */
const LONG_STRING = 2000

/** Props of {@link ValueTree}. */
export interface ValueTreeProps {
  value: unknown
  /** The root's name (`value`, `body`...). */
  name: string
}

/**
 * A value as a collapsible tree: objects, arrays, Maps, Sets, dates, bytes and errors; cycles
 * marked. Nothing is walked before it is opened, and a node opens {@link PAGE} children at a
 * time, so a huge value costs what is shown. Everything is text (never HTML).
 */
export function ValueTree({ value, name }: ValueTreeProps) {
  return (
    <ul class="tree" aria-label={`${name} tree`}>
      <TreeNode name={name} value={value} ancestors={[]} open />
    </ul>
  )
}

interface TreeNodeProps {
  name: string
  value: unknown
  /** The objects on the path to this node, for cycles. */
  ancestors: readonly object[]
  open?: boolean
}

function TreeNode({ name, value, ancestors, open: initiallyOpen = false }: TreeNodeProps) {
  const [open, setOpen] = useState(initiallyOpen)
  const [shown, setShown] = useState(PAGE)
  const [wholeString, setWholeString] = useState(false)
  const label = <span class="tree-name">{name}</span>
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'string' && value.length > LONG_STRING && !wholeString) {
      return (
        <li>
          {label}: <span class="tree-string">{JSON.stringify(value.slice(0, LONG_STRING))}…</span>{' '}
          <button type="button" onClick={() => setWholeString(true)}>
            all {value.length.toLocaleString('en-US')} characters
          </button>
        </li>
      )
    }
    return (
      <li>
        {label}: <span class={`tree-${typeof value}`}>{fullText(value)}</span>
      </li>
    )
  }
  if (ancestors.includes(value)) {
    return (
      <li>
        {label}: <span class="tree-cycle">[cycle: an object that contains itself]</span>
      </li>
    )
  }
  const summary = summarize(value)
  const children = open ? childrenOf(value, shown) : undefined
  return (
    <li>
      {summary.leaf ? (
        <>
          {label}: <span class="tree-leaf">{summary.text}</span>
        </>
      ) : (
        <button
          type="button"
          class="tree-toggle"
          aria-expanded={open}
          onClick={() => setOpen(!open)}
        >
          {open ? '▾' : '▸'} {label} <span class="tree-summary">{summary.text}</span>
        </button>
      )}
      {children !== undefined && (
        <ul>
          {children.items.map(([childName, child], i) => (
            <TreeNode
              key={i}
              name={childName}
              value={child}
              ancestors={[...ancestors, value as object]}
            />
          ))}
          {children.total > shown && (
            <li>
              <button type="button" onClick={() => setShown(shown + PAGE)}>
                show {Math.min(PAGE, children.total - shown)} more of{' '}
                {(children.total - shown).toLocaleString('en-US')}
              </button>
            </li>
          )}
        </ul>
      )}
    </li>
  )
}

/** A node's one-line summary; a leaf (a date, bytes, an empty collection) has no children to show. */
function summarize(value: object): { text: string; leaf: boolean } {
  if (Array.isArray(value)) return { text: `Array(${value.length})`, leaf: value.length === 0 }
  if (value instanceof Map) return { text: `Map(${value.size})`, leaf: value.size === 0 }
  if (value instanceof Set) return { text: `Set(${value.size})`, leaf: value.size === 0 }
  if (value instanceof Date) return { text: fullText(value), leaf: true }
  if (value instanceof ArrayBuffer)
    return { text: `ArrayBuffer(${bytes(value.byteLength)})`, leaf: true }
  if (ArrayBuffer.isView(value)) {
    return { text: `${value.constructor.name}(${bytes(value.byteLength)})`, leaf: true }
  }
  if (value instanceof Error) return { text: fullText(value), leaf: false }
  let keys: string[]
  try {
    keys = Object.keys(value)
  } catch {
    return { text: '[an object that cannot be listed]', leaf: true }
  }
  const type = value.constructor?.name
  const prefix = type === undefined || type === 'Object' ? '' : `${type} `
  return {
    text: `${prefix}{${keys.length === 1 ? '1 key' : `${keys.length} keys`}}`,
    leaf: keys.length === 0,
  }
}

/**
 * The first `limit` children of an opened node, as `[name, value]`, read only now (a throwing
 * getter is shown as such), and how many there are.
 */
function childrenOf(value: object, limit: number): { items: [string, unknown][]; total: number } {
  const items: [string, unknown][] = []
  if (Array.isArray(value)) {
    for (let i = 0; i < Math.min(limit, value.length); i++) items.push([String(i), value[i]])
    return { items, total: value.length }
  }
  if (value instanceof Map || value instanceof Set) {
    let i = 0
    for (const [k, v] of value.entries()) {
      if (i === limit) break
      items.push(value instanceof Map ? [`${fullText(k)} =>`, v] : [String(i), v])
      i++
    }
    return { items, total: value.size }
  }
  const names = value instanceof Error ? ['name', 'message', 'stack', 'cause'] : Object.keys(value)
  for (const name of names.slice(0, limit)) {
    try {
      const child = (value as Record<string, unknown>)[name]
      if (!(value instanceof Error) || child !== undefined) items.push([name, child])
    } catch (error) {
      items.push([name, `[getter threw: ${String(error)}]`])
    }
  }
  return { items, total: names.length }
}

/** A byte count as `512 B`, `1.5 KB`, `3.2 MB`. */
export function bytes(n: number): string {
  if (n < 1024) return `${n} B`
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`
  return `${(n / 1024 / 1024).toFixed(1)} MB`
}
