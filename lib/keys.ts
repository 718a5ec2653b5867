/**
 * A cache key made from arbitrary arguments: a primitive, so that a `Map` compares it by value.
 * Atoms (numbers, booleans, bigints, null, undefined, and strings) are their own key; anything
 * else becomes a string that starts with a control character no atom key starts with.
 */
export type HashKey = string | number | bigint | boolean | null | undefined

/** Starts the key of a value encoded by content alone. */
const CONTENT = '\u0000'
/** Starts the key of a value with an identity part (an object or symbol known only by identity). */
const IDENTITY = '\u0001'

/** Encoding state: the objects on the current path (for cycles) and whether identity was used. */
interface Walk {
  path: object[]
  identity: boolean
}

/**
 * Turns any value into a stable {@link HashKey}, the TypeScript counterpart of the Python
 * original's `make_hashable`, without its collisions:
 * - type-tagged: `1` and `'1'`, `[1, 2]` and `new Set([1, 2])` are different keys;
 * - plain objects, Maps and Sets are order-independent; arrays and other re-iterable
 *   collections are ordered; strings, Dates (by time), URLs (by href) and bytes are atomic;
 * - anything else (class instances, functions, unregistered symbols, one-shot iterators
 *   such as generators, which are never consumed) is keyed by identity through
 *   {@link HashableWrapper}: equal only to itself, never to a later object at a reused address.
 *
 * Keys with an identity part are recognised by {@link hasIdentity}. Cyclic input throws a
 * `TypeError`.
 */
export function makeHashable(value: unknown): HashKey {
  return isAtom(value) ? value : encodeRoot(value, VALUE)
}

/**
 * The key of an argument list, as the `asyncCache` wrapper uses it: one atom argument is its
 * own key (no allocation on the hot path); any other list is encoded, in a form that never
 * equals the key of a single array argument.
 */
export function argsKey(args: ArrayLike<unknown>): HashKey {
  return args.length === 1 ? argKey(args[0]) : encodeRoot(args, LIST)
}

/**
 * {@link argsKey} of the one-argument list `[value]`, without the list. A flat record (see
 * {@link flatRecordJson}) is keyed by its JSON, names sorted, which the engine builds as one
 * flat string: a key built by concatenation is a tree of pieces, and a `Map` lookup of one
 * costs several times that of a flat string. No other key starts with `{`: a string argument
 * that does is encoded.
 */
export function argKey(value: unknown): HashKey {
  if (typeof value === 'string' && value.charCodeAt(0) === 123) return encodeRoot(value, ONE)
  if (isAtom(value)) return value
  return flatRecordJson(value) ?? encodeRoot(value, ONE)
}

/**
 * The JSON, names sorted, of a plain object whose own enumerable properties hold strings,
 * finite numbers, booleans or null (no symbol keys, nothing inherited): for those, JSON is
 * canonical and type-tagged (`1` and `"1"` differ). `undefined` for any other value, which
 * {@link encodeRoot} encodes.
 */
function flatRecordJson(value: unknown): string | undefined {
  if (!isPlainObject(value)) return undefined
  let last: string | undefined
  let sorted = true
  for (const k in value) {
    // for-in also walks inherited enumerable properties (a polluted Object.prototype).
    if (!Object.hasOwn(value, k)) return undefined
    const v = value[k]
    switch (typeof v) {
      case 'string':
      case 'boolean':
        break
      case 'number':
        if (!Number.isFinite(v)) return undefined
        break
      default:
        if (v !== null) return undefined
    }
    if (last !== undefined && !(k > last)) sorted = false
    last = k
  }
  // Enumerable symbol-keyed properties are part of the key: such an object is encoded.
  for (const symbol of Object.getOwnPropertySymbols(value)) {
    if (Object.prototype.propertyIsEnumerable.call(value, symbol)) return undefined
  }
  // Property order must not matter: an object written in another order is serialised with its
  // names sorted (a replacer list sets the order), into the very string the sorted one gives.
  return sorted ? JSON.stringify(value) : JSON.stringify(value, Object.keys(value).sort())
}

/** Whether a key holds an identity part, which does not survive a reload (persistence skips it). */
export function hasIdentity(key: unknown): boolean {
  return typeof key === 'string' && key.charCodeAt(0) === 1
}

/**
 * Whether `key` means the same in any realm and after a reload: a {@link HashKey} without an
 * identity part (persistence stores only such keys).
 */
