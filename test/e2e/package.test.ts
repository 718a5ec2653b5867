import { type SpawnSyncOptions, spawnSync } from 'node:child_process'
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { format } from 'node:util'
import type { Browser } from 'playwright-core'
import { createServer, type Plugin, preview } from 'vite'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { declarationClosure, packageName, typesEntries } from '../../scripts/declarations.mjs'
import { codeBlocks, expectedOutput } from '../support/readme.js'
import { launchChromium } from './harness.js'

/**
 * The package as a newcomer meets it: `npm pack`, installed from the tarball (offline) into apps
 * laid out like create-vite's vanilla-ts and preact-ts templates, outside this repository so that
 * nothing of its node_modules (Preact, uPlot) is in reach. Then: what the tarball holds, publint
 * and attw, the dependencies npm installs, the declarations type-checked by the apps' own tsc
 * (with skipLibCheck off in vanilla-ts), every entry require()d and imported by Node, and the
 * README's examples run by each app in real Chromium, in development and in a production build.
 */
const root = join(dirname(fileURLToPath(import.meta.url)), '../..')
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
const bin = (name: string) => join(root, 'node_modules/.bin', name)

/** What `npm pack --json` says of one tarball (in part). */
interface Packed {
  filename: string
  files: { path: string }[]
}

const dependencies = Object.keys(manifest.dependencies ?? {})
/** The packages the package's JavaScript and declarations may import: dependencies and peers. */
const runtimePackages = [...dependencies, ...Object.keys(manifest.peerDependencies ?? {})]
const fixtures = join(root, 'test/e2e/fixtures/create-vite')

/**
 * The apps (test/e2e/fixtures/create-vite/<name>, create-vite 9.3.0's templates with the README's
 * `experimentalDecorators`): what each installs itself besides asynccache, linked from this
 * repository's node_modules once the install is checked (tsc runs from here), and how its
 * `npm run build` type-checks. An entry that needs a peer (react) adds it to `packages`.
 */
const apps = {
  'vanilla-ts': {
    // The hooks' peers, for node-entries.mjs.
    packages: ['vite', 'react', 'preact'],
    tsc: ['-p', '.', '--skipLibCheck', 'false'],
  },
  'preact-ts': {
    packages: ['vite', 'preact', '@preact/preset-vite', '@types/node'],
    tsc: ['-b'],
  },
}
type AppName = keyof typeof apps

/** `names` and, transitively, their dependencies, as installed in this repository. */
function installedClosure(names: string[]): string[] {
  const found = new Set<string>()
  const visit = (name: string) => {
    if (found.has(name)) return
    found.add(name)
    const file = join(root, 'node_modules', name, 'package.json')
    Object.keys(JSON.parse(readFileSync(file, 'utf8')).dependencies ?? {}).forEach(visit)
  }
  names.forEach(visit)
  return [...found]
}

/** Runs a command to completion; throws with its output unless it exits with status 0. */
function run(command: string, args: string[], options: SpawnSyncOptions = {}): string {
  const result = spawnSync(command, args, { cwd: root, encoding: 'utf8', ...options })
  if (result.status !== 0) {
    throw new Error(
      `\`${command} ${args.join(' ')}\` exited with ${result.status}:\n${result.stdout}${result.stderr}`,
    )
  }
  return String(result.stdout)
}

/** `npm pack` of a directory into `destination`; what npm says it packed. */
function pack(directory: string, destination: string): Packed {
  const out = run('npm', [
    'pack',
    directory,
    '--json',
    '--ignore-scripts',
    '--pack-destination',
    destination,
  ])
  return (JSON.parse(out) as Packed[])[0]
}

let work: string
let tarballs: string[]
let packed: Packed
/** `npm ls --all` in the vanilla-ts app right after the install, and the packages it installed. */
let tree: { status: number | null; stdout: string }
let installedPackages: string[]
/** The README's ```ts and ```ts browser blocks, in that order: src/examples/example-<n>.ts. */
const readme = readFileSync(join(root, 'README.md'), 'utf8')
const examples = [...codeBlocks(readme, 'ts'), ...codeBlocks(readme, 'ts browser')]
const appDir = (name: AppName) => join(work, name)

/** The packages installed in an app's node_modules, scoped ones as `@scope/name`. */
function packagesIn(dir: string): string[] {
  return readdirSync(join(dir, 'node_modules'), { withFileTypes: true }).flatMap((entry) =>
    entry.name.startsWith('@')
      ? readdirSync(join(dir, 'node_modules', entry.name)).map((n) => `${entry.name}/${n}`)
      : entry.name.startsWith('.')
        ? []
        : [entry.name],
  )
}

