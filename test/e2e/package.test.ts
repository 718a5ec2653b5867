import { type SpawnOptions, type SpawnSyncOptions, spawn, spawnSync } from 'node:child_process'
import {
  cpSync,
  existsSync,
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
import { codeBlocks, expectedOutput, frameworkOf } from '../support/readme.js'
import { launchChromium } from './harness.js'

/**
 * The package as a newcomer meets it: `npm pack`, installed from the tarball (offline) into apps
 * laid out like create-vite's vanilla-ts, preact-ts and react-ts templates (and react-ts on
 * React 18), outside this repository so that nothing of its node_modules (Preact, uPlot) is in
 * reach. Then: what the tarball holds, publint and attw, the dependencies npm installs (and the
 * apps' Preact 10, React 19 and React 18 meeting the peer ranges), the declarations type-checked by the apps' own tsc (with skipLibCheck off in
 * vanilla-ts), every entry require()d and imported by Node, and the README's examples (its
 * hooks' ```tsx blocks in the app of their framework) run by each app in real Chromium, in
 * development and in a production build, against a local API that counts the requests.
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

const readme = readFileSync(join(root, 'README.md'), 'utf8')
/** A README block an app runs, as src/examples/example-<n>.<ext>. */
interface Example {
  code: string
  ext: 'ts' | 'tsx'
}
const ts: Example[] = [...codeBlocks(readme, 'ts'), ...codeBlocks(readme, 'ts browser')].map(
  (code) => ({ code, ext: 'ts' }),
)
/** The hooks' ```tsx blocks for one framework. */
const tsx = (framework: 'react' | 'preact'): Example[] =>
  codeBlocks(readme, 'tsx')
    .filter((code) => frameworkOf(code) === framework)
    .map((code) => ({ code, ext: 'tsx' }))

/** One app: see {@link apps}. */
interface App {
  /** The fixture it is copied from, when not the one of its name. */
  fixture?: string
  /**
   * Installed with asynccache from tarballs of this repository's copies (and their
   * dependencies), found as a package in `from` (default: the repository) finds them.
   */
  installs?: { names: string[]; from?: string }
  /** The peer it installs, which asynccache's peer range must accept and resolve to. */
  peer?: { name: 'preact' | 'react'; major: number }
  /** Linked from this repository's node_modules once the install is checked (tsc runs from here). */
  packages: string[]
  /** How its `npm run build` type-checks. */
  tsc: string[]
  /** The README's blocks it runs, in order. */
  examples: Example[]
  /**
   * What its main.tsx renders once the examples have run: ten components of its framework's
   * quick start (example 1) for one key, in `container`, each then showing `text`.
   */
  ten?: { container: string; text: string }
  /** Requests the API must have counted for these paths once the page is done. */
  requests?: Record<string, number>
}

/**
 * create-vite's react-ts, on the React of `major` and its types found from `from` (as
 * {@link App.installs} says): see {@link apps}.
 */
const reactApp = (major: number, from?: string): App => ({
  fixture: 'react-ts',
  // React as an app's own dependency, so that npm checks asynccache's peer range against it.
  installs: { names: ['react', 'react-dom', '@types/react', '@types/react-dom'], from },
  peer: { name: 'react', major },
  packages: ['vite', '@vitejs/plugin-react', '@types/node'],
  tsc: ['-b'],
  examples: tsx('react'),
  ten: { container: '#root', text: 'User 8' },
  // The quick start's first render (from what it loaded before: one request), the ten
  // components under StrictMode (one).
  requests: { '/api/users/7': 1, '/api/users/8': 1 },
})

/**
 * The apps (test/e2e/fixtures/create-vite/<name>, create-vite 9.3.0's templates, vanilla-ts and
 * preact-ts with the README's `experimentalDecorators`; react-ts as generated). An entry that needs
 * a peer (react) adds it to `packages`. The frameworks are installed at the versions the templates
 * ask for (preact ^10.29.8, react ^19.3.1), and react-ts again on React 18 with its types (the
 * test/frameworks/react18 workspace), the oldest major of its peer range.
 */
const apps = {
  'vanilla-ts': {
    // The hooks' peers, for node-entries.mjs.
    packages: ['vite', 'react', 'preact'],
    tsc: ['-p', '.', '--skipLibCheck', 'false'],
    examples: ts,
  },
  'preact-ts': {
    // Preact 10 (the preact10 alias here), and preact-render-to-string for the README's
    // server-side rendering example, installed so that it imports that Preact.
    installs: { names: ['preact10', 'preact-render-to-string'] },
    peer: { name: 'preact', major: 10 },
    packages: ['vite', '@preact/preset-vite', '@types/node'],
    tsc: ['-b'],
    examples: [...tsx('preact'), ...ts],
    ten: { container: '#app', text: 'Product 4' },
    // The quick start's first render (from what it loaded before: one request), the ten
    // components (one), the server-side rendering example's server (one; its client none).
    requests: { '/api/products/3': 1, '/api/products/4': 1, '/api/users/5': 1 },
  },
  'react-ts': reactApp(19),
  'react18-ts': reactApp(18, 'test/frameworks/react18'),
} satisfies Record<string, App>
type AppName = keyof typeof apps
const app = (name: AppName): App => apps[name]

/** Where Node finds package `name` from directory `from`: in its node_modules or a parent's. */
function locate(name: string, from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const found = join(dir, 'node_modules', name)
    if (existsSync(join(found, 'package.json'))) return found
    if (dir === root) throw new Error(`${name} is not installed where ${from} would find it`)
  }
}

