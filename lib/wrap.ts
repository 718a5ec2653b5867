import { AsyncCache } from './cache.js'
import {
  argKey,
  argsKey,
  argsOfKey,
  describeKey,
  type HashKey,
  makeHashable,
  methodKey,
} from './keys.js'
import type { Loader, LoadOptions } from './loading.js'
import type { AsyncCacheOptions } from './options.js'
import { type RetryOption, retrying, retryPolicy } from './retry.js'

// biome-ignore lint/suspicious/noExplicitAny: the wrapper accepts any function signature.
type AnyFunction = (...args: any[]) => unknown

/** Options of {@link asyncCache}: the cache's options, with `maxsize` optional. */
export interface AsyncCacheWrapperOptions extends Omit<AsyncCacheOptions, 'maxsize'> {
  /** Most results held at once. Default 128. */
  maxsize?: number
  /**
   * Computes the key from the arguments instead of {@link makeHashable}; its result is made
   * hashable in turn. The instance is still added for method calls.
   */
  key?: (...args: never[]) => unknown
  /**
   * Retries a rejected load: that many times, or as {@link RetryOptions} say, after delays
   * growing exponentially with full jitter (default 0: a rejection reaches the callers, as
   * fetch's does). The callers waiting share the one retrying load; each failed try that is
   * retried emits `load-retry`, and the wait ends when every caller has left.
   */
  retry?: RetryOption
}

/** A function wrapped by {@link asyncCache}: same parameters and `this`, the result awaited and cached. */
export type CachedFunction<F extends AnyFunction> = ((
  this: ThisParameterType<F>,
  ...args: Parameters<F>
) => Promise<Awaited<ReturnType<F>>>) & {
  /** The cache behind the function (the original's `cache_instance`). */
  readonly cacheInstance: AsyncCache<HashKey, Awaited<ReturnType<F>>>
  /**
   * Drops the entry for these arguments; true if there was one. For a method, call it on the
   * instance: `cacheOf(Service.prototype.get).cacheInstance` or `fn.invalidate.call(service, ...args)`.
   */
  invalidate(this: unknown, ...args: Parameters<F>): boolean
  /** The cache key a call with these arguments uses (for a method, call it on the instance). */
  keyOf(this: unknown, ...args: Parameters<F>): HashKey
  /**
   * The cached value for these arguments, fresh or stale, without loading, counting or marking
   * a use; `undefined` when there is none.
   */
  peek(this: unknown, ...args: Parameters<F>): Awaited<ReturnType<F>> | undefined
  /**
   * Calls through the cache as the function does, with one call's {@link LoadOptions}: a
   * `signal` that makes only this caller leave, `refresh` to load over a fresh entry.
   */
  load(this: unknown, args: Parameters<F>, options?: LoadOptions): Promise<Awaited<ReturnType<F>>>
}

/** What `asyncCache(options)` returns: a wrapper for functions, usable as either kind of method decorator. */
export interface AsyncCacheDecorator {
  /** Wraps `fn`: `asyncCache(options)(fn)`. */
  <F extends AnyFunction>(fn: F): CachedFunction<F>
  /** A TC39 standard method decorator (TypeScript 5+). */
  <F extends AnyFunction>(method: F, context: ClassMethodDecoratorContext): CachedFunction<F>
  /** A legacy (`experimentalDecorators`) method decorator. */
  (target: object, propertyKey: string | symbol, descriptor: PropertyDescriptor): PropertyDescriptor
}

/**
 * Whether a call's `this` is an instance the key must include. Not the wrapper itself (as in
 * `fn.invalidate(...)`), the global object (a sloppy caller's default) or a module namespace
 * (`api.fetchUser(1)` after `import * as api`): those are not methods' instances.
 */
function isInstance(self: unknown, wrapper: AnyFunction): self is object {
  if (typeof self === 'function') return self !== wrapper
  return (
    typeof self === 'object' &&
    self !== null &&
    self !== globalThis &&
    (self as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag] !== 'Module'
  )
}

const caches = new WeakMap<AnyFunction, AsyncCache<HashKey, unknown>>()

/**
 * Caches the results of an async function, the TypeScript counterpart of the original's
 * `@async_cache`: one {@link AsyncCache} per decorated function, single-flight loading, keys
 * from all arguments through {@link makeHashable} and, for method calls, from the instance
 * too, so that two instances never share an entry.
 *
 * @example
 * ```ts
 * const fetchUser = asyncCache({ maxsize: 256, policy: 'LRU', ttl: 60 })(
 *   async (id: number) => (await fetch(`/api/users/${id}`)).json(),
 * )
 * ```
 */