/** Copies an app, installs the tarballs into it, links its own packages, adds the examples. */
function installApp(name: AppName, check?: (dir: string) => void): void {
  const dir = appDir(name)
  cpSync(join(fixtures, name), dir, { recursive: true })
  cpSync(join(fixtures, 'run-examples.ts'), join(dir, 'src/run-examples.ts'))
  run('npm', ['install', '--offline', '--no-audit', '--no-fund', ...tarballs], { cwd: dir })
  check?.(dir)
  for (const pkg of apps[name].packages) {
    mkdirSync(dirname(join(dir, 'node_modules', pkg)), { recursive: true })
    symlinkSync(join(root, 'node_modules', pkg), join(dir, 'node_modules', pkg), 'dir')
  }
  mkdirSync(join(dir, 'src/examples'))
  examples.forEach((code, i) => {
    writeFileSync(join(dir, `src/examples/example-${i + 1}.ts`), code)
  })
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'asynccache-consumer-'))
  // What `npm pack` (through the prepack script) and `npm publish` build.
  run('npm', ['run', 'build:lib'])
  packed = pack(root, work)
  // The dependencies come as tarballs of the installed copies (theirs too): the install needs
  // no network. Optional peers are not installed, as npm does not install them either.
  tarballs = [
    packed.filename,
    ...installedClosure(dependencies).map(
      (name) => pack(join(root, 'node_modules', name), work).filename,
    ),
  ].map((file) => join(work, file))
  installApp('vanilla-ts', (dir) => {
    tree = spawnSync('npm', ['ls', '--all'], { cwd: dir, encoding: 'utf8' })
    installedPackages = packagesIn(dir)
  })
  installApp('preact-ts')
}, 120_000)

afterAll(() => {
  if (work !== undefined) rmSync(work, { recursive: true, force: true })
})

describe('the packed tarball', () => {
  test('holds the build, the declarations reached from "exports", LICENSE, README and nothing else', () => {
    const paths = packed.files.map((f) => f.path)
    expect(paths.filter((p) => !p.startsWith('dist/')).sort()).toEqual([
      'LICENSE',
      'README.md',
      'package.json',
    ])
    expect(paths.filter((p) => p.endsWith('.map'))).toEqual([])
    const installed = join(appDir('vanilla-ts'), 'node_modules/asynccache')
    const { files } = declarationClosure(
      typesEntries(manifest.exports).map((entry) => join(installed, entry)),
    )
    const shipped = paths.filter((p) => p.endsWith('.d.ts')).map((p) => join(installed, p))
    expect(shipped.sort()).toEqual([...files].sort())
  })

  test('publint (strict) finds nothing to report', () => {
    expect(run(bin('publint'), ['run', '--strict', join(work, packed.filename)])).toContain(
      'All good!',
    )
  })

  test('attw finds no problem for bundlers and Node 16+ ESM (ESM-only profile)', () => {
    // node16-from-CJS is left out: TypeScript calls a require() of an ES module "dynamic import
    // only", though Node 20.19+ runs it (the require() test below does).
    run(bin('attw'), [join(work, packed.filename), '--profile', 'esm-only', '--format', 'table'])
  })

  test('its dependencies are exactly the packages its JavaScript imports at run time', () => {
    const installed = join(appDir('vanilla-ts'), 'node_modules/asynccache')
    const imported = new Set(
      packed.files
        .filter((f) => f.path.endsWith('.js'))
        .flatMap((f) =>
          [
            ...readFileSync(join(installed, f.path), 'utf8').matchAll(/\bfrom\s*"([^".][^"]*)"/g),
          ].map((m) => packageName(m[1])),
        ),
    )
    expect([...imported].filter((name) => !runtimePackages.includes(name))).toEqual([])
    expect(dependencies.filter((name) => !imported.has(name))).toEqual([])
  })

  test('installs nothing but itself and its dependencies (not Preact, not uPlot), with no unmet peer', () => {
    // The optional peers (the hooks' frameworks) are not installed, and npm says so.
    const optional = Object.keys(manifest.peerDependenciesMeta ?? {})
    const unmetOptional = new RegExp(`UNMET OPTIONAL DEPENDENCY (?:${optional.join('|')})@`)
    const lines = tree.stdout.split('\n').filter((line) => !unmetOptional.test(line))
    expect(lines.join('\n')).not.toMatch(/UNMET|invalid|missing|extraneous/)
    expect(tree.status).toBe(0)
    expect(installedPackages.sort()).toEqual(
      ['asynccache', ...installedClosure(dependencies)].sort(),
    )
  })

  test('its declarations import no package but its dependencies and peers', () => {
    const installed = join(appDir('vanilla-ts'), 'node_modules/asynccache')
    const { packages } = declarationClosure(
      typesEntries(manifest.exports).map((entry) => join(installed, entry)),
    )
    expect(
      [...packages].map(packageName).filter((name) => !runtimePackages.includes(name)),
    ).toEqual([])
  })

  for (const name of Object.keys(apps) as AppName[]) {
    test(`the ${name} app's tsc accepts the declarations and the README's examples`, () => {
      // create-vite's tsconfig (erasableSyntaxOnly, verbatimModuleSyntax, noUnusedLocals, ...)
      // plus the README's experimentalDecorators; vanilla-ts's src/types.ts checks that nothing
      // is `any`, with skipLibCheck off.
      run(bin('tsc'), apps[name].tsc, { cwd: appDir(name) })
    })
  }

  for (const how of ['require', 'import']) {
    test(`${how}() of every entry works under Node ${process.version}`, () => {
      const out = run(process.execPath, ['node-entries.mjs', how], { cwd: appDir('vanilla-ts') })
      expect(out.trim().split('\n')).toEqual([
        'asynccache 42 1',
        'asynccache/fetch /users/1 1',
        'asynccache/persist unavailable',
        'asynccache/devtools function Alt+Shift+C needs a DOM',
        'asynccache/devtools/production function Alt+Shift+C needs a DOM',
        'asynccache/react function function',
        'asynccache/preact function function',
      ])
      const entries = Object.keys(manifest.exports).map((key) => join('asynccache', key))
      expect(
        out
          .trim()
          .split('\n')
          .map((line) => line.split(' ')[0]),
      ).toEqual(entries)
    })
  }

  test('under the production condition, asynccache/devtools is the no-op and /production the panel', () => {
    const out = run(process.execPath, ['--conditions=production', 'node-entries.mjs', 'import'], {
      cwd: appDir('vanilla-ts'),
    })
    const devtools = out.split('\n').filter((line) => line.startsWith('asynccache/devtools'))
    expect(devtools).toEqual([
      'asynccache/devtools function Alt+Shift+C mounts: function',
      'asynccache/devtools/production function Alt+Shift+C needs a DOM',
    ])
  })
})

