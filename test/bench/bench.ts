/**
 * `npm run bench`: asynccache against the JavaScript caches and memoizers people use, side by
 * side in one run, in two modes:
 * - `separate`: each contender in a Node process of its own, so that no library's shapes or
 *   garbage disturb another's JIT state: every call site sees one library (monomorphic).
 * - `shared`: every contender of a group in one process, through one call site, as in an app
 *   that uses several libraries: the call site sees all of them (megamorphic), and they share
 *   the heap and the collector.
 * The whole set is repeated `--cycles` times, interleaved, so that load from other work spreads
 * over everyone alike. Prints Markdown tables (median and range over the runs) and the
 * targets, and writes the same to bench-output/bench.json.
 *
 *   node --expose-gc bench-output/build/bench.mjs [--only <group>] [--cycles <n>] [--mode separate|shared|both]
 *   node --expose-gc bench-output/build/bench.mjs --task <group>:<row>     one contender, JSON out
 *   node --expose-gc bench-output/build/bench.mjs --shared <group>         one shared process, JSON out
 *   node --expose-gc bench-output/build/bench.mjs --profile <group>:<row>  CPU profile summary
 *   node --expose-gc bench-output/build/bench.mjs --profile <group> --mode shared
 *
 * For readable names in a profile, build without minifying first:
 * `npx vite build -c test/bench/vite.config.ts --minify false`.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { parseArgs } from 'node:util'
import { type Group, groups, type Measurement } from './groups.js'
import { defaultTiming, median, sharedThroughput, throughput } from './measure.js'
import { topSelfTime } from './profile.js'
import { markdownTable, percent, thousands } from './table.js'

type Mode = 'separate' | 'shared'

interface RowResult {
  id: string
  name: string
  role: string
  /** Per run (cycle): the median of its samples; undefined where that run failed. */
  runs: (number | undefined)[]
  /** Median over the runs of {@link runs}. */
  median: number
  min: number
  max: number
  /** Median per wall-clock second (throughput groups), for comparison with `median`. */
  wallMedian?: number
  /** Per run: this row over the reference row of the same cycle. */
  ratios: number[]
  ratio: number
  ratioMin: number
  ratioMax: number
  hitRatio?: number
  error?: string
}

interface Target {
  goal: string
  mode: Mode
  measured: string
  ratio: number
  ratioMin: number
  ratioMax: number
  met: boolean
}

interface GroupResult {
  group: Group
  mode: Mode
  rows: RowResult[]
  reference?: RowResult
}

const script = process.argv[1]
const { values: options } = parseArgs({
  options: {
    task: { type: 'string' },
    shared: { type: 'string' },
    profile: { type: 'string' },
    only: { type: 'string' },
    cycles: { type: 'string', default: '3' },
    mode: { type: 'string', default: 'both' },
  },
})

const modeNames: Record<Mode, string> = {
  separate: 'each contender in a process of its own',
  shared: 'every contender in one process, one call site',
}

function findGroup(groupId: string): Group {
  const group = groups.find((g) => g.id === groupId)
  if (group === undefined) {
    throw new Error(`unknown group '${groupId}'; groups are: ${groups.map((g) => g.id).join(', ')}`)
  }
  return group
}

function findTask(taskId: string): [Group, string] {
  const [groupId, rowId] = taskId.split(':')
  const group = groups.find((g) => g.id === groupId)
  if (group === undefined || !group.rows.some((r) => r.id === rowId)) {
    const known = groups.flatMap((g) => g.rows.map((r) => `${g.id}:${r.id}`)).join(', ')
    throw new Error(`unknown task '${taskId}'; tasks are: ${known}`)
  }
  return [group, rowId]
}

function sharedGroup(groupId: string): Group {
  const group = findGroup(groupId)
  if (group.shared !== true || group.prepare === undefined) {
    const known = groups.filter((g) => g.shared === true).map((g) => g.id)
    throw new Error(`group '${groupId}' has no shared mode; groups with one: ${known.join(', ')}`)
  }
  return group
}

function modesOf(value: string | undefined): Mode[] {
  if (value === 'both') return ['separate', 'shared']
  if (value === 'separate' || value === 'shared') return [value]
  throw new Error(`--mode must be separate, shared or both, got '${value}'`)
}

/** Measures one contender in this process: the child's work in `separate` mode. */
async function measureTask(group: Group, rowId: string): Promise<Measurement> {
  if (group.prepare === undefined)
    return (group.measure as (id: string) => Promise<Measurement>)(rowId)
  const prepared = await group.prepare(rowId)
  const t = await throughput(prepared, defaultTiming)
  return { samples: t.cpu, wall: t.wall, ...(await prepared.finish()) }
}

