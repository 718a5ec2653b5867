import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { format } from 'node:util'
import { afterEach, beforeEach, expect, test, vi } from 'vitest'
import { codeBlocks, expectedOutput, frameworkOf } from '../support/readme.js'

/**
 * Runs every ```ts block of the README as a module, as written, and checks each
 * `console.log(...) // expected` line against what it printed (lines whose comment elides
 * with `...` are only run).
 */
const root = join(dirname(fileURLToPath(import.meta.url)), '../..')
const readme = readFileSync(join(root, 'README.md'), 'utf8')
// ```tsx blocks are the hooks' examples, compiled with their framework's JSX runtime (the files
// are outside tsconfig.json's reach, which names Preact's).
const blocks = [
  ...codeBlocks(readme, 'ts').map((code) => ({ code, ext: 'ts' })),
  ...codeBlocks(readme, 'tsx').map((code) => ({
    code: `/** @jsxImportSource ${frameworkOf(code)} */\n${code}`,
    ext: 'tsx',
  })),
]
// Git-ignored, and matched by the decorator transform in vite.config.ts.
const dir = join(root, 'test-output/readme-examples')

beforeEach(() => {
  // The examples fetch from an app's API; here a tiny one answers with what was asked.
  vi.stubGlobal('fetch', async (url: string) => {
    const id = Number(String(url).split('/').pop())
    return new Response(JSON.stringify({ id }), { headers: { 'content-type': 'application/json' } })
  })
})

afterEach(() => {
  vi.unstubAllGlobals()
  vi.restoreAllMocks()
})

test('the README has runnable examples', () => {
  expect(blocks.length).toBeGreaterThanOrEqual(5)
})

test.each(blocks.map(({ code, ext }, i) => [i + 1, code, ext] as const))(
  'README example %i runs as written',
  async (n, code, ext) => {
    mkdirSync(dir, { recursive: true })
    const file = join(dir, `example-${n}.${ext}`)
    writeFileSync(file, code)
    const printed: string[] = []
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      printed.push(format(...args))
    })
    await import(/* @vite-ignore */ pathToFileURL(file).href)
    // Every console.log line says what it prints, so a reader knows without running it.
    expect(printed).toEqual(expectedOutput(code, printed))
  },
)