/**
 * `vite build` of the app in `dir`, in a separate process as an app's build runs: the test
 * runner's NODE_ENV=test would make Vite build for development. The built JavaScript.
 */
function viteBuild(dir: string): string {
  const { NODE_ENV: _, VITEST: __, ...env } = process.env
  const vite = join(dir, 'node_modules/vite/bin/vite.js')
  run(process.execPath, [vite, 'build', '--logLevel', 'error'], { cwd: dir, env })
  const assets = join(dir, 'dist/assets')
  return readdirSync(assets)
    .filter((file) => file.endsWith('.js'))
    .map((file) => readFileSync(join(assets, file), 'utf8'))
    .join('\n')
}

/**
 * A one-page app beside the others (their node_modules linked) that mounts the devtools from
 * `specifier`, open, with no `import.meta.env.DEV` guard.
 */
function devtoolsApp(name: string, specifier: string): string {
  const dir = join(work, name)
  mkdirSync(dir)
  symlinkSync(join(appDir('vanilla-ts'), 'node_modules'), join(dir, 'node_modules'), 'dir')
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><html><body><script type="module" src="/main.js"></script></body></html>\n',
  )
  writeFileSync(
    join(dir, 'main.js'),
    [
      "import { AsyncCache } from 'asynccache'",
      `import { mountDevtools } from '${specifier}'`,
      "new AsyncCache({ maxsize: 10, name: 'app' }).set('answer', 42)",
      'mountDevtools({ initialIsOpen: true })',
      "document.body.dataset.done = 'true'",
      '',
    ].join('\n'),
  )
  return dir
}

/** The API the README's examples call: `/api/users/:id` answers `{ id }`. */
function usersApi(): Plugin {
  const handle = (url: string | undefined, response: import('node:http').ServerResponse) => {
    const id = Number(/^\/api\/users\/(\d+)$/.exec(url ?? '')?.[1])
    response.setHeader('content-type', 'application/json')
    response.end(JSON.stringify({ id }))
  }
  return {
    name: 'users-api',
    configureServer: (server) => {
      server.middlewares.use('/api/users', (request, response) =>
        handle(request.originalUrl, response),
      )
    },
    configurePreviewServer: (server) => {
      server.middlewares.use('/api/users', (request, response) =>
        handle(request.originalUrl, response),
      )
    },
  }
}

