import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { AsyncCache, listCaches, unregisterCache } from 'asynccache'
import { HOST_ATTRIBUTE, mountDevtools, STORAGE_KEY } from 'asynccache/devtools'
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { MIN_GAP_MS } from '../../devtools/frame.js'

type Options = Parameters<typeof mountDevtools>[0]

const created: AsyncCache[] = []
let unmounts: (() => void)[] = []

function named(name: string, maxsize = 10): AsyncCache<string, number> {
  const cache = new AsyncCache<string, number>({ maxsize, policy: 'LRU', name, now: () => 5_000 })
  created.push(cache as AsyncCache)
  return cache
}

/** Selects the cache at `index` in the panel's selector, as the user would. */
function choose(index: number): void {
  const select = shadow().querySelector('select[aria-label=Cache]') as HTMLSelectElement
  select.value = String(index)
  select.dispatchEvent(new Event('change', { bubbles: true }))
}

function labels(): (string | null)[] | undefined {
  const select = shadow().querySelector('select[aria-label=Cache]') as HTMLSelectElement | null
  return select === null ? undefined : [...select.options].map((o) => o.textContent)
}

function selectedLabel(): string | undefined {
  const select = shadow().querySelector('select[aria-label=Cache]') as HTMLSelectElement | null
  return select === null
    ? (shadow().querySelector('header .cache')?.textContent ?? undefined)
    : (select.selectedOptions[0]?.textContent ?? undefined)
}

function mount(options?: Options): () => void {
  const unmount = mountDevtools(options)
  unmounts.push(unmount)
  return unmount
}

function shadow(): ShadowRoot {
  const host = document.querySelector(`[${HOST_ATTRIBUTE}]`)
  expect(host, 'the devtools host element').not.toBeNull()
  return (host as HTMLElement).shadowRoot as ShadowRoot
}

function button(label: string | RegExp): HTMLButtonElement {
  const found = [...shadow().querySelectorAll('button')].find((b) => {
    const name = b.getAttribute('aria-label') ?? b.textContent ?? ''
    return typeof label === 'string' ? name === label : label.test(name)
  })
  expect(found, `a button labelled ${label}`).toBeDefined()
  return found as HTMLButtonElement
}

function card(label: string): string | null | undefined {
  const cards = [...shadow().querySelectorAll('.card')]
  return cards.find((c) => c.querySelector('dt')?.textContent === label)?.querySelector('dd')
    ?.textContent
}

function key(code: string, init: KeyboardEventInit = {}): void {
  document.dispatchEvent(new KeyboardEvent('keydown', { code, bubbles: true, ...init }))
}

const shortcut = () => key('KeyC', { key: 'Ç', altKey: true, shiftKey: true })

/**
 * Runs the next redraw and whatever Preact scheduled from it: event-driven redraws keep
 * MIN_GAP_MS apart (a timer, then an animation frame).
 */
async function frame(): Promise<void> {
  vi.advanceTimersByTime(MIN_GAP_MS)
  vi.advanceTimersToNextFrame()
  await Promise.resolve()
}

beforeEach(() => {
  // Every live cache is listed, named or not: each test starts with a registry of its own.
  for (const cache of listCaches()) unregisterCache(cache)
  localStorage.clear()
  vi.useFakeTimers({
    // performance too: a redraw's measured cost then is 0, so the redraw gap is MIN_GAP_MS exactly.
    toFake: [
      'requestAnimationFrame',
      'cancelAnimationFrame',
      'setTimeout',
      'clearTimeout',
      'performance',
    ],
  })
})

afterEach(() => {
  for (const unmount of unmounts) unmount()
  unmounts = []
  for (const cache of created.splice(0)) unregisterCache(cache)
  vi.useRealTimers()
})