export function isContentKey(key: unknown): key is HashKey {
  return isAtom(key) || (typeof key === 'string' && key.charCodeAt(0) === 0)
}

/**
 * Whether `value` can be iterated as a collection: strings, bytes (typed arrays, DataViews),
 * `null` and `undefined` are not, like `str` and `bytes` in the Python original.
 */
export function isIterable(value: unknown): value is Iterable<unknown> {
  return (
    value != null &&
    typeof value === 'object' &&
    typeof (value as Iterable<unknown>)[Symbol.iterator] === 'function' &&
    !ArrayBuffer.isView(value) &&
    !(value instanceof String)
  )
}

/** Whether `value` is a mapping: a `Map` or a plain object (not an array, not a class instance). */
export function isMapping(
  value: unknown,
): value is Map<unknown, unknown> | Record<string, unknown> {
  return value instanceof Map || isPlainObject(value)
}

let lastId = 0
const ids = new WeakMap<WeakKey, number>()
/**
 * Where unregistered symbols' ids live: with the objects' where the engine accepts symbols as
 * weak keys (Chrome 108, Node 20, Safari 17 and later), so that a symbol's id goes with it; held
 * in a Map elsewhere. Found out on first use, not on import.
 */
let symbolIds: Map<symbol, number> | WeakMap<WeakKey, number> | undefined
function symbolTable(): Map<symbol, number> | WeakMap<WeakKey, number> {
  if (symbolIds === undefined) {
    try {
      ids.set(Symbol() as unknown as WeakKey, 0)
      symbolIds = ids
    } catch {
      symbolIds = new Map()
    }
  }
  return symbolIds
}

function identityOf(value: object | symbol): number {
  const table = (typeof value === 'symbol' ? symbolTable() : ids) as Map<object | symbol, number>
  let id = table.get(value)
  if (id === undefined) {
    id = ++lastId
    table.set(value, id)
  }
  return id
}

/**
 * Stands for an object that can only be compared by identity. Its `id` is unique for the
 * lifetime of the page and never reused, unlike the Python original's `id()`, and equality is
 * identity of the wrapped value, consistent with its hash (`id`).
 */
export class HashableWrapper<T extends object | symbol = object | symbol> {
  /** A number unique to `value` for as long as the page lives. */
  readonly id: number

  constructor(readonly value: T) {
    this.id = identityOf(value)
  }

  /** True when `other` wraps the very same value. */
  equals(other: unknown): boolean {
    return other instanceof HashableWrapper && other.value === this.value
  }

  /** The identity part of a key, as {@link makeHashable} writes it. */
  toString(): string {
    return `#${this.id}`
  }
}

