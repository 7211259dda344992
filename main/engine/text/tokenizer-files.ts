/**
 * Reads a diffusers `tokenizer/` folder: vocab.json and merges.txt (required), and the special
 * tokens and length from special_tokens_map.json / tokenizer_config.json when present. OnnxStack
 * exports do not copy tokenizer_config.json (onnx-contract.md §1), so every setting has the
 * default of transformers' `CLIPTokenizer`.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { EmulsionError, formatValue } from '../../../common/errors.ts';
import { END_OF_TEXT, START_OF_TEXT } from './clip-text.ts';

/**
 * CLIP keeps the first 49152 − 256 − 2 = 48894 merges: 256 byte tokens, their 256 end-of-word
 * forms, the merges and 2 specials make its 49408 ids (CLIP `simple_tokenizer.py`; transformers
 * `tokenization_clip.py` slices merges.txt the same way).
 */
export const CLIP_MERGE_COUNT = 49152 - 256 - 2;

/** CLIP's context: 75 content tokens between BOS and EOS (CLIP `clip.py`, `context_length`). */
export const DEFAULT_MAX_LENGTH = 77;

/** transformers writes int(1e30) as `model_max_length` when a tokenizer has no limit. */
const UNSET_MAX_LENGTH = 1e29;

export const TOKEN_ROLES = ['bos', 'eos', 'unk', 'pad'] as const;
export type TokenRole = (typeof TOKEN_ROLES)[number];

/** Defaults of transformers' `CLIPTokenizer.__init__`; SD 1.x folders name the same ones. */
export const DEFAULT_TOKENS: Readonly<Record<TokenRole, string>> = {
  bos: START_OF_TEXT,
  eos: END_OF_TEXT,
  unk: END_OF_TEXT,
  pad: END_OF_TEXT,
};

export interface TokenizerFiles {
  vocab: Map<string, number>;
  /** `"left right"` → merge rank. */
  ranks: Map<string, number>;
  ids: Record<TokenRole, number>;
  maxLength: number;
  /** Settings the folder did not name, so a default was used (for logging). */
  defaulted: string[];
}

export interface ReadTokenizerOptions {
  /** Pad token to use when the folder's configs name none (default `<|endoftext|>`). */
  fallbackPadToken?: string;
}

export async function readTokenizerFiles(
  folder: string,
  options: ReadTokenizerOptions = {},
): Promise<TokenizerFiles> {
  await requireFolder(folder);
  const vocabFile = path.join(folder, 'vocab.json');
  const vocab = parseVocab(await readRequired(vocabFile), vocabFile);
  const mergesFile = path.join(folder, 'merges.txt');
  const ranks = parseMerges(await readRequired(mergesFile), mergesFile);

  const configFile = path.join(folder, 'tokenizer_config.json');
  const mapFile = path.join(folder, 'special_tokens_map.json');
  const config = await readOptionalJson(configFile);
  const specialMap = await readOptionalJson(mapFile);

  const defaulted: string[] = [];
  const ids = {} as Record<TokenRole, number>;
  for (const role of TOKEN_ROLES) {
    const key = `${role}_token`;
    // special_tokens_map.json wins over tokenizer_config.json, as in transformers.
    const fromMap = tokenText(specialMap?.[key], mapFile, key);
    const fromConfig = tokenText(config?.[key], configFile, key);
    let token = fromMap ?? fromConfig;
    let source = fromMap !== undefined ? mapFile : configFile;
    if (token === undefined) {
      token =
        role === 'pad' ? (options.fallbackPadToken ?? DEFAULT_TOKENS.pad) : DEFAULT_TOKENS[role];
      source = 'the CLIP defaults';
      defaulted.push(key);
    }
    const id = vocab.get(token);
    if (id === undefined) {
      throw new EmulsionError(
        'MODEL_INVALID',
        `Tokenizer ${key} ${formatValue(token)} (from ${source}) is not in ${vocabFile}.`,
        { file: source === 'the CLIP defaults' ? vocabFile : source, field: key, received: token },
      );
    }
    ids[role] = id;
  }

  const maxLength = parseMaxLength(config?.model_max_length, configFile);
  if (maxLength === undefined) defaulted.push('model_max_length');
  return { vocab, ranks, ids, maxLength: maxLength ?? DEFAULT_MAX_LENGTH, defaulted };
}

