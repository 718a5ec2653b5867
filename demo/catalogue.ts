/** The demo's data: a deterministic catalogue, the same on every start. */

/** One product as the list endpoint returns it. */
export interface ProductSummary {
  id: number
  name: string
  category: string
  price: number
}

/** One product as its own endpoint returns it. */
export interface Product extends ProductSummary {
  description: string
  stock: number
  rating: number
}

const ADJECTIVES = [
  'Swift',
  'Quiet',
  'Bright',
  'Solid',
  'Tiny',
  'Grand',
  'Lucky',
  'Polar',
  'Amber',
  'Nimble',
]
const NOUNS = [
  'Kettle',
  'Lamp',
  'Backpack',
  'Chair',
  'Headphones',
  'Notebook',
  'Mug',
  'Bicycle',
  'Clock',
  'Speaker',
]
const CATEGORIES = ['Home', 'Outdoor', 'Office', 'Audio', 'Kitchen']

/** How many products the catalogue holds (ids 1 to PRODUCT_COUNT). */
export const PRODUCT_COUNT = 500

/** The product with this id, or undefined outside 1..PRODUCT_COUNT. */
export function product(id: number): Product | undefined {
  if (!Number.isInteger(id) || id < 1 || id > PRODUCT_COUNT) return undefined
  const n = id - 1
  const name = `${ADJECTIVES[n % 10]} ${NOUNS[Math.floor(n / 10) % 10]} ${Math.floor(n / 100) + 1}`
  return {
    id,
    name,
    category: CATEGORIES[(n * 7) % CATEGORIES.length],
    price: Math.round((5 + ((n * 37) % 295)) * 100) / 100 + 0.99,
    description: `The ${name}: product ${id} of the demo catalogue, served by the local mock API.`,
    stock: (n * 13) % 50,
    rating: 1 + ((n * 11) % 40) / 10,
  }
}

/** One page of summaries (pages of `size`, starting at 1). */
export function page(number: number, size: number): ProductSummary[] {
  const out: ProductSummary[] = []
  for (let id = (number - 1) * size + 1; id <= Math.min(number * size, PRODUCT_COUNT); id++) {
    const { description: _d, stock: _s, rating: _r, ...summary } = product(id) as Product
    out.push(summary)
  }
  return out
}
