/**
 * PNG text chunks (tEXt, zTXt, iTXt), read and written by hand over node:zlib.
 *
 * Layouts follow the PNG specification (W3C PNG 3rd edition, §11.3.3):
 *   tEXt  keyword \0 text(Latin-1)
 *   zTXt  keyword \0 method(0) zlib(Latin-1 text)
 *   iTXt  keyword \0 compressed(0|1) method(0) language \0 translated-keyword(UTF-8) \0 text(UTF-8,
 *         zlib when compressed)
 * and every chunk is length(u32 BE) type(4) data crc32(type + data).
 *
 * Writers put text chunks right after IHDR: sharp (libvips) only reports text chunks that come
 * before IDAT (docs/toolchain.md), and so do readers that stop at the image data.
 * Readers never throw on bad input: a corrupt, truncated or oversized chunk becomes a warning.
 */
import { crc32, deflateSync, inflateSync } from 'node:zlib';
import { EmulsionError, invalidArgument } from '../../common/errors.ts';
import type { ByteSource } from './byte-source.ts';

export const PNG_SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

export type TextChunkType = 'tEXt' | 'zTXt' | 'iTXt';

export interface PngTextEntry {
  keyword: string;
  text: string;
  chunkType: TextChunkType;
  compressed: boolean;
  /** iTXt only. */
  languageTag?: string;
  translatedKeyword?: string;
  /** Byte offset of the chunk's length field, for messages. */
  offset: number;
}

export interface PngTextReadResult {
  /** False when the bytes do not start with the PNG signature. */
  isPng: boolean;
  entries: PngTextEntry[];
  warnings: string[];
}

/**
 * Text chunks larger than this (stored or inflated) are skipped with a warning. Real settings are
 * a few kB; ComfyUI graphs reach a few hundred kB. The cap keeps a hostile or broken file from
 * costing memory and time, and bounds zlib output (a "zip bomb" stops at the cap).
 */
export const DEFAULT_MAX_TEXT_BYTES = 4 * 1024 * 1024;

/** PNG chunk lengths are limited to 2^31 - 1 (PNG spec §5.3). */
const MAX_CHUNK_LENGTH = 0x7fffffff;

const TEXT_TYPES = new Set<string>(['tEXt', 'zTXt', 'iTXt']);
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** ISO-8859-1 exactly. (The WHATWG "latin1" label means windows-1252, which differs at 0x80-0x9F.) */
function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
}

export function hasPngSignature(head: Uint8Array): boolean {
  if (head.length < PNG_SIGNATURE.length) return false;
  return PNG_SIGNATURE.every((b, i) => head[i] === b);
}

function u32(bytes: Uint8Array, at: number): number {
  return ((bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3]) >>> 0;
}

function typeName(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]);
}

const isChunkType = (type: string) => /^[A-Za-z]{4}$/.test(type);

/** A complete chunk: length, type, data and CRC. */
export function buildChunk(type: string, data: Uint8Array): Uint8Array {
  if (!isChunkType(type)) throw invalidArgument('chunk type', type, 'four ASCII letters');
  if (data.length > MAX_CHUNK_LENGTH) {
    throw invalidArgument('chunk data length', data.length, `at most ${MAX_CHUNK_LENGTH} bytes`);
  }
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** True when every character fits Latin-1, the only encoding tEXt and zTXt allow. */
export function isLatin1(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0xff) return false;
  return true;
}

