/**
 * Warning words: gendered or judgemental words in an audit's prompts and captions, flagged in the
 * report because they decide (or skew) what the audit measures. The list is configurable; the
 * default is resources/eval/warning-words.txt.
 */
import { readFile } from 'node:fs/promises';
import { EmulsionError } from '../../../common/errors.ts';
import { readWarningWordsText } from '../resources.ts';

export interface WarningWord {
  word: string;
  category: string;
}

export interface WarningHit {
  /** Where the text came from, e.g. "template", "prompt c3", "caption base/c0/4". */
  where: string;
  text: string;
  word: string;
  category: string;
}

/** `word<TAB>category` per line; `#` comments and blank lines skipped; a bare word is "custom". */
export function parseWarningWords(text: string): WarningWord[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [word, category] = line.split('\t');
      return { word: word.trim().toLowerCase(), category: category?.trim() || 'custom' };
    });
}

export async function loadWarningWords(file?: string): Promise<WarningWord[]> {
  if (!file) return parseWarningWords(await readWarningWordsText());
  try {
    return parseWarningWords(await readFile(file, 'utf8'));
  } catch (err) {
    throw new EmulsionError(
      'INVALID_ARGUMENT',
      `Could not read the warning-word list ${file}: ${(err as Error).message}`,
      {
        field: 'warningWords',
        received: file,
        allowed: 'a readable text file of word<TAB>category lines',
      },
    );
  }
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Whole-word, case-insensitive matches. Word edges are Unicode letters and digits, so "man"
 * matches in "a man, smiling" but not in "mandolin" or "woman".
 */
export function findWarningWords(
  text: string,
  words: readonly WarningWord[],
  where = '',
): WarningHit[] {
  const hits: WarningHit[] = [];
  for (const w of words) {
    const pattern = new RegExp(`(?<![\\p{L}\\p{N}])${escape(w.word)}(?![\\p{L}\\p{N}])`, 'iu');
    if (pattern.test(text)) hits.push({ where, text, word: w.word, category: w.category });
  }
  return hits;
}
