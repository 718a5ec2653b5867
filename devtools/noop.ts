/**
 * What `asynccache/devtools` resolves to under the `production` export condition, which Vite
 * and webpack set in production builds: the same exports, with a `mountDevtools` that mounts
 * nothing, so that an app which forgot its `import.meta.env.DEV` guard ships no panel (TanStack
 * Query's convention). `asynccache/devtools/production` is the panel in every build. The
 * package's `types` condition comes first, so both share the panel's declarations.
 */
import type { mountDevtools as panel } from './mount.js'

export { HOST_ATTRIBUTE, SHORTCUT, STORAGE_KEY } from './names.js'

const unmount = (): void => {}

/** Mounts nothing, checks nothing: returns an `unmount()` that does nothing. */
export const mountDevtools: typeof panel = () => unmount
