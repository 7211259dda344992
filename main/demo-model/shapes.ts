/**
 * Signed distance functions of the six shapes, in pixels at the 512 px design size, centred on
 * the image. Negative inside. Box and polygon distances follow the usual exact formulas
 * (distance to the nearest edge, sign from an even-odd crossing test).
 */
import { GEOMETRY, type ShapeName } from './design.ts';

type Sdf = (x: number, y: number) => number;

function boxSdf(x: number, y: number, hx: number, hy: number): number {
  const dx = Math.abs(x) - hx;
  const dy = Math.abs(y) - hy;
  const ox = Math.max(dx, 0);
  const oy = Math.max(dy, 0);
  return Math.sqrt(ox * ox + oy * oy) + Math.min(Math.max(dx, dy), 0);
}

/** Exact signed distance to a closed polygon given as [x0, y0, x1, y1, ...]. */
function polygonSdf(pts: Float64Array): Sdf {
  const n = pts.length / 2;
  return (x, y) => {
    let best = Infinity;
    let inside = false;
    for (let i = 0, j = n - 1; i < n; j = i++) {
      const ax = pts[2 * j];
      const ay = pts[2 * j + 1];
      const bx = pts[2 * i];
      const by = pts[2 * i + 1];
      const ex = bx - ax;
      const ey = by - ay;
      const wx = x - ax;
      const wy = y - ay;
      const h = Math.min(Math.max((wx * ex + wy * ey) / (ex * ex + ey * ey), 0), 1);
      const qx = wx - ex * h;
      const qy = wy - ey * h;
      best = Math.min(best, qx * qx + qy * qy);
      if (ay > y !== by > y && x < ax + ((y - ay) * ex) / ey) inside = !inside;
    }
    const d = Math.sqrt(best);
    return inside ? -d : d;
  };
}

/** Regular polygon / star vertices starting at the top (y grows downwards). */
function radialPolygon(radii: readonly number[], count: number, dy = 0): Float64Array {
  const pts = new Float64Array(count * 2);
  for (let k = 0; k < count; k++) {
    const angle = -Math.PI / 2 + (2 * Math.PI * k) / count;
    const r = radii[k % radii.length];
    pts[2 * k] = r * Math.cos(angle);
    pts[2 * k + 1] = r * Math.sin(angle) + dy;
  }
  return pts;
}

const G = GEOMETRY;
// An upward equilateral triangle spans y ∈ [−R, R/2]; shift by R/4 to centre its bounding box.
const triangle = polygonSdf(radialPolygon([G.triangleCircumradius], 3, G.triangleCircumradius / 4));
const star = polygonSdf(radialPolygon([G.starOuter, G.starInner], 10));

export const SHAPE_SDF: Record<ShapeName, Sdf> = {
  circle: (x, y) => Math.sqrt(x * x + y * y) - G.circleRadius,
  square: (x, y) => boxSdf(x, y, G.squareHalf, G.squareHalf),
  triangle,
  star,
  ring: (x, y) => {
    const mid = (G.ringOuter + G.ringInner) / 2;
    return Math.abs(Math.sqrt(x * x + y * y) - mid) - (G.ringOuter - G.ringInner) / 2;
  },
  cross: (x, y) =>
    Math.min(
      boxSdf(x, y, G.crossHalfLength, G.crossHalfWidth),
      boxSdf(x, y, G.crossHalfWidth, G.crossHalfLength),
    ),
};

/**
 * The SDF sampled at the pixel centres of a `size`×`size` image (row-major), with the shape
 * scaled by size/512 so it keeps its place in the frame.
 */
export function sdfGrid(shape: ShapeName, size: number = G.size): Float32Array {
  const f = SHAPE_SDF[shape];
  const scale = G.size / size;
  const half = size / 2;
  const out = new Float32Array(size * size);
  for (let r = 0; r < size; r++) {
    const y = (r + 0.5 - half) * scale;
    for (let c = 0; c < size; c++) out[r * size + c] = f((c + 0.5 - half) * scale, y) / scale;
  }
  return out;
}
