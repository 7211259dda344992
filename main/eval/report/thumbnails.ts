/** Small PNG thumbnails as data: URIs, for embedding in a self-contained report. */
import path from 'node:path';
import sharp from 'sharp';

export async function thumbnailDataUri(file: string, size = 64): Promise<string> {
  const png = await sharp(file)
    .resize(size, size, { fit: 'inside' })
    .png({ compressionLevel: 9 })
    .toBuffer();
  return `data:image/png;base64,${png.toString('base64')}`;
}

export async function thumbnailsFor(
  dir: string,
  files: ReadonlyMap<string, string>,
  size = 64,
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const [key, file] of files) out.set(key, await thumbnailDataUri(path.join(dir, file), size));
  return out;
}
