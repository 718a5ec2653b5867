import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, test } from 'vitest'

const root = join(dirname(fileURLToPath(import.meta.url)), '../..')
const outDir = join(root, 'test-output/dev-only-build')

test('a production build of an app that mounts the devtools only under import.meta.env.DEV contains no devtools code', async () => {
  // A separate process, as `vite build` runs for an app: the test runner's NODE_ENV=test would
  // make Vite build in development mode.
  const { NODE_ENV: _, VITEST: __, ...env } = process.env
  const vite = join(root, 'node_modules/vite/bin/vite.js')
  const result = spawnSync(
    process.execPath,
    [vite, 'build', join(root, 'test/e2e/fixtures/dev-only')],
    {
      cwd: root,
      env,
      encoding: 'utf8',
    },
  )
  expect(result.stderr).toBe('')
  expect(result.status).toBe(0)
  const assets = join(outDir, 'assets')
  const code = readdirSync(assets)
    .filter((f) => f.endsWith('.js'))
    .map((f) => readFileSync(join(assets, f), 'utf8'))
    .join('\n')
  // The app's own use of the core is there...
  expect(code).toContain('maxsize')
  // ...and nothing of the overlay: its host attribute, its chart library, its panel, Preact.
  for (const marker of [
    'data-asynccache-devtools',
    'uplot',
    'Hits, misses and evictions',
    'attachShadow',
    '__PREACT',
  ]) {
    expect(code).not.toContain(marker)
  }
})
