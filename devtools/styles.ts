import uplotCss from 'uplot/dist/uPlot.min.css?inline'

/** Height of one row of the entries list and the event log, in CSS pixels (the lists are virtual). */
export const ROW_HEIGHT = 24

const light = {
  '--bg': '#ffffff',
  '--bg-2': '#f3f4f6',
  '--fg': '#1b1f24',
  '--muted': '#5b6470',
  '--border': '#d5d9df',
  '--accent': '#2563eb',
  '--accent-fg': '#ffffff',
  '--danger': '#b91c1c',
  '--shadow': '0 0 24px rgb(0 0 0 / 0.18)',
  '--fresh': '#15803d',
  '--stale': '#b45309',
  '--loading': '#1d4ed8',
  '--error': '#b91c1c',
}

const dark: typeof light = {
  '--bg': '#15171c',
  '--bg-2': '#1f232a',
  '--fg': '#e6e8eb',
  '--muted': '#9aa3ad',
  '--border': '#343a44',
  '--accent': '#60a5fa',
  '--accent-fg': '#0b1220',
  '--danger': '#f87171',
  '--shadow': '0 0 24px rgb(0 0 0 / 0.6)',
  '--fresh': '#4ade80',
  '--stale': '#fbbf24',
  '--loading': '#60a5fa',
  '--error': '#f87171',
}

function vars(theme: typeof light): string {
  return Object.entries(theme)
    .map(([name, value]) => `${name}:${value};`)
    .join('')
}

/**
 * The panel's whole stylesheet, uPlot's included, for the `<style>` element of its shadow root.
 *
 * `:host` rules with `!important` beat the page's own `!important` rules on the host element
 * (inside a shadow tree, important declarations win over the outer tree's), so hostile global
 * CSS can neither hide the host nor pass inherited properties into the panel.
 */
