/**
 * Canny edge detection (Canny 1986, "A Computational Approach to Edge Detection"), the ControlNet
 * canny preprocessor: Gaussian smoothing, Sobel gradients, non-maximum suppression along the
 * gradient direction, then hysteresis between a low and a high threshold.
 *
 * The gradient magnitude is the L1 norm |gx| + |gy| of the 3×3 Sobel responses on 0–255 grey
 * values, OpenCV's default (cv2.Canny with L2gradient=false), so the familiar ControlNet
 * thresholds (100/200) mean the same here. Borders replicate the edge pixel.
 */

/** A separable Gaussian blur of a single-channel image; σ ≤ 0 returns a copy. */
export function gaussianBlur(
  src: Float32Array,
  width: number,
  height: number,
  sigma: number,
): Float32Array {
  if (sigma <= 0) return Float32Array.from(src);
  // ±3σ holds 99.7% of the mass; the taps are renormalised to sum to 1.
  const radius = Math.max(1, Math.ceil(3 * sigma));
  const taps = new Float32Array(2 * radius + 1);
  let sum = 0;
  for (let k = -radius; k <= radius; k++) {
    taps[k + radius] = Math.exp(-(k * k) / (2 * sigma * sigma));
    sum += taps[k + radius];
  }
  for (let k = 0; k < taps.length; k++) taps[k] /= sum;
  const clampX = (x: number) => (x < 0 ? 0 : x >= width ? width - 1 : x);
  const clampY = (y: number) => (y < 0 ? 0 : y >= height ? height - 1 : y);
  const tmp = new Float32Array(src.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let v = 0;
      for (let k = -radius; k <= radius; k++)
        v += taps[k + radius] * src[y * width + clampX(x + k)];
      tmp[y * width + x] = v;
    }
  }
  const out = new Float32Array(src.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let v = 0;
      for (let k = -radius; k <= radius; k++)
        v += taps[k + radius] * tmp[clampY(y + k) * width + x];
      out[y * width + x] = v;
    }
  }
  return out;
}

/** ITU-R BT.601 luma, as OpenCV's RGB→grey conversion. */
export function toGrey(rgb: Uint8Array, width: number, height: number): Float32Array {
  const out = new Float32Array(width * height);
  for (let i = 0; i < out.length; i++) {
    out[i] = 0.299 * rgb[i * 3] + 0.587 * rgb[i * 3 + 1] + 0.114 * rgb[i * 3 + 2];
  }
  return out;
}

export interface CannyOptions {
  low: number;
  high: number;
  /** Gaussian σ in pixels before the gradients; 0 skips smoothing (as cv2.Canny itself does). */
  sigma: number;
}

/** Sobel gradients of a grey image: gx, gy and the L1 magnitude. */
export function sobel(grey: Float32Array, width: number, height: number) {
  const gx = new Float32Array(grey.length);
  const gy = new Float32Array(grey.length);
  const mag = new Float32Array(grey.length);
  const at = (x: number, y: number) =>
    grey[Math.min(Math.max(y, 0), height - 1) * width + Math.min(Math.max(x, 0), width - 1)];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const a = at(x - 1, y - 1);
      const b = at(x, y - 1);
      const c = at(x + 1, y - 1);
      const d = at(x - 1, y);
      const f = at(x + 1, y);
      const g = at(x - 1, y + 1);
      const h = at(x, y + 1);
      const k = at(x + 1, y + 1);
      gx[i] = c + 2 * f + k - (a + 2 * d + g);
      gy[i] = g + 2 * h + k - (a + 2 * b + c);
      mag[i] = Math.abs(gx[i]) + Math.abs(gy[i]);
    }
  }
  return { gx, gy, mag };
}

/** tan(22.5°): the boundary between a horizontal-ish and a diagonal gradient direction. */
const TAN_22_5 = Math.SQRT2 - 1;

/**
 * Keeps pixels whose magnitude is a local maximum along the gradient, quantised to 0°, 45°, 90°
 * and 135°. Ties keep the first pixel of a plateau (strictly greater than the neighbour behind,
 * at least the neighbour ahead), so a sharp step edge comes out one pixel wide.
 */
export function nonMaxSuppression(
  gx: Float32Array,
  gy: Float32Array,
  mag: Float32Array,
  width: number,
  height: number,
): Float32Array {
  const out = new Float32Array(mag.length);
  const m = (x: number, y: number) =>
    x < 0 || y < 0 || x >= width || y >= height ? 0 : mag[y * width + x];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const v = mag[i];
      if (v === 0) continue;
      const ax = Math.abs(gx[i]);
      const ay = Math.abs(gy[i]);
      let dx: number;
      let dy: number;
      if (ay <= ax * TAN_22_5) [dx, dy] = [1, 0];
      else if (ax <= ay * TAN_22_5) [dx, dy] = [0, 1];
      else [dx, dy] = gx[i] * gy[i] > 0 ? [1, 1] : [1, -1];
      if (v > m(x - dx, y - dy) && v >= m(x + dx, y + dy)) out[i] = v;
    }
  }
  return out;
}

/** Strong pixels (> high) and every weak pixel (> low) 8-connected to one; 255 on 0. */
export function hysteresis(
  thin: Float32Array,
  width: number,
  height: number,
  low: number,
  high: number,
): Uint8Array {
  const out = new Uint8Array(thin.length);
  const stack: number[] = [];
  for (let i = 0; i < thin.length; i++) {
    if (thin[i] > high) {
      out[i] = 255;
      stack.push(i);
    }
  }
  while (stack.length > 0) {
    const i = stack.pop()!;
    const x = i % width;
    const y = (i - x) / width;
    for (let dy = -1; dy <= 1; dy++) {
      for (let dx = -1; dx <= 1; dx++) {
        const nx = x + dx;
        const ny = y + dy;
        if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue;
        const j = ny * width + nx;
        if (out[j] === 0 && thin[j] > low) {
          out[j] = 255;
          stack.push(j);
        }
      }
    }
  }
  return out;
}

/** Edge map (255 on 0) of an RGB image. */
export function canny(
  rgb: Uint8Array,
  width: number,
  height: number,
  options: CannyOptions,
): Uint8Array {
  const grey = gaussianBlur(toGrey(rgb, width, height), width, height, options.sigma);
  const { gx, gy, mag } = sobel(grey, width, height);
  const thin = nonMaxSuppression(gx, gy, mag, width, height);
  return hysteresis(thin, width, height, options.low, options.high);
}
