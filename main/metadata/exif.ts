/**
 * A small EXIF (TIFF) reader for the few tags that carry generation settings:
 *   - ExifIFD 0x9286 UserComment: A1111, Forge and Fooocus put the infotext here in JPEG and WebP
 *     (piexif `UserComment.dump(text, encoding="unicode")`);
 *   - IFD0 0x010F Make and 0x010E ImageDescription: ComfyUI's WebP saver writes
 *     "prompt:{graph}" and "workflow:{graph}" there.
 *
 * Layout per EXIF 2.32 (CIPA DC-008) §4.6: "II" (little endian) or "MM" (big endian), 42, the IFD0
 * offset; each IFD is a u16 count of 12-byte entries (tag, type, count, value or offset).
 * UserComment starts with an 8-byte character code: "ASCII\0\0\0", "UNICODE\0", "JIS\0\0\0\0\0" or
 * eight NULs (undefined). The spec leaves the UNICODE byte order open: piexif writes UTF-16BE
 * inside big-endian TIFF, other writers follow the TIFF byte order, so we decide from a BOM, then
 * from where the zero bytes of Latin text fall, then from the TIFF byte order.
 */

export interface ExifText {
  userComment?: string;
  make?: string;
  imageDescription?: string;
  warnings: string[];
}

const TAG_IMAGE_DESCRIPTION = 0x010e;
const TAG_MAKE = 0x010f;
const TAG_EXIF_IFD = 0x8769;
const TAG_USER_COMMENT = 0x9286;

/** Bytes per component for TIFF field types 1-13 (TIFF 6.0 §2, EXIF adds 13 IFD). */
const TYPE_SIZE: Record<number, number> = {
  1: 1,
  2: 1,
  3: 2,
  4: 4,
  5: 8,
  6: 1,
  7: 1,
  8: 2,
  9: 4,
  10: 8,
  11: 4,
  12: 8,
  13: 4,
};

const PREFIX_ASCII = 'ASCII\0\0\0';
const PREFIX_UNICODE = 'UNICODE\0';
const PREFIX_JIS = 'JIS\0\0\0\0\0';
const PREFIX_UNDEFINED = '\0\0\0\0\0\0\0\0';

class Tiff {
  constructor(
    readonly bytes: Uint8Array,
    readonly little: boolean,
  ) {}
  u16(at: number): number {
    const b = this.bytes;
    return this.little ? b[at] | (b[at + 1] << 8) : (b[at] << 8) | b[at + 1];
  }
  u32(at: number): number {
    const b = this.bytes;
    const v = this.little
      ? b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)
      : (b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3];
    return v >>> 0;
  }
}

interface Entry {
  tag: number;
  type: number;
  count: number;
  /** Offset of the value bytes inside the TIFF data. */
  at: number;
  size: number;
}

function readIfd(tiff: Tiff, offset: number, name: string, warnings: string[]): Entry[] {
  const n = tiff.bytes.length;
  if (offset < 8 || offset + 2 > n) {
    warnings.push(`EXIF ${name} offset ${offset} is outside the ${n}-byte EXIF block.`);
    return [];
  }
  const count = tiff.u16(offset);
  const entries: Entry[] = [];
  for (let i = 0; i < count; i++) {
    const e = offset + 2 + i * 12;
    if (e + 12 > n) {
      warnings.push(`EXIF ${name} is truncated after ${i} of ${count} entries.`);
      break;
    }
    const type = tiff.u16(e + 2);
    const components = tiff.u32(e + 4);
    const size = (TYPE_SIZE[type] ?? 0) * components;
    const at = size <= 4 ? e + 8 : tiff.u32(e + 8);
    if (TYPE_SIZE[type] === undefined || at + size > n) continue; // unknown type or bad offset
    entries.push({ tag: tiff.u16(e), type, count: components, at, size });
  }
  return entries;
}

function ascii(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes);
}