/** Every contender of a group in this process, interleaved: the child's work in `shared` mode. */
async function measureShared(group: Group): Promise<Record<string, Measurement | string>> {
  const prepare = group.prepare as NonNullable<Group['prepare']>
  const out: Record<string, Measurement | string> = {}
  const prepared = []
  for (const row of group.rows) {
    try {
      prepared.push({ row, timed: await prepare(row.id) })
    } catch (error) {
      out[row.id] = (error as Error).message
    }
  }
  const timings = await sharedThroughput(prepared.map((p) => p.timed))
  for (const [k, { row, timed }] of prepared.entries()) {
    try {
      out[row.id] = { samples: timings[k].cpu, wall: timings[k].wall, ...(await timed.finish()) }
    } catch (error) {
      out[row.id] = (error as Error).message
    }
  }
  return out
}

/** Runs this script in a fresh process with `args`; the child prints JSON. */
function runChild<T>(args: string[], nodeFlags: string[] = []): T {
  const child = spawnSync(process.execPath, [...nodeFlags, '--expose-gc', script, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 22,
  })
  if (child.status !== 0) {
    throw new Error(
      `${args.join(' ')} failed: ${child.stderr.trim().split('\n').slice(-3).join(' / ')}`,
    )
  }
  return JSON.parse(child.stdout) as T
}

const range = (values: number[]) => [Math.min(...values), Math.max(...values)]

function summarize(
  group: Group,
  mode: Mode,
  measured: Map<string, (Measurement | undefined)[]>,
  errors: Map<string, string>,
): GroupResult {
  const rows: RowResult[] = group.rows.map((row) => {
    const runs = measured.get(row.id) ?? []
    const medians = runs.map((m) => (m === undefined ? undefined : median(m.samples)))
    const ok = medians.filter((v) => v !== undefined)
    const wall = runs.flatMap((m) => (m?.wall === undefined ? [] : [median(m.wall)]))
    const [min, max] = ok.length === 0 ? [Number.NaN, Number.NaN] : range(ok)
    return {
      ...row,
      runs: medians,
      median: ok.length === 0 ? Number.NaN : median(ok),
      min,
      max,
      wallMedian: wall.length === 0 ? undefined : median(wall),
      ratios: [],
      ratio: Number.NaN,
      ratioMin: Number.NaN,
      ratioMax: Number.NaN,
      hitRatio: runs.filter((m) => m !== undefined).at(-1)?.hitRatio,
      error: ok.length === 0 ? (errors.get(row.id) ?? 'no run succeeded') : errors.get(row.id),
    }
  })
  const peers = rows.filter((r) => r.role === 'peer' && !Number.isNaN(r.median))
  const reference =
    group.reference === undefined
      ? peers.reduce((best, r) => (r.median > best.median ? r : best), peers[0])
      : rows.find((r) => r.id === group.reference)
  for (const r of rows) ratios(r, reference)
  return { group, mode, rows, reference }
}

/** Fills `row`'s ratios to `reference`, run by run: cycles ran close in time, so they pair. */
function ratios(row: RowResult, reference: RowResult | undefined): void {
  if (reference === undefined) return
  row.ratios = row.runs.flatMap((v, c) => {
    const ref = reference.runs[c]
    return v === undefined || ref === undefined ? [] : [v / ref]
  })
  if (row.ratios.length === 0) return
  row.ratio = median(row.ratios)
  ;[row.ratioMin, row.ratioMax] = range(row.ratios)
}

const figure = (unit: Group['unit'], value: number) =>
  unit === 'ops/s' ? thousands(value) : value.toFixed(1)

function printGroup({ group, mode, rows, reference }: GroupResult): string {
  const isOps = group.unit === 'ops/s'
  const f = (v: number) => figure(group.unit, v)
  const table = markdownTable(
    [
      group.column,
      `${group.unit} (median)`,
      'range of runs',
      `vs ${reference?.name ?? 'best peer'}`,
      'ratio range',
      ...(isOps ? ['hit ratio'] : []),
    ],
    rows.map((r) =>
      Number.isNaN(r.median)
        ? [r.name, 'failed', '', '', '', ...(isOps ? [''] : [])]
        : [
            r.name,
            f(r.median),
            `${f(r.min)} – ${f(r.max)}`,
            `${r.ratio.toFixed(2)}x`,
            `${r.ratioMin.toFixed(2)} – ${r.ratioMax.toFixed(2)}`,
            ...(isOps ? [r.hitRatio === undefined ? '' : percent(r.hitRatio, 1)] : []),
          ],
    ),
    [1, 2, 3, 4],
  )
  const failures = rows.filter((r) => r.error !== undefined).map((r) => `- ${r.name}: ${r.error}`)
  return [`#### ${modeNames[mode]}`, '', table, ...failures].join('\n')
}

