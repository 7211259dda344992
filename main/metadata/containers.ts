/**
 * Finds the metadata blocks inside PNG, JPEG and WebP files, judging the format by content (a JPEG
 * renamed to .png is still read as a JPEG). Only headers and metadata blocks are read.
 *
 *   JPEG: segments FFxx + u16 BE length (ITU T.81 §B.1.1.4); EXIF lives in APP1 ("Exif\0\0" + TIFF),
 *         and nothing after SOS can hold it.
 *   WebP: RIFF chunks, fourcc + u32 LE length, padded to even (Google's WebP container spec);
 *         EXIF lives in the "EXIF" chunk, with or without the "Exif\0\0" prefix (older Pillow kept it).
 */
import type { ByteSource } from './byte-source.ts';
import { readExifText, type ExifText } from './exif.ts';
import {
  DEFAULT_MAX_TEXT_BYTES,
  formatBytes,
  hasPngSignature,
  readPngText,
  type PngTextEntry,
} from './png-chunks.ts';
import type { ImageFormat } from './settings.ts';

export interface ContainerText {
  format: ImageFormat;
  pngText: PngTextEntry[];
  exif?: ExifText;
  warnings: string[];
}

const ascii = (b: Uint8Array) => String.fromCharCode(...b);

export function detectFormat(head: Uint8Array): ImageFormat {
  if (hasPngSignature(head)) return 'png';
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'jpeg';
  if (ascii(head.subarray(0, 4)) === 'RIFF' && ascii(head.subarray(8, 12)) === 'WEBP')
    return 'webp';
  return 'unknown';
}

async function jpegExif(src: ByteSource, warnings: string[]): Promise<ExifText | undefined> {
  let pos = 2;
  while (pos + 4 <= src.size) {
    const h = await src.read(pos, 4);
    if (h[0] !== 0xff) {
      warnings.push(`Corrupt JPEG segment marker at byte ${pos}; the rest was not read.`);
      return undefined;
    }
    const marker = h[1];
    if (marker === 0xff) {
      pos += 1; // fill byte
      continue;
    }
    // Markers without a length: SOI, TEM, RST0-7.
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      pos += 2;
      continue;
    }
    if (marker === 0xda || marker === 0xd9) return undefined; // image data or end: no EXIF
    const length = (h[2] << 8) | h[3];
    if (length < 2 || pos + 2 + length > src.size) {
      warnings.push(`JPEG segment at byte ${pos} is truncated or has a bad length (${length}).`);
      return undefined;
    }
    if (marker === 0xe1) {
      const data = await src.read(pos + 4, length - 2);
      if (ascii(data.subarray(0, 6)) === 'Exif\0\0') return readExifText(data);
    }
    pos += 2 + length;
  }
  warnings.push('The JPEG ends before its image data (truncated file).');
  return undefined;
}

async function webpExif(
  src: ByteSource,
  maxBytes: number,
  warnings: string[],
): Promise<ExifText | undefined> {
  let pos = 12;
  while (pos + 8 <= src.size) {
    const h = await src.read(pos, 8);
    const fourcc = ascii(h.subarray(0, 4));
    const length = (h[4] | (h[5] << 8) | (h[6] << 16) | (h[7] << 24)) >>> 0;
    if (pos + 8 + length > src.size) {
      warnings.push(`WebP chunk ${JSON.stringify(fourcc)} at byte ${pos} is truncated.`);
      return undefined;
    }
    if (fourcc === 'EXIF') {
      if (length > maxBytes) {
        warnings.push(`WebP EXIF chunk is ${formatBytes(length)}, over the limit; it was skipped.`);
        return undefined;
      }
      return readExifText(await src.read(pos + 8, length));
    }
    pos += 8 + length + (length & 1);
  }
  return undefined;
}

/** Text chunks (PNG) or EXIF text (JPEG, WebP) of an image, with warnings instead of errors. */
export async function readContainerText(
  src: ByteSource,
  maxTextBytes = DEFAULT_MAX_TEXT_BYTES,
): Promise<ContainerText> {
  const head = await src.read(0, 16);
  const format = detectFormat(head);
  const warnings: string[] = [];
  if (format === 'png') {
    const png = await readPngText(src, maxTextBytes);
    return { format, pngText: png.entries, warnings: png.warnings };
  }
  if (format === 'jpeg') {
    const exif = await jpegExif(src, warnings);
    return { format, pngText: [], exif, warnings: [...warnings, ...(exif?.warnings ?? [])] };
  }
  if (format === 'webp') {
    const exif = await webpExif(src, maxTextBytes, warnings);
    return { format, pngText: [], exif, warnings: [...warnings, ...(exif?.warnings ?? [])] };
  }
  const shown = Array.from(head.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ');
  warnings.push(
    src.size === 0
      ? 'The file is empty.'
      : `Not a PNG, JPEG or WebP image (it starts with bytes ${shown}).`,
  );
  return { format, pngText: [], warnings };
}
