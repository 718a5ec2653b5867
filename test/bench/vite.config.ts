import { isAbsolute } from 'node:path'
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'

const fromRoot = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url))

/**
 * Builds the benchmark, simulator and size scripts for Node (which cannot run TypeScript),
 * into bench-output/build/: `vite build -c test/bench/vite.config.ts`. 'asynccache' is
 * compiled from lib/ and minified, as a user's bundler would ship it; every other package
 * stays an import of its published build from node_modules.
 */
export default defineConfig({
  publicDir: false,
  logLevel: 'warn',
  resolve: {
    alias: [{ find: /^asynccache$/, replacement: fromRoot('lib/index.ts') }],
  },
  build: {
    outDir: fromRoot('bench-output/build'),
    emptyOutDir: true,
    minify: true,
    target: 'es2022',
    lib: {
      entry: {
        bench: fromRoot('test/bench/bench.ts'),
        sim: fromRoot('test/bench/sim.ts'),
        size: fromRoot('test/bench/size.ts'),
      },
      formats: ['es'],
      fileName: (_format, name) => `${name}.mjs`,
    },
    rolldownOptions: {
      external: (id) =>
        id !== 'asynccache' && !id.startsWith('.') && !id.startsWith('\0') && !isAbsolute(id),
    },
  },
})
