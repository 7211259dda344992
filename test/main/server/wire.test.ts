import { describe, expect, it } from 'vitest';
import { decodeWire, encodeWire } from '../../../common/ipc.ts';

describe('encodeWire() / decodeWire()', () => {
  it('round-trips byte arrays anywhere in a message, Buffers included', () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 255]);
    const message = {
      type: 'event',
      payload: { images: [{ png, seed: 3 }], preview: Buffer.from([1, 2, 3]), text: 'ok' },
    };
    const back = decodeWire(encodeWire(message)) as typeof message;
    expect(back.payload.images[0].png).toEqual(png);
    expect(back.payload.preview).toEqual(new Uint8Array([1, 2, 3]));
    expect(back.payload.text).toBe('ok');
  });

  it('writes bytes as base64 (RFC 4648) under one tag', () => {
    // "Man" is the RFC's own example: TWFu.
    expect(encodeWire({ b: new Uint8Array([77, 97, 110]) })).toBe('{"b":{"$bytes":"TWFu"}}');
    expect(encodeWire(new Uint8Array([77, 97]))).toBe('{"$bytes":"TWE="}');
  });

  it('keeps a 1 MiB array intact (chunked conversion)', () => {
    const big = new Uint8Array(1 << 20).map((_, i) => (i * 31) & 255);
    const back = decodeWire(encodeWire({ big })) as { big: Uint8Array };
    expect(back.big).toBeInstanceOf(Uint8Array);
    // Buffer.equals compares in one call; toEqual walks a million elements one by one.
    expect(Buffer.from(back.big).equals(Buffer.from(big))).toBe(true);
  });

  it('leaves objects that merely contain a $bytes key among others alone', () => {
    expect(decodeWire('{"$bytes":"TWFu","other":1}')).toEqual({ $bytes: 'TWFu', other: 1 });
  });
});
