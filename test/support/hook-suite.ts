import { asyncCache } from 'asynccache'
import { cachedFetch } from 'asynccache/fetch'
import type { UseCached, UseCachedFetch } from 'asynccache/react'
import { describe, expect, test } from 'vitest'
import { fetchDouble } from './fetch-double.js'

/** Lets loads that settle in microtasks, and the renders they cause, finish: one task later. */
export const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0))

/** createElement as both frameworks share it, loosely typed for one suite. */
type H = (type: unknown, props?: Record<string, unknown> | null, ...children: unknown[]) => unknown

/** Class components' base, for the error boundary. */
type ComponentClass = new (
  props: Record<string, unknown>,
) => {
  props: Record<string, unknown>
  state: unknown
}

/** What the suite needs of a framework and its hooks. */
export interface HookFramework {
  name: string
  h: H
  Suspense: unknown
  Component: ComponentClass
  useCached: UseCached
  useCachedFetch: UseCachedFetch
  /** Renders `element` into a new attached container, inside the framework's act(). */
  mount(element: unknown): Promise<{ container: HTMLElement; unmount(): Promise<void> }>
  /** Runs `work` in act() and lets its effects and microtasks finish. */
  act(work?: () => unknown): Promise<void>
}

interface User {
  id: number
  name: string
}

/** A wrapped loader that counts its runs and answers from a table, on a clock the test moves. */
function users(options: { ttl?: number; staleWhileRevalidate?: number } = {}) {
  const clock = { now: 0 }
  const runs: number[] = []
  const fetchUser = asyncCache({ maxsize: 50, now: () => clock.now, ...options })(
    async (id: number): Promise<User> => {
      runs.push(id)
      if (id < 0) throw new Error(`no user ${id}`)
      return { id, name: `user ${id}` }
    },
  )
  return { fetchUser, runs, clock }
}

/**
 * The hooks' component tests, the same for React and Preact: what a user sees on screen, with
 * real loaders and a counting fetch.
 */
