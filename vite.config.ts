import { fileURLToPath } from 'node:url'
import babel from '@rolldown/plugin-babel'
import { playwright } from '@vitest/browser-playwright'
import type { Plugin } from 'vite'
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config'
import { mockApi } from './demo/api.js'
import { CHROMIUM_ARGS, findChromium } from './scripts/chromium-path.mjs'
import { testApi } from './test/support/test-api.js'

const fromRoot = (path: string) => fileURLToPath(new URL(path, import.meta.url))

// The package's entry points: output file in dist/ -> package specifier(s) and source. Each
// specifier is an "exports" entry of package.json (checked by test/e2e/package.test.ts) and a
// "paths" entry of tsconfig.json; tests and the demo import the specifiers, which resolve to the
// sources. `asynccache/devtools` is the panel here, as in an app's development build; under the
// `production` condition package.json points it at the no-op, which no specifier names here.
const entries: Record<string, { specifier: string | string[]; source: string }> = {
  index: { specifier: 'asynccache', source: 'lib/index.ts' },
  fetch: { specifier: 'asynccache/fetch', source: 'lib/fetch/index.ts' },
  persist: { specifier: 'asynccache/persist', source: 'lib/persist/index.ts' },
  devtools: {
    specifier: ['asynccache/devtools', 'asynccache/devtools/production'],
    source: 'devtools/index.ts',
  },
  'devtools-noop': { specifier: [], source: 'devtools/noop.ts' },
  react: { specifier: 'asynccache/react', source: 'lib/react/index.ts' },
  preact: { specifier: 'asynccache/preact', source: 'lib/preact/index.ts' },
}

// Packages dist imports at run time instead of bundling them: package.json's dependencies
// (idb-keyval, for persist) and peerDependencies (react; preact for lib/preact only). Everything
// else (Preact, uPlot) is bundled: the devtools never import the app's Preact.
// test/e2e/package.test.ts checks both lists agree.
const external = (id: string, importer: string | undefined) =>
  /^(?:idb-keyval|react|react-dom)(?:\/|$)/.test(id) ||
  (/^preact(?:\/|$)/.test(id) && /[\\/]lib[\\/]preact[\\/]/.test(importer ?? ''))

// Vite 8's Oxc transform does not lower TC39 decorators, so files using `@decorator` syntax go
// through Babel first. Kept to an explicit list because Babel is slow; extend as needed.
const decoratorFiles = [/\.decorators\.test\.tsx?(?:$|\?)/, /[\\/]readme-examples[\\/]/]

const unit: TestProjectInlineConfiguration = {
  extends: true,
  test: {
    name: 'unit',
    environment: 'happy-dom',
    // For the tests that watch caches being collected (the registry's pruning).
    execArgv: ['--expose-gc'],
    include: ['test/unit/**/*.test.ts', 'test/unit/**/*.test.tsx'],
  },
}

// A function: each project counts its own requests.
const browser = (): TestProjectInlineConfiguration => ({
  extends: true,
  // Real HTTP for the fetch layer's browser tests, counted on the server side.
  plugins: [testApi()],
  test: {
    name: 'browser',
    include: ['test/browser/**/*.test.ts', 'test/browser/**/*.test.tsx'],
    browser: {
      enabled: true,
      headless: true,
      provider: playwright({
        launchOptions: {
          // undefined -> Playwright's own downloaded browser.
          executablePath: findChromium() ?? undefined,
          args: CHROMIUM_ARGS,
        },
      }),
      instances: [{ browser: 'chromium' }],
    },
  },
})

// The hooks' suites run again on the oldest majors of the peer ranges: Preact 10 (the npm alias
// preact10) and React 18 (the workspace test/frameworks/react18: react-dom 18's peer react cannot
// be met beside the root's React 19 under an alias). Imports of react and react-dom resolve as
// if made from that workspace, so that react-dom finds the same React 18 as the hooks.
const react18 = fromRoot('test/frameworks/react18/package.json')
const fromReact18: Plugin = {
  name: 'react-18',
  enforce: 'pre',
  resolveId(source, _importer, options) {
    if (!/^react(?:-dom)?(?:\/|$)/.test(source)) return null
    return this.resolve(source, react18, { ...options, skipSelf: true })
  },
}
const oldestPeers = (
  project: TestProjectInlineConfiguration,
  include: string[],
): TestProjectInlineConfiguration => ({
  ...project,
  plugins: [fromReact18, ...(project.plugins ?? [])],
  resolve: { alias: [{ find: /^preact(?=\/|$)/, replacement: 'preact10' }] },
  // Its own pre-bundled dependencies: `react` there is React 18.
  cacheDir: 'node_modules/.vite/react18-preact10',
  test: {
    ...project.test,
    name: `${project.test?.name}-react18-preact10`,
    provide: { peers: { react: 18, preact: 10 } },
    include,
    // Run through Vite, for the alias: Preact's own entries (preact/hooks...) and
    // preact-render-to-string import `preact`, which Node would resolve to Preact 11.
    server: { deps: { inline: [/[\\/]node_modules[\\/]preact(?:10|-render-to-string)[\\/]/] } },
  },
})

// `vite` and `vite preview` serve the demo (index.html) with its mock API; `vite build` builds the
// library, `vite build --mode demo` the demo app into dist-demo/.
export default defineConfig(({ mode }) => ({
  plugins: [
    babel({
      include: decoratorFiles,
      plugins: [['@babel/plugin-proposal-decorators', { version: '2023-11' }]],
    }),
    mockApi(),
  ],
  resolve: {
    // Anchored regexes: a plain 'asynccache' alias would also rewrite 'asynccache/fetch'.
    alias: Object.values(entries).flatMap(({ specifier, source }) =>
      [specifier].flat().map((name) => ({
        find: new RegExp(`^${name}$`),
        replacement: fromRoot(source),
      })),
    ),
  },
  build:
    mode === 'demo'
      ? { outDir: 'dist-demo', emptyOutDir: true }
      : {
          outDir: 'dist',
          emptyOutDir: true,
          // No source maps in the package: see "The package" in README.md.
          sourcemap: false,
          // Oxc compress + mangle. For ES library output Vite deliberately keeps whitespace so
          // /* @__PURE__ */ annotations survive for consumers' tree-shaking.
          minify: true,
          lib: {
            entry: Object.fromEntries(
              Object.entries(entries).map(([name, { source }]) => [name, fromRoot(source)]),
            ),
            formats: ['es'],
            fileName: (_format, name) => `${name}.js`,
          },
          rolldownOptions: { external },
        },
  test: {
    // The majors the hooks' suites check they run on (test/support/peers.ts).
    provide: { peers: { react: 19, preact: 11 } },
    projects: [
      unit,
      oldestPeers(unit, ['test/unit/hooks-*.test.ts', 'test/unit/hooks-*.test.tsx']),
      browser(),
      oldestPeers(browser(), ['test/browser/hooks-*.test.ts']),
      {
        extends: true,
        test: {
          // Playwright drives Chromium against the demo served by a Vite server the tests start.
          name: 'e2e',
          environment: 'node',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
}))
