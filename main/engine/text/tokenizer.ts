/**
 * The CLIP BPE tokenizer of Stable Diffusion, read from a model's `tokenizer/` folder. It gives
 * the ids of the Hugging Face CLIP tokenizer (see clip-text.ts for the one documented deviation
 * of each reference) and frames them as the text encoder expects: BOS, at most `maxLength − 2`
 * content tokens, EOS, then the folder's pad token up to `maxLength` (onnx-contract.md §6).
 */
import path from 'node:path';
import { invalidArgument } from '../../../common/errors.ts';
import { createLogger } from '../log.ts';
import { BytePairEncoder, END_OF_WORD } from './bpe.ts';
import { byteCharsToText, textToByteChars } from './byte-level.ts';
import { cleanText, END_OF_TEXT, splitWords, START_OF_TEXT } from './clip-text.ts';
import {
  readTokenizerFiles,
  type ReadTokenizerOptions,
  type TokenizerFiles,
} from './tokenizer-files.ts';

const log = createLogger('tokenizer');

export interface TokenizedPrompt {
  /** Exactly `maxLength` ids: BOS, the kept content tokens, EOS, then padding. */
  ids: number[];
  /** How many content tokens were kept (at most `maxLength − 2`). */
  tokenCount: number;
  /** The text of the content tokens cut off to fit, for a warning; null when everything fit. */
  truncatedText: string | null;
}

export class ClipTokenizer {
  readonly bosId: number;
  readonly eosId: number;
  readonly padId: number;
  readonly unknownId: number;
  /** Sequence length the text encoder takes, specials included (77 for SD). */
  readonly maxLength: number;
  private readonly bpe: BytePairEncoder;
  private readonly vocab: ReadonlyMap<string, number>;
  private readonly tokens: string[] = [];

  constructor(
    readonly folder: string,
    files: TokenizerFiles,
  ) {
    this.bosId = files.ids.bos;
    this.eosId = files.ids.eos;
    this.padId = files.ids.pad;
    this.unknownId = files.ids.unk;
    this.maxLength = files.maxLength;
    this.vocab = files.vocab;
    this.bpe = new BytePairEncoder(files.ranks, files.vocab, this.unknownId);
    for (const [token, id] of files.vocab) this.tokens[id] = token;
  }

  /** Content tokens that fit between BOS and EOS. */
  get maxContentTokens(): number {
    return this.maxLength - 2;
  }

  /** Content ids of `text`, without BOS, EOS, padding or truncation. */
  tokenize(text: string): number[] {
    if (typeof text !== 'string') throw invalidArgument('text', text, 'a string');
    const ids: number[] = [];
    for (const word of splitWords(cleanText(text))) {
      // Special tokens typed in the text keep their ids, as in every reference tokenizer.
      if (word === START_OF_TEXT || word === END_OF_TEXT) {
        ids.push(this.vocab.get(word) ?? this.unknownId);
        continue;
      }
      for (const id of this.bpe.encodeWord(textToByteChars(word))) ids.push(id);
    }
    return ids;
  }

  /** Model-ready ids: BOS + content + EOS, truncated and padded to `maxLength`. */
  encode(text: string): number[] {
    return this.frame(this.tokenize(text)).ids;
  }

  /** Like `encode`, and also says which text was cut off. */
  encodeWithInfo(text: string): TokenizedPrompt {
    return this.frame(this.tokenize(text));
  }

  /**
   * Frames content ids for the text encoder. Over-long content keeps its first `maxLength − 2`
   * tokens and EOS stays last (CLIP `clip.py` `tokenize(truncate=True)`).
   */
  frame(contentIds: readonly number[]): TokenizedPrompt {
    const kept = contentIds.slice(0, this.maxContentTokens);
    const dropped = contentIds.slice(kept.length);
    const ids = [this.bosId, ...kept, this.eosId];
    while (ids.length < this.maxLength) ids.push(this.padId);
    const truncatedText = dropped.length > 0 ? this.decode(dropped) : null;
    return { ids, tokenCount: kept.length, truncatedText };
  }

  /**
   * Text of content ids, with BOS and EOS skipped and `</w>` read as a space. Padding is skipped
   * only where it is EOS (SD 1.x): SD 2.x pads with "!", which content can hold too.
   */
  decode(ids: readonly number[]): string {
    let joined = '';
    for (const id of ids) {
      if (id === this.bosId || id === this.eosId) continue;
      joined += this.tokens[id] ?? '';
    }
    return byteCharsToText(joined).replaceAll(END_OF_WORD, ' ').replace(/ +/g, ' ').trim();
  }

  /** The vocabulary entry of an id, e.g. `cat</w>` (for diagnostics). */
  idToToken(id: number): string | undefined {
    return this.tokens[id];
  }
}

const cache = new Map<string, Promise<ClipTokenizer>>();

/**
 * Loads the tokenizer of a model's `tokenizer/` folder, once per folder: later calls with the
 * same folder and options share the first load. A failed load is not cached.
 */
export function loadTokenizer(
  tokenizerFolder: string,
  options: ReadTokenizerOptions = {},
): Promise<ClipTokenizer> {
  if (typeof tokenizerFolder !== 'string' || tokenizerFolder === '') {
    const error = invalidArgument('tokenizerFolder', tokenizerFolder, 'a tokenizer/ folder path');
    return Promise.reject(error);
  }
  const folder = path.resolve(tokenizerFolder);
  const key = `${folder}\u0000${options.fallbackPadToken ?? ''}`;
  let pending = cache.get(key);
  if (!pending) {
    pending = load(folder, options);
    cache.set(key, pending);
    pending.catch(() => cache.delete(key));
  }
  return pending;
}

async function load(folder: string, options: ReadTokenizerOptions): Promise<ClipTokenizer> {
  const started = performance.now();
  const files = await readTokenizerFiles(folder, options);
  const tokenizer = new ClipTokenizer(folder, files);
  log.debug('loaded tokenizer', {
    folder,
    ms: Math.round(performance.now() - started),
    padId: tokenizer.padId,
    maxLength: tokenizer.maxLength,
    defaulted: files.defaulted,
  });
  return tokenizer;
}

/** Forgets loaded tokenizers, e.g. after a model folder was replaced on disk. */
export function clearTokenizerCache(): void {
  cache.clear();
}
