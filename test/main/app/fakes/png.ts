/**
 * A minimal PNG encoder for fixtures (RGB, 8 bits, filter 0), written from the PNG spec
 * (RFC 2083 §3, §4.1): signature, IHDR, one zlib IDAT, IEND, each chunk with a CRC-32.
 */
import { crc32, deflateSync } from 'node:zlib';

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/** A solid-colour RGB PNG. */
export function makePng(width: number, height: number, rgb: [number, number, number]): Uint8Array {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // bit depth 8, colour type 2 (RGB), deflate, filter 0, no interlace
  const row = Buffer.alloc(1 + width * 3);
  for (let x = 0; x < width; x++) row.set(rgb, 1 + x * 3);
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  const png = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', new Uint8Array(0)),
  ]);
  return new Uint8Array(png);
}

/** The chunk types of a PNG in file order, and the keyword of each text chunk (RFC 2083 §4.2.3). */
export function pngChunks(png: Uint8Array): { type: string; keyword?: string }[] {
  const bytes = Buffer.from(png);
  const out: { type: string; keyword?: string }[] = [];
  for (let at = 8; at + 8 <= bytes.length;) {
    const length = bytes.readUInt32BE(at);
    const type = bytes.toString('latin1', at + 4, at + 8);
    const data = bytes.subarray(at + 8, at + 8 + length);
    const text = type === 'tEXt' || type === 'iTXt' || type === 'zTXt';
    out.push(text ? { type, keyword: data.toString('latin1', 0, data.indexOf(0)) } : { type });
    at += 12 + length;
  }
  return out;
}

/** `png` with a Latin-1 tEXt chunk (keyword NUL text, RFC 2083 §4.2.3.1) inserted after IHDR. */
export function withTextChunk(png: Uint8Array, keyword: string, text: string): Uint8Array {
  const bytes = Buffer.from(png);
  const ihdrEnd = 8 + 12 + bytes.readUInt32BE(8);
  const data = Buffer.concat([
    Buffer.from(keyword, 'latin1'),
    Buffer.from([0]),
    Buffer.from(text, 'latin1'),
  ]);
  return new Uint8Array(
    Buffer.concat([bytes.subarray(0, ihdrEnd), chunk('tEXt', data), bytes.subarray(ihdrEnd)]),
  );
}

/** An A1111 1.10 infotext, written by hand from its documented layout (shared/docs/landscape.md). */
export const A1111_TEXT =
  'a castle on a hill, (golden hour:1.2)\n' +
  'Negative prompt: blurry, lowres\n' +
  'Steps: 28, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 6.5, Seed: 1234567, ' +
  'Size: 512x768, Model hash: 6ce0161689, Model: v1-5-pruned-emaonly, Version: v1.10.1';
