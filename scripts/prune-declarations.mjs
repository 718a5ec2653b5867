// After `tsc --emitDeclarationOnly`: keeps in dist/types only the declaration files that the
// package's "exports" reach. tsc emits one per source file, internals included (the devtools'
// Preact components, whose types name Preact, a bundled package users do not install).
import { readdirSync, readFileSync, rmSync } from 'node:fs'
import { join, normalize } from 'node:path'
import { declarationClosure, typesEntries } from './declarations.mjs'

const root = new URL('..', import.meta.url).pathname
const { exports: exportsMap } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
const { files } = declarationClosure(typesEntries(exportsMap).map((entry) => join(root, entry)))

const typesDir = join(root, 'dist/types')
let removed = 0
for (const entry of readdirSync(typesDir, { recursive: true, withFileTypes: true })) {
  const path = normalize(join(entry.parentPath, entry.name))
  if (entry.isFile() && !files.has(path)) {
    rmSync(path)
    removed++
  }
}
console.log(`prune-declarations: kept ${files.size} declaration files, removed ${removed}`)
