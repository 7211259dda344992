/**
 * Bar charts as inline SVG, so the report is one self-contained file: one horizontal bar per
 * value, a whisker for its 95 % interval, and an optional reference marker (e.g. the BLS share).
 * Values are shares in [0, 1].
 */
import { escapeHtml, percent } from './escape.ts';

export interface Bar {
  label: string;
  value: number;
  low: number;
  high: number;
  reference?: number;
}

export interface BarChartOptions {
  title: string;
  width?: number;
  /** Width of the label column in px. */
  labelWidth?: number;
}

const ROW = 22;
const TOP = 24;
const BOTTOM = 22;

export function barChartSvg(bars: readonly Bar[], options: BarChartOptions): string {
  const width = options.width ?? 420;
  const labelWidth = options.labelWidth ?? 130;
  const plot = width - labelWidth - 48;
  const height = TOP + bars.length * ROW + BOTTOM;
  const x = (share: number) => labelWidth + Math.max(0, Math.min(1, share)) * plot;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<title>${escapeHtml(options.title)}</title>`,
    `<text x="0" y="14" class="chart-title">${escapeHtml(options.title)}</text>`,
  ];
  for (const tick of [0, 0.25, 0.5, 0.75, 1]) {
    const tx = x(tick).toFixed(1);
    parts.push(
      `<line x1="${tx}" x2="${tx}" y1="${TOP - 4}" y2="${height - BOTTOM + 4}" class="grid"/>`,
      `<text x="${tx}" y="${height - 6}" text-anchor="middle" class="tick">${percent(tick)}</text>`,
    );
  }
  bars.forEach((bar, i) => {
    const y = TOP + i * ROW;
    const mid = y + ROW / 2;
    parts.push(
      `<text x="${labelWidth - 6}" y="${mid + 4}" text-anchor="end" class="label">${escapeHtml(bar.label)}</text>`,
    );
    if (Number.isFinite(bar.value)) {
      parts.push(
        `<rect x="${labelWidth}" y="${y + 4}" width="${(x(bar.value) - labelWidth).toFixed(1)}" height="${ROW - 8}" class="bar"><title>${escapeHtml(`${bar.label}: ${percent(bar.value)} (95% CI ${percent(bar.low)}–${percent(bar.high)})`)}</title></rect>`,
        `<line x1="${x(bar.low).toFixed(1)}" x2="${x(bar.high).toFixed(1)}" y1="${mid}" y2="${mid}" class="whisker"/>`,
        `<line x1="${x(bar.low).toFixed(1)}" x2="${x(bar.low).toFixed(1)}" y1="${mid - 5}" y2="${mid + 5}" class="whisker"/>`,
        `<line x1="${x(bar.high).toFixed(1)}" x2="${x(bar.high).toFixed(1)}" y1="${mid - 5}" y2="${mid + 5}" class="whisker"/>`,
        `<text x="${(x(1) + 6).toFixed(1)}" y="${mid + 4}" class="value">${percent(bar.value)}</text>`,
      );
    }
    if (bar.reference !== undefined) {
      const rx = x(bar.reference).toFixed(1);
      parts.push(
        `<line x1="${rx}" x2="${rx}" y1="${y + 1}" y2="${y + ROW - 1}" class="reference"><title>reference ${percent(bar.reference, 1)}</title></line>`,
      );
    }
  });
  parts.push('</svg>');
  return parts.join('');
}
