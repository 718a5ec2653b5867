/**
 * `asynccache/devtools`: a floating overlay that shows, live, what the app's caches do. Under
 * the `production` export condition (production builds of Vite and webpack) this specifier is
 * a no-op (noop.ts) with the same exports, so that a forgotten development guard ships nothing;
 * `asynccache/devtools/production` is this module in every build.
 *
 * Importing this entry touches no browser global; only {@link mountDevtools} does. It bundles
 * its own Preact and renders into a shadow root, so it works in any page whatever the app's
 * framework and CSS.
 *
 * @packageDocumentation
 */
export { mountDevtools } from './mount.js'
export { HOST_ATTRIBUTE, SHORTCUT, STORAGE_KEY } from './names.js'
export type {
  ButtonPosition,
  DevtoolsChart,
  DevtoolsOptions,
  PanelPosition,
  Theme,
} from './options.js'
