import { afterEach, expect, test, vi } from 'vitest'
import { commands } from 'vitest/browser'
import readme from '../../README.md?raw'
import { codeBlocks, expectedOutput } from '../support/readme.js'

/**
 * Runs every ```ts browser block of the README in real Chromium (they need IndexedDB or a DOM),
 * as written, and checks each `console.log(...) // expected` line against what it printed.
 * The blocks are written under test-output/ (git-ignored) and imported through Vite.
 */
const blocks = codeBlocks(readme, 'ts browser')

afterEach(() => {
  vi.restoreAllMocks()
})

test('the README has browser examples', () => {
  expect(blocks.length).toBeGreaterThanOrEqual(2)
})

test.each(blocks.map((code, i) => [i + 1, code] as const))(
  'README browser example %i runs as written',
  async (n, code) => {
    await commands.writeFile(`test-output/readme-browser/example-${n}.ts`, code)
    const printed: string[] = []
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      printed.push(args.map(String).join(' '))
    })
    await import(/* @vite-ignore */ `/test-output/readme-browser/example-${n}.ts`)
    expect(printed).toEqual(expectedOutput(code, printed))
  },
)
