/**
 * `npm run bench`: asynccache against the JavaScript caches and memoizers people use, side by
 * side in one run. Each contender runs in a Node process of its own (so no library's shapes
 * or garbage disturb another's JIT state), and the whole set is repeated `--cycles` times,
 * interleaved, so that load from other work spreads over everyone alike. Prints Markdown
 * tables and the targets, and writes the same to bench-output/bench.json.
 *
 *   node --expose-gc bench-output/build/bench.mjs [--only <group>] [--cycles <n>]
 *   node --expose-gc bench-output/build/bench.mjs --task <group>:<row>      one contender, JSON out
 *   node --expose-gc bench-output/build/bench.mjs --profile <group>:<row>   CPU profile summary
 *
 * For readable names in a profile, build without minifying first:
 * `npx vite build -c test/bench/vite.config.ts --minify false`.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { parseArgs } from 'node:util'
import { type Group, groups, type Measurement } from './groups.js'
import { defaultTiming, median, relativeDeviation } from './measure.js'
import { topSelfTime } from './profile.js'
import { markdownTable, percent, thousands } from './table.js'

interface RowResult {
  id: string
  name: string
  role: string
  samples: number[]
  median: number
  /** Median per wall-clock second (throughput groups), for comparison with `median`. */
  wallMedian?: number
  deviation: number
  ratio: number
  hitRatio?: number
  error?: string
}

interface Target {
  goal: string
  measured: string
  ratio: number
  met: boolean
}

const script = process.argv[1]
const { values: options } = parseArgs({
  options: {
    task: { type: 'string' },
    profile: { type: 'string' },
    only: { type: 'string' },
    cycles: { type: 'string', default: '3' },
  },
})

function findGroup(taskId: string): [Group, string] {
  const [groupId, rowId] = taskId.split(':')
  const group = groups.find((g) => g.id === groupId)
  if (group === undefined || !group.rows.some((r) => r.id === rowId)) {
    const known = groups.flatMap((g) => g.rows.map((r) => `${g.id}:${r.id}`)).join(', ')
    throw new Error(`unknown task '${taskId}'; tasks are: ${known}`)
  }
  return [group, rowId]
}

/** Runs one contender in a fresh process; the child prints its Measurement as JSON. */
function runChild(taskId: string, nodeFlags: string[] = []): Measurement {
  const child = spawnSync(
    process.execPath,
    [...nodeFlags, '--expose-gc', script, '--task', taskId],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    },
  )
  if (child.status !== 0) {
    throw new Error(`${taskId} failed: ${child.stderr.trim().split('\n').slice(-3).join(' / ')}`)
  }
  return JSON.parse(child.stdout) as Measurement
}

function summarize(
  group: Group,
  measured: Map<string, Measurement[]>,
  errors: Map<string, string>,
) {
  const rows: RowResult[] = group.rows.map((row) => {
    const runs = measured.get(row.id) ?? []
    const samples = runs.flatMap((m) => m.samples)
    const wall = runs.flatMap((m) => m.wall ?? [])
    return {
      ...row,
      samples,
      median: samples.length === 0 ? Number.NaN : median(samples),
      wallMedian: wall.length === 0 ? undefined : median(wall),
      deviation: samples.length === 0 ? Number.NaN : relativeDeviation(samples),
      ratio: Number.NaN,
      hitRatio: runs.at(-1)?.hitRatio,
      error: errors.get(row.id),
    }
  })
  const peers = rows.filter((r) => r.role === 'peer' && r.error === undefined)
  const reference =
    group.reference === undefined
      ? peers.reduce((best, r) => (r.median > best.median ? r : best), peers[0])
      : rows.find((r) => r.id === group.reference)
  for (const r of rows) r.ratio = r.median / (reference?.median ?? Number.NaN)
  return { rows, reference }
}

function printGroup(group: Group, rows: RowResult[], referenceName: string): string {
  const isOps = group.unit === 'ops/s'
  const table = markdownTable(
    [group.column, group.unit, '±', `vs ${referenceName}`, ...(isOps ? ['hit ratio'] : [])],
    rows.map((r) =>
      r.error !== undefined
        ? [r.name, 'failed', '', '', ...(isOps ? [''] : [])]
        : [
            r.name,
            figure(group.unit, r.median),
            percent(r.deviation, 1),
            `${r.ratio.toFixed(2)}x`,
            ...(isOps ? [r.hitRatio === undefined ? '' : percent(r.hitRatio, 1)] : []),
          ],
    ),
    [1, 2, 3, 4],
  )
  const failures = rows.filter((r) => r.error !== undefined).map((r) => `- ${r.error}`)
  return [`### ${group.title}`, '', table, ...failures].join('\n')
}

interface GroupResult {
  group: Group
  rows: RowResult[]
  reference?: RowResult
}

const figure = (unit: Group['unit'], value: number) =>
  unit === 'ops/s' ? thousands(value) : value.toFixed(1)

function json({ group, rows, reference }: GroupResult) {
  const { id, title, unit } = group
  return { id, title, unit, reference: reference?.id, rows }
}

/**
 * The issues' targets, each read off one of our rows and its group's reference, or the row
 * `versus` names.
 */
