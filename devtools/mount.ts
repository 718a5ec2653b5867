import { h, render } from 'preact'
import { type AsyncCache, listCaches, onCachesChange } from '../lib/index.js'
import { FrameScheduler } from './frame.js'
import { pageOrigin } from './labels.js'
import { HOST_ATTRIBUTE } from './names.js'
import { type DevtoolsOptions, resolveOptions } from './options.js'
import { describeCache, Panel } from './panel.js'
import { Recorder } from './recorder.js'
import { isSide } from './resize-handle.js'
import { isShortcut } from './shortcut.js'
import { DEFAULT_HEIGHT, DEFAULT_WIDTH, type Remembered, recall, remember } from './storage.js'
import { stylesheet } from './styles.js'
import { ToggleButton } from './toggle-button.js'
import { DEFAULT_ENTRIES_VIEW, DEFAULT_EVENTS_VIEW } from './view.js'

/** Events the event log keeps per cache. */
const LOG_SIZE = 1000
/** Room left beside the panel at its largest, so the page stays reachable. */
const GAP = 40

/**
 * Mounts the devtools into the page: a floating toggle button and, when open, a panel docked
 * to an edge of the viewport (`position`, the bottom by default; switchable in the panel, as
 * the theme is), both inside a shadow root attached to their own host element
 * (appended to `<body>`), so the app's CSS and the panel's never mix. Every cache, named or
 * not, is found through the registry, also those created later; `options.caches` adds others.
 *
 * Recording starts at once (O(1) per event); the panel redraws only while open, at most once
 * per animation frame and at least 100 ms apart while events stream in. It keeps no cache
 * alive but the selected one: a cache the app drops (a hot reload's old module, say) is
 * collected as if no panel were there.
 * `Alt+Shift+C` toggles it; `Escape` inside it closes it. The open state, the edge and the
 * size, the theme, the selected cache and the views are remembered in localStorage.
 *
 * @returns `unmount()`: removes every listener (cache, registry, keyboard), timer and DOM node.
 * @throws TypeError or RangeError on an invalid option, naming it.
 *
 * @example
 * ```ts
 * import { mountDevtools } from 'asynccache/devtools'
 * if (import.meta.env.DEV) mountDevtools({ buttonPosition: 'bottom-left', theme: 'dark' })
 * ```
 */
