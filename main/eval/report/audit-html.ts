/**
 * The audit report as one self-contained HTML file: contact sheets as embedded thumbnails, bar
 * charts with interval whiskers as inline SVG, and tables. The precision a sample size buys is
 * stated first, and every share is printed with its interval.
 */
import type { AuditAnalysis, CellStat } from '../audit/analysis.ts';
import { escapeHtml, percent, withInterval } from './escape.ts';
import { REPORT_CSS } from './style.ts';
import { barChartSvg } from './svg.ts';

export interface AuditReportInput {
  analysis: AuditAnalysis;
  /** image key → data: URI of a thumbnail. */
  thumbnails: ReadonlyMap<string, string>;
  /** image key → label shown under the thumbnail (from the analysis' label source). */
  captions?: ReadonlyMap<string, string>;
}

function bits(x: number): string {
  return Number.isFinite(x) ? x.toFixed(2) : '–';
}

function distributionTable(c: CellStat): string {
  const rows = c.distribution
    .map(
      (d) =>
        `<tr><td>${escapeHtml(d.value)}</td><td class="num">${d.count}</td><td class="num ci">${withInterval(d.share, d.low, d.high)}</td></tr>`,
    )
    .join('');
  const ref = c.reference
    ? `<p>Reference (${escapeHtml(c.reference.source)}): <b>${percent(c.reference.referenceShare, 1)}</b> ${escapeHtml(c.reference.value)}; this model ${withInterval(c.reference.modelShare, c.reference.low, c.reference.high)}. ` +
      (c.reference.referenceInside
        ? 'The reference lies <b>inside</b> the interval: no evidence of a difference at this sample size.'
        : `The reference lies <b>outside</b> the interval (difference ${percent(c.reference.difference)}, amplification ${percent(c.reference.amplification)}).`) +
      '</p>'
    : '';
  const uniform = c.labelled
    ? c.consistentWithUniform
      ? 'consistent with a uniform distribution at this n'
      : `below the ${bits(c.uniformEntropyLow)} bits a uniform model gives 95% of the time at this n: <b>skewed</b>`
    : 'no labels yet';
  return (
    `<table><tr><th>${escapeHtml(c.attribute)}</th><th>n</th><th>share [95% CI]</th></tr>${rows}</table>` +
    `<p class="muted">${c.labelled} labelled, ${c.cantTell} can't tell, ${c.unlabelled} unlabelled.</p>` +
    `<p>Entropy <span class="ci">${bits(c.entropy)} bits [${bits(c.entropyLow)}–${bits(c.entropyHigh)}]</span> of ${bits(c.maxEntropy)} possible; ${uniform}. MAD from uniform ${percent(c.mad, 1)}.</p>` +
    ref
  );
}

function chart(c: CellStat, title: string): string {
  return barChartSvg(
    c.distribution.map((d) => ({
      label: d.value,
      value: d.share,
      low: d.low,
      high: d.high,
      reference: c.reference?.value === d.value ? c.reference.referenceShare : undefined,
    })),
    { title },
  );
}

function contactSheet(c: CellStat, input: AuditReportInput): string {
  const figures = c.imageKeys
    .map((key) => {
      const src = input.thumbnails.get(key);
      const caption = input.captions?.get(key) ?? '';
      const seed = key.split('/').at(-1);
      return src
        ? `<figure><img src="${src}" alt="seed ${escapeHtml(seed)}" title="${escapeHtml(`${key} ${caption}`)}"><figcaption>${escapeHtml(caption || `#${seed}`)}</figcaption></figure>`
        : '';
    })
    .join('');
  return `<div class="sheet">${figures}</div>`;
}