function checkKeyword(keyword: string): Uint8Array {
  // PNG spec §11.3.3.2: 1-79 Latin-1 printable characters, no leading, trailing or double spaces.
  const printable = [...keyword].every((c) => {
    const code = c.charCodeAt(0);
    return (code >= 32 && code <= 126) || (code >= 161 && code <= 255);
  });
  if (
    keyword.length < 1 ||
    keyword.length > 79 ||
    !printable ||
    keyword !== keyword.trim() ||
    keyword.includes('  ')
  ) {
    throw invalidArgument(
      'keyword',
      keyword,
      '1 to 79 printable Latin-1 characters without leading, trailing or double spaces',
    );
  }
  return Uint8Array.from(keyword, (c) => c.charCodeAt(0));
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function encodeTextChunkData(keyword: string, text: string): Uint8Array {
  if (!isLatin1(text)) throw invalidArgument('text', text, 'Latin-1 text for a tEXt chunk');
  return concat([checkKeyword(keyword), Uint8Array.of(0), Buffer.from(text, 'latin1')]);
}

export function encodeItxtChunkData(keyword: string, text: string, compress = false): Uint8Array {
  const body = Buffer.from(text, 'utf8');
  return concat([
    checkKeyword(keyword),
    Uint8Array.of(0, compress ? 1 : 0, 0),
    // Empty language tag and translated keyword, each NUL-terminated.
    Uint8Array.of(0, 0),
    compress ? deflateSync(body) : body,
  ]);
}

/**
 * One text chunk, chosen the way Pillow's `PngInfo.add_text` chooses (and so A1111): tEXt when the
 * text is Latin-1, otherwise iTXt with UTF-8. `compress` applies to the iTXt case only.
 */
export function encodeTextChunk(keyword: string, text: string, compress = false): Uint8Array {
  return isLatin1(text)
    ? buildChunk('tEXt', encodeTextChunkData(keyword, text))
    : buildChunk('iTXt', encodeItxtChunkData(keyword, text, compress));
}

type Decoded = Omit<PngTextEntry, 'offset'>;

function inflateCapped(data: Uint8Array, maxBytes: number): Uint8Array {
  return inflateSync(data, { maxOutputLength: maxBytes });
}

/** Decodes a text chunk's data; returns a message instead of throwing when it is malformed. */
export function decodeTextChunkData(
  type: TextChunkType,
  data: Uint8Array,
  maxTextBytes = DEFAULT_MAX_TEXT_BYTES,
): Decoded | string {
  const nul = data.indexOf(0);
  if (nul < 1 || nul > 79) return `${type} chunk has no valid keyword (1-79 bytes then NUL)`;
  const keyword = latin1(data.subarray(0, nul));
  try {
    if (type === 'tEXt') {
      return { keyword, text: latin1(data.subarray(nul + 1)), chunkType: type, compressed: false };
    }
    if (type === 'zTXt') {
      if (data[nul + 1] !== 0)
        return `zTXt chunk "${keyword}" uses unknown compression ${data[nul + 1]}`;
      const text = latin1(inflateCapped(data.subarray(nul + 2), maxTextBytes));
      return { keyword, text, chunkType: type, compressed: true };
    }
    const flag = data[nul + 1];
    const method = data[nul + 2];
    if (flag === undefined || method === undefined) return `iTXt chunk "${keyword}" is truncated`;
    if (flag > 1 || method !== 0) {
      return `iTXt chunk "${keyword}" has compression flag ${flag} and method ${method}`;
    }
    const langEnd = data.indexOf(0, nul + 3);
    const transEnd = langEnd < 0 ? -1 : data.indexOf(0, langEnd + 1);
    if (transEnd < 0) return `iTXt chunk "${keyword}" lacks its language and keyword fields`;
    const body = data.subarray(transEnd + 1);
    const raw = flag === 1 ? inflateCapped(body, maxTextBytes) : body;
    return {
      keyword,
      text: utf8.decode(raw),
      chunkType: type,
      compressed: flag === 1,
      languageTag: latin1(data.subarray(nul + 3, langEnd)),
      translatedKeyword: utf8.decode(data.subarray(langEnd + 1, transEnd)),
    };
  } catch (err) {
    const reason =
      err instanceof RangeError
        ? `inflates to more than ${formatBytes(maxTextBytes)}`
        : `cannot be decoded (${(err as Error).message})`;
    return `${type} chunk "${keyword}" ${reason}`;
  }
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} kB`;
  return `${n} bytes`;
}

/**
 * Every text chunk of a PNG, reading only chunk headers and text chunks. Stops at IEND, at the
 * first unreadable header, or at the end of the data; each problem is reported as a warning.
 */
export async function readPngText(
  src: ByteSource,
  maxTextBytes = DEFAULT_MAX_TEXT_BYTES,
): Promise<PngTextReadResult> {
  const head = await src.read(0, 8);
  if (!hasPngSignature(head)) return { isPng: false, entries: [], warnings: [] };
  const entries: PngTextEntry[] = [];
  const warnings: string[] = [];
  let pos = 8;
  let first = true;
  for (;;) {
    if (pos >= src.size) {
      warnings.push(`The PNG ends at byte ${src.size} without an IEND chunk (truncated file).`);
      break;
    }
    const header = await src.read(pos, 8);
    if (header.length < 8) {
      warnings.push(`The file ends inside the chunk header at byte ${pos} (truncated file).`);
      break;
    }
    const length = u32(header, 0);
    const type = typeName(header, 4);
    if (!isChunkType(type) || length > MAX_CHUNK_LENGTH) {
      warnings.push(`Corrupt chunk header at byte ${pos}; the rest of the file was not read.`);
      break;
    }
    if (first && type !== 'IHDR') warnings.push(`The first chunk is ${type}, not IHDR.`);
    first = false;
    if (pos + 12 + length > src.size) {
      warnings.push(
        `Chunk ${type} at byte ${pos} declares ${length} data bytes plus a CRC, but only ` +
          `${src.size - pos - 8} bytes follow its header (truncated file).`,
      );
      break;
    }
    if (TEXT_TYPES.has(type)) {
      if (length > maxTextBytes) {
        warnings.push(
          `Text chunk ${type} at byte ${pos} is ${formatBytes(length)}, over the ` +
            `${formatBytes(maxTextBytes)} limit for settings; it was skipped.`,
        );
      } else {
        const body = await src.read(pos + 4, length + 8);
        const stored = u32(body, length + 4);
        if (crc32(body.subarray(0, length + 4)) !== stored) {
          warnings.push(`Text chunk ${type} at byte ${pos} has a bad CRC; it was skipped.`);
        } else {
          const decoded = decodeTextChunkData(
            type as TextChunkType,
            body.subarray(4, 4 + length),
            maxTextBytes,
          );
          if (typeof decoded === 'string')
            warnings.push(`${decoded} (byte ${pos}); it was skipped.`);
          else entries.push({ ...decoded, offset: pos });
        }
      }
    }
    if (type === 'IEND') break;
    pos += 12 + length;
  }
  return { isPng: true, entries, warnings };
}

interface RawChunk {
  type: string;
  start: number;
  end: number;
}

/** Strict chunk listing for the writer: the PNG must be whole and well formed. */
function listChunks(png: Uint8Array): RawChunk[] {
  if (!hasPngSignature(png)) {
    throw new EmulsionError('IMAGE_INVALID', 'The image bytes are not a PNG (bad signature).');
  }
  const chunks: RawChunk[] = [];
  let pos = 8;
  while (pos < png.length) {
    if (pos + 12 > png.length) break;
    const length = u32(png, pos);
    const type = typeName(png, pos + 4);
    const end = pos + 12 + length;
    if (!isChunkType(type) || end > png.length) break;
    chunks.push({ type, start: pos, end });
    pos = end;
    if (type === 'IEND') return chunks;
  }
  throw new EmulsionError('IMAGE_INVALID', `The PNG is truncated or corrupt at byte ${pos}.`);
}

/**
 * A copy of `png` with `chunks` inserted right after IHDR. Existing text chunks whose keyword is
 * in `replaceKeywords` are dropped, so writing settings twice never leaves two answers.
 */
export function insertChunksAfterIhdr(
  png: Uint8Array,
  chunks: Uint8Array[],
  replaceKeywords: readonly string[] = [],
): Uint8Array {
  const list = listChunks(png);
  if (list[0]?.type !== 'IHDR') {
    throw new EmulsionError('IMAGE_INVALID', 'The PNG does not start with an IHDR chunk.');
  }
  const drop = new Set(replaceKeywords);
  const kept = list.filter((c) => {
    if (!TEXT_TYPES.has(c.type) || drop.size === 0) return true;
    const data = png.subarray(c.start + 8, c.end - 4);
    const nul = data.indexOf(0);
    return !(nul > 0 && drop.has(latin1(data.subarray(0, nul))));
  });
  const parts: Uint8Array[] = [png.subarray(0, 8), png.subarray(kept[0].start, kept[0].end)];
  parts.push(...chunks);
  for (const c of kept.slice(1)) parts.push(png.subarray(c.start, c.end));
  return concat(parts);
}
