/**
 * Renders rows as a Markdown table with aligned columns: readable in a terminal and pasteable
 * into the README as is. `right` lists the columns to right-align (the numeric ones).
 */
export function markdownTable(headers: string[], rows: string[][], right: number[] = []): string {
  const widths = headers.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)))
  const cell = (text: string, c: number) =>
    right.includes(c) ? text.padStart(widths[c]) : text.padEnd(widths[c])
  const line = (cells: string[]) => `| ${cells.map(cell).join(' | ')} |`
  const rule = `|${widths.map((w, c) => (right.includes(c) ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`
  return [line(headers), rule, ...rows.map(line)].join('\n')
}

/** `1234567.8` as `1,234,568`. */
export function thousands(n: number): string {
  return Math.round(n).toLocaleString('en-US')
}

/** `0.2054` as `20.54%`. */
export function percent(ratio: number, digits = 2): string {
  return `${(ratio * 100).toFixed(digits)}%`
}