/**
 * `names` and, transitively, their dependencies, as installed in this repository (found from
 * `from`, as Node finds them): each package's name (an alias's is the real one) and directory.
 */
function installedClosure(names: string[], from = root): Map<string, string> {
  const found = new Map<string, string>()
  const visit = (from: string) => (name: string) => {
    const dir = locate(name, from)
    const { name: real, dependencies = {} } = JSON.parse(
      readFileSync(join(dir, 'package.json'), 'utf8'),
    )
    if (found.has(real)) return
    found.set(real, dir)
    Object.keys(dependencies).forEach(visit(dir))
  }
  names.forEach(visit(from))
  return found
}

/** How a command ended. */
interface Exit {
  status: number | null
  stdout: string
  stderr: string
}

/** A command's output; throws with all of it unless the command exited with status 0. */
function succeeded(command: string, args: string[], { status, stdout, stderr }: Exit): string {
  if (status !== 0) {
    throw new Error(`\`${command} ${args.join(' ')}\` exited with ${status}:\n${stdout}${stderr}`)
  }
  return stdout
}

/** Runs a command to completion; throws with its output unless it exits with status 0. */
function run(command: string, args: string[], options: SpawnSyncOptions = {}): string {
  const result = spawnSync(command, args, { cwd: root, encoding: 'utf8', ...options })
  const { status, stdout, stderr } = result
  return succeeded(command, args, { status, stdout: String(stdout), stderr: String(stderr) })
}

/** Starts a command beside others (the apps install side by side); how it ended. */
function start(command: string, args: string[], options: SpawnOptions = {}): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, ...options })
    const exit: Exit = { status: null, stdout: '', stderr: '' }
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      exit.stdout += chunk
    })
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      exit.stderr += chunk
    })
    child.on('error', reject)
    child.on('close', (status) => resolve({ ...exit, status }))
  })
}

/** {@link run}, started beside others. */
async function runBeside(command: string, args: string[], options?: SpawnOptions): Promise<string> {
  return succeeded(command, args, await start(command, args, options))
}

/** `npm pack` of a directory into `destination`; what npm says it packed. */
async function pack(directory: string, destination: string): Promise<Packed> {
  const args = ['pack', directory, '--json', '--ignore-scripts', '--pack-destination', destination]
  return (JSON.parse(await runBeside('npm', args)) as Packed[])[0]
}

let work: string
let tarballs: string[]
let packed: Packed
/** `npm ls --all` right after the install, in the apps that check it; what vanilla-ts installed. */
const trees = new Map<AppName, Exit>()
let installedPackages: string[]
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

/** A README block as an app's module: a ```tsx block also exports its components. */
function exampleModule({ code, ext }: Example): string {
  if (ext === 'ts') return code
  const components = [...code.matchAll(/^function ([A-Z]\w*)/gm)].map((m) => m[1])
  return `${code}\nexport { ${components.join(', ')} }\n`
}

