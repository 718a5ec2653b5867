/** How long to warm up and how to sample one contender. */
export interface Timing {
  /** Run batches this long first, so the JIT has settled before anything is measured. */
  warmupMs: number
  /** Samples taken after warm-up. */
  samples: number
  /** Each sample repeats batches until at least this long has passed. */
  sampleMs: number
}

/**
 * Enough for the JIT to settle (hot loops tier up within milliseconds; 600 ms is millions of
 * operations) and for a sample to dwarf the timer's resolution.
 */
export const defaultTiming: Timing = { warmupMs: 600, samples: 5, sampleMs: 150 }

/** CPU time this process has used, user and system, in milliseconds. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1000
}

/** Throughput samples of one contender, in operations per second. */
export interface Throughput {
  /** Per second of CPU time the process used: what the operations cost, whatever else runs. */
  cpu: number[]
  /** Per second of wall-clock time, for comparison: inflated when other work takes the CPU. */
  wall: number[]
}

/** Something to time: `batch` performs `ops` operations per call. */
export interface Timed {
  batch(): void | Promise<void>
  ops: number
}

/** Runs `batch` until the process has spent `ms` more CPU milliseconds. */
async function runFor(batch: Timed['batch'], ms: number): Promise<void> {
  const until = cpuMs() + ms
  do await batch()
  while (cpuMs() < until)
}

/** One sample: batches until `ms` of CPU time has passed, pushed onto `out` in ops/s. */
async function sample({ batch, ops }: Timed, ms: number, out: Throughput): Promise<void> {
  let done = 0
  const wallStart = performance.now()
  const start = cpuMs()
  let elapsed = 0
  do {
    await batch()
    done += ops
    elapsed = cpuMs() - start
  } while (elapsed < ms)
  out.cpu.push((done * 1000) / elapsed)
  out.wall.push((done * 1000) / (performance.now() - wallStart))
}

/**
 * Throughput samples of one contender. Batches are awaited, so asynchronous work is timed to
 * completion; for a synchronous batch of thousands of operations, the one await per batch is
 * noise. Samples are timed on the process's CPU clock, because the machine is shared: time the
 * process spends descheduled is not the library's cost. The collector's and compiler's threads
 * count, as work the library causes.
 */
export async function throughput(
  timed: Timed,
  timing: Timing = defaultTiming,
): Promise<Throughput> {
  await runFor(timed.batch, timing.warmupMs)
  const out: Throughput = { cpu: [], wall: [] }
  for (let s = 0; s < timing.samples; s++) await sample(timed, timing.sampleMs, out)
  return out
}

/**
 * Throughput samples of several contenders in one process, as an app holding several
 * libraries runs them: their batches share call sites, the heap and the collector. Warm-up goes
 * round the contenders twice (half of `warmupMs` each time), so that every shared call site has seen all of them before
 * anything is measured; then each sample round takes one sample of each, starting one further
 * along each time, so that no contender always follows the same one (and its garbage).
 */
export async function sharedThroughput(
  contenders: Timed[],
  timing: Timing = defaultTiming,
): Promise<Throughput[]> {
  for (let round = 0; round < 2; round++) {
    for (const c of contenders) await runFor(c.batch, timing.warmupMs / 2)
  }
  const out = contenders.map((): Throughput => ({ cpu: [], wall: [] }))
  for (let s = 0; s < timing.samples; s++) {
    for (let j = 0; j < contenders.length; j++) {
      const k = (j + s) % contenders.length
      await sample(contenders[k], timing.sampleMs, out[k])
    }
  }
  return out
}

/** Heap in use plus ArrayBuffer memory (where large typed arrays live), after full collections. */
export function retainedBytes(): number {
  const gc = globalThis.gc
  if (gc === undefined)
    throw new Error('memory figures need a collector to call: run node with --expose-gc')
  gc()
  gc()
  const { heapUsed, arrayBuffers } = process.memoryUsage()
  return heapUsed + arrayBuffers
}

/** The middle value (mean of the two middle ones for an even count). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/** Relative standard deviation: how far samples stray from their mean, as a fraction of it. */
export function relativeDeviation(values: number[]): number {
  const mean = values.reduce((a, b) => a + b, 0) / values.length
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length
  return Math.sqrt(variance) / mean
}
