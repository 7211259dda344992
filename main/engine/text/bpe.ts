/**
 * Byte-pair encoding of one pre-tokenized word, as in CLIP `simple_tokenizer.py` `bpe()`:
 * mark the end of the word on its last symbol, then repeatedly merge the adjacent pair whose
 * merge has the lowest rank (every occurrence of it, left to right) until no ranked pair is left.
 */
export const END_OF_WORD = '</w>';

/** Distinct prompts use few distinct words; the cap only bounds a long-running app's memory. */
const CACHE_LIMIT = 20_000;

export class BytePairEncoder {
  private readonly cache = new Map<string, readonly number[]>();

  /**
   * @param ranks merge pair `"left right"` → rank (0 = merged first)
   * @param vocab token → id
   * @param unknownId id for a symbol missing from the vocabulary (CLIP uses `<|endoftext|>`)
   */
  constructor(
    private readonly ranks: ReadonlyMap<string, number>,
    private readonly vocab: ReadonlyMap<string, number>,
    private readonly unknownId: number,
  ) {}

  /** Ids for one word given as byte-level characters (see byte-level.ts). */
  encodeWord(byteChars: readonly string[]): readonly number[] {
    const key = byteChars.join('');
    const cached = this.cache.get(key);
    if (cached) return cached;
    const ids = this.merge(byteChars).map((symbol) => this.vocab.get(symbol) ?? this.unknownId);
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(key, ids);
    return ids;
  }

  /** The merged symbols of one word, each a vocabulary entry when the merges are consistent. */
  merge(byteChars: readonly string[]): string[] {
    if (byteChars.length === 0) return [];
    let symbols = byteChars.slice();
    symbols[symbols.length - 1] += END_OF_WORD;
    while (symbols.length > 1) {
      const best = this.lowestRankedPair(symbols);
      if (best === null) break;
      symbols = mergePair(symbols, best[0], best[1]);
    }
    return symbols;
  }

  private lowestRankedPair(symbols: readonly string[]): [string, string] | null {
    let bestRank = Infinity;
    let best: [string, string] | null = null;
    for (let i = 0; i + 1 < symbols.length; i++) {
      const rank = this.ranks.get(symbols[i] + ' ' + symbols[i + 1]);
      if (rank !== undefined && rank < bestRank) {
        bestRank = rank;
        best = [symbols[i], symbols[i + 1]];
      }
    }
    return best;
  }
}

function mergePair(symbols: readonly string[], left: string, right: string): string[] {
  const merged: string[] = [];
  let i = 0;
  while (i < symbols.length) {
    if (i + 1 < symbols.length && symbols[i] === left && symbols[i + 1] === right) {
      merged.push(left + right);
      i += 2;
    } else {
      merged.push(symbols[i]);
      i += 1;
    }
  }
  return merged;
}