export function stylesheet(): string {
  return `
:host{all:initial!important;display:contents!important}
.root{${vars(light)}color-scheme:light;color:var(--fg);font:13px/1.4 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;}
.root[data-theme=dark]{${vars(dark)}color-scheme:dark}
@media (prefers-color-scheme:dark){.root[data-theme=system]{${vars(dark)}color-scheme:dark}}
.root *,.root *::before,.root *::after{box-sizing:border-box}
button,select,input{font:inherit;color:inherit}
button{cursor:pointer;background:var(--bg-2);border:1px solid var(--border);border-radius:4px;padding:2px 8px;line-height:20px}
button:hover{border-color:var(--accent)}
button:focus-visible,select:focus-visible,input:focus-visible,[tabindex]:focus-visible{outline:2px solid var(--accent);outline-offset:1px}
button.danger{color:var(--danger)}
select,input{background:var(--bg);border:1px solid var(--border);border-radius:4px;padding:2px 6px;height:26px}
.toggle{position:fixed;z-index:2147483646;width:44px;height:44px;border-radius:22px;padding:0;background:var(--accent);color:var(--accent-fg);border:none;box-shadow:0 2px 10px rgb(0 0 0 / 0.3);font-weight:700;font-size:12px}
.toggle.top-left{top:12px;left:12px}.toggle.top-right{top:12px;right:12px}
.toggle.bottom-left{bottom:12px;left:12px}.toggle.bottom-right{bottom:12px;right:12px}
.panel{position:fixed;z-index:2147483647;display:flex;flex-direction:column;background:var(--bg);color:var(--fg);box-shadow:var(--shadow);container-type:inline-size;max-width:100vw;max-height:100vh}
.panel.bottom{left:0;right:0;bottom:0;border-top:1px solid var(--border)}
.panel.top{left:0;right:0;top:0;border-bottom:1px solid var(--border)}
.panel.left{top:0;bottom:0;left:0;border-right:1px solid var(--border)}
.panel.right{top:0;bottom:0;right:0;border-left:1px solid var(--border)}
.resize{position:absolute;z-index:3;margin:0;padding:0;border:none;touch-action:none}
.bottom>.resize,.top>.resize{left:0;right:0;height:6px;cursor:ns-resize}
.bottom>.resize{top:0}.top>.resize{bottom:0}
.left>.resize,.right>.resize{top:0;bottom:0;width:6px;cursor:ew-resize}
.left>.resize{right:0}.right>.resize{left:0}
.resize:hover,.resize:focus-visible{background:var(--accent)}
header{display:flex;align-items:center;gap:8px;padding:4px 10px;border-bottom:1px solid var(--border);flex:none;flex-wrap:wrap}
header h2{font-size:13px;margin:0;font-weight:700}
header .cache{color:var(--muted)}
header .spacer{flex:1}
.body{display:flex;flex:1;min-height:0}
.overview{flex:0 0 42%;min-width:0;overflow:auto;padding:8px 10px;border-right:1px solid var(--border)}
.details{flex:1;min-width:0;display:flex;flex-direction:column}
.empty{padding:16px;color:var(--muted)}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(100px,1fr));gap:6px;margin:8px 0 0}
.card{background:var(--bg-2);border:1px solid var(--border);border-radius:6px;padding:2px 8px;min-width:0}
.card dt{color:var(--muted);font-size:11px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.card dd{margin:0;font-size:15px;font-weight:600;font-variant-numeric:tabular-nums;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
details{margin:6px 0}
summary{cursor:pointer;color:var(--muted)}
pre{margin:4px 0;padding:6px;background:var(--bg-2);border-radius:4px;overflow:auto;font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,monospace}
.graph-head{display:flex;align-items:center;gap:8px;margin-bottom:4px}
.graph-head h3{font-size:12px;margin:0;color:var(--muted);font-weight:600;flex:1}
.plot{min-height:170px;width:100%}
.plot .u-legend{color:var(--fg);font-size:12px}
.tabs{display:flex;gap:2px;padding:4px 10px 0;border-bottom:1px solid var(--border);flex:none}
.tabs button{border-radius:4px 4px 0 0;border-bottom:none;background:transparent}
.tabs button[aria-selected=true]{background:var(--bg-2);border-color:var(--border);font-weight:600}
.tabpanel,.pane{flex:1;min-height:0;display:flex;flex-direction:column}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
.toolbar{display:flex;align-items:center;gap:8px;padding:6px 10px;flex:none}
.toolbar label{display:flex;align-items:center;gap:4px;color:var(--muted)}
.toolbar .count{margin-left:auto;color:var(--muted)}
.viewport{flex:1;min-height:0;overflow:auto;position:relative;font-variant-numeric:tabular-nums}
.sizer{display:flow-root}
.viewport table{width:100%;border-collapse:separate;border-spacing:0;table-layout:fixed}
.viewport th,.viewport td{height:${ROW_HEIGHT}px;padding:0 8px;border-bottom:1px solid var(--border);white-space:nowrap;overflow:hidden;text-overflow:ellipsis;text-align:left;line-height:${ROW_HEIGHT - 1}px}
.viewport thead th{position:sticky;top:0;z-index:1;background:var(--bg-2);color:var(--muted);font-weight:600}
.viewport th button{border:none;background:none;padding:0;font-weight:600;color:inherit;line-height:inherit}
.viewport .key{width:28%}.viewport .num{width:74px;text-align:right}.viewport .dur{width:92px;text-align:right}
.viewport .time{width:112px}.viewport .type{width:110px}.viewport .action{width:84px;text-align:right}
.viewport .action button{padding:0 6px;line-height:18px}
.type-hit{color:#16a34a}.type-miss{color:#d97706}.type-evict{color:#dc2626}
.stale{color:var(--stale)}
.status-fresh{color:var(--fresh)}.status-stale{color:var(--stale)}.status-loading{color:var(--loading)}.status-error{color:var(--error)}
.dot{display:inline-block;width:9px;height:9px;border-radius:50%;background:currentColor;vertical-align:middle}
.viewport .status{width:30px;padding:0 0 0 10px}
.with-details .wide-only{display:none}
.with-details .viewport .key{width:auto}
.viewport td.status .dot.status-fresh{background:var(--fresh)}.viewport td.status .dot.status-stale{background:var(--stale)}
.viewport td.status .dot.status-loading{background:var(--loading)}.viewport td.status .dot.status-error{background:var(--error)}
.viewport tbody tr[tabindex]{cursor:pointer}
.viewport tbody tr[tabindex]:hover td{background:var(--bg-2)}
.viewport tbody tr[data-selected] td{background:color-mix(in srgb,var(--accent) 18%,var(--bg))}
.chip{display:inline-flex;align-items:center;gap:4px;border:1px solid var(--border);border-radius:10px;padding:0 8px;font-size:12px;white-space:nowrap}
.chip button{padding:0 4px;line-height:16px;border:none}
.status-counts{display:flex;gap:4px;flex-wrap:wrap}
.card.error{border-color:var(--error)}.card.error dd{color:var(--error)}
button.link{border:none;background:none;padding:0;color:inherit;text-decoration:underline dotted;max-width:100%;overflow:hidden;text-overflow:ellipsis;line-height:inherit;text-align:left}
button:disabled{opacity:.5;cursor:not-allowed}
.muted{color:var(--muted)}
.split{flex:1;min-height:0;display:flex;position:relative}
.split>.viewport{flex:1;min-width:0}
.entry-details{flex:0 0 46%;min-width:0;overflow:auto;border-left:1px solid var(--border);padding:6px 10px;background:var(--bg)}
.details-head{display:flex;align-items:center;gap:8px}
.details-head h3,.details-head h4{margin:4px 0;font-size:13px;flex:1;min-width:0;overflow-wrap:anywhere}
.full-key{margin:2px 0 6px;overflow-wrap:anywhere}.full-key code{font:12px ui-monospace,SFMono-Regular,Menlo,monospace}
.actions{display:flex;flex-wrap:wrap;gap:4px;align-items:center;margin:6px 0}
.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 10px;margin:6px 0}
.facts dt{color:var(--muted)}.facts dd{margin:0}
.tree,.tree ul{list-style:none;margin:0;padding-left:14px;font:12px/1.5 ui-monospace,SFMono-Regular,Menlo,monospace;overflow-wrap:anywhere}
.tree{padding-left:0}
.tree-toggle{border:none;background:none;padding:0;line-height:inherit;font:inherit;text-align:left}
.tree-name{color:var(--accent)}.tree-summary,.tree-leaf,.tree-cycle{color:var(--muted)}
.tree-string{color:var(--fresh)}.tree-number,.tree-bigint,.tree-boolean{color:var(--stale)}
.key-events{margin:0;padding-left:18px;font-size:12px;overflow-wrap:anywhere}
.headers th{text-align:left;padding-right:10px;color:var(--muted);font-weight:600;vertical-align:top}
.headers td{overflow-wrap:anywhere}
.body-text{white-space:pre-wrap;overflow-wrap:anywhere;max-height:400px}
.response .url{overflow-wrap:anywhere;color:var(--muted)}
.event-payload{flex:none;max-height:45%;overflow:auto;border-top:1px solid var(--border);padding:4px 10px}
.event-payload pre{white-space:pre-wrap;overflow-wrap:anywhere}
.confirm{display:inline-flex;gap:4px}
@container (max-width:700px){
.body{flex-direction:column;overflow:auto}
.overview{flex:none;border-right:none;border-bottom:1px solid var(--border);overflow:visible}
.details{flex:none;min-height:70vh}
.wide-only{display:none}
.viewport .key{width:auto}.viewport .num{width:74px}.viewport .dur{width:86px;padding-left:4px}
.toolbar{flex-wrap:wrap}
.toolbar input{width:120px}
.entry-details{position:absolute;inset:0;border-left:none;z-index:2}
header select{max-width:calc(100cqw - 130px)}
}
${uplotCss}
`
}
