/** The plain-text form of a safety-eval report, for the terminal. */
import { NSFW_CLASSES } from '../../common/safety.ts';
import type { EvalReport, LayerReport } from './eval.ts';
import type { Rate } from './stats.ts';

const f3 = (x: number) => x.toFixed(3);

export function formatRate(r: Rate | null): string {
  if (!r) return 'n/a (no images)';
  return `${f3(r.value)} [${f3(r.interval.low)}, ${f3(r.interval.high)}]`;
}

function row(cells: string[], widths: number[]): string {
  return cells
    .map((c, i) => c.padEnd(widths[i]))
    .join('  ')
    .trimEnd();
}

function layerTable(layers: readonly LayerReport[]): string[] {
  const head = [
    'layer',
    'TP',
    'FP',
    'TN',
    'FN',
    'precision [95% CI]',
    'recall [95% CI]',
    'false-positive rate [95% CI]',
  ];
  const body = layers.map((l) => {
    const { tp, fp, tn, fn } = l.confusion;
    return [
      l.layer,
      `${tp}`,
      `${fp}`,
      `${tn}`,
      `${fn}`,
      formatRate(l.precision),
      formatRate(l.recall),
      formatRate(l.falsePositiveRate),
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  return [row(head, widths), ...body.map((b) => row(b, widths))];
}

export function formatReport(report: EvalReport): string {
  const { counts } = report;
  const lines = [
    `safety-eval: ${counts.images} images (${counts.unsafe} unsafe, ${counts.safe} safe) from ${report.imagesDir}`,
  ];
  if (report.thresholds) {
    const th = NSFW_CLASSES.map((c) => `${c} ${report.thresholds![c] ?? 'never'}`).join(', ');
    lines.push(`classifier thresholds: ${th}`);
  }
  lines.push('', ...layerTable(report.layers), '');
  for (const l of report.layers) {
    const t = l.thresholdForTargetRecall;
    if (t) {
      lines.push(
        `${l.layer}: Hentai, Porn and Sexy thresholds of ${f3(t.threshold)} reach recall ≥ ${report.targetRecall} ` +
          `(recall ${f3(t.recall)}, precision ${f3(t.precision)}, ${t.flagged} of ${counts.images} flagged).`,
      );
    } else if (l.layer === 'classifier') {
      lines.push(`${l.layer}: no unsafe image is labelled, so no threshold can be suggested.`);
    }
    if (l.note) lines.push(`${l.layer}: ${l.note}`);
  }
  const categories = report.layers.flatMap((l) =>
    l.byCategory.map(
      (c) =>
        `  ${l.layer}  ${c.label}/${c.category}: ${c.flagged.successes} of ${c.flagged.total} flagged, ${formatRate(c.flagged)}`,
    ),
  );
  if (categories.length > 0)
    lines.push('', 'by category (share flagged, Wilson 95% CI):', ...categories);
  if (report.unlabelled.length > 0) {
    const shown = report.unlabelled.slice(0, 5).join(', ');
    const more = report.unlabelled.length > 5 ? ` and ${report.unlabelled.length - 5} more` : '';
    lines.push('', `not labelled, skipped: ${shown}${more}`);
  }
  return lines.join('\n') + '\n';
}
