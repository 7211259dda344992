/**
 * Word lists of the prompt check: one UTF-8 file per category (resources/safety/terms/<category>.txt),
 * which a user folder may extend or override. File format (resources/safety/README.md):
 *
 *   # Comment lines. The first comment block is the list's reason, shown in the
 *   # settings view.
 *   nude                 a term (a single word also matches its plural with -s / -es)
 *   self harm            a phrase (also matches "self-harm", "selfharm", "s e l f h a r m")
 *   !moby dick           an exception: a match inside this phrase is not reported
 *   -ass                 user files only: remove a shipped term or exception
 *   @replace             user files only: ignore the shipped list for this category
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { invalidArgument } from '../../common/errors.ts';
import { PROMPT_CATEGORIES, type PromptCategory } from '../../common/safety.ts';
import { normalizeText } from './text-normalize.ts';

/** The lists shipped with the app. */
export const SHIPPED_TERMS_DIR = fileURLToPath(
  new URL('../../resources/safety/terms/', import.meta.url),
);

export interface TermList {
  category: PromptCategory;
  terms: string[];
  exceptions: string[];
  /** The header comment of the shipped file (and of the user file, when there is one). */
  reason: string;
  /** The files this list was built from, shipped first. */
  files: string[];
}

export interface ParsedTermFile {
  terms: string[];
  exceptions: string[];
  removals: string[];
  replace: boolean;
  header: string;
}

/** Terms are compared in normalised form, so "Nude" and "nude" are the same entry. */
export function termKey(term: string): string {
  return normalizeText(term)
    .pieces.map((p) => p.chars.map((c) => c.alts[0]).join(''))
    .join(' ');
}

function checkEntry(value: string, file: string, line: number): string {
  const entry = value.trim().replace(/\s+/g, ' ');
  if (normalizeText(entry).pieces.length === 0) {
    throw invalidArgument(
      `${file}:${line}`,
      value,
      'a word or phrase with at least one letter or digit',
    );
  }
  return entry;
}

export function parseTermFile(text: string, file: string, isUserFile: boolean): ParsedTermFile {
  const parsed: ParsedTermFile = {
    terms: [],
    exceptions: [],
    removals: [],
    replace: false,
    header: '',
  };
  const header: string[] = [];
  let inHeader = true;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    const lineNo = i + 1;
    if (line === '') {
      // The header is the first comment block: a blank line after it ends it.
      if (header.length > 0) inHeader = false;
      return;
    }
    if (line.startsWith('#')) {
      if (inHeader) header.push(line.replace(/^#\s?/, ''));
      return;
    }
    inHeader = false;
    if (line === '@replace' || line.startsWith('-')) {
      if (!isUserFile) {
        throw invalidArgument(`${file}:${lineNo}`, line, 'a term or !exception (shipped lists)');
      }
      if (line === '@replace') parsed.replace = true;
      else parsed.removals.push(checkEntry(line.slice(1), file, lineNo));
      return;
    }
    if (line.startsWith('@')) {
      throw invalidArgument(
        `${file}:${lineNo}`,
        line,
        'the directive @replace, a term, !exception or -removal',
      );
    }
    if (line.startsWith('!')) parsed.exceptions.push(checkEntry(line.slice(1), file, lineNo));
    else parsed.terms.push(checkEntry(line, file, lineNo));
  });
  parsed.header = header.join(' ').trim();
  return parsed;
}

function readTermFile(file: string, isUserFile: boolean): ParsedTermFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw invalidArgument('terms file', file, 'a readable UTF-8 text file', (err as Error).message);
  }
  return parseTermFile(text, file, isUserFile);
}

function dedupe(entries: string[]): string[] {
  const seen = new Map<string, string>();
  for (const e of entries) if (!seen.has(termKey(e))) seen.set(termKey(e), e);
  return [...seen.values()];
}

function checkUserDir(userDir: string): void {
  if (!existsSync(userDir) || !statSync(userDir).isDirectory()) {
    throw invalidArgument('userTermsDir', userDir, 'an existing folder');
  }
  const allowed = PROMPT_CATEGORIES.map((c) => `${c}.txt`);
  for (const name of readdirSync(userDir)) {
    if (name.endsWith('.txt') && !allowed.includes(name)) {
      throw invalidArgument(
        'userTermsDir',
        path.join(userDir, name),
        allowed,
        'Each user list must be named after its category.',
      );
    }
  }
}

export interface LoadTermsOptions {
  /** Folder of the shipped lists; defaults to resources/safety/terms. */
  shippedDir?: string;
  /** Folder of user lists that extend or override the shipped ones. */
  userDir?: string;
}

/** Loads every category: the shipped list, then the user's additions, removals or replacement. */
export function loadTermLists(options: LoadTermsOptions = {}): Record<PromptCategory, TermList> {
  const shippedDir = options.shippedDir ?? SHIPPED_TERMS_DIR;
  if (options.userDir !== undefined) checkUserDir(options.userDir);
  const lists = {} as Record<PromptCategory, TermList>;
  for (const category of PROMPT_CATEGORIES) {
    const shippedFile = path.join(shippedDir, `${category}.txt`);
    const shipped = readTermFile(shippedFile, false);
    const list: TermList = {
      category,
      terms: shipped.terms,
      exceptions: shipped.exceptions,
      reason: shipped.header,
      files: [shippedFile],
    };
    const userFile = options.userDir ? path.join(options.userDir, `${category}.txt`) : undefined;
    if (userFile && existsSync(userFile)) {
      const user = readTermFile(userFile, true);
      const removed = new Set(user.removals.map(termKey));
      const keep = (e: string) => !removed.has(termKey(e));
      list.terms = [...(user.replace ? [] : list.terms.filter(keep)), ...user.terms];
      list.exceptions = [...(user.replace ? [] : list.exceptions.filter(keep)), ...user.exceptions];
      if (user.header) list.reason = `${list.reason} User list: ${user.header}`.trim();
      list.files.push(userFile);
    }
    list.terms = dedupe(list.terms);
    list.exceptions = dedupe(list.exceptions);
    lists[category] = list;
  }
  return lists;
}
