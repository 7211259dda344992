/** Escaping for text placed in HTML or SVG (element content and quoted attributes). */
export function escapeHtml(value: unknown): string {
  return String(value)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** 0.4567 → "46%"; NaN → "–". */
export function percent(x: number, digits = 0): string {
  return Number.isFinite(x) ? `${(x * 100).toFixed(digits)}%` : '–';
}

/** "46% [31–62%]": the interval always travels with the estimate. */
export function withInterval(estimate: number, low: number, high: number): string {
  if (!Number.isFinite(estimate)) return '–';
  return `${percent(estimate)} [${(low * 100).toFixed(0)}–${percent(high)}]`;
}
