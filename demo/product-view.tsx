import { Badge } from './badge.js'
import type { Outcome } from './data.js'

/** The product last opened, and the last requests with where each was served from. */
export function ProductView({ current, history }: { current?: Outcome; history: Outcome[] }) {
  const product = current?.product
  return (
    <section class="detail" aria-label="Product">
      {current === undefined && (
        <p class="hint">
          Click a product: the first visit goes to the network, the next ones are instant.
        </p>
      )}
      {current !== undefined && (
        <article>
          <h2>{product?.name ?? `Product ${current.id}`}</h2>
          <Badge outcome={current} />
          {product && (
            <>
              <p>{product.description}</p>
              <dl>
                <dt>Price</dt>
                <dd>${product.price.toFixed(2)}</dd>
                <dt>In stock</dt>
                <dd>{product.stock}</dd>
                <dt>Rating</dt>
                <dd>{product.rating.toFixed(1)} / 5</dd>
              </dl>
            </>
          )}
        </article>
      )}
      <h3>Last requests</h3>
      <ol class="history">
        {history.map((o, i) => (
          <li key={i}>
            #{o.id} <Badge outcome={o} />
          </li>
        ))}
      </ol>
    </section>
  )
}
