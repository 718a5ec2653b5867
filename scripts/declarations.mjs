// The published declaration files: which ones the package's "exports" reach, and which packages
// they import. Used by the build (to ship only those) and by test/e2e/package.test.ts.
import { readFileSync } from 'node:fs'
import { dirname, join, normalize } from 'node:path'

/**
 * Every string a "types" condition of an exports map names, however deeply nested.
 * @param {unknown} exportsMap
 * @returns {string[]}
 */
export function typesEntries(exportsMap) {
  /** @type {string[]} */
  const found = []
  /** @param {unknown} value @param {string | undefined} condition */
  const visit = (value, condition) => {
    if (typeof value === 'string') {
      if (condition === 'types') found.push(value)
    } else if (value !== null && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) visit(inner, key)
    }
  }
  visit(exportsMap, undefined)
  return found
}

// `from '…'`, `import '…'`, `import('…')` and `/// <reference types="…" />`: every way a
// declaration file can pull in another module. Comments (TSDoc examples) are skipped.
const SPECIFIER =
  /(?:\bfrom\s*|\bimport\s*\(?\s*)['"]([^'"]+)['"]|<reference\s+types=['"]([^'"]+)['"]/g

const COMMENT = /\/\*[\s\S]*?\*\/|^\s*\/\/(?!\/ <reference).*$/gm

/**
 * The module specifiers a declaration file imports.
 * @param {string} file
 * @returns {string[]}
 */
export function importsOf(file) {
  const code = readFileSync(file, 'utf8').replace(COMMENT, '')
  return [...code.matchAll(SPECIFIER)].map((m) => m[1] ?? m[2])
}

/**
 * The declaration files reachable from `entries` (paths of .d.ts files) through relative
 * imports, and the bare specifiers (packages) any of them imports.
 * @param {string[]} entries
 * @returns {{ files: Set<string>, packages: Set<string> }}
 */
export function declarationClosure(entries) {
  /** @type {Set<string>} */
  const files = new Set()
  /** @type {Set<string>} */
  const packages = new Set()
  const pending = entries.map((entry) => normalize(entry))
  while (pending.length > 0) {
    const file = /** @type {string} */ (pending.pop())
    if (files.has(file)) continue
    files.add(file)
    for (const specifier of importsOf(file)) {
      if (specifier.startsWith('.')) {
        pending.push(join(dirname(file), specifier.replace(/\.js$/, '.d.ts')))
      } else {
        packages.add(specifier)
      }
    }
  }
  return { files, packages }
}

/**
 * The package a bare specifier belongs to: `preact/hooks` -> `preact`, `@a/b/c` -> `@a/b`.
 * @param {string} specifier
 */
export function packageName(specifier) {
  const parts = specifier.split('/')
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]
}