function targets(results: Map<string, GroupResult>): Target[] {
  const out: Target[] = []
  const check = (
    goal: string,
    groupId: string,
    rowId: string,
    met: (ratio: number) => boolean,
    versus?: string,
  ) => {
    const result = results.get(groupId)
    const mine = result?.rows.find((r) => r.id === rowId)
    const ref = versus === undefined ? result?.reference : result?.rows.find((r) => r.id === versus)
    if (result === undefined || mine === undefined || ref === undefined) return
    const unit = result.group.unit
    const ratio = mine.median / ref.median
    out.push({
      goal,
      measured: `${figure(unit, mine.median)} vs ${ref.name} ${figure(unit, ref.median)} ${unit}`,
      ratio,
      met: met(ratio),
    })
  }
  check('LRU mixed stream >= fastest LRU peer', 'mixed', 'asynccache-lru', (r) => r >= 1)
  check('LFU mixed stream >= 80% of fastest LRU peer', 'mixed', 'asynccache-lfu', (r) => r >= 0.8)
  check(
    'memoized hit, primitive: beats every memoizer',
    'memo-primitive',
    'asynccache',
    (r) => r > 1,
  )
  check('memoized hit, object: beats every memoizer', 'memo-object', 'asynccache', (r) => r > 1)
  check('memory per entry <= lru-cache', 'memory', 'asynccache-lru', (r) => r <= 1)
  const lru = 'asynccache-lru'
  const adaptive = 'asynccache-adaptive'
  check(
    'ADAPTIVE mixed stream >= 0.5x LRU, 10,000 entries',
    'mixed',
    adaptive,
    (r) => r >= 0.5,
    lru,
  )
  check('ADAPTIVE mixed stream >= 0.3x LRU, 1,000 entries', 'mixed-1k', adaptive, (r) => r >= 0.3)
  return out
}

function orchestrate(): void {
  const cycles = Number(options.cycles)
  const selected = groups.filter((g) => options.only === undefined || g.id === options.only)
  if (selected.length === 0)
    throw new Error(
      `--only: no group '${options.only}'; groups are: ${groups.map((g) => g.id).join(', ')}`,
    )
  const load = { start: loadavg(), end: [] as number[] }
  const started = new Date()
  const measured = new Map<string, Map<string, Measurement[]>>()
  const errors = new Map<string, Map<string, string>>()
  for (const g of selected) {
    measured.set(g.id, new Map())
    errors.set(g.id, new Map())
  }
  for (let cycle = 1; cycle <= cycles; cycle++) {
    for (const g of selected) {
      for (const row of g.rows) {
        const taskId = `${g.id}:${row.id}`
        try {
          const m = runChild(taskId)
          const runs = measured.get(g.id)?.get(row.id) ?? []
          runs.push(m)
          measured.get(g.id)?.set(row.id, runs)
          console.error(`[${cycle}/${cycles}] ${taskId}: ${thousands(median(m.samples))} ${g.unit}`)
        } catch (error) {
          errors.get(g.id)?.set(row.id, (error as Error).message)
          console.error(`[${cycle}/${cycles}] ${(error as Error).message}`)
        }
      }
    }
  }
  load.end = loadavg()

  const results = new Map<string, GroupResult>()
  const sections: string[] = []
  for (const g of selected) {
    const result = summarize(g, measured.get(g.id) ?? new Map(), errors.get(g.id) ?? new Map())
    results.set(g.id, { group: g, ...result })
    sections.push(printGroup(g, result.rows, result.reference?.name ?? 'best peer'))
  }
  const goals = targets(results)
  const cpu = cpus()
  const machine = `${cpu.length} x ${cpu[0]?.model ?? 'unknown CPU'}, Node ${process.version}, load average ${load.start.map((l) => l.toFixed(2)).join(' ')} at start, ${load.end.map((l) => l.toFixed(2)).join(' ')} at end`
  const report = [
    `asynccache benchmark, ${started.toISOString()}`,
    `${machine}.`,
    `Each figure: the median over ${cycles} processes per contender (${defaultTiming.samples} samples each for throughput); ops/s are`,
    'per second of CPU time the process used (wall-clock figures: bench-output/bench.json); ± = relative standard deviation.',
    '',
    sections.join('\n\n'),
    '',
    '### Targets',
    '',
    markdownTable(
      ['target', 'measured', 'ratio', 'status'],
      goals.map((t) => [t.goal, t.measured, `${t.ratio.toFixed(2)}x`, t.met ? 'met' : 'MISSED']),
      [2],
    ),
  ].join('\n')
  console.log(report)
  mkdirSync('bench-output', { recursive: true })
  writeFileSync(
    'bench-output/bench.json',
    `${JSON.stringify({ date: started.toISOString(), machine, cycles, groups: [...results.values()].map(json), targets: goals }, null, 2)}\n`,
  )
  console.log('\nwrote bench-output/bench.json')
}

function profile(taskId: string): void {
  findGroup(taskId)
  const dir = 'bench-output/profiles'
  mkdirSync(dir, { recursive: true })
  const m = runChild(taskId, ['--cpu-prof', `--cpu-prof-dir=${dir}`])
  const newest = readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .sort()
    .at(-1)
  if (newest === undefined) throw new Error(`no profile was written to ${dir}`)
  console.log(
    `${taskId}: ${thousands(median(m.samples))} ops/s under the profiler; ${dir}/${newest}`,
  )
  console.log(
    markdownTable(
      ['function (self time)', 'share'],
      topSelfTime(`${dir}/${newest}`).map((f) => [f.name, percent(f.share, 1)]),
      [1],
    ),
  )
}

if (options.task !== undefined) {
  const [group, rowId] = findGroup(options.task)
  process.stdout.write(JSON.stringify(await group.measure(rowId)))
} else if (options.profile !== undefined) {
  profile(options.profile)
} else {
  orchestrate()
}
