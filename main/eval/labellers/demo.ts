/**
 * The built-in labeller for the demo model's pictures: one centred shape in one colour on a plain
 * background (main/demo-model/design.ts).
 *
 * Background: the median colour of the image border. Foreground: pixels more than 48 units (RGB
 * Euclidean, 0–255) from it; the closest demo pair, black on the dark slate, is 67 apart.
 *
 * Colour: each foreground pixel is put in a hue cluster. Pixels with chroma (max − min) under
 * 0.16 are achromatic and go to white (value > 0.6), black (value < 0.35) or grey; the others go to the
 * nearest of six hue centres, placed at the hues of the demo colours (red 0°, orange 30°,
 * yellow 53°, green 133°, blue 224°, purple 282°). The label is the largest cluster among the
 * attribute's values; its share of the foreground is the confidence.
 *
 * Shape: features of the foreground mask inside its bounding box: a hole at the centre (ring),
 * the fill ratio (area / box: square 1.0, circle π/4 ≈ 0.79, cross 0.53, triangle 0.5,
 * star ≈ 0.37), and the top/bottom width asymmetry that tells a triangle (widths ¼ and ¾ of the
 * base at ¼ and ¾ height) from a cross (equal widths).
 *
 * Too few foreground pixels (under 1 % of the image) gives "can't tell".
 */
import { CANT_TELL, type AuditAttribute } from '../audit/attributes.ts';
import type { LabelGuess, Labeller } from './types.ts';
import { borderColour, decodeRgb, foregroundMask, rgbToHsv, type RgbImage } from './pixels.ts';

const HUE_CENTRES: Record<string, number> = {
  red: 0,
  orange: 30,
  yellow: 53,
  green: 133,
  blue: 224,
  purple: 282,
};
const COLOUR_VALUES = new Set([...Object.keys(HUE_CENTRES), 'white', 'black']);
const SHAPE_VALUES = new Set(['circle', 'square', 'triangle', 'star', 'ring', 'cross']);
const FOREGROUND_THRESHOLD = 48;
const MIN_FOREGROUND_SHARE = 0.01;
const ACHROMATIC_CHROMA = 0.16;

function hueDistance(a: number, b: number): number {
  const d = Math.abs(a - b) % 360;
  return Math.min(d, 360 - d);
}

export function colourOfPixel(r: number, g: number, b: number): string {
  // Chroma (max − min), not HSV saturation, decides achromatic: saturation divides by the value,
  // so a near-black pixel with a faint tint (5, 20, 8) has saturation 0.75 and a random hue.
  const chroma = (Math.max(r, g, b) - Math.min(r, g, b)) / 255;
  const [h, , v] = rgbToHsv(r, g, b);
  if (chroma < ACHROMATIC_CHROMA) return v > 0.6 ? 'white' : v < 0.35 ? 'black' : 'grey';
  let best = 'red';
  for (const [name, centre] of Object.entries(HUE_CENTRES))
    if (hueDistance(h, centre) < hueDistance(h, HUE_CENTRES[best])) best = name;
  return best;
}

function labelColour(img: RgbImage, mask: Uint8Array, values: readonly string[]): LabelGuess {
  const counts: Record<string, number> = {};
  let total = 0;
  for (let p = 0; p < mask.length; p++) {
    if (!mask[p]) continue;
    const c = colourOfPixel(img.data[p * 3], img.data[p * 3 + 1], img.data[p * 3 + 2]);
    counts[c] = (counts[c] ?? 0) + 1;
    total++;
  }
  const scores = Object.fromEntries(values.map((v) => [v, (counts[v] ?? 0) / total]));
  const best = values.reduce((a, b) => (scores[b] > scores[a] ? b : a));
  if (!(scores[best] > 0)) return { value: CANT_TELL, confidence: 0, scores };
  return { value: best, confidence: scores[best], scores };
}

interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

function boundingBox(mask: Uint8Array, width: number): Box {
  const box = { x0: Infinity, y0: Infinity, x1: -1, y1: -1 };
  for (let p = 0; p < mask.length; p++) {
    if (!mask[p]) continue;
    const x = p % width;
    const y = Math.floor(p / width);
    box.x0 = Math.min(box.x0, x);
    box.x1 = Math.max(box.x1, x);
    box.y0 = Math.min(box.y0, y);
    box.y1 = Math.max(box.y1, y);
  }
  return box;
}

export interface ShapeFeatures {
  fill: number;
  hole: boolean;
  asymmetry: number;
}

export function shapeFeatures(mask: Uint8Array, width: number): ShapeFeatures {
  const box = boundingBox(mask, width);
  const bw = box.x1 - box.x0 + 1;
  const bh = box.y1 - box.y0 + 1;
  let area = 0;
  for (let y = box.y0; y <= box.y1; y++)
    for (let x = box.x0; x <= box.x1; x++) area += mask[y * width + x];
  // Centre 3×3 (or 1×1 for tiny boxes) all background: a hole.
  const cx = Math.round((box.x0 + box.x1) / 2);
  const cy = Math.round((box.y0 + box.y1) / 2);
  const r = Math.max(bw, bh) >= 12 ? 1 : 0;
  let centre = 0;
  for (let dy = -r; dy <= r; dy++)
    for (let dx = -r; dx <= r; dx++) centre += mask[(cy + dy) * width + cx + dx];
  const rowWidth = (y: number) => {
    let n = 0;
    for (let x = box.x0; x <= box.x1; x++) n += mask[y * width + x];
    return n;
  };
  const top = rowWidth(box.y0 + Math.round(0.25 * (bh - 1)));
  const bottom = rowWidth(box.y0 + Math.round(0.75 * (bh - 1)));
  return { fill: area / (bw * bh), hole: centre === 0, asymmetry: Math.abs(bottom - top) / bw };
}

export function shapeFromFeatures(f: ShapeFeatures): string {
  if (f.hole) return 'ring';
  if (f.fill >= 0.9) return 'square';
  if (f.fill >= 0.66) return 'circle';
  if (f.fill < 0.43) return 'star';
  return f.asymmetry > 0.25 ? 'triangle' : 'cross';
}

function supports(attribute: AuditAttribute): boolean {
  const known =
    attribute.name === 'colour' ? COLOUR_VALUES : attribute.name === 'shape' ? SHAPE_VALUES : null;
  return known !== null && attribute.values.every((v) => known.has(v));
}

export function createDemoLabeller(): Labeller {
  return {
    id: 'demo',
    description: 'Demo model: dominant colour by hue clusters, shape by mask features',
    supports,
    async label(image, attributes) {
      const img = await decodeRgb(image);
      const mask = foregroundMask(img, borderColour(img), FOREGROUND_THRESHOLD);
      const share = mask.reduce((a, b) => a + b, 0) / mask.length;
      const out: Record<string, LabelGuess> = {};
      for (const attribute of attributes) {
        if (!supports(attribute)) continue;
        if (share < MIN_FOREGROUND_SHARE) {
          out[attribute.name] = { value: CANT_TELL, confidence: 0 };
        } else if (attribute.name === 'colour') {
          out[attribute.name] = labelColour(img, mask, attribute.values);
        } else {
          const value = shapeFromFeatures(shapeFeatures(mask, img.width));
          out[attribute.name] = attribute.values.includes(value)
            ? { value, confidence: 1 }
            : { value: CANT_TELL, confidence: 0 };
        }
      }
      return out;
    },
  };
}