describe('mountDevtools', () => {
  test('puts a labelled toggle button into a shadow root on its own host, styled with the nonce', () => {
    mount({ buttonPosition: 'top-left', nonce: 'abc123', theme: 'dark' })

    const root = shadow()
    const style = root.querySelector('style') as HTMLStyleElement
    expect(style.nonce).toBe('abc123')
    expect(style.textContent).toContain('.u-legend') // uPlot's CSS travels with the panel
    expect(root.querySelector('.root')?.getAttribute('data-theme')).toBe('dark')
    const toggle = button('Open asynccache devtools (Alt+Shift+C)')
    expect(toggle.classList.contains('top-left')).toBe(true)
    expect(toggle.getAttribute('aria-keyshortcuts')).toBe('Alt+Shift+C')
    expect(root.querySelector('.panel')).toBeNull()
  })

  test('opens on click, shows named caches (also later ones) and explicit unnamed ones', async () => {
    const users = named('users')
    const unnamed = new AsyncCache<string, number>({ maxsize: 3 })
    mount({ caches: [unnamed] })

    button(/^Open/).click()
    const root = shadow()
    expect(root.querySelector('.panel')).not.toBeNull()
    expect(root.activeElement).toBe(root.querySelector('.panel'))

    named('posts')
    await frame()
    const select = root.querySelector('select[aria-label=Cache]') as HTMLSelectElement
    const labels = [...select.options].map((o) => o.textContent)
    expect(labels).toEqual(['cache 1 · LFU · 0/3', 'users · LRU · 0/10', 'posts · LRU · 0/10'])
    expect(users.listening).toBe(true)
  })

  test('an unnamed cache the app never handed over is listed too, labelled by its place', async () => {
    const unnamed = new AsyncCache<string, number>({ maxsize: 4 })
    mount()
    button(/^Open/).click()
    await frame()
    const select = shadow().querySelector('select[aria-label=Cache]') as HTMLSelectElement | null
    const labels =
      select === null
        ? [shadow().textContent ?? '']
        : [...select.options].map((o) => o.textContent ?? '')
    expect(labels.some((l) => l.includes('cache 1') && l.includes('0/4'))).toBe(true)
    expect(unnamed.listening).toBe(true)
    unregisterCache(unnamed)
  })

  test('the selector switches cache, and the actions reset stats and clear the chosen cache', async () => {
    const a = named('a')
    const b = named('b')
    b.set('x', 1)
    b.get('x')
    b.get('y')
    mount({ initialIsOpen: true })
    const root = shadow()
    const select = root.querySelector('select[aria-label=Cache]') as HTMLSelectElement
    select.value = '1'
    select.dispatchEvent(new Event('change', { bubbles: true }))
    await frame()
    expect(card('Hits')).toBe('1')

    button('Reset the statistics of b').click()
    await frame()
    expect(b.getStats()).toMatchObject({ hits: 0, misses: 0, size: 1 })
    expect(card('Hits')).toBe('0')

    button('Clear every entry of b').click()
    await frame()
    expect(b.size).toBe(1) // not before it is confirmed
    button('Yes, clear every entry of b and reset its statistics').click()
    await frame()
    expect(b.size).toBe(0)
    expect(card('Size')).toBe('0 / 10')
    expect(a.getStats().hits).toBe(0)
  })

  test('deleting an entry in the panel deletes it from the cache', async () => {
    const cache = named('c')
    cache.set('gone', 1)
    cache.set('kept', 2)
    mount({ initialIsOpen: true })

    button('Delete entry "gone"').click()
    await frame()

    expect(cache.has('gone')).toBe(false)
    const keys = [...shadow().querySelectorAll('tbody td.key')].map((td) => td.textContent)
    expect(keys).toEqual(['"kept"'])
  })

  test('renders once per animation frame while open, and never while closed', async () => {
    const cache = named('busy')
    mount({ initialIsOpen: true })
    expect(card('Misses')).toBe('0')

    for (let i = 0; i < 100; i++) cache.get(`k${i}`)
    expect(card('Misses')).toBe('0') // nothing rendered per event
    await frame()
    expect(card('Misses')).toBe('100')

    button(/^Close/).click()
    vi.clearAllTimers()
    for (let i = 0; i < 100; i++) cache.get(`k${i}`)
    expect(vi.getTimerCount()).toBe(0) // no frame requested, no tick
    expect(shadow().querySelector('.panel')).toBeNull()
  })

  test('Alt+Shift+C toggles the panel, Escape closes it and focus returns to the button', () => {
    named('k')
    mount()
    shortcut()
    const root = shadow()
    expect(root.querySelector('.panel')).not.toBeNull()

    root
      .querySelector('.panel')
      ?.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }))
    expect(root.querySelector('.panel')).toBeNull()
    expect(root.activeElement).toBe(root.querySelector('.toggle'))

    shortcut()
    expect(root.querySelector('.panel')).not.toBeNull()
    shortcut()
    expect(root.querySelector('.panel')).toBeNull()
    key('KeyC', { altKey: true }) // not the shortcut
    expect(root.querySelector('.panel')).toBeNull()
  })

  test('remembers open state, height and the selected cache in localStorage', async () => {
    named('first')
    named('second')
    const unmount = mount()
    shortcut()
    const select = shadow().querySelector('select[aria-label=Cache]') as HTMLSelectElement
    select.value = '1'
    select.dispatchEvent(new Event('change', { bubbles: true }))
    const handle = shadow().querySelector('hr.resize') as HTMLElement
    handle.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowUp', bubbles: true }))
    await frame()

    expect(JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '')).toMatchObject({
      open: true,
      height: 464,
      selected: 'second',
    })

    unmount()
    mount({ initialIsOpen: false })
    const root = shadow()
    expect(root.querySelector('.panel')).not.toBeNull() // remembered state wins
    expect((root.querySelector('select[aria-label=Cache]') as HTMLSelectElement).value).toBe('1')
    expect((root.querySelector('.panel') as HTMLElement).style.height).toBe('464px')
    // Opening by itself on load must not steal the page's focus.
    expect(root.activeElement).toBeNull()
  })

  test('tab, key filter, sort, selected entry, event filters and theme survive close and reopen', async () => {
    const cache = named('view')
    cache.set('alpha', 1)
    cache.set('beta', 2)
    const unmount = mount({ initialIsOpen: true })
    const root = shadow()
    const input = root.querySelector('input[type=search]') as HTMLInputElement
    input.value = 'alp'
    input.dispatchEvent(new Event('input', { bubbles: true }))
    button('Sort by Key').click()
    ;(root.querySelector('.viewport tbody tr') as HTMLElement).click()
    button('Timeline').click() // the Events tab, filtered to the selected key
    const theme = root.querySelector('select[aria-label=Theme]') as HTMLSelectElement
    theme.value = 'dark'
    theme.dispatchEvent(new Event('change', { bubbles: true }))
    expect(root.querySelector('.root')?.getAttribute('data-theme')).toBe('dark')
    unmount()

    mount()
    const again = shadow()
    expect(again.querySelector('[role=tab][aria-selected=true]')?.textContent).toBe('Events')
    expect(again.querySelector('.toolbar .chip')?.textContent).toContain('"alpha"')
    expect(again.querySelector('.root')?.getAttribute('data-theme')).toBe('dark')
    button(/^Entries/).click()
    expect((again.querySelector('input[type=search]') as HTMLInputElement).value).toBe('alp')
    expect(again.querySelector('th[aria-sort=ascending]')?.textContent).toBe('Key ▲')
    expect(again.querySelector('.entry-details h3')?.textContent).toBe('"alpha"')
  })

  test('position docks the panel to an edge; the edge picked in the panel and its size are remembered', async () => {
    named('docked')
    const panel = () => shadow().querySelector('.panel') as HTMLElement
    const handle = () => shadow().querySelector('hr.resize') as HTMLElement
    const first = mount({ initialIsOpen: true, position: undefined })
    expect(panel().className).toBe('panel bottom') // undefined: the default
    first()
    localStorage.clear()
    const unmount = mount({ initialIsOpen: true, position: 'left' })
    expect(panel().className).toBe('panel left')
    expect(panel().style.width).toBe('560px')
    expect(handle().getAttribute('aria-orientation')).toBe('vertical')
    // At the left, the free edge is the right one: ArrowRight grows the panel.
    handle().dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true }))
    await frame()
    expect(panel().style.width).toBe('584px')

    const position = shadow().querySelector('select[aria-label=Position]') as HTMLSelectElement
    expect([...position.options].map((o) => o.textContent)).toEqual([
      'dock bottom',
      'dock top',
      'dock left',
      'dock right',
    ])
    position.value = 'top'
    position.dispatchEvent(new Event('change', { bubbles: true }))
    expect(panel().className).toBe('panel top')
    expect(panel().style.height).toBe('440px')
    expect(handle().getAttribute('aria-orientation')).toBe('horizontal')
    // At the top, the free edge is the bottom one: ArrowDown grows the panel, ArrowUp shrinks it.
    handle().dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowUp', bubbles: true }))
    await frame()
    expect(panel().style.height).toBe('416px')
    expect(JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '')).toMatchObject({
      position: 'top',
      height: 416,
      width: 584,
    })
    unmount()

    mount({ initialIsOpen: true, position: 'right' }) // the edge picked in the panel wins
    expect(panel().className).toBe('panel top')
    expect(panel().style.height).toBe('416px')
    const again = shadow().querySelector('select[aria-label=Position]') as HTMLSelectElement
    again.value = 'right'
    again.dispatchEvent(new Event('change', { bubbles: true }))
    expect(panel().style.width).toBe('584px')
  })

  test('event-driven redraws keep their gap: a storm of events redraws once per gap, not per frame', async () => {
    const cache = named('storm')
    mount({ initialIsOpen: true })
    cache.get('a')
    vi.advanceTimersToNextFrame() // the first event after a quiet spell: the next frame
    expect(card('Misses')).toBe('1')
    cache.get('b')
    vi.advanceTimersToNextFrame() // one frame later: still inside the gap
    expect(card('Misses')).toBe('1')
    vi.advanceTimersByTime(MIN_GAP_MS)
    vi.advanceTimersToNextFrame()
    expect(card('Misses')).toBe('2')
  })

  test('until the user picks a cache, one registered later under the remembered name is selected', async () => {
    localStorage.setItem(STORAGE_KEY, JSON.stringify({ open: true, selected: 'wanted' }))
    mount()
    named('other')
    await frame()
    expect(selectedLabel()).toBe('other · LRU · 0/10')

    named('wanted')
    await frame()
    expect(selectedLabel()).toBe('wanted · LRU · 0/10')

    choose(0) // the user's pick now holds...
    await frame()
    named('late')
    await frame()
    expect(selectedLabel()).toBe('other · LRU · 0/10') // ...against later caches
  })

  test('a cache registered under the selected name (a hot reload) takes over the selection', async () => {
    named('a')
    named('b')
    mount({ initialIsOpen: true })
    choose(1)
    await frame()

    const reloaded = named('b')
    await frame()

    const select = shadow().querySelector('select[aria-label=Cache]') as HTMLSelectElement
    expect(select.selectedIndex).toBe(2)
    reloaded.set('new', 1)
    await frame()
    expect(card('Size')).toBe('1 / 10')
  })

  test('a cache the registry stops listing leaves the panel and is unsubscribed from', async () => {
    // A registry whose references can be made to forget their cache, as a collected cache is
    // forgotten: without any registry change to announce it.
    const forgotten = new WeakSet<object>()
    class ForgetfulRef<T extends object> {
      readonly #target: T
      constructor(target: T) {
        this.#target = target
      }
      deref(): T | undefined {
        return forgotten.has(this.#target) ? undefined : this.#target
      }
    }
    vi.stubGlobal('WeakRef', ForgetfulRef)
    try {
      const kept = named('kept')
      const dropped = named('dropped')
      const retired = named('retired')
      mount({ initialIsOpen: true })
      choose(1)
      await frame()
      expect(dropped.listening).toBe(true)

      unregisterCache(retired)
      await frame()
      expect(retired.listening).toBe(false)
      expect(labels()).toEqual(['kept · LRU · 0/10', 'dropped · LRU · 0/10'])

      forgotten.add(dropped)
      expect(listCaches()).not.toContain(dropped)
      vi.advanceTimersByTime(1000) // the panel's once-a-second tick
      await frame()
      expect(dropped.listening).toBe(false)
      expect(selectedLabel()).toBe('kept · LRU · 0/10')
      expect(kept.listening).toBe(true)
    } finally {
      vi.unstubAllGlobals()
    }
  })

  test('holds no cache but the selected one: a cache the app drops is collected while open', async () => {
    setFlagsFromString('--expose-gc')
    const gc = runInNewContext('gc') as () => void
    named('selected')
    const refs = ((): WeakRef<AsyncCache>[] => {
      // Created here, so that only the registry and the devtools could keep them alive.
      const dropped = [1, 2, 3].map(
        (i) => new AsyncCache<string, number>({ maxsize: 10, name: `dropped ${i}` }),
      )
      for (const cache of dropped) cache.set('k', 1)
      return dropped.map((cache) => new WeakRef(cache as AsyncCache))
    })()
    mount({ initialIsOpen: true })
    await frame()
    expect(labels()).toHaveLength(4)
    for (const c of refs) c.deref()?.get('k') // events recorded, a frame drawn with them
    await frame()

    // WeakRef targets live to the end of the task that last read them.
    await new Promise((resolve) => setImmediate(resolve))
    gc()

    expect(refs.map((ref) => ref.deref())).toEqual([undefined, undefined, undefined])
    vi.advanceTimersByTime(1000)
    await frame()
    expect(labels()).toBeUndefined() // one cache left: no selector
    expect(selectedLabel()).toBe('selected · LRU · 0/10')
  })

  test('works when localStorage throws or holds garbage', () => {
    localStorage.setItem(STORAGE_KEY, '{not json')
    mount({ initialIsOpen: true })
    expect(shadow().querySelector('.panel')).not.toBeNull()
    unmounts.pop()?.()

    const spy = vi.spyOn(window, 'localStorage', 'get').mockImplementation(() => {
      throw new DOMException('blocked', 'SecurityError')
    })
    try {
      mount({ initialIsOpen: true })
      expect(shadow().querySelector('.panel')).not.toBeNull()
      shortcut() // writes: must not throw either
      expect(shadow().querySelector('.panel')).toBeNull()
    } finally {
      spy.mockRestore()
    }
  })

  test('the graph explains itself where there is no 2D canvas (happy-dom)', async () => {
    named('g')
    mount({ initialIsOpen: true })
    await frame() // Preact runs effects after paint
    expect(shadow().querySelector('.graph .empty')?.textContent).toBe(
      'The graph needs a 2D canvas, which this environment lacks.',
    )
    expect(button('Pause the live graph').getAttribute('aria-pressed')).toBe('false')
  })

  test('unmount removes every listener, timer and DOM node', () => {
    const cache = named('u')
    const unmount = mount({ initialIsOpen: true })
    expect(cache.listening).toBe(true)
    cache.get('x') // a frame is now pending

    unmount()

    expect(cache.listening).toBe(false)
    expect(document.querySelector(`[${HOST_ATTRIBUTE}]`)).toBeNull()
    expect(vi.getTimerCount()).toBe(0)
    const later = named('after-unmount')
    expect(later.listening).toBe(false) // the registry listener is gone
    shortcut()
    expect(document.querySelector(`[${HOST_ATTRIBUTE}]`)).toBeNull()
    unmount() // twice is harmless
  })

  test('rejects bad options with a message naming the option and what is allowed', () => {
    expect(() => mountDevtools({ buttonPosition: 'middle' as never })).toThrow(
      "mountDevtools: buttonPosition must be one of 'top-left', 'top-right', 'bottom-left', 'bottom-right', got \"middle\"",
    )
    expect(() => mountDevtools({ theme: 'blue' as never })).toThrow(TypeError)
    expect(() => mountDevtools({ position: 'bottom-right' as never })).toThrow(
      "mountDevtools: position must be one of 'bottom', 'top', 'left', 'right', got \"bottom-right\"",
    )
    expect(() => mountDevtools({ window: 1.5 })).toThrow(
      'mountDevtools: window must be an integer number of seconds from 2 to 3600, got 1.5',
    )
    expect(() => mountDevtools({ window: 1.5 })).toThrow(RangeError)
    expect(() => mountDevtools({ caches: [{}] as never })).toThrow(
      'mountDevtools: caches must be an array of AsyncCache instances',
    )
    expect(() => mountDevtools({ now: 5 as never })).toThrow(
      'mountDevtools: now must be a function, got 5',
    )
    expect(document.querySelector(`[${HOST_ATTRIBUTE}]`)).toBeNull()
  })
})
