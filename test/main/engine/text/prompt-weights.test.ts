import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmulsionError } from '../../../../common/errors.ts';
import {
  clearTokenizerCache,
  loadTokenizer,
  parsePromptAttention,
  tokenizeWeighted,
  type ClipTokenizer,
  type PromptFragment,
} from '../../../../main/engine/text/index.ts';
import { FIXTURES, makeTokenizerFolder, removeTokenizerFolders } from './clip-folder.ts';

type ReferenceFragment = { break: true } | { text: string; weight: number; contentIds: number[] };
const reference = JSON.parse(readFileSync(path.join(FIXTURES, 'reference-ids.json'), 'utf8')) as {
  weighted: { prompt: string; fragments: ReferenceFragment[] }[];
};
const BOS = 49406;
const EOS = 49407;

const text = (value: string, weight: number): PromptFragment => ({
  kind: 'text',
  text: value,
  weight,
});

let sd1: ClipTokenizer;
let sd2: ClipTokenizer;

beforeAll(async () => {
  sd1 = await loadTokenizer(makeTokenizerFolder('sd1'));
  sd2 = await loadTokenizer(makeTokenizerFolder('sd2'));
});

afterAll(() => {
  clearTokenizerCache();
  removeTokenizerFolders();
});

describe('parsePromptAttention', () => {
  // Fragments worked out by hand from A1111's rules (see make-reference-ids.ts).
  for (const c of reference.weighted) {
    it(`splits ${JSON.stringify(c.prompt).slice(0, 70)} as A1111 does`, () => {
      const expected = c.fragments.map((f): PromptFragment =>
        'break' in f ? { kind: 'break' } : text(f.text, f.weight),
      );
      expect(parsePromptAttention(c.prompt)).toEqual(expected);
    });
  }

  it('weights (word:1.3) by 1.3 and leaves the rest at 1', () => {
    expect(parsePromptAttention('a (red:1.5) cat')).toEqual([
      text('a ', 1),
      text('red', 1.5),
      text(' cat', 1),
    ]);
  });

  it('multiplies nested brackets: ((x)) is 1.1² and [x] is 1/1.1', () => {
    expect(parsePromptAttention('((x))')).toEqual([text('x', 1.2100000000000002)]);
    expect(parsePromptAttention('[x]')).toEqual([text('x', 0.9090909090909091)]);
    expect(parsePromptAttention('((x:2))')).toEqual([text('x', 2.2)]);
  });

  it('reads escaped brackets and backslashes as literal characters', () => {
    expect(parsePromptAttention('\\(a\\) \\[b\\] \\\\')).toEqual([text('(a) [b] \\', 1)]);
  });

  it('fails with INVALID_ARGUMENT on a weight that is not a number', () => {
    for (const prompt of ['(a:1.2.3)', '(a:.)']) {
      let error: unknown;
      try {
        parsePromptAttention(prompt);
      } catch (err) {
        error = err;
      }
      expect(error, prompt).toBeInstanceOf(EmulsionError);
      expect((error as EmulsionError).code).toBe('INVALID_ARGUMENT');
      expect((error as EmulsionError).details.field).toBe('prompt');
    }
  });

  it('keeps BREAK a separator inside brackets', () => {
    expect(parsePromptAttention('(a BREAK b)')).toEqual([
      text('a', 1.1),
      { kind: 'break' },
      text('b', 1.1),
    ]);
  });
});

describe('tokenizeWeighted', () => {
  for (const c of reference.weighted) {
    it(`gives reference ids and token weights for ${JSON.stringify(c.prompt).slice(0, 50)}`, () => {
      const ids: number[] = [];
      const weights: number[] = [];
      for (const f of c.fragments) {
        if ('break' in f) continue;
        ids.push(...f.contentIds);
        weights.push(...f.contentIds.map(() => f.weight));
      }
      const kept = Math.min(ids.length, 75);
      const result = tokenizeWeighted(sd1, c.prompt);
      expect(result.ids).toEqual([
        BOS,
        ...ids.slice(0, kept),
        ...new Array(77 - kept - 1).fill(EOS),
      ]);
      expect(result.weights).toEqual([
        1,
        ...weights.slice(0, kept),
        ...new Array(77 - kept - 1).fill(1),
      ]);
      expect(result.tokenCount).toBe(kept);
      expect(result.ignoredBreaks).toBe(c.fragments.filter((f) => 'break' in f).length);
    });
  }

  it('tokenizes each fragment on its own, so a bracket splits a word', () => {
    const result = tokenizeWeighted(sd1, 'blue(ish)');
    expect(result.ids.slice(1, 3)).toEqual([...sd1.tokenize('blue'), ...sd1.tokenize('ish')]);
    expect(result.weights.slice(0, 4)).toEqual([1, 1, 1.1, 1]);
  });

  it('pads with the folder pad token and weight 1', () => {
    const result = tokenizeWeighted(sd2, '(cat:1.3)');
    expect(result.ids.slice(0, 4)).toEqual([BOS, ...sd2.tokenize('cat'), EOS, 0]);
    expect(result.ids).toHaveLength(77);
    expect(result.weights).toEqual([1, 1.3, ...new Array(75).fill(1)]);
  });

  it('reports the weighted words cut off by truncation', () => {
    const prompt = Array(74).fill('cat').join(' ') + ' (dog:1.4) (bird:0.7)';
    const result = tokenizeWeighted(sd1, prompt);
    expect(result.ids[75]).toBe(sd1.tokenize('dog')[0]);
    expect(result.weights[75]).toBe(1.4);
    expect(result.ids[76]).toBe(EOS);
    expect(result.truncatedText).toBe('bird');
  });

  it('matches the unweighted encoding when the prompt has no brackets', () => {
    const prompt = 'masterpiece, best quality, a café in paris at night, 8k';
    const result = tokenizeWeighted(sd1, prompt);
    expect(result.ids).toEqual(sd1.encode(prompt));
    expect(result.weights.every((w) => w === 1)).toBe(true);
  });
});
