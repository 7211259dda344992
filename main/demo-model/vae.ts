/**
 * A linear autoencoder with SD's interface: 8× spatial factor, 4 latent channels.
 *
 * Decoder: rgb = Fᵀ·z then a smooth ×8 (bilinear) upsampling, where z = latent·scaling_factor is
 * the UNet-space latent and F is ComfyUI's SD 1.5 latent→RGB preview matrix (onnx-contract.md §5,
 * CUI `latent_formats.py`). So the engine's cheap latent preview of this model is exact.
 * Encoder: 8×8 average pooling, then z = E·x + n·(w·x + c) with E = F(FᵀF)⁻¹ (the Moore–Penrose
 * pseudo-inverse) and n the unit null vector of Fᵀ. Any such E is a right inverse of Fᵀ, so
 * decode(encode(x)) returns every image's 8×8 block means, smoothly upsampled; the null channel
 * is invisible to the decoder and to the preview. It exists to give the palette equal latent
 * norms (design.ts COLOUR_RGB explains why); w and c were fitted to the palette by least squares.
 */
import { GraphBuilder } from '../onnx-builder/index.ts';
import { ENCODER_LOGVAR, SCALING_FACTOR, VAE_FACTOR, type Rgb } from './design.ts';

/** SD 1.5 latent→RGB factors (rows: latent channels 0..3; columns: R, G, B). */
export const LATENT_RGB_FACTORS: readonly Rgb[] = [
  [0.3512, 0.2297, 0.3227],
  [0.325, 0.4974, 0.235],
  [-0.2829, 0.1762, 0.2721],
  [-0.212, -0.2616, -0.7177],
];

/** Inverse of a 3×3 matrix (row-major) by the adjugate. */
function inverse3(m: readonly number[]): number[] {
  const [a, b, c, d, e, f, g, h, i] = m;
  const A = e * i - f * h;
  const B = -(d * i - f * g);
  const C = d * h - e * g;
  const det = a * A + b * B + c * C;
  const adj = [
    A,
    -(b * i - c * h),
    b * f - c * e,
    B,
    a * i - c * g,
    -(a * f - c * d),
    C,
    -(a * h - b * g),
    a * e - b * d,
  ];
  return adj.map((x) => x / det);
}

/** Null-channel weights (w_R, w_G, w_B, c), applied to x = 2·rgb − 1. */
export const NULL_CHANNEL = [0.5454, -0.1882, 2.0515, 0.1124] as const;

/** The unit vector n with Fᵀn = 0: signed 3×3 minors of F (the 4-D cross product), normalised. */
export function nullDirection(): number[] {
  const F = LATENT_RGB_FACTORS;
  const minor = (skip: number) => {
    const [a, b, c] = F.filter((_, i) => i !== skip);
    return (
      a[0] * (b[1] * c[2] - b[2] * c[1]) -
      a[1] * (b[0] * c[2] - b[2] * c[0]) +
      a[2] * (b[0] * c[1] - b[1] * c[0])
    );
  };
  const n = [0, 1, 2, 3].map((z) => (z % 2 === 0 ? 1 : -1) * minor(z));
  const len = Math.hypot(...n);
  return n.map((v) => v / len);
}

/** E = F(FᵀF)⁻¹ as [4][3]: maps a pooled [−1,1] RGB colour to the UNet-space latent. */
export function encoderMatrix(): number[][] {
  const F = LATENT_RGB_FACTORS;
  const gram: number[] = [];
  for (let r = 0; r < 3; r++)
    for (let c = 0; c < 3; c++) gram.push(F.reduce((s, row) => s + row[r] * row[c], 0));
  const inv = inverse3(gram);
  return F.map((row) =>
    [0, 1, 2].map((c) => row[0] * inv[c] + row[1] * inv[3 + c] + row[2] * inv[6 + c]),
  );
}

/** The full affine encoder as { matrix [4][3], bias [4] } on x = 2·rgb − 1, UNet-space units. */
export function encoderAffine(): { matrix: number[][]; bias: number[] } {
  const E = encoderMatrix();
  const n = nullDirection();
  const [wr, wg, wb, c] = NULL_CHANNEL;
  return {
    matrix: E.map((row, i) => [row[0] + n[i] * wr, row[1] + n[i] * wg, row[2] + n[i] * wb]),
    bias: n.map((v) => v * c),
  };
}

/** UNet-space latent (4 values) of a 0..1 RGB colour. */
export function latentOfColour(rgb: Rgb): [number, number, number, number] {
  const { matrix, bias } = encoderAffine();
  const x = rgb.map((v) => 2 * v - 1);
  const z = matrix.map((row, i) => row[0] * x[0] + row[1] * x[1] + row[2] * x[2] + bias[i]);
  return [z[0], z[1], z[2], z[3]];
}

/**
 * vae_encoder: sample [B,3,H,W] in [−1,1] → latent_parameters [B,8,H/8,W/8] = mean ‖ logvar
 * (optimum ≥ 1.24). One 8×8 stride-8 Conv does pooling and mixing: weight = A/(64·sf) for the
 * affine encoder's matrix A, bias = b/sf.
 */
export function buildVaeEncoder(): GraphBuilder {
  const { matrix: E, bias: b } = encoderAffine();
  const k = VAE_FACTOR * VAE_FACTOR;
  const w = new Float32Array(8 * 3 * k);
  const bias = new Float32Array(8);
  for (let o = 0; o < 4; o++) {
    for (let c = 0; c < 3; c++)
      w.fill(E[o][c] / (k * SCALING_FACTOR), (o * 3 + c) * k, (o * 3 + c + 1) * k);
  }
  for (let o = 0; o < 4; o++) bias[o] = b[o] / SCALING_FACTOR;
  bias.fill(ENCODER_LOGVAR, 4, 8);
  const g = new GraphBuilder('emulsion_shapes_vae_encoder');
  const x = g.input('sample', 'float32', ['batch', 3, 'height', 'width']);
  const y = g.op(
    'Conv',
    [
      x,
      g.initializer('encoder.weight', w, [8, 3, VAE_FACTOR, VAE_FACTOR]),
      g.initializer('encoder.bias', bias, [8]),
    ],
    {
      kernel_shape: [VAE_FACTOR, VAE_FACTOR],
      strides: [VAE_FACTOR, VAE_FACTOR],
    },
  );
  g.output(y, 'latent_parameters', 'float32', ['batch', 8, 'latent_height', 'latent_width']);
  return g;
}

/**
 * vae_decoder: latent_sample [B,4,h,w] (already ÷ scaling_factor) → sample [B,3,8h,8w] in
 * about [−1,1]. A 1×1 Conv applies sf·Fᵀ, then Resize ×8 bilinear (half-pixel centres).
 */
export function buildVaeDecoder(): GraphBuilder {
  const F = LATENT_RGB_FACTORS;
  const w = new Float32Array(3 * 4);
  for (let c = 0; c < 3; c++) for (let z = 0; z < 4; z++) w[c * 4 + z] = F[z][c] * SCALING_FACTOR;
  const g = new GraphBuilder('emulsion_shapes_vae_decoder');
  const z = g.input('latent_sample', 'float32', ['batch', 4, 'latent_height', 'latent_width']);
  const rgb = g.op('Conv', [z, g.initializer('decoder.weight', w, [3, 4, 1, 1])]);
  const up = g.op('Resize', [rgb, '', g.f32([1, 1, VAE_FACTOR, VAE_FACTOR])], { mode: 'linear' });
  g.output(up, 'sample', 'float32', ['batch', 3, 'height', 'width']);
  return g;
}
