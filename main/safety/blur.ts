/**
 * The blur used by the `blur` policy. It must hide content, not soften it: a Gaussian blur of a
 * few pixels leaves silhouettes readable. So the image is first reduced to at most
 * BLUR_SAMPLES pixels along its long side (an antialiased lanczos3 reduction: only the mean
 * colour of each region survives), enlarged back, then blurred with σ = long side / 16 to remove the block edges.
 * What is left is a smooth field of eight-or-so colour patches across the image.
 */
import sharp from 'sharp';

/** Samples kept along the long side. 8 keeps the overall palette and nothing of the shapes. */
export const BLUR_SAMPLES = 8;

export async function blurRgb(rgb: Uint8Array, width: number, height: number): Promise<Uint8Array> {
  const long = Math.max(width, height);
  const sw = Math.max(1, Math.round((BLUR_SAMPLES * width) / long));
  const sh = Math.max(1, Math.round((BLUR_SAMPLES * height) / long));
  const small = await sharp(rgb, { raw: { width, height, channels: 3 } })
    .resize(sw, sh, { fit: 'fill', kernel: 'lanczos3' })
    .raw()
    .toBuffer();
  const sigma = Math.max(0.3, long / 16);
  const out = await sharp(small, { raw: { width: sw, height: sh, channels: 3 } })
    .resize(width, height, { fit: 'fill', kernel: 'linear' })
    .blur(sigma)
    .raw()
    .toBuffer();
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/** A blurred PNG, for showing or saving under the `blur` policy. */
export async function blurredPng(
  rgb: Uint8Array,
  width: number,
  height: number,
): Promise<Uint8Array> {
  const blurred = await blurRgb(rgb, width, height);
  const png = await sharp(blurred, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
}
