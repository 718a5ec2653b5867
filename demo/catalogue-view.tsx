import { useCached } from 'asynccache/preact'
import { useState } from 'preact/hooks'
import { PRODUCT_COUNT } from './catalogue.js'
import type { Data } from './data.js'
import { OpenedProduct } from './product-view.js'

const PAGES = Math.ceil(PRODUCT_COUNT / 20)

/** A page of the catalogue (through the asyncCache-wrapped loader); clicking opens a product. */
export function CatalogueView({
  data,
  opened,
  onOpen,
}: {
  data: Data
  opened?: number
  onOpen: (id: number) => void
}) {
  const [page, setPage] = useState(1)
  // The previous page stays on screen while the next one loads.
  const { data: items = [], error } = useCached(data.productPage, [page], { keepPrevious: true })

  return (
    <section class="catalogue" aria-label="Catalogue">
      <nav class="pager">
        <button type="button" disabled={page === 1} onClick={() => setPage(page - 1)}>
          Previous
        </button>
        <span>
          Page {page} of {PAGES}
        </span>
        <button type="button" disabled={page === PAGES} onClick={() => setPage(page + 1)}>
          Next
        </button>
      </nav>
      {opened !== undefined && <OpenedProduct data={data} id={opened} />}
      {error !== undefined && (
        <p class="error">
          Could not load page {page}: {(error as Error).message}
        </p>
      )}
      <ul class="grid">
        {items.map((item) => (
          <li key={item.id}>
            <button type="button" class="product" data-id={item.id} onClick={() => onOpen(item.id)}>
              <strong>{item.name}</strong>
              <span>{item.category}</span>
              <span>${item.price.toFixed(2)}</span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  )
}
