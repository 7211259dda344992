import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { bytesSource } from '../../../main/metadata/byte-source.ts';
import {
  buildChunk,
  encodeTextChunk,
  insertChunksAfterIhdr,
  isLatin1,
  readPngText,
} from '../../../main/metadata/png-chunks.ts';
import {
  chunk,
  iTXt,
  plainPng,
  tEXt,
  textChunksOf,
  withChunks,
  zTXt,
} from '../../fixtures/metadata/builders.ts';

const read = (png: Uint8Array, max?: number) => readPngText(bytesSource(png), max);

describe('buildChunk', () => {
  it('writes length, type, data and the CRC-32 of type + data', () => {
    // IEND is always 00000000 49454e44 ae426082 (PNG spec §11.2.5).
    expect(Buffer.from(buildChunk('IEND', new Uint8Array(0))).toString('hex')).toBe(
      '0000000049454e44ae426082',
    );
  });
});

describe('encodeTextChunk', () => {
  it('writes tEXt for Latin-1 text, as Pillow does', () => {
    const bytes = Buffer.from(encodeTextChunk('parameters', 'café, 7'));
    expect(bytes.toString('latin1', 4, 8)).toBe('tEXt');
    expect(bytes.subarray(8, bytes.length - 4)).toEqual(
      Buffer.concat([Buffer.from('parameters\0', 'latin1'), Buffer.from('café, 7', 'latin1')]),
    );
  });

  it('falls back to iTXt with UTF-8 when any character is outside Latin-1', () => {
    const bytes = Buffer.from(encodeTextChunk('parameters', '猫 €'));
    expect(bytes.toString('latin1', 4, 8)).toBe('iTXt');
    // keyword, NUL, flag 0, method 0, empty language + NUL, empty translated keyword + NUL, text
    expect(bytes.subarray(8, bytes.length - 4)).toEqual(
      Buffer.concat([Buffer.from('parameters\0\0\0\0\0', 'latin1'), Buffer.from('猫 €', 'utf8')]),
    );
  });

  it('rejects keywords the PNG spec forbids, naming the field', () => {
    expect(() => encodeTextChunk('', 'x')).toThrow(/`keyword` must be 1 to 79/);
    expect(() => encodeTextChunk(' lead', 'x')).toThrow(/keyword/);
    expect(() => encodeTextChunk('k'.repeat(80), 'x')).toThrow(/keyword/);
  });

  it('treats U+00FF as Latin-1 and U+0100 as not', () => {
    expect(isLatin1('\u00ff')).toBe(true);
    expect(isLatin1('\u0100')).toBe(false);
  });
});

describe('insertChunksAfterIhdr', () => {
  it('puts the chunks right after IHDR, where sharp can see them', async () => {
    const png = await plainPng();
    const out = insertChunksAfterIhdr(png, [
      encodeTextChunk('parameters', 'a cat'),
      encodeTextChunk('emulsion', '{"k":"ü猫"}'),
    ]);
    const chunks = textChunksOf(Buffer.from(out));
    expect(chunks.map((c) => [c.type, c.keyword, c.text, c.pos])).toEqual([
      ['tEXt', 'parameters', 'a cat', 33],
      ['iTXt', 'emulsion', '{"k":"ü猫"}', 33 + 12 + 'parameters\0a cat'.length],
    ]);
    const meta = await sharp(out).metadata();
    expect(meta.comments).toEqual([
      { keyword: 'parameters', text: 'a cat' },
      { keyword: 'emulsion', text: '{"k":"ü猫"}' },
    ]);
    // The pixels are untouched.
    expect(await sharp(out).raw().toBuffer()).toEqual(await sharp(png).raw().toBuffer());
  });

  it('replaces existing chunks with the same keyword instead of adding a second', async () => {
    const png = withChunks(await plainPng(), [tEXt('parameters', 'old'), tEXt('other', 'keep')]);
    const out = Buffer.from(
      insertChunksAfterIhdr(png, [encodeTextChunk('parameters', 'new')], ['parameters']),
    );
    expect(textChunksOf(out).map((c) => `${c.keyword}=${c.text}`)).toEqual([
      'parameters=new',
      'other=keep',
    ]);
  });

  it('refuses bytes that are not a whole PNG with IMAGE_INVALID', async () => {
    const png = await plainPng();
    expect(() => insertChunksAfterIhdr(Buffer.from('not a png at all'), [])).toThrow(/not a PNG/);
    expect(() => insertChunksAfterIhdr(png.subarray(0, png.length - 20), [])).toThrow(
      expect.objectContaining({ code: 'IMAGE_INVALID' }),
    );
  });
});

