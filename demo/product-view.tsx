import { useCachedFetch } from 'asynccache/preact'
import { Badge } from './badge.js'
import type { Product } from './catalogue.js'
import { type Data, type Outcome, productUrl } from './data.js'

/**
 * The cached product `id`, as every view of it reads it: each re-renders when the entry is
 * set, refreshed or deleted (from the devtools too), and a deleted one is fetched again.
 */
function useProduct(data: Data, id: number) {
  return useCachedFetch<Product>(data.api, productUrl(id))
}

/** The opened product in one line, above the catalogue: its second place on the page. */
export function OpenedProduct({ data, id }: { data: Data; id: number }) {
  const { data: product, isFetching } = useProduct(data, id)
  return (
    <p class="opened" data-testid="opened" data-id={id}>
      Opened: <strong>{product?.name ?? `product ${id}`}</strong>
      {product && ` · $${product.price.toFixed(2)} · ${product.stock} in stock`}
      {isFetching && ' · refreshing...'}
    </p>
  )
}

function ProductDetail({ data, id }: { data: Data; id: number }) {
  const { data: product, isFetching } = useProduct(data, id)
  return (
    <>
      <h2>{product?.name ?? `Product ${id}`}</h2>
      {isFetching && <p class="hint">Refreshing...</p>}
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
    </>
  )
}

/** The product last opened, and the last requests with where each was served from. */
export function ProductView({
  data,
  current,
  history,
}: {
  data: Data
  current?: Outcome
  history: Outcome[]
}) {
  return (
    <section class="detail" aria-label="Product">
      {current === undefined && (
        <p class="hint">
          Click a product: the first visit goes to the network, the next ones are instant.
        </p>
      )}
      {current !== undefined && (
        <article>
          <Badge outcome={current} />
          {current.error === undefined ? (
            <ProductDetail data={data} id={current.id} />
          ) : (
            <h2>Product {current.id}</h2>
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