/** Whether `value` is its own key (see {@link HashKey}): the fast path of every key. */
function isAtom(value: unknown): value is HashKey {
  switch (typeof value) {
    case 'string':
      // The two control characters that start encoded keys would make a string look like one.
      return !(value.charCodeAt(0) <= 1)
    case 'number':
    case 'boolean':
    case 'bigint':
    case 'undefined':
      return true
    default:
      return value === null
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

/** What encodeRoot encodes: a value, an argument list, or a list of this one argument. */
const VALUE = 0
const LIST = 1
const ONE = 2

function encodeRoot(value: unknown, what: number): string {
  const walk: Walk = { path: [], identity: false }
  const body =
    what === VALUE
      ? encode(value, walk)
      : `(${what === LIST ? encodeList(value as ArrayLike<unknown>, walk) : encode(value, walk)})`
  return (walk.identity ? IDENTITY : CONTENT) + body
}

// Keys are built by concatenation, not by joining arrays of parts: a key is made on every call
// of a wrapped function, hits included.
function encodeList(items: ArrayLike<unknown>, walk: Walk): string {
  let out = ''
  for (let i = 0; i < items.length; i++) out += (i === 0 ? '' : ',') + encode(items[i], walk)
  return out
}

function encodeSorted(parts: string[]): string {
  return parts.sort().join(',')
}

function encodeIdentity(value: object | symbol, walk: Walk): string {
  walk.identity = true
  return `#${identityOf(value)}`
}

/**
 * The key of a call made on `instance`: its identity joined to the arguments' key, so that two
 * instances never share an entry (the original's `id(self)` could be reused after collection).
 */
export function methodKey(instance: object, key: HashKey): string {
  const args = typeof key === 'string' && !isAtom(key) ? key : encodeAtom(key)
  return `${IDENTITY}#${identityOf(instance)}|${args}`
}

function encodeAtom(value: HashKey): string {
  switch (typeof value) {
    case 'string':
      // Length-prefixed rather than escaped: no scan of the text, and still unambiguous.
      return `'${value.length}:${value}`
    case 'number':
      return Object.is(value, -0) ? '0' : String(value)
    case 'bigint':
      return `${value}n`
    default:
      return String(value)
  }
}

function encode(value: unknown, walk: Walk): string {
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'bigint':
    case 'boolean':
    case 'undefined':
      return encodeAtom(value)
    case 'symbol': {
      const name = Symbol.keyFor(value)
      return name === undefined
        ? encodeIdentity(value, walk)
        : `Symbol.for(${JSON.stringify(name)})`
    }
    case 'function':
      return encodeIdentity(value, walk)
  }
  if (value === null) return 'null'
  const object = value as object
  if (walk.path.includes(object)) {
    throw new TypeError('makeHashable: the value is cyclic (it contains itself); pass a key option')
  }
  walk.path.push(object)
  const body = encodeObject(object, walk)
  walk.path.pop()
  return body
}

/**
 * A plain object, its properties in sorted order. Objects written in one shape usually list
 * their properties in order already: they are encoded in one pass, without collecting or
 * sorting the names; only an out-of-order object pays for the sort.
 */
function encodeRecord(value: Record<string, unknown>, walk: Walk): string {
  let out = '{'
  let last: string | undefined
  for (const k in value) {
    // for-in also walks inherited enumerable properties (a polluted Object.prototype).
    if (!Object.hasOwn(value, k)) continue
    if (last !== undefined && !(k > last)) return encodeSortedRecord(value, walk)
    out += `${last === undefined ? '' : ','}${quoted(k)}:${encode(value[k], walk)}`
    last = k
  }
  return `${out}${encodeSymbolProperties(value, walk, last === undefined)}}`
}

function encodeSortedRecord(value: Record<string, unknown>, walk: Walk): string {
  const keys = Object.keys(value).sort()
  let out = '{'
  for (let i = 0; i < keys.length; i++) {
    out += `${i === 0 ? '' : ','}${quoted(keys[i])}:${encode(value[keys[i]], walk)}`
  }
  return `${out}${encodeSymbolProperties(value, walk, keys.length === 0)}}`
}

/**
 * A record's own enumerable symbol-keyed properties, sorted, after its named ones: the
 * arguments differ observably when they do. Symbols encode as values do (registered ones by
 * name, others by identity), never quoted, so no property name can read as one.
 */
function encodeSymbolProperties(value: object, walk: Walk, first: boolean): string {
  const symbols = Object.getOwnPropertySymbols(value)
  if (symbols.length === 0) return ''
  const parts: string[] = []
  for (const symbol of symbols) {
    if (Object.prototype.propertyIsEnumerable.call(value, symbol)) {
      parts.push(
        `${encode(symbol, walk)}:${encode((value as Record<symbol, unknown>)[symbol], walk)}`,
      )
    }
  }
  return parts.length === 0 ? '' : (first ? '' : ',') + encodeSorted(parts)
}

// Property names repeat from call to call: their JSON forms are kept, a bounded number of them.
const quotes = new Map<string, string>()

function quoted(name: string): string {
  let q = quotes.get(name)
  if (q === undefined) {
    if (quotes.size >= 1024) quotes.clear()
    q = JSON.stringify(name)
    quotes.set(name, q)
  }
  return q
}

function encodeObject(value: object, walk: Walk): string {
  if (Array.isArray(value)) return `[${encodeList(value, walk)}]`
  if (isPlainObject(value)) return encodeRecord(value, walk)
  if (value instanceof Map) {
    const parts: string[] = []
    for (const [k, v] of value) parts.push(`${encode(k, walk)}=>${encode(v, walk)}`)
    return `Map{${encodeSorted(parts)}}`
  }
  if (value instanceof Set) {
    const parts: string[] = []
    for (const item of value) parts.push(encode(item, walk))
    return `Set{${encodeSorted(parts)}}`
  }
  if (value instanceof Date) return `Date(${value.getTime()})`
  if (typeof URL === 'function' && value instanceof URL) return `URL(${JSON.stringify(value.href)})`
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) {
    const view = value instanceof ArrayBuffer ? value : value.buffer
    const bytes = new Uint8Array(view, (value as ArrayBufferView).byteOffset ?? 0, value.byteLength)
    let hex = ''
    for (const b of bytes) hex += (b < 16 ? '0' : '') + b.toString(16)
    return `${value.constructor.name}(${hex})`
  }
  const iterate = (value as Partial<Iterable<unknown>>)[Symbol.iterator]
  // An iterator that is its own iterable (a generator) is one-shot: reading it would consume it.
  if (typeof iterate === 'function' && iterate.call(value) !== value) {
    // Tagged with the class name (identity would not survive a reload): an anonymous class's
    // items must still never read as an array's.
    const items = encodeList(Array.from(value as Iterable<unknown>), walk)
    return `@${value.constructor?.name ?? ''}[${items}]`
  }
  return encodeIdentity(value, walk)
}