function stripNuls(text: string): string {
  return text.replace(/\0+$/, '');
}

/** Byte order of UTF-16 text without a BOM: Latin text has its zero bytes first in BE. */
function guessUtf16Little(data: Uint8Array, tiffLittle: boolean): boolean {
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i + 1 < data.length; i += 2) {
    if (data[i] === 0 && data[i + 1] !== 0) evenZero++;
    if (data[i + 1] === 0 && data[i] !== 0) oddZero++;
  }
  if (evenZero > oddZero * 2) return false;
  if (oddZero > evenZero * 2) return true;
  return tiffLittle;
}

/** Decodes a UserComment value (character code + text). Exported for tests and other readers. */
export function decodeUserComment(data: Uint8Array, tiffLittle: boolean): string {
  const prefix = ascii(data.subarray(0, 8));
  const body = data.subarray(Math.min(8, data.length));
  if (prefix === PREFIX_UNICODE) {
    let little: boolean;
    let text = body;
    if (body[0] === 0xff && body[1] === 0xfe) {
      little = true;
      text = body.subarray(2);
    } else if (body[0] === 0xfe && body[1] === 0xff) {
      little = false;
      text = body.subarray(2);
    } else {
      little = guessUtf16Little(body, tiffLittle);
    }
    const even = text.subarray(0, text.length - (text.length % 2));
    return stripNuls(new TextDecoder(little ? 'utf-16le' : 'utf-16be').decode(even));
  }
  if (prefix === PREFIX_JIS) return stripNuls(new TextDecoder('shift_jis').decode(body));
  if (prefix === PREFIX_ASCII || prefix === PREFIX_UNDEFINED) {
    // ASCII is strictly 7-bit, but writers put UTF-8 there; UTF-8 decoding is the lenient superset.
    return stripNuls(new TextDecoder('utf-8').decode(body)).trim();
  }
  // No character code at all: A1111 falls back to UTF-8 over the whole value.
  return stripNuls(new TextDecoder('utf-8').decode(data));
}

/** Reads the settings-bearing EXIF tags from TIFF-structured bytes ("Exif\0\0" prefix allowed). */
export function readExifText(input: Uint8Array): ExifText {
  const warnings: string[] = [];
  const bytes = ascii(input.subarray(0, 6)) === 'Exif\0\0' ? input.subarray(6) : input;
  const order = ascii(bytes.subarray(0, 2));
  if (bytes.length < 8 || (order !== 'II' && order !== 'MM')) {
    warnings.push('The EXIF block does not start with a TIFF header ("II" or "MM").');
    return { warnings };
  }
  const tiff = new Tiff(bytes, order === 'II');
  if (tiff.u16(2) !== 42) {
    warnings.push(`The EXIF TIFF header has magic ${tiff.u16(2)}, not 42.`);
    return { warnings };
  }
  const out: ExifText = { warnings };
  const ifd0 = readIfd(tiff, tiff.u32(4), 'IFD0', warnings);
  const text = (e: Entry) =>
    stripNuls(new TextDecoder('utf-8').decode(bytes.subarray(e.at, e.at + e.size)));
  for (const e of ifd0) {
    if (e.tag === TAG_MAKE && e.type === 2) out.make = text(e);
    if (e.tag === TAG_IMAGE_DESCRIPTION && e.type === 2) out.imageDescription = text(e);
  }
  const pointer = ifd0.find((e) => e.tag === TAG_EXIF_IFD && (e.type === 4 || e.type === 13));
  if (pointer) {
    const exif = readIfd(tiff, tiff.u32(pointer.at), 'Exif IFD', warnings);
    const comment = exif.find((e) => e.tag === TAG_USER_COMMENT);
    if (comment) {
      out.userComment = decodeUserComment(
        bytes.subarray(comment.at, comment.at + comment.size),
        tiff.little,
      );
    }
  }
  return out;
}
