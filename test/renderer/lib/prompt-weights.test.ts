import { describe, expect, it } from 'vitest';
import { parsePromptWeights, weightedPhrases } from '../../../renderer/lib/prompt-weights.ts';

// Expected weights follow A1111's documented rules: ( ) ×1.1, [ ] ÷1.1, (x:w) sets w, nesting multiplies.
const close = (a: number, b: number) => Math.abs(a - b) < 1e-9;

function weightsOf(prompt: string): [string, number][] {
  return weightedPhrases(prompt).map((p) => [p.text, p.weight]);
}

describe('parsePromptWeights()', () => {
  it('keeps every character: the runs concatenate back to the prompt', () => {
    const prompt = 'a (red:1.5) [[circle]] ((big)) \\(literal\\) BREAK end (open';
    expect(
      parsePromptWeights(prompt)
        .map((r) => r.text)
        .join(''),
    ).toBe(prompt.replace(/\\\(/g, '(').replace(/\\\)/g, ')'));
  });

  it('applies explicit, round, square and nested weights', () => {
    const w = weightsOf('a (red:1.5) [[circle]] ((big))');
    expect(w.map(([t]) => t)).toEqual(['red', 'circle', 'big']);
    expect(close(w[0][1], 1.5)).toBe(true);
    expect(close(w[1][1], 1 / 1.21)).toBe(true);
    expect(close(w[2][1], 1.21)).toBe(true);
  });

  it('multiplies an explicit weight by the groups around it', () => {
    const [[text, weight]] = weightsOf('((cat:2))');
    expect(text).toBe('cat');
    expect(close(weight, 2.2)).toBe(true);
  });

  it('treats escaped brackets as text', () => {
    expect(weightsOf('\\(not weighted\\)')).toEqual([]);
  });

  it('still weights the rest of the prompt after an unclosed bracket', () => {
    const [[text, weight]] = weightsOf('calm (stormy sea');
    expect(text).toBe('stormy sea');
    expect(close(weight, 1.1)).toBe(true);
  });

  it('marks BREAK as its own run and leaves "BREAKING" alone', () => {
    const runs = parsePromptWeights('sky BREAK sea BREAKING');
    expect(runs.filter((r) => r.kind === 'break').map((r) => r.text)).toEqual(['BREAK']);
  });

  it('ignores a stray closing bracket instead of weighting anything', () => {
    expect(weightsOf('a) b] c')).toEqual([]);
  });
});
