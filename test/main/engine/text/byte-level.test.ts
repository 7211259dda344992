import { describe, expect, it } from 'vitest';
import { byteCharsToText, textToByteChars } from '../../../../main/engine/text/byte-level.ts';

describe('textToByteChars', () => {
  it('keeps printable ASCII as itself', () => {
    expect(textToByteChars('a!~')).toEqual(['a', '!', '~']);
  });

  it('moves the 68 unprintable bytes to U+0100 onwards in byte order', () => {
    // Byte 0 is the first moved byte, space (32) the 33rd, DEL (127) the 34th, 173 the 68th.
    expect(textToByteChars('\u0000')).toEqual(['\u0100']);
    expect(textToByteChars(' ')).toEqual(['\u0120']);
    expect(textToByteChars('\u007f')).toEqual(['\u0121']);
  });

  it('encodes non-ASCII text as its UTF-8 bytes', () => {
    // é = C3 A9; soft hyphen U+00AD = C2 AD, and byte 0xAD (173) is the last moved byte (U+0143).
    expect(textToByteChars('é')).toEqual(['\u00c3', '\u00a9']);
    expect(textToByteChars('\u00ad')).toEqual(['\u00c2', '\u0143']);
  });
});

describe('byteCharsToText', () => {
  it('restores the text, emoji included', () => {
    const text = 'café 🔥 日本';
    expect(byteCharsToText(textToByteChars(text).join(''))).toBe(text);
  });

  it('shows a character cut in half as U+FFFD', () => {
    expect(byteCharsToText(textToByteChars('é')[0])).toBe('\ufffd');
  });
});