function json({ group, mode, rows, reference }: GroupResult) {
  const { id, title, unit } = group
  return { id, mode, title, unit, reference: reference?.id, rows }
}

/** The issues' targets, each read off one of our rows and a peer (or the group's reference). */
function targets(results: GroupResult[]): Target[] {
  const out: Target[] = []
  const check = (
    goal: string,
    groupId: string,
    rowId: string,
    peerId: string | undefined,
    met: (ratio: number) => boolean,
  ) => {
    for (const result of results.filter((r) => r.group.id === groupId)) {
      const mine = result.rows.find((r) => r.id === rowId)
      const ref = peerId === undefined ? result.reference : result.rows.find((r) => r.id === peerId)
      if (mine === undefined || ref === undefined || Number.isNaN(mine.median)) continue
      const vs: RowResult = { ...mine }
      ratios(vs, ref)
      const unit = result.group.unit
      out.push({
        goal,
        mode: result.mode,
        measured: `${figure(unit, mine.median)} vs ${ref.name} ${figure(unit, ref.median)} ${unit}`,
        ratio: vs.ratio,
        ratioMin: vs.ratioMin,
        ratioMax: vs.ratioMax,
        met: met(vs.ratio),
      })
    }
  }
  const atLeast = (x: number) => (r: number) => r >= x
  check('LRU mixed stream >= mnemonist LRUMap', 'mixed', 'asynccache-lru', 'mnemonist', atLeast(1))
  check('LRU mixed stream >= lru-cache', 'mixed', 'asynccache-lru', 'lru-cache', atLeast(1))
  check('LRU mixed stream >= fastest LRU peer', 'mixed', 'asynccache-lru', undefined, atLeast(1))
  check(
    'LFU mixed stream >= 80% of fastest LRU peer',
    'mixed',
    'asynccache-lfu',
    undefined,
    atLeast(0.8),
  )
  check(
    'memoized hit, primitive >= best memoizer',
    'memo-primitive',
    'asynccache',
    undefined,
    atLeast(1),
  )
  check('memoized hit, object >= best memoizer', 'memo-object', 'asynccache', undefined, atLeast(1))
  check('memory per entry <= lru-cache', 'memory', 'asynccache-lru', undefined, (r) => r <= 1)
  const adaptive = 'asynccache-adaptive'
  check(
    'ADAPTIVE mixed stream >= 0.5x LRU, 10,000 entries',
    'mixed',
    adaptive,
    'asynccache-lru',
    atLeast(0.5),
  )
  check(
    'ADAPTIVE mixed stream >= 0.3x LRU, 1,000 entries',
    'mixed-1k',
    adaptive,
    undefined,
    atLeast(0.3),
  )
  return out
}