export function mountDevtools(options?: DevtoolsOptions): () => void {
  const o = resolveOptions(options)
  const document = globalThis.document
  const window = document.defaultView as Window

  const host = document.createElement('div')
  host.setAttribute(HOST_ATTRIBUTE, '')
  // Open, so that tests and accessibility tools can see inside; the page's CSS cannot either way.
  const shadow = host.attachShadow({ mode: 'open' })
  const style = document.createElement('style')
  if (o.nonce !== undefined) style.nonce = o.nonce
  style.textContent = stylesheet()
  const root = document.createElement('div')
  root.className = 'root'
  shadow.append(style, root)
  ;(document.body ?? document.documentElement).append(host)

  const storage = () => window.localStorage
  const state: Remembered = recall(storage, {
    open: o.initialIsOpen,
    height: DEFAULT_HEIGHT,
    width: DEFAULT_WIDTH,
    position: undefined,
    selected: undefined,
    tab: 'entries',
    theme: undefined,
    entries: DEFAULT_ENTRIES_VIEW,
    events: DEFAULT_EVENTS_VIEW,
  })
  const theme = () => state.theme ?? o.theme
  const position = () => state.position ?? o.position
  root.dataset.theme = theme()
  /** Bumped when the colours change, so that the chart (a canvas) is redrawn in them. */
  let colours = 0
  const dark = window.matchMedia?.('(prefers-color-scheme: dark)')
  const onScheme = (): void => {
    colours++
    if (state.open && theme() === 'system') draw()
  }
  dark?.addEventListener('change', onScheme)
  const origin = pageOrigin()
  /**
   * The caches shown, in display order, held weakly: each recorder lives exactly as long as its
   * cache, whose listener list holds it, so a cache the app dropped is collected, recorder and
   * all, whatever the panel shows. Rebuilt by `sync()` from the registry.
   */
  let shown: WeakRef<Recorder>[] = []
  /** What the last render listed, so that a pick in the selector finds what the user saw. */
  let drawn: WeakRef<Recorder>[] = []
  /** The one recorder, hence cache, the panel holds strongly. */
  let selected: Recorder | undefined
  /** Set when the user opened the panel: focus moves into it after the next render. */
  let focusPanel = false
  let tick: ReturnType<typeof setTimeout> | undefined

  const draw = (): void => {
    drawn = []
    let selectedIndex = -1
    const choices: string[] = []
    for (const ref of shown) {
      const recorder = ref.deref()
      if (recorder === undefined) continue
      if (recorder === selected) selectedIndex = choices.length
      choices.push(describeCache(recorder, choices.length))
      drawn.push(ref)
    }
    render(
      state.open
        ? h(Panel, {
            choices,
            selected,
            selectedIndex,
            onSelect: (index: number) => {
              const recorder = drawn[index]?.deref()
              if (recorder !== undefined) select(recorder)
            },
            now: (o.now ?? selected?.cache.now ?? Date.now)(),
            size: isSide(position()) ? state.width : state.height,
            maxSize: (isSide(position()) ? window.innerWidth : window.innerHeight) - GAP,
            onResize: (size: number) => {
              if (isSide(position())) state.width = size
              else state.height = size
              remember(storage, state)
              frames.request()
            },
            onClose: () => setOpen(false),
            onChart: o.onChart,
            view: {
              tab: state.tab,
              entries: state.entries,
              events: state.events,
              theme: theme(),
              position: position(),
            },
            onView: (change: Partial<Remembered>) => {
              Object.assign(state, change)
              remember(storage, state)
              if (change.theme !== undefined) {
                root.dataset.theme = theme()
                colours++
              }
              // What the user did shows at once, not at the next throttled redraw.
              frames.cancel()
              draw()
            },
            colours: `${theme()} ${colours}`,
            origin,
          })
        : h(ToggleButton, { position: o.buttonPosition, onOpen: () => setOpen(true) }),
      root,
    )
    if (focusPanel) {
      focusPanel = false
      shadow.querySelector<HTMLElement>('.panel')?.focus()
    }
  }
  const frames = new FrameScheduler(window, draw)

  /**
   * Redraws once a second while open, so the graph's window rolls on when no event comes, and
   * drops caches the registry no longer lists: a collected cache leaves it without a change.
   */
  const scheduleTick = (): void => {
    tick = setTimeout(
      () => {
        sync()
        scheduleTick()
      },
      1000 - (Date.now() % 1000),
    )
  }

  function setOpen(open: boolean): void {
    if (open === state.open) return
    const focusWasInside = shadow.activeElement !== null
    state.open = open
    remember(storage, state)
    clearTimeout(tick)
    if (open) {
      focusPanel = true
      scheduleTick()
    }
    frames.cancel()
    draw()
    if (!open && focusWasInside) shadow.querySelector<HTMLElement>('.toggle')?.focus()
  }

  function select(recorder: Recorder): void {
    selected = recorder
    state.selected = recorder.cache.name
    remember(storage, state)
    frames.request()
  }

  const record = (cache: AsyncCache): Recorder => {
    const recorder: Recorder = new Recorder(cache, {
      windowSeconds: o.window,
      logSize: LOG_SIZE,
      onEvent: () => {
        if (state.open && recorder === selected) frames.request()
      },
    })
    recorder.start()
    return recorder
  }

  const sync = (): void => {
    // Every live cache, named or not (an unnamed one is labelled `cache N`), and those given.
    const wanted = new Set<AsyncCache>([...o.caches, ...listCaches()])
    const known = new Map<AsyncCache, WeakRef<Recorder>>()
    for (const ref of shown) {
      const recorder = ref.deref()
      if (recorder === undefined) continue // collected with its cache: nothing to stop
      if (wanted.has(recorder.cache)) known.set(recorder.cache, ref)
      else recorder.stop()
    }
    shown = []
    let arrived: Recorder | undefined
    for (const cache of wanted) {
      let ref = known.get(cache)
      if (ref === undefined) {
        const recorder = record(cache)
        // The remembered or chosen cache, new under that name: after a reload it registered
        // late, after a hot reload it replaces the old module's cache, which can then go.
        if (state.selected !== undefined && cache.name === state.selected) arrived = recorder
        ref = new WeakRef(recorder)
      }
      shown.push(ref)
    }
    const live = shown.map((ref) => ref.deref())
    if (arrived !== undefined) selected = arrived
    else if (selected === undefined || !live.includes(selected)) {
      selected = live.find((r) => r !== undefined && r.cache.name === state.selected) ?? live[0]
    }
    if (state.open) frames.request()
  }

  const onKeyDown = (event: KeyboardEvent): void => {
    if (!isShortcut(event)) return
    event.preventDefault()
    setOpen(!state.open)
  }

  sync()
  const stopWatching = onCachesChange(sync)
  document.addEventListener('keydown', onKeyDown)
  if (state.open) scheduleTick()
  draw()

  let mounted = true
  return () => {
    if (!mounted) return
    mounted = false
    stopWatching()
    dark?.removeEventListener('change', onScheme)
    document.removeEventListener('keydown', onKeyDown)
    clearTimeout(tick)
    frames.cancel()
    for (const ref of shown) ref.deref()?.stop()
    shown = []
    drawn = []
    selected = undefined
    render(null, root)
    host.remove()
  }
}
