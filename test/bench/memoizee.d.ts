// memoizee ships no types; this covers the options the benchmark uses.
declare module 'memoizee' {
  interface Options {
    promise?: boolean
    max?: number
    primitive?: boolean
    normalizer?: (args: ArrayLike<unknown>) => string
  }
  export default function memoizee<F extends (...args: never[]) => unknown>(
    fn: F,
    options?: Options,
  ): F
}