async function orchestrate(): Promise<void> {
  const cycles = Number(options.cycles)
  const modes = modesOf(options.mode)
  const selected = options.only === undefined ? groups : [findGroup(options.only)]
  /** Per mode and group: per row, one Measurement per cycle (undefined where it failed). */
  const measured = new Map<string, Map<string, (Measurement | undefined)[]>>()
  const errors = new Map<string, Map<string, string>>()
  const slot = (mode: Mode, g: Group) => {
    const id = `${mode}:${g.id}`
    if (!measured.has(id)) {
      measured.set(id, new Map(g.rows.map((r) => [r.id, []])))
      errors.set(id, new Map())
    }
    return {
      runs: measured.get(id) as Map<string, (Measurement | undefined)[]>,
      errs: errors.get(id) as Map<string, string>,
    }
  }
  const record = (mode: Mode, g: Group, rowId: string, cycle: number, m: Measurement | string) => {
    const { runs, errs } = slot(mode, g)
    const list = runs.get(rowId) as (Measurement | undefined)[]
    list[cycle - 1] = typeof m === 'string' ? undefined : m
    if (typeof m === 'string') errs.set(rowId, m)
    const shown = typeof m === 'string' ? m : `${figure(g.unit, median(m.samples))} ${g.unit}`
    console.error(`[${cycle}/${cycles}] ${mode} ${g.id}:${rowId}: ${shown}`)
  }
  const started = new Date()
  const loads: number[][] = [loadavg()]
  for (let cycle = 1; cycle <= cycles; cycle++) {
    for (const g of selected) {
      if (modes.includes('separate')) {
        for (const row of g.rows) {
          try {
            record(
              'separate',
              g,
              row.id,
              cycle,
              runChild<Measurement>(['--task', `${g.id}:${row.id}`]),
            )
          } catch (error) {
            record('separate', g, row.id, cycle, (error as Error).message)
          }
        }
      }
      if (modes.includes('shared') && g.shared === true) {
        let results: Record<string, Measurement | string>
        try {
          results = runChild(['--shared', g.id])
        } catch (error) {
          results = Object.fromEntries(g.rows.map((r) => [r.id, (error as Error).message]))
        }
        for (const row of g.rows) record('shared', g, row.id, cycle, results[row.id] ?? 'not run')
      }
    }
    loads.push(loadavg())
  }
  const seconds = (Date.now() - started.getTime()) / 1000

  const results: GroupResult[] = []
  const sections: string[] = []
  for (const g of selected) {
    const parts: string[] = []
    for (const mode of modes) {
      const id = `${mode}:${g.id}`
      const runs = measured.get(id)
      if (runs === undefined) continue
      const result = summarize(g, mode, runs, errors.get(id) ?? new Map())
      results.push(result)
      parts.push(printGroup(result))
    }
    sections.push([`### ${g.title}`, '', parts.join('\n\n')].join('\n'))
  }
  const goals = targets(results)
  const cpu = cpus()
  const fmtLoad = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ')
  const machine = `${cpu.length} x ${cpu[0]?.model ?? 'unknown CPU'}, Node ${process.version}`
  const report = [
    `asynccache benchmark, ${started.toISOString()}, ${Math.round(seconds)} s`,
    `${machine}; load average (1, 5, 15 min) at the start and after each cycle: ${loads.map(fmtLoad).join('; ')}.`,
    `Each figure: the median over ${cycles} runs (cycles, interleaved) of each run's median sample (${defaultTiming.samples} samples per run),`,
    `with the range of the run medians; ratios are taken run by run against the reference's run of the same cycle (median, range).`,
    'ops/s are per second of CPU time the process used (wall-clock figures: bench-output/bench.json).',
    `Every contender warms up for ${defaultTiming.warmupMs} ms of CPU time first (in a shared process, in two rounds over all of them).`,
    '',
    sections.join('\n\n'),
    '',
    '### Targets',
    '',
    markdownTable(
      ['target', 'mode', 'measured (medians)', 'ratio', 'ratio range', 'status'],
      goals.map((t) => [
        t.goal,
        t.mode,
        t.measured,
        `${t.ratio.toFixed(2)}x`,
        `${t.ratioMin.toFixed(2)} – ${t.ratioMax.toFixed(2)}`,
        t.met ? 'met' : 'MISSED',
      ]),
      [3, 4],
    ),
  ].join('\n')
  console.log(report)
  mkdirSync('bench-output', { recursive: true })
  writeFileSync(
    'bench-output/bench.json',
    `${JSON.stringify({ date: started.toISOString(), seconds, machine, loads, cycles, groups: results.map(json), targets: goals }, null, 2)}\n`,
  )
  console.log('\nwrote bench-output/bench.json')
}

function profile(id: string, mode: Mode): void {
  const args = mode === 'shared' ? ['--shared', sharedGroup(id).id] : ['--task', id]
  if (mode === 'separate') findTask(id)
  const dir = 'bench-output/profiles'
  mkdirSync(dir, { recursive: true })
  const m = runChild<Measurement | Record<string, Measurement | string>>(args, [
    '--cpu-prof',
    `--cpu-prof-dir=${dir}`,
  ])
  const newest = readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .sort()
    .at(-1)
  if (newest === undefined) throw new Error(`no profile was written to ${dir}`)
  const rates =
    'samples' in m
      ? thousands(median(m.samples as number[]))
      : Object.entries(m)
          .map(([row, r]) => `${row} ${typeof r === 'string' ? r : thousands(median(r.samples))}`)
          .join(', ')
  console.log(`${id} (${mode}): ${rates} ops/s under the profiler; ${dir}/${newest}`)
  console.log(
    markdownTable(
      ['function (self time)', 'share'],
      topSelfTime(`${dir}/${newest}`).map((f) => [f.name, percent(f.share, 1)]),
      [1],
    ),
  )
}

if (options.task !== undefined) {
  const [group, rowId] = findTask(options.task)
  process.stdout.write(JSON.stringify(await measureTask(group, rowId)))
} else if (options.shared !== undefined) {
  process.stdout.write(JSON.stringify(await measureShared(sharedGroup(options.shared))))
} else if (options.profile !== undefined) {
  const [mode] = modesOf(options.mode === 'both' ? 'separate' : options.mode)
  profile(options.profile, mode)
} else {
  await orchestrate()
}
