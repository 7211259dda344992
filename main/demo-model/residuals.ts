/**
 * SD 1.5 ControlNet residuals: conv_in plus 3 per down block in blocks 0–2 (2 resnets + a
 * stride-2 downsample) and 2 in block 3, then the mid block (onnx-contract.md §3). A latent of
 * h×w gives sizes h, ⌈h/2⌉, ⌈h/4⌉, ⌈h/8⌉ (stride-2 3×3 convs with padding 1).
 */
export interface ResidualSpec {
  name: string;
  channels: number;
  /** Downsampling level 0..3 (size divided by 2^level, rounded up). */
  level: number;
  heightDim: string;
  widthDim: string;
}

const LAYOUT: readonly [number, number][] = [
  [320, 0],
  [320, 0],
  [320, 0],
  [320, 1],
  [640, 1],
  [640, 1],
  [640, 2],
  [1280, 2],
  [1280, 2],
  [1280, 3],
  [1280, 3],
  [1280, 3],
];

const dims = (level: number) => ({
  heightDim: level === 0 ? 'latent_height' : `latent_height_div${2 ** level}`,
  widthDim: level === 0 ? 'latent_width' : `latent_width_div${2 ** level}`,
});

export const RESIDUALS: readonly ResidualSpec[] = [
  ...LAYOUT.map(([channels, level], i) => ({
    name: `down_block_${i}_additional_residual`,
    channels,
    level,
    ...dims(level),
  })),
  { name: 'mid_block_additional_residual', channels: 1280, level: 3, ...dims(3) },
];