/**
 * A key as a person reads it, for tools such as the devtools: the inverse of the encoding
 * {@link makeHashable} and the `asyncCache` wrapper use, as text. Strings are quoted, an
 * argument list reads `(1, "a")`, a method call's key `#3.(1, "a")` (`#3`: the instance's
 * identity number; identity parts are `#n` everywhere). With `callee`, argument lists and
 * atoms read as a call of it: `describeKey(7, 'fetchUser')` is `fetchUser(7)`. Never throws.
 *
 * @example
 * ```ts
 * const search = asyncCache({ name: 'search' })(async (text: string, page: number) => [text, page])
 * await search('tea', 2)
 * const [key] = search.cacheInstance.keys()
 * describeKey(key, search.cacheInstance.name) // 'search("tea", 2)'
 * describeKey(makeHashable({ id: 7 }))   // '{"id": 7}'
 * ```
 */
export function describeKey(key: unknown, callee?: string): string {
  // A flat record argument is keyed by its JSON (see argKey), readable as it is.
  if (typeof key === 'string' && key.charCodeAt(0) === 123) {
    return callee === undefined ? key : `${callee}(${key})`
  }
  if (typeof key !== 'string' || key.charCodeAt(0) > 1 || key === '') {
    const text = typeof key === 'string' ? JSON.stringify(key) : describeAtom(key)
    return callee === undefined ? text : `${callee}(${text})`
  }
  const bar = key.charCodeAt(0) === 1 && key.charCodeAt(1) === 35 ? key.indexOf('|') : -1
  if (bar !== -1) {
    // A method call: `#id|` then the arguments' key, encoded or an atom's encoding.
    const args = key.slice(bar + 1)
    const call = args.charCodeAt(0) <= 1 ? readable(args.slice(1)) : `(${readable(args)})`
    return `${key.slice(1, bar)}.${callee ?? ''}${call}`
  }
  const body = readable(key.slice(1))
  return callee !== undefined && body.startsWith('(') ? `${callee}${body}` : body
}

/**
 * The argument list an {@link argsKey} key was made from, where the key holds it whole: no
 * argument, one atom (its own key) or one flat record (its JSON). `undefined` for any other key,
 * which only describes its arguments.
 */
export function argsOfKey(key: HashKey): unknown[] | undefined {
  if (typeof key !== 'string' || key === '') return [key]
  const c = key.charCodeAt(0)
  if (c === 123) return [JSON.parse(key)]
  if (c > 1) return [key]
  return key === `${CONTENT}()` ? [] : undefined
}

function describeAtom(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`
  return Object.is(value, -0) ? '0' : String(value)
}

/** The encoded body of a key with its strings quoted as JSON and its separators spaced. */
function readable(encoded: string): string {
  let out = ''
  let i = 0
  while (i < encoded.length) {
    const c = encoded[i]
    if (c === "'") {
      // A length-prefixed string: `'5:hello`.
      const colon = encoded.indexOf(':', i)
      const length = Number(encoded.slice(i + 1, colon))
      if (colon === -1 || !Number.isSafeInteger(length)) return out + encoded.slice(i)
      out += JSON.stringify(encoded.slice(colon + 1, colon + 1 + length))
      i = colon + 1 + length
    } else if (c === '"') {
      // A JSON string (a property name, a URL, a symbol's name): copied as it is.
      let end = i + 1
      while (end < encoded.length && encoded[end] !== '"') end += encoded[end] === '\\' ? 2 : 1
      out += encoded.slice(i, end + 1)
      i = end + 1
    } else {
      const arrow = c === '=' && encoded[i + 1] === '>'
      out += arrow ? ' => ' : c === ',' ? ', ' : c === ':' ? ': ' : c
      i += arrow ? 2 : 1
    }
  }
  return out
}