describe('readPngText', () => {
  it('reads tEXt, zTXt, iTXt and compressed iTXt, before or after IDAT', async () => {
    const png = withChunks(await plainPng(), [
      tEXt('a', 'Latin-1 ÿ'),
      zTXt('b', 'zipped, latin-1 é'),
      iTXt('c', 'UTF-8 猫\nline 2'),
    ]);
    const late = withChunks(png, [iTXt('d', 'compressed Ωμέγα '.repeat(50), true)], true);
    const result = await read(late);
    expect(result.isPng).toBe(true);
    expect(result.warnings).toEqual([]);
    expect(result.entries.map((e) => [e.keyword, e.chunkType, e.compressed, e.text])).toEqual([
      ['a', 'tEXt', false, 'Latin-1 ÿ'],
      ['b', 'zTXt', true, 'zipped, latin-1 é'],
      ['c', 'iTXt', false, 'UTF-8 猫\nline 2'],
      ['d', 'iTXt', true, 'compressed Ωμέγα '.repeat(50)],
    ]);
  });

  it('decodes tEXt bytes 0x80-0x9F as ISO-8859-1 code points, not windows-1252', async () => {
    const data = Buffer.concat([Buffer.from('k\0', 'latin1'), Buffer.of(0x80, 0x9f)]);
    const result = await read(withChunks(await plainPng(), [chunk('tEXt', data)]));
    expect(result.entries[0].text).toBe('\u0080\u009f');
  });

  it('says "not a PNG" for other bytes without a warning storm', async () => {
    const result = await read(Buffer.from('GIF89a.....'));
    expect(result).toEqual({ isPng: false, entries: [], warnings: [] });
  });

  it('skips a text chunk with a bad CRC and says where it was', async () => {
    const bad = tEXt('parameters', 'x');
    bad[bad.length - 1] ^= 0xff;
    const result = await read(withChunks(await plainPng(), [bad, tEXt('good', 'y')]));
    expect(result.entries.map((e) => e.keyword)).toEqual(['good']);
    expect(result.warnings).toEqual(['Text chunk tEXt at byte 33 has a bad CRC; it was skipped.']);
  });

  it('reports a truncated file and keeps the chunks read before the cut', async () => {
    const png = withChunks(await plainPng(), [tEXt('first', 'ok'), tEXt('second', 'lost')]);
    const cut = png.subarray(0, 33 + tEXt('first', 'ok').length + 10);
    const result = await read(cut);
    expect(result.entries.map((e) => e.text)).toEqual(['ok']);
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toBe(
      'Chunk tEXt at byte 53 declares 11 data bytes plus a CRC, but only 2 bytes follow its header (truncated file).',
    );
  });

  it('stops at a corrupt chunk header instead of reading garbage', async () => {
    const png = withChunks(await plainPng(), [Buffer.from('\0\0\0\x05t3Xt.....garbage')]);
    const result = await read(png);
    expect(result.warnings).toEqual([
      'Corrupt chunk header at byte 33; the rest of the file was not read.',
    ]);
  });

  it('skips malformed text chunk bodies with a reason', async () => {
    const png = withChunks(await plainPng(), [
      chunk('tEXt', Buffer.from('no separator here', 'latin1')),
      chunk('zTXt', Buffer.concat([Buffer.from('z\0\0', 'latin1'), Buffer.from('not zlib')])),
      chunk('iTXt', Buffer.concat([Buffer.from('i\0\0\0\0\0', 'latin1'), Buffer.of(0xc3, 0x28)])),
    ]);
    const result = await read(png);
    expect(result.entries).toEqual([]);
    expect(result.warnings).toHaveLength(3);
    expect(result.warnings[0]).toMatch(/tEXt chunk has no valid keyword/);
    expect(result.warnings[1]).toMatch(/zTXt chunk "z" cannot be decoded/);
    expect(result.warnings[2]).toMatch(/iTXt chunk "i" cannot be decoded/);
  });

  it('skips a 10 MB text chunk over the limit without reading it whole', async () => {
    const big = tEXt('parameters', 'x'.repeat(10 * 1024 * 1024));
    const png = withChunks(await plainPng(), [big, tEXt('small', 'kept')]);
    let bytesRead = 0;
    const src = bytesSource(png);
    const counting = {
      size: src.size,
      read: (o: number, l: number) => src.read(o, l).then((b) => ((bytesRead += b.length), b)),
    };
    const result = await readPngText(counting);
    expect(result.entries.map((e) => e.keyword)).toEqual(['small']);
    expect(result.warnings).toEqual([
      'Text chunk tEXt at byte 33 is 10.0 MB, over the 4.0 MB limit for settings; it was skipped.',
    ]);
    expect(bytesRead).toBeLessThan(100_000);
  });

  it('stops inflating a compressed chunk at the limit', async () => {
    const bomb = iTXt('c', 'a'.repeat(2_000_000), true); // deflates to about 2 kB
    const result = await read(withChunks(await plainPng(), [bomb]), 1_000_000);
    expect(result.entries).toEqual([]);
    expect(result.warnings[0]).toMatch(/iTXt chunk "c" inflates to more than 976.6 kB/);
  });
});
