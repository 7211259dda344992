/** The report's stylesheet, inlined so the HTML file stands alone. */
export const REPORT_CSS = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 24px auto; max-width: 1100px; color: #1d1d1f; padding: 0 16px; }
h1 { font-size: 24px; margin: 0 0 4px; } h2 { font-size: 19px; margin-top: 32px; border-bottom: 1px solid #ddd; }
h3 { font-size: 15px; margin: 20px 0 6px; } code { background: #f3f3f3; padding: 1px 4px; border-radius: 3px; }
.precision { background: #fff6d6; border: 1px solid #e8c95a; padding: 10px 14px; border-radius: 6px; margin: 12px 0; font-size: 15px; }
.machine { background: #e7f0ff; border: 1px solid #8fb1f0; padding: 6px 10px; border-radius: 6px; display: inline-block; }
.warn { background: #ffe9e6; border: 1px solid #f0a093; padding: 8px 12px; border-radius: 6px; }
table { border-collapse: collapse; margin: 6px 0 12px; } th, td { padding: 3px 10px; text-align: left; border-bottom: 1px solid #eee; vertical-align: top; }
th { background: #fafafa; font-weight: 600; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.ci { font-weight: 600; } .muted { color: #777; }
.cell { display: flex; flex-wrap: wrap; gap: 18px; align-items: flex-start; }
.cell > div:last-child { flex: 1 1 360px; }
.sheet { display: grid; grid-template-columns: repeat(10, 64px); gap: 3px; }
.sheet figure { margin: 0; width: 64px; font-size: 10px; text-align: center; color: #555; overflow: hidden; white-space: nowrap; }
.sheet img { width: 64px; height: 64px; display: block; image-rendering: pixelated; }
.chart .bar { fill: #6d8fd6; } .chart .whisker { stroke: #1d1d1f; stroke-width: 1.5; }
.chart .reference { stroke: #d2452f; stroke-width: 3; stroke-dasharray: 3 2; } .chart .grid { stroke: #e4e4e4; }
.chart text { font: 11px system-ui, sans-serif; fill: #333; } .chart .chart-title { font-weight: 600; }
.grid-img { max-width: 100%; border: 1px solid #ddd; }
`;
