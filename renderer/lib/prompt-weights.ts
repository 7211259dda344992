/**
 * Splits a prompt into runs of text with their attention weight, keeping the syntax characters as
 * their own runs, so the prompt field can colour what the engine will emphasise. The rules are
 * AUTOMATIC1111's (modules/prompt_parser.py, parse_prompt_attention):
 * - `(text)` multiplies by 1.1 and `[text]` divides by 1.1, nesting multiplies;
 * - `(text:1.5)` sets the multiplier of that group to 1.5 instead of 1.1;
 * - `\(`, `\)`, `\[`, `\]` and `\\` are literal characters;
 * - brackets left open at the end still apply to everything after them;
 * - `BREAK` (upper case, a word of its own) starts a new 75-token chunk.
 * Display only: the engine parses the prompt itself (main/engine/text/).
 */
export type PromptRun =
  | { kind: 'text'; text: string; weight: number }
  | { kind: 'syntax'; text: string }
  | { kind: 'break'; text: string };

/** A1111's round-bracket multiplier. */
export const ROUND = 1.1;

const TOKEN =
  /\\[()[\]\\]|\(|\[|:\s*[+-]?(?:\d+\.?\d*|\.\d+)\s*\)|\)|\]|\bBREAK\b|[^\\()[\]:B]+|B|:|\\/g;

export function parsePromptWeights(prompt: string): PromptRun[] {
  const runs: PromptRun[] = [];
  const round: number[] = [];
  const square: number[] = [];
  const scale = (from: number, factor: number) => {
    for (let i = from; i < runs.length; i++) {
      const run = runs[i];
      if (run.kind === 'text') run.weight *= factor;
    }
  };
  const pushText = (text: string) => {
    const last = runs[runs.length - 1];
    // Merge with the previous run only while no bracket opened in between (same weight so far).
    if (last?.kind === 'text' && last.weight === 1 && round.length === 0 && square.length === 0) {
      last.text += text;
    } else runs.push({ kind: 'text', text, weight: 1 });
  };

  for (const match of prompt.matchAll(TOKEN)) {
    const token = match[0];
    if (token.startsWith('\\') && token.length === 2) {
      pushText(token[1]);
    } else if (token === '(') {
      runs.push({ kind: 'syntax', text: token });
      round.push(runs.length);
    } else if (token === '[') {
      runs.push({ kind: 'syntax', text: token });
      square.push(runs.length);
    } else if (token.startsWith(':') && token.endsWith(')') && round.length > 0) {
      scale(round.pop()!, Number.parseFloat(token.slice(1, -1)));
      runs.push({ kind: 'syntax', text: token });
    } else if (token === ')' && round.length > 0) {
      scale(round.pop()!, ROUND);
      runs.push({ kind: 'syntax', text: token });
    } else if (token === ']' && square.length > 0) {
      scale(square.pop()!, 1 / ROUND);
      runs.push({ kind: 'syntax', text: token });
    } else if (token === 'BREAK') {
      runs.push({ kind: 'break', text: token });
    } else {
      pushText(token);
    }
  }
  for (const from of round) scale(from, ROUND);
  for (const from of square) scale(from, 1 / ROUND);
  return runs;
}

/** The weighted phrases (weight ≠ 1), trimmed, for the chips under the prompt. */
export function weightedPhrases(prompt: string): { text: string; weight: number }[] {
  return parsePromptWeights(prompt)
    .filter((r): r is Extract<PromptRun, { kind: 'text' }> => r.kind === 'text')
    .filter((r) => Math.abs(r.weight - 1) > 1e-9 && r.text.trim() !== '')
    .map((r) => ({ text: r.text.trim(), weight: r.weight }));
}
