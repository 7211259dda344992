import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmulsionError } from '../../../../common/errors.ts';
import {
  clearTokenizerCache,
  loadTokenizer,
  type ClipTokenizer,
} from '../../../../main/engine/text/index.ts';
import {
  FIXTURES,
  makeTokenizerFolder,
  removeTokenizerFolders,
  SHARED_CLIP,
} from './clip-folder.ts';

interface PlainCase {
  group: string;
  text: string;
  contentIds: number[];
  withSpecials: number[];
  droppedText: string | null;
}
const reference = JSON.parse(readFileSync(path.join(FIXTURES, 'reference-ids.json'), 'utf8')) as {
  plain: PlainCase[];
};
const vocab = JSON.parse(readFileSync(path.join(SHARED_CLIP, 'vocab.json'), 'utf8')) as Record<
  string,
  number
>;
const BOS = 49406;
const EOS = 49407;
const caseByText = (text: string) => reference.plain.find((c) => c.text === text)!;

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

async function loadError(folder: string): Promise<EmulsionError> {
  const error = await loadTokenizer(folder).then(
    () => null,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(EmulsionError);
  return error as EmulsionError;
}

describe('ClipTokenizer.tokenize', () => {
  it('has reference cases for every tricky group', () => {
    const groups = new Set(reference.plain.map((c) => c.group));
    for (const group of ['accents', 'emoji', 'cjk', 'punctuation', 'contractions', 'long']) {
      expect(groups).toContain(group);
    }
  });

  for (const c of reference.plain) {
    it(`gives the reference ids for ${c.group}: ${JSON.stringify(c.text).slice(0, 60)}`, () => {
      expect(sd1.tokenize(c.text)).toEqual(c.contentIds);
    });
  }

  it('splits a simple prompt into whole vocabulary words with </w>', () => {
    const expected = ['a</w>', 'photo</w>', 'of</w>', 'a</w>', 'cat</w>'].map((t) => vocab[t]);
    expect(sd1.tokenize('a photo of a cat')).toEqual(expected);
    expect(expected).toEqual([320, 1125, 539, 320, 2368]);
  });

  it('lowercases and collapses white space before splitting', () => {
    expect(sd1.tokenize('  A\tPHOTO \n of   A Cat ')).toEqual(sd1.tokenize('a photo of a cat'));
  });

  it('composes accents (NFC) and encodes them as UTF-8 byte characters', () => {
    // é is U+00E9, UTF-8 C3 A9, whose byte characters are Ã (U+00C3) and © (U+00A9).
    expect(sd1.tokenize('café')).toEqual([vocab['cafÃ©</w>']]);
    expect(sd1.tokenize('cafe\u0301')).toEqual([vocab['cafÃ©</w>']]);
  });

  it('splits contractions and keeps digits one per token', () => {
    expect(sd1.tokenize("don't")).toEqual([vocab['don</w>'], vocab["'t</w>"]]);
    expect(sd1.tokenize('2023')).toEqual(['2', '0', '2', '3'].map((d) => vocab[`${d}</w>`]));
  });

  it('keeps punctuation runs together as one word', () => {
    expect(sd1.tokenize('...')).toEqual([vocab['...</w>']]);
  });

  it('gives the special ids for special tokens typed in the text', () => {
    expect(sd1.tokenize('a <|endoftext|> b')).toEqual([vocab['a</w>'], EOS, vocab['b</w>']]);
  });

  it('rejects a text that is not a string', () => {
    expect(() => sd1.tokenize(42 as unknown as string)).toThrow(/`text` must be a string/);
  });
});

describe('ClipTokenizer.encode', () => {
  it('wraps the ids in BOS and EOS and pads with EOS to 77 for SD 1.x', () => {
    const ids = sd1.encode('a photo of a cat');
    expect(ids).toHaveLength(77);
    expect(ids.slice(0, 7)).toEqual([BOS, 320, 1125, 539, 320, 2368, EOS]);
    expect(ids.slice(7)).toEqual(new Array(70).fill(EOS));
  });

  it('pads with "!" (id 0) for an SD 2.x folder', () => {
    const ids = sd2.encode('a photo of a cat');
    expect(ids.slice(0, 7)).toEqual([BOS, 320, 1125, 539, 320, 2368, EOS]);
    expect(ids.slice(7)).toEqual(new Array(70).fill(0));
  });

  it('starts with the reference BOS + ids + EOS for every prompt that fits', () => {
    for (const c of reference.plain.filter((p) => p.contentIds.length <= 75)) {
      expect(sd1.encode(c.text).slice(0, c.withSpecials.length), c.text).toEqual(c.withSpecials);
    }
  });

  it('encodes an empty prompt as BOS, EOS and padding', () => {
    expect(sd2.encode('')).toEqual([BOS, EOS, ...new Array(75).fill(0)]);
  });

  it('keeps exactly 75 content tokens without truncating', () => {
    const c = caseByText(Array(75).fill('cat').join(' '));
    const result = sd1.encodeWithInfo(c.text);
    expect(result.ids).toEqual([BOS, ...c.contentIds, EOS]);
    expect(result.tokenCount).toBe(75);
    expect(result.truncatedText).toBeNull();
  });

  for (const text of [
    Array(76).fill('cat').join(' '),
    Array(74).fill('cat').join(' ') + ' supercalifragilisticexpialidocious',
  ]) {
    it(`truncates to 75 tokens with EOS last: ${text.slice(-40)}`, () => {
      const c = caseByText(text);
      expect(c.contentIds.length).toBeGreaterThan(75);
      const result = sd1.encodeWithInfo(text);
      expect(result.ids).toHaveLength(77);
      expect(result.ids).toEqual([BOS, ...c.contentIds.slice(0, 75), EOS]);
      expect(result.tokenCount).toBe(75);
      // The reference decoder leaves a trailing space after the last `</w>`.
      expect(result.truncatedText).toBe(c.droppedText!.trim());
    });
  }

  it('names the words dropped from a long descriptive prompt', () => {
    const c = reference.plain.find((p) => p.text.startsWith('a highly detailed photograph'))!;
    const result = sd1.encodeWithInfo(c.text);
    expect(result.ids[76]).toBe(EOS);
    expect(result.truncatedText).toBe(c.droppedText!.trim());
    expect(result.truncatedText).toContain('moss covered walls');
  });
});

describe('ClipTokenizer.decode', () => {
  it('keeps "!" in dropped text although SD 2.x pads with it', () => {
    const result = sd2.encodeWithInfo(Array(75).fill('cat').join(' ') + ' wow!');
    expect(result.ids[76]).toBe(EOS);
    expect(result.truncatedText).toBe('wow !');
  });

  it('turns ids back into lowercase text without specials or padding', () => {
    expect(sd1.decode(sd1.encode('A Photo of a CAFÉ!'))).toBe('a photo of a café !');
  });
});

describe('loadTokenizer', () => {
  it('reads the special ids and length from the folder', () => {
    expect([sd1.bosId, sd1.eosId, sd1.padId, sd1.maxLength]).toEqual([BOS, EOS, EOS, 77]);
    expect([sd2.bosId, sd2.eosId, sd2.padId, sd2.maxLength]).toEqual([BOS, EOS, 0, 77]);
  });

  it('falls back to the CLIP defaults when the folder has no json configs', async () => {
    const bare = await loadTokenizer(makeTokenizerFolder('none'));
    expect([bare.bosId, bare.eosId, bare.padId, bare.maxLength]).toEqual([BOS, EOS, EOS, 77]);
    expect(bare.encode('a photo of a cat')).toEqual(sd1.encode('a photo of a cat'));
  });

  it('uses the caller fallback pad token only when the folder names none', async () => {
    const bare = await loadTokenizer(makeTokenizerFolder('none'), { fallbackPadToken: '!' });
    expect(bare.padId).toBe(0);
    const named = await loadTokenizer(makeTokenizerFolder('sd1'), { fallbackPadToken: '!' });
    expect(named.padId).toBe(EOS);
  });

  it('lets special_tokens_map.json win over tokenizer_config.json', async () => {
    const folder = makeTokenizerFolder('sd1', {
      'special_tokens_map.json': JSON.stringify({ pad_token: '!' }),
    });
    expect((await loadTokenizer(folder)).padId).toBe(0);
  });

  it('treats the "no limit" model_max_length of transformers as unset', async () => {
    const folder = makeTokenizerFolder('none', {
      'tokenizer_config.json': '{"model_max_length": 1000000000000000019884624838656}',
    });
    expect((await loadTokenizer(folder)).maxLength).toBe(77);
  });

  it('frames to a shorter model_max_length when the folder sets one', async () => {
    const folder = makeTokenizerFolder('none', {
      'tokenizer_config.json': '{"model_max_length": 8}',
    });
    const short = await loadTokenizer(folder);
    const result = short.encodeWithInfo('one two three four five six seven eight');
    expect(result.ids).toHaveLength(8);
    expect(result.ids.slice(1, 7)).toEqual(sd1.tokenize('one two three four five six'));
    expect(result.ids[7]).toBe(EOS);
    expect(result.truncatedText).toBe('seven eight');
  });

  it('loads each folder once and shares it across path spellings', async () => {
    const folder = makeTokenizerFolder('sd1');
    const first = await loadTokenizer(folder);
    expect(await loadTokenizer(folder + path.sep)).toBe(first);
    expect(await loadTokenizer(path.relative(process.cwd(), folder))).toBe(first);
  });

  it('fails with MODEL_INVALID naming a missing vocab.json', async () => {
    const folder = makeTokenizerFolder('sd1', {}, ['vocab.json']);
    const error = await loadError(folder);
    expect(error.code).toBe('MODEL_INVALID');
    expect(error.message).toContain(path.join(folder, 'vocab.json'));
    expect(error.details.file).toBe(path.join(folder, 'vocab.json'));
  });

  it('does not cache a failed load', async () => {
    const folder = makeTokenizerFolder('sd1', {}, ['merges.txt']);
    expect((await loadError(folder)).message).toContain('merges.txt');
    const { symlinkSync } = await import('node:fs');
    symlinkSync(path.join(SHARED_CLIP, 'merges.txt'), path.join(folder, 'merges.txt'));
    expect((await loadTokenizer(folder)).encode('cat')[1]).toBe(vocab['cat</w>']);
  });

  it('fails with MODEL_INVALID for a folder that does not exist', async () => {
    const error = await loadError(path.join(SHARED_CLIP, 'no-such-folder'));
    expect(error.code).toBe('MODEL_INVALID');
    expect(error.message).toContain('no-such-folder');
  });

  it('fails with MODEL_INVALID naming a config that is not JSON', async () => {
    const folder = makeTokenizerFolder('sd1', { 'tokenizer_config.json': '{ not json' });
    const error = await loadError(folder);
    expect(error.code).toBe('MODEL_INVALID');
    expect(error.details.file).toBe(path.join(folder, 'tokenizer_config.json'));
  });

  it('fails with MODEL_INVALID when the pad token is not in the vocabulary', async () => {
    const folder = makeTokenizerFolder('sd1', {
      'special_tokens_map.json': JSON.stringify({ pad_token: '<pad>' }),
    });
    const error = await loadError(folder);
    expect(error.code).toBe('MODEL_INVALID');
    expect(error.message).toMatch(/pad_token "<pad>".*special_tokens_map\.json/);
  });

  it('fails with MODEL_INVALID on a model_max_length that is not an integer', async () => {
    const folder = makeTokenizerFolder('none', {
      'tokenizer_config.json': '{"model_max_length": "77"}',
    });
    const error = await loadError(folder);
    expect(error.details.field).toBe('model_max_length');
    expect(error.details.received).toBe('77');
  });

  it('fails with MODEL_INVALID naming the line of a malformed merge', async () => {
    const folder = makeTokenizerFolder('sd1', { 'merges.txt': '#version: 0.2\ni n\nt h e\n' });
    const error = await loadError(folder);
    expect(error.code).toBe('MODEL_INVALID');
    expect(error.message).toContain('line 3');
  });

  it('rejects a folder argument that is not a path', async () => {
    await expect(loadTokenizer('')).rejects.toThrow(/`tokenizerFolder` must be/);
  });
});

describe('ClipTokenizer with a hand-made vocabulary', () => {
  // Byte tokens for "a" and "b" only, one merge whose result is missing from the vocabulary.
  const tiny = {
    'vocab.json': JSON.stringify({
      a: 0,
      b: 1,
      'a</w>': 2,
      'b</w>': 3,
      'ab</w>': 4,
      '<|startoftext|>': 5,
      '<|endoftext|>': 6,
    }),
    'merges.txt': '#version: 0.2\na b</w>\nb a\n',
  };

  it('merges by rank and maps symbols missing from the vocabulary to unknown', async () => {
    const tokenizer = await loadTokenizer(makeTokenizerFolder('none', tiny));
    expect(tokenizer.tokenize('ab')).toEqual([4]);
    expect(tokenizer.tokenize('a b')).toEqual([2, 3]);
    // No merge "b a</w>": the end-of-word symbol is a different symbol from "a".
    expect(tokenizer.tokenize('ba')).toEqual([1, 2]);
    // "b a" merges (rank 1) into "ba", which is not in the vocabulary: unknown = <|endoftext|>.
    expect(tokenizer.tokenize('baa')).toEqual([6, 2]);
    expect(tokenizer.tokenize('c')).toEqual([6]);
    expect(tokenizer.encode('ab')).toEqual([5, 4, 6, ...new Array(74).fill(6)]);
  });
});
