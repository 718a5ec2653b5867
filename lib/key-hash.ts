/** Views of one float's bits, reused by every call: hashing a number allocates nothing. */
const float = new Float64Array(1)
const words = new Uint32Array(float.buffer)

/** Object keys get a number on first sight, held weakly: identity is all a cache compares them by. */
const ids = new WeakMap<object, number>()
let nextId = 0

/** A 32-bit finaliser (murmur3's): every input bit moves every output bit. */
export function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b)
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35)
  return (h ^ (h >>> 16)) | 0
}

/**
 * A 32-bit hash of any key, consistent with the cache's `Map` equality (SameValueZero): strings
 * by their characters (FNV-1a), numbers by value, objects and functions by identity. Frequency
 * estimates are all it feeds, so a collision only blurs a count.
 */
export function hashKey(key: unknown): number {
  switch (typeof key) {
    case 'string': {
      let h = 0x811c9dc5
      for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193)
      return mix(h)
    }
    case 'number':
      if ((key | 0) === key) return mix(key)
      // +0 and -0 are one key to a Map; NaN is one key too, whatever its bits.
      float[0] = key === 0 ? 0 : Number.isNaN(key) ? Number.NaN : key
      return mix(words[0] ^ mix(words[1]))
    case 'object':
    case 'function': {
      if (key === null) return 0x2545f491
      let id = ids.get(key)
      if (id === undefined) {
        id = ++nextId
        ids.set(key, id)
      }
      return mix(id ^ 0x5bd1e995)
    }
    default:
      // booleans, undefined, bigints, symbols: rare as keys, so a string is fine.
      return hashKey(`${typeof key}:${String(key)}`)
  }
}
