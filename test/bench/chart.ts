/** One cluster of bars: a label (one string per line) and one value in [0, 1] per series. */
export interface BarGroup {
  label: string[]
  values: number[]
}

/** A series: its name in the legend and its bar colour. */
export interface Series {
  name: string
  color: string
}

const BAR = 11
const GAP = 16
const PLOT_HEIGHT = 260
const LEFT = 48
const TOP = 52
const LINE = 12

/**
 * A grouped bar chart of ratios (0 to 100%) as a standalone SVG document, written by hand so
 * the README chart needs no plotting package. Each bar carries a `<title>` with its value.
 */
export function groupedBarChart(title: string, series: Series[], groups: BarGroup[]): string {
  const groupWidth = series.length * BAR + GAP
  const width = LEFT + groups.length * groupWidth + GAP
  const height = TOP + PLOT_HEIGHT + 8 + LINE * Math.max(...groups.map((g) => g.label.length))
  const y = (ratio: number) => TOP + PLOT_HEIGHT * (1 - ratio)
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="10">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${LEFT}" y="18" font-size="13" font-weight="600">${xml(title)}</text>`,
  ]
  series.forEach((s, i) => {
    const x = LEFT + i * 70
    out.push(
      `<rect x="${x}" y="28" width="10" height="10" fill="${s.color}"/>`,
      `<text x="${x + 14}" y="37">${xml(s.name)}</text>`,
    )
  })
  for (let tick = 0; tick <= 100; tick += 20) {
    const ty = y(tick / 100)
    out.push(
      `<line x1="${LEFT}" x2="${width - GAP}" y1="${ty}" y2="${ty}" stroke="#ddd"/>`,
      `<text x="${LEFT - 6}" y="${ty + 3}" text-anchor="end">${tick}%</text>`,
    )
  }
  groups.forEach((g, gi) => {
    const x0 = LEFT + GAP / 2 + gi * groupWidth
    g.values.forEach((v, si) => {
      const s = series[si]
      const top = y(v)
      out.push(
        `<rect x="${x0 + si * BAR}" y="${top.toFixed(1)}" width="${BAR - 1}" height="${(TOP + PLOT_HEIGHT - top).toFixed(1)}" fill="${s.color}"><title>${xml(`${g.label.join(' ')} ${s.name}: ${(v * 100).toFixed(1)}%`)}</title></rect>`,
      )
    })
    const cx = x0 + (series.length * BAR) / 2
    g.label.forEach((line, li) => {
      out.push(
        `<text x="${cx}" y="${TOP + PLOT_HEIGHT + 14 + li * LINE}" text-anchor="middle">${xml(line)}</text>`,
      )
    })
  })
  out.push(
    `<line x1="${LEFT}" x2="${width - GAP}" y1="${y(0)}" y2="${y(0)}" stroke="#888"/>`,
    '</svg>',
  )
  return `${out.join('\n')}\n`
}

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}
