/**
 * `asynccache/devtools`: a floating overlay that shows, live, what the app's caches do.
 *
 * Importing this entry touches no browser global; only {@link mountDevtools} does. It bundles
 * its own Preact and renders into a shadow root, so it works in any page whatever the app's
 * framework and CSS.
 *
 * @packageDocumentation
 */
export { HOST_ATTRIBUTE, mountDevtools } from './mount.js'
export type { ButtonPosition, DevtoolsChart, DevtoolsOptions, Theme } from './options.js'
export { SHORTCUT } from './shortcut.js'
export { STORAGE_KEY } from './storage.js'
