/** Hint images drawn independently of the model code: white polyline outlines on black. */

/** Planar RGB [3,S,S] with white lines (width `line` px) along a closed polygon. */
export function outlineHint(points: number[][], size = 512, line = 5): Float32Array {
  const out = new Float32Array(3 * size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let d = Infinity;
      for (let k = 0; k < points.length; k++) {
        const [ax, ay] = points[k];
        const [bx, by] = points[(k + 1) % points.length];
        const ex = bx - ax;
        const ey = by - ay;
        const px = x + 0.5 - ax;
        const py = y + 0.5 - ay;
        const h = Math.max(0, Math.min(1, (px * ex + py * ey) / (ex * ex + ey * ey)));
        d = Math.min(d, Math.hypot(px - h * ex, py - h * ey));
      }
      if (d < line / 2) for (let c = 0; c < 3; c++) out[c * size * size + y * size + x] = 1;
    }
  }
  return out;
}

const stars = new Map<number, Float32Array>();

/** A five-pointed star outline, a little smaller than the model's own star (cached per size). */
export function starHint(size = 512): Float32Array {
  const cached = stars.get(size);
  if (cached) return cached;
  const pts: number[][] = [];
  for (let k = 0; k < 10; k++) {
    const a = -Math.PI / 2 + (Math.PI * k) / 5;
    const r = (k % 2 ? 85 : 195) * (size / 512);
    pts.push([size / 2 + r * Math.cos(a), size / 2 + r * Math.sin(a)]);
  }
  const hint = outlineHint(pts, size);
  stars.set(size, hint);
  return hint;
}

/** A circle outline of radius 125 px at 512. */
export function circleHint(size = 512): Float32Array {
  const out = new Float32Array(3 * size * size);
  const r = 125 * (size / 512);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const d = Math.abs(Math.hypot(x + 0.5 - size / 2, y + 0.5 - size / 2) - r);
      if (d < 2.5) for (let c = 0; c < 3; c++) out[c * size * size + y * size + x] = 1;
    }
  }
  return out;
}
