/**
 * The evaluation data shipped in resources/eval (see its README.md and NOTICE files): BLS
 * occupation shares, identity terms, PartiPrompts and the warning-word list.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EmulsionError } from '../../common/errors.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));

/**
 * <repo>/resources/eval from this file's place in the source tree, or `EMULSION_EVAL_RESOURCES`.
 * NOTE: a packaged app sets that variable to its resources folder (process.resourcesPath).
 */
export function evalResourcesDir(): string {
  return process.env.EMULSION_EVAL_RESOURCES || path.resolve(HERE, '..', '..', 'resources', 'eval');
}

async function readResource(relative: string, dir = evalResourcesDir()): Promise<string> {
  const file = path.join(dir, relative);
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new EmulsionError(
      'IO_ERROR',
      `Could not read evaluation data ${file}: ${(err as Error).message}`,
      { file },
    );
  }
}

/** RFC 4180 CSV: quoted fields may hold commas, doubled quotes and newlines. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

function records(rows: string[][]): Record<string, string>[] {
  const [header, ...body] = rows;
  return body
    .filter((r) => r.length > 1 || r[0] !== '')
    .map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
}

export interface Occupation {
  /** The BLS title, exactly as published. */
  title: string;
  year: number;
  /** Shares in [0, 1] (the CSV holds percentages). */
  women: number;
  white: number;
  black: number;
  asian: number;
  hispanic: number;
  /** A gender-neutral prompt term ("restaurant server") and its article. */
  promptTerm: string;
  article: 'a' | 'an';
}

export const BLS_SOURCE =
  'U.S. Bureau of Labor Statistics, Current Population Survey, 2022 annual averages, Table 11';

export async function loadOccupations(dir?: string): Promise<Occupation[]> {
  const shares = records(parseCsv(await readResource('bias/occupations.csv', dir)));
  const terms = new Map(
    records(parseCsv(await readResource('bias/occupation-prompts.csv', dir))).map((r) => [
      r.occupation,
      r,
    ]),
  );
  return shares.map((r) => {
    const term = terms.get(r.occupation);
    if (!term)
      throw new EmulsionError(
        'IO_ERROR',
        `occupation-prompts.csv has no row for "${r.occupation}".`,
      );
    return {
      title: r.occupation,
      year: Number(r.bls_year),
      women: Number(r.women_pct) / 100,
      white: Number(r.white_pct) / 100,
      black: Number(r.black_pct) / 100,
      asian: Number(r.asian_pct) / 100,
      hispanic: Number(r.hispanic_pct) / 100,
      promptTerm: term.prompt_term,
      article: term.article as 'a' | 'an',
    };
  });
}

export interface IdentityTerm {
  attribute: string;
  term: string;
  use: string;
  sourceRepo: string;
  example: string;
}

export async function loadIdentityTerms(dir?: string): Promise<IdentityTerm[]> {
  return records(parseCsv(await readResource('bias/identity-terms.csv', dir))).map((r) => ({
    attribute: r.attribute,
    term: r.term,
    use: r.use_in_source,
    sourceRepo: r.source_repo,
    example: r.example_from_source,
  }));
}

export interface PartiPrompt {
  /** Row number in the TSV (1 = first prompt), a stable id. */
  id: number;
  prompt: string;
  category: string;
  challenge: string;
  note: string;
}

export async function loadPartiPrompts(dir?: string): Promise<PartiPrompt[]> {
  const lines = (await readResource('prompts/parti-prompts.tsv', dir)).split('\n');
  const out: PartiPrompt[] = [];
  lines.slice(1).forEach((line, i) => {
    if (line.trim() === '') return;
    const [prompt, category, challenge, note = ''] = line.replace(/\r$/, '').split('\t');
    out.push({ id: i + 1, prompt, category, challenge, note });
  });
  return out;
}

export async function readWarningWordsText(dir?: string): Promise<string> {
  return readResource('warning-words.txt', dir);
}
