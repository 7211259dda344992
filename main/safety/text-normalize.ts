/**
 * Prompt text → word candidates for the term matcher, keeping every character's position in the
 * original text so a match can be shown to the user as the exact span they typed.
 *
 * Normalisation, per original code point:
 *   - format characters (zero-width space, joiners) and combining marks are dropped without
 *     splitting the word: "nu\u200Bde" and "nüde" read as "nude";
 *   - NFKD + lower case folds full-width, ligature and accented forms ("ＮＵＤＥ", "ﬁ");
 *   - look-alike Cyrillic/Greek letters may also read as their Latin twin ("nudе" with a
 *     Cyrillic е);
 *   - digits and symbols used as letters may read as either themselves or the letter:
 *     0→o 1→i/l 3→e 4→a 5→s 7→t @→a $→s.
 *
 * Words: a *piece* is a maximal run of word characters. Pieces joined by soft punctuation
 * (". - _ * ' ~" …, no whitespace) form a *chunk*: "n.u.d.e" and "nu-de" are one chunk with
 * joined text "nude". Hard delimiters (whitespace and the prompt syntax characters
 * `, ; ! ? ( ) [ ] { } < > " |`) end a chunk. A *spaced run* is three or more single-character
 * pieces separated only by whitespace or soft punctuation ("n u d e", "s . e . x").
 */

/** One normalised character: the letters it may stand for, and its span in the original text. */
export interface NormChar {
  /** Every letter this character may be read as; the first is its own lower-case form. */
  alts: string;
  start: number;
  end: number;
}

export interface Piece {
  chars: NormChar[];
  start: number;
  end: number;
}

/** A candidate word: one piece, a joined chunk, or a joined spaced run. */
export interface Candidate {
  chars: NormChar[];
  start: number;
  end: number;
  /** Index of the first and last piece the candidate covers. */
  first: number;
  last: number;
}

export interface NormalizedText {
  pieces: Piece[];
  /**
   * `joinable[i]` is true when pieces i and i+1 are separated only by whitespace or soft
   * punctuation (so a phrase or spaced run may continue across them).
   */
  joinable: boolean[];
  /** `sameChunk[i]` is true when pieces i and i+1 touch with soft punctuation only. */
  sameChunk: boolean[];
}

/** Leetspeak substitutions the brief lists (and that keyword-list evaders use most). */
export const SUBSTITUTIONS: Readonly<Record<string, string>> = {
  '0': 'o',
  '1': 'il',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '@': 'a',
  $: 's',
};

/** Cyrillic and Greek letters that render like Latin ones (Unicode TR39 confusables, subset). */
const HOMOGLYPHS: Readonly<Record<string, string>> = {
  а: 'a',
  в: 'b',
  е: 'e',
  ё: 'e',
  і: 'i',
  ј: 'j',
  к: 'k',
  м: 'm',
  н: 'h',
  о: 'o',
  р: 'p',
  с: 'c',
  т: 't',
  у: 'y',
  х: 'x',
  ѕ: 's',
  ԁ: 'd',
  α: 'a',
  β: 'b',
  ε: 'e',
  ι: 'i',
  κ: 'k',
  ν: 'v',
  ο: 'o',
  ρ: 'p',
  τ: 't',
  υ: 'u',
  χ: 'x',
};

/** Characters that always end a word group: prompt syntax and list separators. */
const HARD_DELIMITERS = new Set([
  ',',
  ';',
  '!',
  '?',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  '<',
  '>',
  '"',
  '|',
]);

type Unit = { kind: 'word'; char: NormChar } | { kind: 'space' | 'soft' | 'hard' };

const DROPPED = /^[\p{Cf}\p{M}]$/u;
const LETTER = /^\p{L}$/u;
const NUMBER = /^\p{N}$/u;
const SPACE = /^\s$/u;

function classify(c: string, start: number, end: number): Unit {
  if (SPACE.test(c)) return { kind: 'space' };
  if (Object.hasOwn(SUBSTITUTIONS, c))
    return { kind: 'word', char: { alts: c + SUBSTITUTIONS[c], start, end } };
  if (LETTER.test(c)) {
    const twin = HOMOGLYPHS[c];
    return { kind: 'word', char: { alts: twin ? c + twin : c, start, end } };
  }
  if (NUMBER.test(c)) return { kind: 'word', char: { alts: c, start, end } };
  return { kind: HARD_DELIMITERS.has(c) ? 'hard' : 'soft' };
}

/** Normalises one code point into zero or more units (NFKD may expand it, e.g. "ﬁ" → "fi"). */
function unitsOf(codePoint: string, start: number): Unit[] {
  const end = start + codePoint.length;
  if (DROPPED.test(codePoint)) return [];
  const out: Unit[] = [];
  for (const c of codePoint.normalize('NFKD').toLowerCase()) {
    if (DROPPED.test(c)) continue;
    out.push(classify(c, start, end));
  }
  return out;
}

export function normalizeText(text: string): NormalizedText {
  const pieces: Piece[] = [];
  const joinable: boolean[] = [];
  const sameChunk: boolean[] = [];
  let current: NormChar[] = [];
  // What separates the last finished piece from the next one.
  let gap = { space: false, soft: false, hard: false };
  const finish = () => {
    if (current.length === 0) return;
    if (pieces.length > 0) {
      joinable.push(!gap.hard);
      sameChunk.push(!gap.hard && !gap.space);
    }
    pieces.push({ chars: current, start: current[0].start, end: current[current.length - 1].end });
    current = [];
    gap = { space: false, soft: false, hard: false };
  };
  let index = 0;
  for (const codePoint of text) {
    for (const unit of unitsOf(codePoint, index)) {
      if (unit.kind === 'word') {
        current.push(unit.char);
        continue;
      }
      finish();
      gap[unit.kind] = true;
    }
    index += codePoint.length;
  }
  finish();
  return { pieces, joinable, sameChunk };
}

function join(pieces: readonly Piece[], first: number, last: number): Candidate {
  const chars = pieces.slice(first, last + 1).flatMap((p) => p.chars);
  return { chars, start: pieces[first].start, end: pieces[last].end, first, last };
}

/** One-letter English words that may precede a spaced-out word: "a n u d e" reads "a nude". */
const STANDALONE_LETTERS = new Set(['a', 'i']);

/** Every candidate word of the text: pieces, joined chunks, and joined spaced runs. */
export function candidates(norm: NormalizedText): Candidate[] {
  const { pieces, joinable, sameChunk } = norm;
  const out: Candidate[] = pieces.map((p, i) => ({ ...p, first: i, last: i }));
  // Chunks: maximal runs of pieces linked by soft punctuation only.
  for (let i = 0; i < pieces.length;) {
    let j = i;
    while (j < pieces.length - 1 && sameChunk[j]) j++;
    if (j > i) out.push(join(pieces, i, j));
    i = j + 1;
  }
  // Spaced runs: ≥ 3 single-character pieces linked by whitespace or soft punctuation.
  for (let i = 0; i < pieces.length;) {
    if (pieces[i].chars.length !== 1) {
      i++;
      continue;
    }
    let j = i;
    while (j < pieces.length - 1 && joinable[j] && pieces[j + 1].chars.length === 1) j++;
    if (j - i + 1 >= 3) {
      out.push(join(pieces, i, j));
      if (j - i + 1 >= 4 && STANDALONE_LETTERS.has(pieces[i].chars[0].alts[0])) {
        out.push(join(pieces, i + 1, j));
      }
    }
    i = j + 1;
  }
  return out;
}