export function describeHooks(f: HookFramework) {
  const { h } = f

  describe(`${f.name}: useCached`, () => {
    test('a fresh cached value renders on the first render: no pending state, no load', async () => {
      const { fetchUser, runs } = users({ ttl: 60 })
      fetchUser.cacheInstance.set(fetchUser.keyOf(1), { id: 1, name: 'Ada' })
      const statuses: string[] = []
      function Name({ id }: { id: number }) {
        const { data, status } = f.useCached(fetchUser, [id])
        statuses.push(status)
        return h('p', null, data?.name ?? '...')
      }
      const { container } = await f.mount(h(Name, { id: 1 }))
      expect(container.textContent).toBe('Ada')
      expect(statuses.every((s) => s === 'success')).toBe(true)
      expect(runs).toEqual([])
    })

    test('ten components on one key start one load; a set or an invalidation anywhere re-renders them all, reloading once', async () => {
      const { fetchUser, runs } = users()
      function Name() {
        const { data, status } = f.useCached(fetchUser, [7])
        return h('li', null, status === 'pending' ? 'loading' : (data?.name ?? 'gone'))
      }
      const { container } = await f.mount(
        h('ul', null, ...Array.from({ length: 10 }, (_, i) => h(Name, { key: i }))),
      )
      await f.act()
      expect(runs).toEqual([7])
      const items = () => [...container.querySelectorAll('li')].map((li) => li.textContent)
      expect(new Set(items())).toEqual(new Set(['user 7']))
      await f.act(() => fetchUser.cacheInstance.set(fetchUser.keyOf(7), { id: 7, name: 'Grace' }))
      expect(new Set(items())).toEqual(new Set(['Grace']))
      // An invalidation is a reason to reload what is shown: once for the ten.
      await f.act(() => fetchUser.invalidate(7))
      await f.act()
      expect(new Set(items())).toEqual(new Set(['user 7']))
      expect(runs).toEqual([7, 7])
    })

    test('changing the arguments switches keys; keepPrevious shows the old data until the new arrives', async () => {
      const { fetchUser } = users()
      const seen: string[] = []
      function Name({ id, keep }: { id: number; keep: boolean }) {
        const { data } = f.useCached(fetchUser, [id], { keepPrevious: keep })
        seen.push(data?.name ?? '-')
        return h('p', null, data?.name ?? '-')
      }
      const Harness = ({ id, keep }: { id: number; keep: boolean }) => h(Name, { id, keep })
      const first = await f.mount(h(Harness, { id: 1, keep: true }))
      await f.act()
      expect(first.container.textContent).toBe('user 1')
      await first.unmount()
      seen.length = 0
      const { container, rerender } = await mountWithProps(f, Name, { id: 1, keep: true })
      expect(container.textContent).toBe('user 1')
      seen.length = 0
      await rerender({ id: 2, keep: true })
      expect(seen).not.toContain('-')
      expect(container.textContent).toBe('user 2')
      await rerender({ id: 3, keep: false })
      expect(seen).toContain('-')
      expect(container.textContent).toBe('user 3')
    })

    test('a new source (a data layer rebuilt) is observed in place of the old one', async () => {
      const first = users()
      const second = users()
      second.fetchUser.cacheInstance.set(second.fetchUser.keyOf(1), { id: 1, name: 'second' })
      function Name({ load }: { load: typeof first.fetchUser }) {
        const { data } = f.useCached(load, [1])
        return h('p', null, data?.name ?? '-')
      }
      const { container, rerender } = await mountWithProps(f, Name, { load: first.fetchUser })
      expect(container.textContent).toBe('user 1')
      await rerender({ load: second.fetchUser })
      expect(container.textContent).toBe('second')
      expect(first.fetchUser.cacheInstance.listening).toBe(false)
    })

    test('enabled: false loads nothing', async () => {
      const { fetchUser, runs } = users()
      function Name() {
        const { status } = f.useCached(fetchUser, [5], { enabled: false })
        return h('p', null, status)
      }
      const { container } = await f.mount(h(Name))
      await f.act()
      expect(container.textContent).toBe('pending')
      expect(runs).toEqual([])
    })

    test('a failed load shows status error, without an unhandled rejection', async () => {
      const { fetchUser } = users()
      function Name() {
        const { status, error } = f.useCached(fetchUser, [-1])
        return h('p', null, status === 'error' ? String(error) : status)
      }
      const { container } = await f.mount(h(Name))
      await f.act()
      expect(container.textContent).toBe('Error: no user -1')
    })

    test('suspense: the fallback shows until the first value; a failure reaches the error boundary', async () => {
      const { fetchUser, runs } = users()
      class Boundary extends f.Component {
        static getDerivedStateFromError(error: unknown) {
          return { error }
        }
        constructor(props: Record<string, unknown>) {
          super(props)
          this.state = { error: undefined }
        }
        render() {
          const { error } = this.state as { error?: unknown }
          return error === undefined ? this.props.children : h('p', null, `caught ${String(error)}`)
        }
      }
      function Name({ id }: { id: number }) {
        const { data } = f.useCached(fetchUser, [id], { suspense: true })
        return h('p', null, (data as User).name)
      }
      const ok = await f.mount(
        h(Boundary, null, h(f.Suspense, { fallback: h('p', null, 'waiting') }, h(Name, { id: 3 }))),
      )
      await f.act()
      expect(ok.container.textContent).toBe('user 3')
      expect(runs).toEqual([3])
      const failing = await f.mount(
        h(
          Boundary,
          null,
          h(f.Suspense, { fallback: h('p', null, 'waiting') }, h(Name, { id: -2 })),
        ),
      )
      await f.act()
      expect(failing.container.textContent).toBe('caught Error: no user -2')
      expect(runs).toEqual([3, -2])
    })

    test('a stale key reloads once when the page becomes visible, however many components show it', async () => {
      const { fetchUser, runs, clock } = users({ ttl: 10, staleWhileRevalidate: 600 })
      function Name() {
        const { data, isStale } = f.useCached(fetchUser, [9])
        return h('li', null, `${data?.name} ${isStale ? 'stale' : 'fresh'}`)
      }
      const { container } = await f.mount(h('ul', null, h(Name), h(Name), h(Name)))
      await f.act()
      expect(runs).toEqual([9])
      document.dispatchEvent(new Event('visibilitychange'))
      await f.act()
      expect(runs).toEqual([9]) // fresh: nothing to do
      clock.now += 11_000
      await f.act(() => document.dispatchEvent(new Event('visibilitychange')))
      await f.act()
      expect(runs).toEqual([9, 9])
      await f.act(() => window.dispatchEvent(new Event('online'))) // fresh again
      expect(runs).toEqual([9, 9])
      expect(container.textContent).toBe('user 9 freshuser 9 freshuser 9 fresh')
    })
  })

  describe(`${f.name}: useCachedFetch`, () => {
    test('parses once per stored response, whichever components show it; unmounting the last aborts the request', async () => {
      const double = fetchDouble((call) =>
        call.url.endsWith('/a')
          ? new Response(JSON.stringify({ n: 1 }), {
              headers: { 'content-type': 'application/json' },
            })
          : undefined,
      )
      const api = cachedFetch({ maxsize: 10, fetch: double.fetch })
      let parses = 0
      const countingJson = (response: Response) => {
        parses++
        return response.status
      }
      function Status() {
        const { data } = f.useCachedFetch(api, 'http://test.local/a', undefined, {
          as: countingJson,
        })
        return h('b', null, String(data))
      }
      function Body() {
        const { data } = f.useCachedFetch<{ n: number }>(api, 'http://test.local/a')
        return h('i', null, String(data?.n))
      }
      const shown = await f.mount(h('div', null, h(Status), h(Status), h(Body)))
      await f.act()
      await f.act()
      expect(shown.container.textContent).toBe('2002001')
      expect(parses).toBe(1)
      expect(double.calls).toHaveLength(1)

      function Pending() {
        const { status } = f.useCachedFetch(api, 'http://test.local/slow')
        return h('p', null, status)
      }
      const one = await f.mount(h(Pending))
      const two = await f.mount(h(Pending))
      expect(double.calls).toHaveLength(2)
      const slow = double.calls[1]
      await one.unmount()
      await f.act()
      expect(slow.signal?.aborted).toBe(false)
      await two.unmount()
      await f.act()
      expect(slow.signal?.aborted).toBe(true)
    })

    test('a status outside 2xx is an error, with the response', async () => {
      const double = fetchDouble(() => new Response('nope', { status: 404 }))
      const api = cachedFetch({ maxsize: 10, fetch: double.fetch })
      function Page() {
        const { status, error } = f.useCachedFetch(api, 'http://test.local/missing')
        return h('p', null, `${status} ${(error as { status?: number } | undefined)?.status}`)
      }
      const { container } = await f.mount(h(Page))
      await f.act()
      await f.act()
      expect(container.textContent).toBe('error 404')
    })
  })
}

/** Mounts `component` with `props`, and re-renders it with new ones. */
async function mountWithProps<P extends Record<string, unknown>>(
  f: HookFramework,
  component: (props: P) => unknown,
  props: P,
) {
  let set!: (next: P) => void
  const { h } = f
  class Holder extends f.Component {
    constructor(p: Record<string, unknown>) {
      super(p)
      this.state = props
      set = (next) => (this as unknown as { setState(s: P): void }).setState(next)
    }
    render() {
      return h(component, this.state as P)
    }
  }
  const mounted = await f.mount(h(Holder))
  return {
    ...mounted,
    rerender: async (next: P) => {
      await f.act(() => set(next))
      await f.act()
    },
  }
}