/** Tarballs of this repository's copies of `names` and of their dependencies, in `work`. */
async function tarballsOf(names: string[], from = root): Promise<string[]> {
  const packs = [...installedClosure(names, from).values()].map((dir) => pack(dir, work))
  return (await Promise.all(packs)).map(({ filename }) => join(work, filename))
}

/**
 * Copies an app, installs the tarballs into it (`check` then looks at the install), links its
 * own packages, adds the examples.
 */
async function installApp(name: AppName, check?: (dir: string) => Promise<void>): Promise<void> {
  const dir = appDir(name)
  const { fixture = name, installs, packages, examples } = app(name)
  cpSync(join(fixtures, fixture), dir, { recursive: true })
  cpSync(join(fixtures, 'run-examples.ts'), join(dir, 'src/run-examples.ts'))
  const own = await tarballsOf(installs?.names ?? [], join(root, installs?.from ?? ''))
  const install = ['install', '--offline', '--no-audit', '--no-fund', ...tarballs, ...own]
  await runBeside('npm', install, { cwd: dir })
  await check?.(dir)
  for (const pkg of packages) {
    mkdirSync(dirname(join(dir, 'node_modules', pkg)), { recursive: true })
    symlinkSync(join(root, 'node_modules', pkg), join(dir, 'node_modules', pkg), 'dir')
  }
  mkdirSync(join(dir, 'src/examples'))
  examples.forEach((example, i) => {
    writeFileSync(join(dir, `src/examples/example-${i + 1}.${example.ext}`), exampleModule(example))
  })
}

/** Records `npm ls --all` in an app's directory. */
const recordTree = (name: AppName) => async (dir: string) => {
  trees.set(name, await start('npm', ['ls', '--all'], { cwd: dir }))
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'asynccache-consumer-'))
  // What `npm pack` (through the prepack script) and `npm publish` build.
  run('npm', ['run', 'build:lib'])
  packed = await pack(root, work)
  // The dependencies come as tarballs of the installed copies (theirs too): the install needs
  // no network. Optional peers are not installed, as npm does not install them either.
  tarballs = [join(work, packed.filename), ...(await tarballsOf(dependencies))]
  await Promise.all([
    installApp('vanilla-ts', async (dir) => {
      installedPackages = packagesIn(dir)
      await recordTree('vanilla-ts')(dir)
    }),
    installApp('preact-ts', recordTree('preact-ts')),
    installApp('react-ts', recordTree('react-ts')),
    installApp('react18-ts', recordTree('react18-ts')),
  ])
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

  /**
   * The problems `npm ls --all` reports in an app, and its exit status. The optional peers (the
   * hooks' frameworks) an app does not install are no problem: npm only says they are absent.
   */
  function npmProblems(name: AppName): { problems: string[]; status: number | null } {
    const optional = Object.keys(manifest.peerDependenciesMeta ?? {})
    const unmetOptional = new RegExp(`UNMET OPTIONAL DEPENDENCY (?:${optional.join('|')})@`)
    const { stdout = '', status = null } = trees.get(name) ?? {}
    const problems = stdout
      .split('\n')
      .filter((line) => /UNMET|invalid|missing|extraneous/.test(line) && !unmetOptional.test(line))
    return { problems, status }
  }

  test('installs nothing but itself and its dependencies (not Preact, not uPlot), with no unmet peer', () => {
    expect(npmProblems('vanilla-ts')).toEqual({ problems: [], status: 0 })
    expect(installedPackages.sort()).toEqual(
      ['asynccache', ...installedClosure(dependencies).keys()].sort(),
    )
  })

  for (const name of Object.keys(apps) as AppName[]) {
    const { peer } = app(name)
    if (peer === undefined) continue
    const framework = `${peer.name} ${peer.major}`
    test(`installed beside the ${name} app's own ${framework}, its peer is that ${peer.name}, and valid`, () => {
      expect(npmProblems(name)).toEqual({ problems: [], status: 0 })
      // asynccache's lines in the tree: its dependencies, and its peers as resolved.
      const own = /^├─┬ asynccache@.*\n((?:│ .*\n)*)/m.exec(trees.get(name)?.stdout ?? '')?.[1]
      expect(own).toMatch(
        new RegExp(`^│ [├└]── ${peer.name}@${peer.major}\\.\\d+\\.\\d+ deduped$`, 'm'),
      )
    })
  }

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