async function requireFolder(folder: string): Promise<void> {
  const info = await stat(folder).catch(() => null);
  if (!info?.isDirectory()) {
    throw new EmulsionError(
      'MODEL_INVALID',
      `Tokenizer folder ${folder} does not exist or is not a folder; ` +
        'it must hold vocab.json and merges.txt.',
      { file: folder },
    );
  }
}

async function readRequired(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    const reason =
      (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'is missing' : 'cannot be read';
    throw new EmulsionError(
      'MODEL_INVALID',
      `Tokenizer file ${file} ${reason}; a CLIP tokenizer needs vocab.json and merges.txt.`,
      { file },
    );
  }
}

async function readOptionalJson(file: string): Promise<Record<string, unknown> | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new EmulsionError('MODEL_INVALID', `Tokenizer file ${file} cannot be read.`, { file });
  }
  const value = parseJson(text, file);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new EmulsionError('MODEL_INVALID', `Tokenizer file ${file} must hold a JSON object.`, {
      file,
    });
  }
  return value as Record<string, unknown>;
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new EmulsionError(
      'MODEL_INVALID',
      `Tokenizer file ${file} is not valid JSON: ${(err as Error).message}`,
      { file },
    );
  }
}

function parseVocab(text: string, file: string): Map<string, number> {
  const value = parseJson(text, file);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new EmulsionError(
      'MODEL_INVALID',
      `Tokenizer file ${file} must map each token to its id.`,
      { file },
    );
  }
  const vocab = new Map<string, number>();
  for (const [token, id] of Object.entries(value)) {
    if (!Number.isInteger(id) || (id as number) < 0) {
      throw new EmulsionError(
        'MODEL_INVALID',
        `Tokenizer file ${file} gives token ${formatValue(token)} the id ${formatValue(id)}; ` +
          'ids must be integers of 0 or more.',
        { file, received: id },
      );
    }
    vocab.set(token, id as number);
  }
  return vocab;
}

function parseMerges(text: string, file: string): Map<string, number> {
  const lines = text.split(/\r?\n/);
  const start = lines[0]?.startsWith('#version') ? 1 : 0;
  const ranks = new Map<string, number>();
  let rank = 0;
  for (let i = start; i < lines.length && rank < CLIP_MERGE_COUNT; i++) {
    const line = lines[i];
    if (line === '') continue;
    const parts = line.split(' ');
    if (parts.length !== 2 || parts[0] === '' || parts[1] === '') {
      throw new EmulsionError(
        'MODEL_INVALID',
        `Tokenizer file ${file} line ${i + 1} must be two symbols separated by one space; ` +
          `found ${formatValue(line)}.`,
        { file, received: line },
      );
    }
    // Ranks are line positions; a repeated pair takes its later rank, as Python's dict(zip()) does.
    ranks.set(line, rank++);
  }
  return ranks;
}

/** A token is written either as a string or as an AddedToken object with `content`. */
function tokenText(value: unknown, file: string, key: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && typeof (value as { content?: unknown }).content === 'string') {
    return (value as { content: string }).content;
  }
  throw new EmulsionError(
    'MODEL_INVALID',
    `Tokenizer file ${file} field ${key} must be a token string or {"content": string}; ` +
      `found ${formatValue(value)}.`,
    { file, field: key, received: value },
  );
}

function parseMaxLength(value: unknown, file: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && value >= UNSET_MAX_LENGTH) return undefined;
  if (!Number.isInteger(value) || (value as number) < 3) {
    throw new EmulsionError(
      'MODEL_INVALID',
      `Tokenizer file ${file} field model_max_length must be an integer of 3 or more ` +
        `(BOS, one token, EOS); found ${formatValue(value)}.`,
      { file, field: 'model_max_length', received: value },
    );
  }
  return value as number;
}
