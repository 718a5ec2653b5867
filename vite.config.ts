import { fileURLToPath } from 'node:url'
import babel from '@rolldown/plugin-babel'
import { playwright } from '@vitest/browser-playwright'
import { defineConfig } from 'vitest/config'
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
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          environment: 'happy-dom',
          // For the tests that watch caches being collected (the registry's pruning).
          execArgv: ['--expose-gc'],
          include: ['test/unit/**/*.test.ts', 'test/unit/**/*.test.tsx'],
        },
      },
      {
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
      },
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
