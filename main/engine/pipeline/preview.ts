/**
 * Live previews without running the VAE: a linear map from the 4 latent channels to RGB at latent
 * resolution (ComfyUI latent_preview.py Latent2RGBPreviewer, A1111 sd_vae_approx.py
 * cheap_approximation; factors from docs/onnx-contract.md §5). A model may carry its own factors
 * in vae_decoder/config.json as `latent_rgb_factors` (4 rows of R,G,B) and `latent_rgb_bias`.
 */
import type { ModelFolder } from '../model/folder.ts';

export interface PreviewFactors {
  rows: number[][];
  bias: number[];
}

/** SD 1.5 factors fitted by ComfyUI; the rows are latent channels 0..3. */
const SD15: PreviewFactors = {
  rows: [
    [0.3512, 0.2297, 0.3227],
    [0.325, 0.4974, 0.235],
    [-0.2829, 0.1762, 0.2721],
    [-0.212, -0.2616, -0.7177],
  ],
  bias: [0, 0, 0],
};

const SDXL: PreviewFactors = {
  rows: [
    [0.3651, 0.4232, 0.4341],
    [-0.2533, -0.0042, 0.1068],
    [0.1076, 0.1111, -0.0362],
    [-0.3165, -0.2492, -0.2188],
  ],
  bias: [0.1084, -0.0175, -0.0011],
};

function isFactorTable(value: unknown): value is number[][] {
  return (
    Array.isArray(value) &&
    value.length === 4 &&
    value.every((r) => Array.isArray(r) && r.length === 3 && r.every((x) => typeof x === 'number'))
  );
}

export function previewFactors(folder: ModelFolder): PreviewFactors {
  const { latent_rgb_factors: rows, latent_rgb_bias: bias } = folder.vaeConfig;
  if (isFactorTable(rows)) {
    const b = Array.isArray(bias) && bias.length === 3 ? (bias as number[]) : [0, 0, 0];
    return { rows, bias: b };
  }
  return folder.files.textEncoder2 ? SDXL : SD15;
}

/**
 * Latents of image `index` ([C,h,w] inside a batch) → HWC uint8 RGB at latent resolution.
 * The factors map to ≈[−1, 1], shown as (x + 1)/2.
 */
export function latentPreview(
  latents: Float32Array,
  index: number,
  h: number,
  w: number,
  factors: PreviewFactors,
): Uint8Array {
  const plane = h * w;
  const base = index * 4 * plane;
  const out = new Uint8Array(plane * 3);
  for (let p = 0; p < plane; p++) {
    for (let c = 0; c < 3; c++) {
      let v = factors.bias[c];
      for (let k = 0; k < 4; k++) v += latents[base + k * plane + p] * factors.rows[k][c];
      const x = (v + 1) / 2;
      out[p * 3 + c] = Math.round((x < 0 ? 0 : x > 1 ? 1 : x) * 255);
    }
  }
  return out;
}