export function renderAuditReport(input: AuditReportInput): string {
  const a = input.analysis;
  const halfWidth = (a.halfWidthAtHalf * 100).toFixed(0);
  const sourceNote = a.source
    ? a.source.kind === 'machine'
      ? `<p class="machine">Labels: <b>machine pre-labels</b> from <code>${escapeHtml(a.source.name)}</code>. Confirm them by hand before drawing conclusions.</p>`
      : `<p>Labels: annotator <code>${escapeHtml(a.source.name)}</code>.</p>`
    : '<p class="warn">No labels yet: only the images are shown.</p>';
  const warnings = a.warnings.length
    ? `<div class="warn"><p><b>${a.warnings.length} warning word${a.warnings.length === 1 ? '' : 's'}</b> in prompts or captions. Such words can decide what this audit measures.</p><table><tr><th>where</th><th>word</th><th>category</th><th>text</th></tr>${a.warnings
        .map(
          (w) =>
            `<tr><td>${escapeHtml(w.where)}</td><td><b>${escapeHtml(w.word)}</b></td><td>${escapeHtml(w.category)}</td><td>${escapeHtml(w.text)}</td></tr>`,
        )
        .join('')}</table></div>`
    : '<p>No warning words found in the prompts or captions.</p>';
  const pooled = a.pooled
    .map(
      (c) =>
        `<div class="cell"><div>${chart(c, `${c.variantLabel}: ${c.attribute}, all cells`)}</div><div>${distributionTable(c)}</div></div>`,
    )
    .join('');
  const cellIds = [...new Set(a.cells.map((c) => c.cell))];
  const cells = cellIds
    .map((id) => {
      const rows = a.cells.filter((c) => c.cell === id);
      const body = rows
        .map(
          (c) =>
            `<h4>${escapeHtml(c.variantLabel)} · ${escapeHtml(c.attribute)}</h4><div class="cell"><div>${chart(c, `${c.variantLabel}: ${c.attribute}`)}</div><div>${distributionTable(c)}</div></div>`,
        )
        .join('');
      const sheets = [...new Set(rows.map((c) => c.variant))]
        .map((v) => {
          const c = rows.find((r) => r.variant === v)!;
          return `<p class="muted">${escapeHtml(c.variantLabel)}: ${c.images} images</p>${contactSheet(c, input)}`;
        })
        .join('');
      return `<section class="cell-section"><h3>${escapeHtml(rows[0].prompt)}</h3>${body}${sheets}</section>`;
    })
    .join('');
  const comparisons = a.comparisons.length
    ? `<table><tr><th>prompt</th><th>attribute</th><th>A − B</th><th>value</th><th>difference [95% CI]</th><th>TV</th></tr>${a.comparisons
        .flatMap((c) =>
          c.differences.map(
            (d) =>
              `<tr><td>${escapeHtml(c.prompt)}</td><td>${escapeHtml(c.attribute)}</td><td>${escapeHtml(c.a)} − ${escapeHtml(c.b)}</td><td>${escapeHtml(d.value)}</td><td class="num ci">${percent(d.estimate)} [${percent(d.low)}, ${percent(d.high)}]</td><td class="num">${percent(c.totalVariation)}</td></tr>`,
          ),
        )
        .join(
          '',
        )}</table><p class="muted">Newcombe (1998) hybrid score intervals. An interval that contains 0% is no evidence that the two differ.</p>`
    : '<p class="muted">One variant only, or no labels: nothing to compare.</p>';
  const agreement = a.agreements.length
    ? `<table><tr><th>attribute</th><th>A</th><th>B</th><th>n</th><th>Cohen's κ</th><th>observed</th><th>chance</th></tr>${a.agreements
        .map(
          (g) =>
            `<tr><td>${escapeHtml(g.attribute)}</td><td>${escapeHtml(g.a)}</td><td>${escapeHtml(g.b)}</td><td class="num">${g.kappa.n}</td><td class="num ci">${Number.isFinite(g.kappa.kappa) ? g.kappa.kappa.toFixed(2) : '–'} ± ${Number.isFinite(g.kappa.standardError) ? (1.96 * g.kappa.standardError).toFixed(2) : '–'}</td><td class="num">${percent(g.kappa.observed)}</td><td class="num">${percent(g.kappa.expected)}</td></tr>`,
        )
        .join(
          '',
        )}</table><p class="muted">"Can't tell" counts as a category. ± is 1.96 × Cohen's large-sample standard error.</p>`
    : '<p class="muted">Only one label source: label some images with a second annotator or a labeller to measure agreement.</p>';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Bias audit: ${escapeHtml(a.name)}</title><style>${REPORT_CSS}</style></head>
<body>
<header><h1>Bias audit: ${escapeHtml(a.name)}</h1>
<p>Template <code>${escapeHtml(a.template)}</code> · ${a.images} images · ${a.seedsPerCell} seeds per cell · ${escapeHtml(a.createdAt)}</p>
<div class="precision" id="precision">With <b>${a.seedsPerCell} images per cell</b>, any share is uncertain by up to <b>±${halfWidth} percentage points</b> (95% Wilson interval at 50%). Bars show the estimate, whiskers the 95% interval, red dashes a reference share. Do not read differences smaller than the intervals as real.</div>
${sourceNote}</header>
<section id="warnings"><h2>Warning words</h2>${warnings}</section>
<section id="summary"><h2>All cells pooled</h2>${pooled}</section>
<section id="cells"><h2>Cells</h2>${cells}</section>
<section id="comparisons"><h2>Model against model</h2>${comparisons}</section>
<section id="agreement"><h2>Agreement</h2>${agreement}</section>
<footer class="muted"><p>Generated by Emulsion. Shares are of images that got a value; "can't tell" and unlabelled images are counted separately. Entropy intervals are percentile bootstraps; the uniform test compares the entropy with what a uniform model gives at the same n.</p></footer>
</body></html>
`;
}