/**
 * The API the README's examples call, on the app's own server: `/api/users/:id` and
 * `/api/products/:id` answer `{ id }`, anything else under /api is a 404. `requests` counts the
 * requests for each path.
 */
function exampleApi(): { plugin: Plugin; requests: Map<string, number> } {
  const requests = new Map<string, number>()
  const handle = (url = '', response: import('node:http').ServerResponse) => {
    const path = url.split('?')[0]
    requests.set(path, (requests.get(path) ?? 0) + 1)
    const id = /^\/api\/(?:users|products)\/(\d+)$/.exec(path)?.[1]
    response.statusCode = id === undefined ? 404 : 200
    response.setHeader('content-type', 'application/json')
    response.end(JSON.stringify(id === undefined ? { error: 'no such path' } : { id: Number(id) }))
  }
  const use = (server: { middlewares: import('vite').Connect.Server }) => {
    server.middlewares.use('/api', (request, response) => handle(request.originalUrl, response))
  }
  return {
    plugin: { name: 'example-api', configureServer: use, configurePreviewServer: use },
    requests,
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

  /** What one page load did: what each example printed, what `ten` showed, every error. */
  interface Run {
    printed: string[][]
    shown: string[]
    errors: string[]
  }

  /**
   * Loads the app, waits until every example has run and, for an app with `ten`, until its ten
   * components show their data.
   */
  async function runApp(url: string, { ten }: App): Promise<Run> {
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
    let shown: string[] = []
    if (ten !== undefined && errors.length === 0) {
      const items = page.locator(`${ten.container} > *`)
      const allShown = items
        .filter({ hasText: new RegExp(`^${ten.text}$`) })
        .nth(9)
        .waitFor()
      // Should they never all show it, what they show instead is the clearer failure.
      await Promise.race([allShown.catch(() => {}), failed])
      shown = await items.allTextContents()
    }
    const result = { printed: await Promise.all(printed.map((p) => Promise.all(p))), shown, errors }
    await context.close()
    return result
  }

  function expectAllRan(
    { printed, shown, errors }: Run,
    { examples, ten, requests }: App,
    counted: Map<string, number>,
  ) {
    expect(errors).toEqual([])
    expect(printed).toHaveLength(examples.length)
    examples.forEach(({ code }, i) => {
      expect(printed[i], `README example ${i + 1}`).toEqual(expectedOutput(code, printed[i]))
    })
    if (ten !== undefined) expect(shown).toEqual(Array(10).fill(ten.text))
    for (const [path, n] of Object.entries(requests ?? {})) {
      expect(counted.get(path) ?? 0, `requests for ${path}`).toBe(n)
    }
  }

  /** What each app's page is checked for, in a test's name. */
  const checks = (name: AppName) =>
    app(name).ten === undefined
      ? 'every example runs as written, with no console error'
      : 'every example runs as written, ten components on one key make one request, no console error'

  for (const name of Object.keys(apps) as AppName[]) {
    test(`${name}, in development (vite): ${checks(name)}`, async () => {
      const api = exampleApi()
      const server = await createServer({
        root: appDir(name),
        logLevel: 'error',
        plugins: [api.plugin],
        server: { host: '127.0.0.1', port: 0 },
      })
      await server.listen()
      try {
        const result = await runApp(server.resolvedUrls?.local[0] as string, app(name))
        expectAllRan(result, app(name), api.requests)
      } finally {
        await server.close()
      }
    })

    test(`${name}, built (vite build, vite preview): ${checks(name)}`, async () => {
      const dir = appDir(name)
      viteBuild(dir)
      const api = exampleApi()
      const server = await preview({
        root: dir,
        logLevel: 'error',
        plugins: [api.plugin],
        preview: { host: '127.0.0.1', port: 0 },
      })
      try {
        const result = await runApp(server.resolvedUrls?.local[0] as string, app(name))
        expectAllRan(result, app(name), api.requests)
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
