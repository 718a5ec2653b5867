import { useEffect, useState } from 'preact/hooks'
import { PRODUCT_COUNT, type ProductSummary } from './catalogue.js'
import type { Data } from './data.js'

const PAGES = Math.ceil(PRODUCT_COUNT / 20)

/** A page of the catalogue (through the asyncCache-wrapped loader); clicking opens a product. */
export function CatalogueView({ data, onOpen }: { data: Data; onOpen: (id: number) => void }) {
  const [page, setPage] = useState(1)
  const [items, setItems] = useState<ProductSummary[]>([])
  const [error, setError] = useState('')

  useEffect(() => {
    let current = true
    setError('')
    data.productPage(page).then(
      (list) => current && setItems(list),
      (e: Error) => current && setError(e.message),
    )
    return () => {
      current = false
    }
  }, [data, page])

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
      {error && (
        <p class="error">
          Could not load page {page}: {error}
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
