/**
 * The labelled grid image: cells in rows (Y) and columns (X), value labels above the columns and
 * left of the rows, axis titles, and for a Z axis one grid per Z value side by side under its own
 * label. Labels are drawn by compositing an SVG text overlay with sharp (librsvg renders it with
 * the system's sans-serif font).
 */
import sharp, { type OverlayOptions } from 'sharp';
import { escapeHtml } from '../report/escape.ts';

export interface GridLayout {
  width: number;
  height: number;
  left: number;
  top: number;
  cellWidth: number;
  cellHeight: number;
  gap: number;
  fontSize: number;
}

export interface GridInput {
  /** rows[y][x]: PNG bytes of each cell. */
  rows: Uint8Array[][];
  xLabels: string[];
  yLabels?: string[];
  xTitle: string;
  yTitle?: string;
  /** A line above everything (the Z value). */
  title?: string;
}

const CHAR_WIDTH = 0.6; // average advance of a sans-serif glyph, in ems

/** Greedy word wrap to a width in px at a font size; long words are cut. */
export function wrapText(text: string, widthPx: number, fontSize: number): string[] {
  const max = Math.max(1, Math.floor(widthPx / (fontSize * CHAR_WIDTH)));
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    for (let w = word; w.length > 0;) {
      const candidate = line ? `${line} ${w}` : w;
      if (candidate.length <= max) {
        line = candidate;
        w = '';
      } else if (line) {
        lines.push(line);
        line = '';
      } else {
        lines.push(w.slice(0, max));
        w = w.slice(max);
      }
    }
  }
  if (line) lines.push(line);
  return lines.length ? lines : [''];
}

function textBlock(
  lines: string[],
  x: number,
  y: number,
  size: number,
  anchor: string,
  weight = 'normal',
): string {
  return lines
    .map(
      (l, i) =>
        `<text x="${x}" y="${y + (i + 1) * size * 1.25 - size * 0.25}" font-size="${size}" font-weight="${weight}" text-anchor="${anchor}">${escapeHtml(l)}</text>`,
    )
    .join('');
}

export async function composeGrid(input: GridInput): Promise<{ png: Buffer; layout: GridLayout }> {
  const first = await sharp(input.rows[0][0]).metadata();
  const cw = first.width!;
  const ch = first.height!;
  const fontSize = Math.max(11, Math.min(28, Math.round(cw / 8)));
  const lh = fontSize * 1.25;
  const gap = Math.max(2, Math.round(cw / 64));
  const pad = Math.round(fontSize / 2);
  const xLines = input.xLabels.map((l) => wrapText(l, cw - 4, fontSize));
  const yWidth = Math.max(cw, 6 * fontSize);
  const yLines = (input.yLabels ?? []).map((l) => wrapText(l, yWidth, fontSize));
  const titleRows = (input.title ? 1 : 0) + 1;
  const top = Math.ceil(titleRows * lh + Math.max(...xLines.map((l) => l.length)) * lh + pad);
  const yLabelWidth = input.yLabels
    ? Math.ceil(
        Math.max(...yLines.flat().map((l) => l.length), (input.yTitle ?? '').length) *
          fontSize *
          CHAR_WIDTH,
      )
    : 0;
  const left = input.yLabels ? yLabelWidth + 2 * pad : pad;
  const cols = input.xLabels.length;
  const rowsN = input.rows.length;
  const width = left + cols * cw + (cols - 1) * gap + pad;
  const height = top + rowsN * ch + (rowsN - 1) * gap + pad;
  const svg: string[] = [];
  let y0 = 0;
  if (input.title) {
    svg.push(textBlock([input.title], width / 2, 0, fontSize, 'middle', 'bold'));
    y0 += lh;
  }
  svg.push(
    textBlock(
      [input.xTitle],
      left + (cols * cw + (cols - 1) * gap) / 2,
      y0,
      fontSize,
      'middle',
      'bold',
    ),
  );
  xLines.forEach((lines, x) =>
    svg.push(textBlock(lines, left + x * (cw + gap) + cw / 2, y0 + lh, fontSize, 'middle')),
  );
  if (input.yLabels) {
    if (input.yTitle) svg.push(textBlock([input.yTitle], pad, y0 + lh, fontSize, 'start', 'bold'));
    yLines.forEach((lines, y) => {
      const cy = top + y * (ch + gap) + ch / 2 - (lines.length * lh) / 2;
      svg.push(textBlock(lines, left - pad, cy, fontSize, 'end'));
    });
  }
  const overlay = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="DejaVu Sans, Liberation Sans, Arial, sans-serif" fill="#111">${svg.join('')}</svg>`,
  );
  const composites: OverlayOptions[] = [{ input: overlay, left: 0, top: 0 }];
  for (let y = 0; y < rowsN; y++)
    for (let x = 0; x < cols; x++) {
      const cell = await sharp(input.rows[y][x])
        .resize(cw, ch, { fit: 'contain', background: '#ffffff' })
        .png()
        .toBuffer();
      composites.push({ input: cell, left: left + x * (cw + gap), top: top + y * (ch + gap) });
    }
  const png = await sharp({ create: { width, height, channels: 3, background: '#ffffff' } })
    .composite(composites)
    .png()
    .toBuffer();
  return {
    png,
    layout: { width, height, left, top, cellWidth: cw, cellHeight: ch, gap, fontSize },
  };
}

/** Places Z grids side by side (tops aligned), separated by a margin. */
export async function joinHorizontally(images: Buffer[], margin = 16): Promise<Buffer> {
  const metas = await Promise.all(images.map((i) => sharp(i).metadata()));
  const width = metas.reduce((s, m) => s + m.width!, 0) + margin * (images.length - 1);
  const height = Math.max(...metas.map((m) => m.height!));
  let x = 0;
  const composites = images.map((input, i) => {
    const c = { input, left: x, top: 0 };
    x += metas[i].width! + margin;
    return c;
  });
  return sharp({ create: { width, height, channels: 3, background: '#ffffff' } })
    .composite(composites)
    .png()
    .toBuffer();
}
