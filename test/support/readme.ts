/**
 * The README's examples as the tests run them: the code blocks of one fence kind, and what each
 * example's `console.log(...) // prints this` lines say they print.
 */

/** The code of every block fenced with exactly this info string (`ts`, `ts browser`). */
export function codeBlocks(markdown: string, info: string): string[] {
  const fence = new RegExp(`^\`\`\`${info}\\n([\\s\\S]*?)^\`\`\`$`, 'gm')
  return [...markdown.matchAll(fence)].map((m) => m[1])
}

/** The framework a ```tsx block is written for: the one whose hooks entry it imports. */
export function frameworkOf(code: string): 'react' | 'preact' {
  return code.includes("from 'asynccache/react'") ? 'react' : 'preact'
}

/**
 * What `code` says it prints: for each `console.log` line, in order, the comment after `) // `
 * ('' for a line that says nothing, which must then print nothing). A comment with `...`
 * elides, and stands for whatever that line printed.
 */
export function expectedOutput(code: string, printed: string[]): string[] {
  return [...code.matchAll(/console\.log\(.*$/gm)].map((m, i) => {
    const said = m[0].split(') // ')[1] ?? ''
    return said.includes('...') ? printed[i] : said
  })
}
