import { useMemo } from 'preact/hooks'
import { bytes, ValueTree } from './value-tree.js'

/** The stored form of a `cachedFetch` response, as far as the panel reads it. */
export interface StoredResponse {
  status: number
  statusText: string
  headers: [string, string][]
  url: string
  body: ArrayBuffer | null
}

/** Whether a cached value is a `cachedFetch` response snapshot. */
export function isStoredResponse(value: unknown): value is StoredResponse {
  const v = value as Partial<StoredResponse> | null
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.status === 'number' &&
    typeof v.statusText === 'string' &&
    Array.isArray(v.headers) &&
    (v.body === null || v.body instanceof ArrayBuffer)
  )
}

/** A body as the panel shows it: parsed JSON, text, or only its size and type. */
export type DecodedBody =
  | { kind: 'json'; value: unknown }
  | { kind: 'text'; text: string }
  | { kind: 'other'; type: string; size: number }
  | { kind: 'none' }

/** Decodes a body by its content type: JSON as data (text if it does not parse), text as text. */
export function decodeBody(response: StoredResponse): DecodedBody {
  if (response.body === null) return { kind: 'none' }
  const type = header(response, 'content-type') ?? ''
  const json = /[/+]json\b/i.test(type)
  const text = json || /^text\/|xml|javascript|ecmascript|x-www-form-urlencoded/i.test(type)
  if (!text)
    return { kind: 'other', type: type || 'no content type', size: response.body.byteLength }
  const decoded = new TextDecoder().decode(response.body)
  if (json) {
    try {
      return { kind: 'json', value: JSON.parse(decoded) }
    } catch {
      // Labelled JSON that is not: shown as the text it is.
    }
  }
  return { kind: 'text', text: decoded }
}

function header(response: StoredResponse, name: string): string | undefined {
  return response.headers.find(([n]) => n.toLowerCase() === name)?.[1]
}

/** A stored `cachedFetch` response: status, URL, headers, size and the decoded body. */
export function ResponseView({ response }: { response: StoredResponse }) {
  const body = useMemo(() => decodeBody(response), [response])
  const ok = response.status >= 200 && response.status < 300
  return (
    <section class="response" aria-label="Response">
      <p>
        <span class={ok ? 'status-fresh' : 'status-error'}>
          HTTP {response.status} {response.statusText}
        </span>
        {' · '}
        {response.body === null ? 'no body' : bytes(response.body.byteLength)}
        {response.url !== '' && (
          <>
            {' · '}
            <span class="url">{response.url}</span>
          </>
        )}
      </p>
      <details>
        <summary>
          {response.headers.length === 1 ? '1 header' : `${response.headers.length} headers`}
        </summary>
        <table class="headers">
          <tbody>
            {response.headers.map(([name, value]) => (
              <tr key={name}>
                <th scope="row">{name}</th>
                <td>{value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
      {body.kind === 'json' && <ValueTree name="body" value={body.value} />}
      {body.kind === 'text' && <pre class="body-text">{body.text}</pre>}
      {body.kind === 'other' && (
        <p class="muted">
          Body: {bytes(body.size)} of {body.type}, not shown.
        </p>
      )}
    </section>
  )
}
