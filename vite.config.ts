import { fileURLToPath } from 'node:url'
import babel from '@rolldown/plugin-babel'
import { playwright } from '@vitest/browser-playwright'
import { defineConfig } from 'vitest/config'
import { mockApi } from './demo/api.js'
import { CHROMIUM_ARGS, findChromium } from './scripts/chromium-path.mjs'
import { testApi } from './test/support/test-api.js'

const fromRoot = (path: string) => fileURLToPath(new URL(path, import.meta.url))

// Package specifier -> source file. Lets tests import 'asynccache' / 'asynccache/fetch' like a
// consumer would; mirrored by "paths" in tsconfig.json.
const sourceEntries = {
  asynccache: 'lib/index.ts',
  'asynccache/fetch': 'lib/fetch/index.ts',
  'asynccache/persist': 'lib/persist/index.ts',
  'asynccache/devtools': 'devtools/index.ts',
}

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
    alias: Object.entries(sourceEntries).map(([specifier, file]) => ({
      find: new RegExp(`^${specifier}$`),
      replacement: fromRoot(file),
    })),
  },
  build:
    mode === 'demo'
      ? { outDir: 'dist-demo', emptyOutDir: true }
      : {
          outDir: 'dist',
          emptyOutDir: true,
          sourcemap: true,
          // Oxc compress + mangle. For ES library output Vite deliberately keeps whitespace so
          // /* @__PURE__ */ annotations survive for consumers' tree-shaking.
          minify: true,
          lib: {
            // Output name -> source; each is an "exports" entry of package.json.
            entry: {
              index: fromRoot('lib/index.ts'),
              fetch: fromRoot('lib/fetch/index.ts'),
              persist: fromRoot('lib/persist/index.ts'),
              devtools: fromRoot('devtools/index.ts'),
            },
            formats: ['es'],
            fileName: (_format, name) => `${name}.js`,
          },
          rolldownOptions: {
            // idb-keyval (used by persist) stays a real import; preact gets bundled into devtools.
            external: [/^idb-keyval(?:\/|$)/],
          },
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
