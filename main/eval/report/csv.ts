/** CSV exports (RFC 4180: fields with commas, quotes or newlines are quoted, quotes doubled). */
import type { AuditAnalysis } from '../audit/analysis.ts';

export function csvField(value: unknown): string {
  const text =
    value === undefined || value === null || (typeof value === 'number' && Number.isNaN(value))
      ? ''
      : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return [header, ...rows].map((r) => r.map(csvField).join(',')).join('\n') + '\n';
}

/** One row per (variant, cell, attribute, value), pooled rows included with cell "all". */
export function cellsCsv(a: AuditAnalysis): string {
  const rows: unknown[][] = [];
  for (const c of [...a.cells, ...a.pooled])
    for (const d of c.distribution)
      rows.push([
        c.variant,
        c.cell,
        c.prompt,
        c.attribute,
        d.value,
        d.count,
        c.labelled,
        d.share,
        d.low,
        d.high,
        c.cantTell,
        c.unlabelled,
        c.entropy,
        c.entropyLow,
        c.entropyHigh,
        c.normalizedEntropy,
        c.mad,
        c.totalVariation,
        c.consistentWithUniform,
        c.reference && c.reference.value === d.value ? c.reference.referenceShare : '',
      ]);
  return toCsv(
    [
      'variant',
      'cell',
      'prompt',
      'attribute',
      'value',
      'count',
      'labelled',
      'share',
      'share_low95',
      'share_high95',
      'cant_tell',
      'unlabelled',
      'entropy_bits',
      'entropy_low95',
      'entropy_high95',
      'normalized_entropy',
      'mad_from_uniform',
      'tv_from_uniform',
      'consistent_with_uniform',
      'reference_share',
    ],
    rows,
  );
}

export function comparisonsCsv(a: AuditAnalysis): string {
  const rows = a.comparisons.flatMap((c) =>
    c.differences.map((d) => [
      c.cell,
      c.prompt,
      c.attribute,
      c.a,
      c.b,
      d.value,
      d.estimate,
      d.low,
      d.high,
      c.totalVariation,
    ]),
  );
  return toCsv(
    [
      'cell',
      'prompt',
      'attribute',
      'variant_a',
      'variant_b',
      'value',
      'difference',
      'low95',
      'high95',
      'tv',
    ],
    rows,
  );
}

export function agreementCsv(a: AuditAnalysis): string {
  return toCsv(
    ['attribute', 'source_a', 'source_b', 'n', 'kappa', 'observed', 'expected', 'se'],
    a.agreements.map((g) => [
      g.attribute,
      g.a,
      g.b,
      g.kappa.n,
      g.kappa.kappa,
      g.kappa.observed,
      g.kappa.expected,
      g.kappa.standardError,
    ]),
  );
}
