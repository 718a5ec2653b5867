import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks'
import type uPlot from 'uplot'
import type { DevtoolsChart } from './options.js'
import type { Series } from './recorder.js'

const HEIGHT = 170
/** Whole counts only on the y axis: events per second are integers. */
const COUNT_INCREMENTS = [
  1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5, 2e5, 5e5, 1e6,
]

/** Props of {@link Graph}. */
export interface GraphProps {
  series: Series
  /** Receives the chart once it exists (see `DevtoolsOptions.onChart`). */
  onChart?: ((chart: DevtoolsChart) => void) | undefined
  /** Changes when the theme's colours do: a canvas cannot follow CSS, so the chart is rebuilt. */
  colours?: string
}

/** The chart's data in uPlot's column form: x (seconds relative to now), then one column per series. */
export function chartData(series: Series): uPlot.AlignedData {
  return [series.offsets, series.hits, series.misses, series.evictions]
}

/** An x value (seconds relative to the window's last second) as the axis and legend show it. */
function ago(offset: number): string {
  return offset === 0 ? 'now' : `${offset} s`
}

function chartOptions(container: HTMLElement): uPlot.Options {
  // A canvas cannot use CSS variables: take the theme's colours once, from the container.
  const style = getComputedStyle(container)
  const text = style.getPropertyValue('--muted') || style.color
  const lines = style.getPropertyValue('--border') || style.color
  const axis = (values?: uPlot.Axis['values']): uPlot.Axis => ({
    stroke: text,
    grid: { stroke: lines, width: 1 },
    ticks: { stroke: lines, width: 1 },
    ...(values === undefined ? {} : { values }),
  })
  const line = (label: string, stroke: string, dash?: number[]): uPlot.Series => ({
    label,
    stroke,
    width: 2,
    points: { show: false },
    // Shown in the legend without a cursor: the last second's count.
    value: (_u, v) => (v === null ? '--' : String(v)),
    ...(dash === undefined ? {} : { dash }),
  })
  return {
    width: container.clientWidth || 400,
    height: HEIGHT,
    cursor: { drag: { x: false, y: false } },
    legend: { live: true },
    scales: { x: { time: false }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
    axes: [
      axis((_u, splits) => splits.map(ago)),
      { ...axis(), label: 'per second', incrs: COUNT_INCREMENTS },
    ],
    series: [
      { label: 'Time', value: (_u, offset) => (offset === null ? '--' : ago(offset)) },
      line('Hits', '#16a34a'),
      line('Misses', '#d97706'),
      // Dashed: a full cache evicts once per miss, and the two lines then coincide.
      line('Evictions', '#dc2626', [6, 4]),
    ],
  }
}

/** Whether this document can draw on a 2D canvas (DOM emulations such as happy-dom cannot). */
function canDraw(document: Document): boolean {
  return document.createElement('canvas').getContext('2d') !== null
}

/**
 * The live graph: hits, misses and evictions per second over the rolling window, drawn by
 * uPlot, with a pause button and uPlot's legend. uPlot is imported when the graph first mounts
 * (it reads `window` as it loads, which importing the devtools must not do).
 */
export function Graph({ series, onChart, colours }: GraphProps) {
  const container = useRef<HTMLDivElement>(null)
  const chart = useRef<uPlot | null>(null)
  const [paused, setPaused] = useState(false)
  const [problem, setProblem] = useState<string | null>(null)
  const latest = useRef(series)
  if (!paused) latest.current = series

  useEffect(() => {
    const el = container.current
    if (el === null) return
    if (!canDraw(el.ownerDocument)) {
      setProblem('The graph needs a 2D canvas, which this environment lacks.')
      return
    }
    let cancelled = false
    let observer: ResizeObserver | undefined
    import('uplot').then(
      ({ default: UPlot }) => {
        if (cancelled) return
        const data = chartData(latest.current)
        const plot = new UPlot(chartOptions(el), data, el)
        plot.setLegend({ idx: data[0].length - 1 })
        chart.current = plot
        observer = new ResizeObserver(() => {
          if (el.clientWidth > 0) plot.setSize({ width: el.clientWidth, height: HEIGHT })
        })
        observer.observe(el)
        onChart?.(plot)
      },
      (error: unknown) => {
        if (!cancelled) setProblem(`The graph could not load uPlot: ${String(error)}`)
      },
    )
    return () => {
      cancelled = true
      observer?.disconnect()
      chart.current?.destroy()
      chart.current = null
    }
    // `colours` is not read here, but a change of it must rebuild the chart in the new theme.
  }, [onChart, colours])

  // In the same frame as the rest of the panel: a plain effect would lag a frame behind.
  useLayoutEffect(() => {
    const plot = chart.current
    if (paused || plot === null) return
    const data = chartData(series)
    plot.setData(data)
    // Away from the cursor, the legend shows the current second's counts.
    if (plot.cursor.idx == null) plot.setLegend({ idx: data[0].length - 1 })
  })

  return (
    <section class="graph" aria-label="Live graph">
      <div class="graph-head">
        <h3>Hits, misses and evictions per second</h3>
        <button
          type="button"
          aria-pressed={paused}
          aria-label={paused ? 'Resume the live graph' : 'Pause the live graph'}
          onClick={() => setPaused(!paused)}
        >
          {paused ? 'Resume' : 'Pause'}
        </button>
      </div>
      {problem === null ? <div class="plot" ref={container} /> : <p class="empty">{problem}</p>}
    </section>
  )
}