export function asyncCache(options: AsyncCacheWrapperOptions = {}): AsyncCacheDecorator {
  const { key: customKey, retry: retryOption, ...cacheOptions } = options
  const retry = retryPolicy(retryOption)
  if (customKey !== undefined && typeof customKey !== 'function') {
    throw new TypeError(
      `asyncCache: key must be a function of the arguments, got ${typeof customKey}`,
    )
  }

  function wrap<F extends AnyFunction>(fn: F, name: string | undefined): CachedFunction<F> {
    type R = Awaited<ReturnType<F>>
    // An option given as undefined means its default, as everywhere.
    const cache = new AsyncCache<HashKey, R>({
      ...cacheOptions,
      maxsize: cacheOptions.maxsize === undefined ? 128 : cacheOptions.maxsize,
      name: cacheOptions.name === undefined ? name : cacheOptions.name,
    })
    const keyOf = (self: unknown, args: unknown[]): HashKey => {
      const key =
        customKey === undefined
          ? argsKey(args)
          : makeHashable(customKey.apply(self, args as never[]))
      return isInstance(self, cached) ? methodKey(self, key) : key
    }
    const loaderOf = (key: HashKey, run: () => unknown): Loader<R> =>
      retry === undefined
        ? (run as () => Promise<R>)
        : (signal) =>
            retrying(run as () => Promise<R>, retry, signal, (attempt, error, delayMs) =>
              cache.publish({ type: 'load-retry', key, attempt, error, delayMs }),
            )
    function cached(this: unknown, arg?: unknown): Promise<R> {
      // biome-ignore lint/complexity/noArguments: a rest parameter would allocate on every hit.
      const n = arguments.length
      let args: unknown[] | undefined
      let key: HashKey
      try {
        if (n === 1 && customKey === undefined && !isInstance(this, cached)) {
          key = argKey(arg)
        } else {
          args = []
          // biome-ignore lint/complexity/noArguments: see above.
          for (let i = 0; i < n; i++) args.push(arguments[i])
          key = keyOf(this, args)
        }
      } catch (error) {
        // As from an async function: an argument that cannot be keyed (a cycle) rejects.
        return Promise.reject(error)
      }
      // A hit allocates nothing; the loader's closure is made only when there is a load to run,
      // in a function of its own (a closure here would make every call allocate its context).
      return cache.hit(key) ?? miss(key, this, arg, args)
    }
    function miss(key: HashKey, self: unknown, arg: unknown, args: unknown[] | undefined) {
      const load = () => (args === undefined ? fn.call(self, arg) : fn.apply(self, args))
      return cache.getOrLoad(key, loaderOf(key, load))
    }
    Object.defineProperty(cached, 'name', { value: fn.name })
    Object.defineProperty(cached, 'cacheInstance', { value: cache })
    Object.defineProperty(cached, 'invalidate', {
      value(this: unknown, ...args: unknown[]) {
        return cache.delete(keyOf(this, args))
      },
    })
    Object.defineProperty(cached, 'keyOf', {
      value(this: unknown, ...args: unknown[]) {
        return keyOf(this, args)
      },
    })
    Object.defineProperty(cached, 'peek', {
      value(this: unknown, ...args: unknown[]) {
        return cache.info(keyOf(this, args))?.value
      },
    })
    Object.defineProperty(cached, 'load', {
      value(this: unknown, args: unknown[], options?: LoadOptions) {
        try {
          const self = isInstance(this, cached) ? this : undefined
          const key = keyOf(this, args)
          return cache.getOrLoad(
            key,
            loaderOf(key, () => fn.apply(self, args)),
            options,
          )
        } catch (error) {
          return Promise.reject(error)
        }
      },
    })
    // For tools: keys read as calls of the cache's name (the option survives minification, a
    // function's name does not), and a key that holds its arguments whole can be loaded again.
    const callee = cache.name ?? ''
    cache.describeKey = (key) => describeKey(key, callee)
    if (customKey === undefined) {
      cache.reloader = (key) => {
        const args = argsOfKey(key)
        if (args !== undefined) {
          return cache.getOrLoad(
            key,
            loaderOf(key, () => fn(...args)),
            { refresh: true },
          )
        }
        const call = describeKey(key, callee)
        return Promise.reject(
          new TypeError(
            `asyncCache cannot call ${call} again: a key keeps the arguments whole only for no argument, one primitive or one flat record (never a method's instance)`,
          ),
        )
      }
    }
    caches.set(cached, cache as AsyncCache<HashKey, unknown>)
    return cached as unknown as CachedFunction<F>
  }

  return function decorate(
    fn: AnyFunction | object,
    context?: ClassMethodDecoratorContext | string | symbol,
    descriptor?: PropertyDescriptor,
  ) {
    if (descriptor !== undefined && typeof descriptor.value === 'function') {
      descriptor.value = wrap(descriptor.value, String(context))
      return descriptor
    }
    if (typeof fn !== 'function') {
      throw new TypeError(
        `asyncCache(...) wraps a function or decorates a method, got ${typeof fn}`,
      )
    }
    if (typeof context === 'object' && context.kind !== 'method') {
      throw new TypeError(`@asyncCache decorates methods, not a ${String(context.kind)}`)
    }
    return wrap(
      fn as AnyFunction,
      typeof context === 'object' ? String(context.name) : fn.name || undefined,
    )
  } as AsyncCacheDecorator
}

/**
 * The cache behind a function wrapped or a method decorated by {@link asyncCache}, typed; a
 * decorator cannot change a method's type, so `instance.method.cacheInstance` does not type-check.
 */
export function cacheOf<V = unknown>(fn: AnyFunction): AsyncCache<HashKey, V> {
  const cache = caches.get(fn)
  if (cache === undefined) {
    throw new TypeError(`cacheOf: ${fn?.name || 'this function'} was not wrapped by asyncCache()`)
  }
  return cache as AsyncCache<HashKey, V>
}