describe("the README's examples in the create-vite apps, in Chromium", () => {
  let browser: Browser
  beforeAll(async () => {
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
  })

  /** Loads the app, waits until every example has run; what each printed, and every error. */
  async function runApp(url: string): Promise<{ printed: string[][]; errors: string[] }> {
    const context = await browser.newContext()
    const page = await context.newPage()
    const printed: Promise<string>[][] = []
    const errors: string[] = []
    page.on('console', (message) => {
      if (message.type() === 'info' && message.text().startsWith('example ')) printed.push([])
      else if (message.type() === 'log') {
        const args = Promise.all(message.args().map((arg) => arg.jsonValue()))
        printed.at(-1)?.push(args.then((values) => format(...values)))
      } else if (message.type() === 'error' || message.type() === 'warning') {
        errors.push(`console.${message.type()}: ${message.text()} (${message.location().url})`)
      }
    })
    const failed = new Promise<void>((settle) => {
      page.on('pageerror', (error) => {
        errors.push(`page error: ${error.message}`)
        settle()
      })
    })
    await page.goto(url)
    await Promise.race([
      page.locator('body[data-done="true"]').waitFor({ state: 'attached' }),
      failed,
    ])
    const result = { printed: await Promise.all(printed.map((p) => Promise.all(p))), errors }
    await context.close()
    return result
  }

  function expectAllRan({ printed, errors }: { printed: string[][]; errors: string[] }) {
    expect(errors).toEqual([])
    expect(printed).toHaveLength(examples.length)
    examples.forEach((code, i) => {
      expect(printed[i], `README example ${i + 1}`).toEqual(expectedOutput(code, printed[i]))
    })
  }

  for (const name of Object.keys(apps) as AppName[]) {
    test(`${name}, in development (vite): every example runs as written, with no console error`, async () => {
      const server = await createServer({
        root: appDir(name),
        logLevel: 'error',
        plugins: [usersApi()],
        server: { host: '127.0.0.1', port: 0 },
      })
      await server.listen()
      try {
        expectAllRan(await runApp(server.resolvedUrls?.local[0] as string))
      } finally {
        await server.close()
      }
    })

    test(`${name}, built (vite build, vite preview): every example runs as written, with no console error`, async () => {
      const dir = appDir(name)
      viteBuild(dir)
      const server = await preview({
        root: dir,
        logLevel: 'error',
        plugins: [usersApi()],
        preview: { host: '127.0.0.1', port: 0 },
      })
      try {
        expectAllRan(await runApp(server.resolvedUrls?.local[0] as string))
      } finally {
        await server.close()
      }
    })
  }

  /** Strings only the panel's code holds: its shadow root, its graph's title. */
  const panelMarkers = ['attachShadow', 'Hits, misses and evictions per second']

  /** Serves a built app; the text of the devtools' panel once the page has run, or null. */
  async function panelText(dir: string): Promise<string | null> {
    const server = await preview({
      root: dir,
      logLevel: 'error',
      preview: { host: '127.0.0.1', port: 0 },
    })
    const context = await browser.newContext()
    try {
      const page = await context.newPage()
      const errors: string[] = []
      page.on('pageerror', (error) => errors.push(error.message))
      await page.goto(server.resolvedUrls?.local[0] as string)
      await page.locator('body[data-done="true"]').waitFor({ state: 'attached' })
      expect(errors).toEqual([])
      if ((await page.locator('[data-asynccache-devtools]').count()) === 0) return null
      return await page.locator('[data-asynccache-devtools] .panel').textContent()
    } finally {
      await context.close()
      await server.close()
    }
  }

  test('a production build that forgot the DEV guard: asynccache/devtools ships no panel and mounts none', async () => {
    const dir = devtoolsApp('devtools-unguarded', 'asynccache/devtools')
    const code = viteBuild(dir)
    expect(code).toContain('maxsize') // the app's own use of the core is there
    for (const marker of panelMarkers) expect(code).not.toContain(marker)
    expect(await panelText(dir)).toBeNull()
  })

  test('a production build importing asynccache/devtools/production ships the panel, which opens', async () => {
    const dir = devtoolsApp('devtools-production', 'asynccache/devtools/production')
    const code = viteBuild(dir)
    for (const marker of panelMarkers) expect(code).toContain(marker)
    expect(await panelText(dir)).toContain('Hits, misses and evictions per second')
  })
})
