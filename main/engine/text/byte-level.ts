/**
 * GPT-2 / CLIP byte-level alphabet. BPE vocabularies hold printable characters only, so every
 * UTF-8 byte is given a visible stand-in: the printable Latin-1 bytes (33–126, 161–172, 174–255)
 * stand for themselves and the other 68 (0–32, 127–160, 173), in ascending order, take the code
 * points U+0100 onwards. This makes the space byte `Ġ` (U+0120). Source: CLIP `simple_tokenizer.py`
 * `bytes_to_unicode`, restated in onnx-contract.md §6.
 */
function buildByteToChar(): string[] {
  const table: string[] = new Array(256);
  let next = 0;
  for (let byte = 0; byte < 256; byte++) {
    const printable = (byte >= 33 && byte <= 126) || (byte >= 161 && byte <= 172) || byte >= 174;
    table[byte] = String.fromCharCode(printable ? byte : 256 + next++);
  }
  return table;
}

const BYTE_TO_CHAR = buildByteToChar();
const CHAR_TO_BYTE = new Map(BYTE_TO_CHAR.map((char, byte) => [char, byte]));
const utf8 = new TextEncoder();
// Dropped text can end inside a multi-byte character; show U+FFFD there rather than throw.
const utf8Lenient = new TextDecoder('utf-8', { fatal: false });

/** Maps each UTF-8 byte of `text` to its stand-in character. */
export function textToByteChars(text: string): string[] {
  const bytes = utf8.encode(text);
  const chars: string[] = new Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) chars[i] = BYTE_TO_CHAR[bytes[i]];
  return chars;
}

/** Inverse of `textToByteChars` on joined tokens; characters outside the alphabet stay as they are. */
export function byteCharsToText(chars: string): string {
  const bytes: number[] = [];
  for (const char of chars) {
    const byte = CHAR_TO_BYTE.get(char);
    if (byte !== undefined) bytes.push(byte);
    else bytes.push(...utf8.encode(char));
  }
  return utf8Lenient.decode(new Uint8Array(bytes));
}
