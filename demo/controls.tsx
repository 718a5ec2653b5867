import { useState } from 'preact/hooks'
import type { Data } from './data.js'
import type { DemoSettings } from './settings.js'

/** Policy, size, TTL and persistence: applying them rebuilds the cache. */
export function Controls({
  settings,
  data,
  onApply,
}: {
  settings: DemoSettings
  data: Data
  onApply: (s: DemoSettings) => void
}) {
  const [draft, setDraft] = useState(settings)
  const set = (patch: Partial<DemoSettings>) => setDraft({ ...draft, ...patch })
  return (
    <form
      class="controls"
      aria-label="Cache settings"
      onSubmit={(e) => {
        e.preventDefault()
        onApply(draft)
      }}
    >
      <label>
        Policy
        <select
          value={draft.policy}
          onChange={(e) => set({ policy: e.currentTarget.value as DemoSettings['policy'] })}
        >
          <option value="LRU">LRU</option>
          <option value="LFU">LFU</option>
          <option value="ADAPTIVE">ADAPTIVE</option>
        </select>
      </label>
      <label>
        maxsize{' '}
        <input
          type="number"
          min={1}
          value={draft.maxsize}
          onInput={(e) => set({ maxsize: Number(e.currentTarget.value) })}
        />
      </label>
      <label>
        TTL (s, 0 = never){' '}
        <input
          type="number"
          min={0}
          value={draft.ttl}
          onInput={(e) => set({ ttl: Number(e.currentTarget.value) })}
        />
      </label>
      <label>
        <input
          type="checkbox"
          checked={draft.persist}
          onChange={(e) => set({ persist: e.currentTarget.checked })}
        />{' '}
        Persist to IndexedDB
      </label>
      <button type="submit">Apply (rebuild the cache)</button>
      <button type="button" onClick={() => location.reload()}>
        Reload page
      </button>
      <button type="button" onClick={() => (data.store ? data.store.clear() : data.cache.clear())}>
        Clear cache
      </button>
      <span class="status" data-testid="persist-status">
        {data.store ? `persistence: ${data.store.status}` : 'persistence off'}
      </span>
    </form>
  )
}
