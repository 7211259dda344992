/**
 * AUTOMATIC1111 attention syntax (stable-diffusion-webui `modules/prompt_parser.py`,
 * `parse_prompt_attention`): `(text)` multiplies the weight of its text by 1.1, `[text]` divides
 * it by 1.1, `(text:1.3)` multiplies it by 1.3, nesting multiplies, and `\(` `\)` `\[` `\]` `\\`
 * are literal characters. An unmatched closing bracket is literal text; a bracket still open at
 * the end applies to everything after it. `BREAK` (upper case, a whole word) separates chunks.
 */
import { invalidArgument } from '../../../common/errors.ts';
import type { ClipTokenizer } from './tokenizer.ts';

export type PromptFragment = { kind: 'text'; text: string; weight: number } | { kind: 'break' };

/** A1111's emphasis factor per bracket level (prompt_parser.py, `round_bracket_multiplier`). */
export const BRACKET_FACTOR = 1.1;

// Python's `\s` (str.isspace), which differs from JavaScript's at U+001C–U+001F, U+0085, U+FEFF.
const SPACE = String.raw`[\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]`;

// One token per match, tried in this order; together the alternatives cover every character.
// NOTE: A1111's `\d` also takes non-ASCII digits (e.g. Arabic-Indic); ours is ASCII only.
const ATTENTION_TOKEN = new RegExp(
  [
    String.raw`\\[()[\]\\]`, // escaped bracket or backslash
    String.raw`\\`, // a lone backslash: dropped
    String.raw`\(`,
    String.raw`\[`,
    String.raw`:${SPACE}*([+-]?[.0-9]+)${SPACE}*\)`, // ":1.3)" closes a weighted group
    String.raw`\)`,
    String.raw`\]`,
    String.raw`[^\\()[\]:]+`, // plain text
    ':',
  ].join('|'),
  'gu',
);

// Python's `\b` is Unicode-aware; JavaScript's is ASCII-only, hence the explicit look-arounds.
const BREAK_SEPARATOR = new RegExp(
  String.raw`${SPACE}*(?<![\p{L}\p{N}_])BREAK(?![\p{L}\p{N}_])${SPACE}*`,
  'u',
);

/**
 * Splits a prompt into fragments with weights. Adjacent fragments of equal weight are joined, as
 * A1111 does, so `(a)(b)` gives one fragment `ab`. The result is never empty.
 */
export function parsePromptAttention(prompt: string): PromptFragment[] {
  if (typeof prompt !== 'string') throw invalidArgument('prompt', prompt, 'a string');
  const out: PromptFragment[] = [];
  const roundOpen: number[] = [];
  const squareOpen: number[] = [];
  const multiplyFrom = (start: number, factor: number) => {
    for (let i = start; i < out.length; i++) {
      const fragment = out[i];
      // NOTE: A1111 also multiplies its BREAK marker (weight −1) here, which turns a BREAK inside
      // brackets into the literal word; we keep BREAK a separator wherever it is.
      if (fragment.kind === 'text') fragment.weight *= factor;
    }
  };

  for (const match of prompt.matchAll(ATTENTION_TOKEN)) {
    const token = match[0];
    const weightText = match[1];
    if (token.startsWith('\\')) {
      out.push({ kind: 'text', text: token.slice(1), weight: 1 });
    } else if (token === '(') {
      roundOpen.push(out.length);
    } else if (token === '[') {
      squareOpen.push(out.length);
    } else if (weightText !== undefined && roundOpen.length > 0) {
      multiplyFrom(roundOpen.pop()!, parseWeight(weightText, prompt));
    } else if (token === ')' && roundOpen.length > 0) {
      multiplyFrom(roundOpen.pop()!, BRACKET_FACTOR);
    } else if (token === ']' && squareOpen.length > 0) {
      multiplyFrom(squareOpen.pop()!, 1 / BRACKET_FACTOR);
    } else {
      token.split(BREAK_SEPARATOR).forEach((part, i) => {
        if (i > 0) out.push({ kind: 'break' });
        out.push({ kind: 'text', text: part, weight: 1 });
      });
    }
  }
  // Brackets left open apply to the rest of the prompt, innermost first as A1111 iterates them.
  for (const start of roundOpen) multiplyFrom(start, BRACKET_FACTOR);
  for (const start of squareOpen) multiplyFrom(start, 1 / BRACKET_FACTOR);
  return joinEqualWeights(out);
}

function parseWeight(text: string, prompt: string): number {
  const weight = Number(text);
  // Python's float() refuses the same strings ("." "1.2.3"), which makes A1111 fail the job.
  if (!Number.isFinite(weight)) {
    throw invalidArgument(
      'prompt',
      prompt,
      'a prompt whose "(text:weight)" groups have a number as weight',
      `"${text}" is not a number.`,
    );
  }
  return weight;
}

function joinEqualWeights(fragments: PromptFragment[]): PromptFragment[] {
  if (fragments.length === 0) return [{ kind: 'text', text: '', weight: 1 }];
  const joined: PromptFragment[] = [fragments[0]];
  for (const fragment of fragments.slice(1)) {
    const last = joined[joined.length - 1];
    if (last.kind === 'text' && fragment.kind === 'text' && last.weight === fragment.weight) {
      last.text += fragment.text;
    } else {
      joined.push(fragment);
    }
  }
  return joined;
}

export interface WeightedTokens {
  /** `maxLength` ids: BOS, content, EOS, padding. */
  ids: number[];
  /** One weight per id: the fragment's weight for content, 1 for BOS, EOS and padding. */
  weights: number[];
  /** How many content tokens were kept. */
  tokenCount: number;
  /** The text cut off because the prompt exceeded the window, or null. */
  truncatedText: string | null;
  /** How many BREAKs were removed (see `tokenizeWeighted`). */
  ignoredBreaks: number;
}

/**
 * Tokenizes a weighted prompt the way A1111 does (`sd_hijack_clip.py`, `tokenize_line`): each
 * fragment on its own, every token taking its fragment's weight.
 *
 * NOTE: there is one 77-token window. In A1111, BREAK pads the current 75-token chunk and starts
 * a new one, encoded separately. With a single chunk that would drop everything after BREAK, so
 * BREAK is removed instead: the text on both sides stays, split into separate fragments as
 * A1111 splits it, and `ignoredBreaks` lets the caller warn. A prompt over 75 tokens is cut
 * there (A1111 would start a second chunk, preferring to cut after a comma).
 */
export function tokenizeWeighted(tokenizer: ClipTokenizer, prompt: string): WeightedTokens {
  const contentIds: number[] = [];
  const contentWeights: number[] = [];
  let ignoredBreaks = 0;
  for (const fragment of parsePromptAttention(prompt)) {
    if (fragment.kind === 'break') {
      ignoredBreaks++;
      continue;
    }
    for (const id of tokenizer.tokenize(fragment.text)) {
      contentIds.push(id);
      contentWeights.push(fragment.weight);
    }
  }
  const framed = tokenizer.frame(contentIds);
  const weights = [1, ...contentWeights.slice(0, framed.tokenCount)];
  while (weights.length < framed.ids.length) weights.push(1);
  return { ...framed, weights, ignoredBreaks };
}
