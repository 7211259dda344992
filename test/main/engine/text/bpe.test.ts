import { describe, expect, it } from 'vitest';
import { BytePairEncoder } from '../../../../main/engine/text/bpe.ts';

const ranks = (merges: string[]) => new Map(merges.map((m, i) => [m, i]));

describe('BytePairEncoder.merge', () => {
  it('marks the end of the word on the last symbol', () => {
    const bpe = new BytePairEncoder(ranks([]), new Map(), 0);
    expect(bpe.merge(['a', 'b'])).toEqual(['a', 'b</w>']);
    expect(bpe.merge([])).toEqual([]);
  });

  it('merges the lowest-ranked pair first', () => {
    // "b c" outranks "a b", so "abc" becomes a + bc, and "a bc</w>" is never a merge.
    const bpe = new BytePairEncoder(ranks(['b c</w>', 'a b']), new Map(), 0);
    expect(bpe.merge(['a', 'b', 'c'])).toEqual(['a', 'bc</w>']);
  });

  it('merges every occurrence of the chosen pair, left to right', () => {
    const bpe = new BytePairEncoder(ranks(['a a', 'aa aa', 'a a</w>']), new Map(), 0);
    // a a a a a → (aa)(aa)a → (aaaa)a; the trailing "a</w>" has no partner.
    expect(bpe.merge(['a', 'a', 'a', 'a', 'a'])).toEqual(['aaaa', 'a</w>']);
    // a a a</w> → (aa) a</w>: "a a" (rank 0) is taken before "a a</w>" (rank 2).
    expect(bpe.merge(['a', 'a', 'a'])).toEqual(['aa', 'a</w>']);
  });
});

describe('BytePairEncoder.encodeWord', () => {
  it('maps symbols to ids and unknown symbols to the unknown id', () => {
    const vocab = new Map([['ab</w>', 7]]);
    const bpe = new BytePairEncoder(ranks(['a b</w>']), vocab, 99);
    expect(bpe.encodeWord(['a', 'b'])).toEqual([7]);
    expect(bpe.encodeWord(['c'])).toEqual([99]);
  });
});
