/**
 * GalleryQuery -> SQL. User text never reaches FTS5 syntax: each word becomes a quoted prefix
 * term ("red"*), so quotes, colons or AND/OR/NOT in a prompt search are plain words.
 *
 * unicode61 splits on spaces and punctuation only, so a Chinese or Japanese prompt is one long
 * "word" and FTS cannot find a character inside it. Words in those scripts are therefore matched
 * as substrings with LIKE, which over 10,000 prompts still takes a few milliseconds.
 */
import { invalidArgument } from '../../common/errors.ts';
import { SETTINGS_SOURCES } from '../metadata/settings.ts';
import type { GalleryQuery } from '../../common/gallery.ts';

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;

/** Scripts written without spaces between words. */
const UNSPACED =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;

export interface CompiledQuery {
  /** FROM + WHERE clause (joins the FTS table only when needed). */
  from: string;
  where: string;
  params: unknown[];
  orderBy: string;
  limit: number;
  offset: number;
}

function checkQuery(q: GalleryQuery): void {
  const isInt = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v);
  if (q.text !== undefined && typeof q.text !== 'string')
    throw invalidArgument('text', q.text, 'a string');
  if (q.model !== undefined && typeof q.model !== 'string')
    throw invalidArgument('model', q.model, 'a string');
  if (q.tag !== undefined && typeof q.tag !== 'string')
    throw invalidArgument('tag', q.tag, 'a string');
  for (const key of ['from', 'to'] as const) {
    if (q[key] !== undefined && !isInt(q[key]))
      throw invalidArgument(key, q[key], 'milliseconds since 1970 as an integer');
  }
  for (const key of ['favourite', 'includeNegative'] as const) {
    if (q[key] !== undefined && typeof q[key] !== 'boolean')
      throw invalidArgument(key, q[key], 'true or false');
  }
  if (q.source !== undefined && !SETTINGS_SOURCES.includes(q.source)) {
    throw invalidArgument('source', q.source, SETTINGS_SOURCES);
  }
  if (q.order !== undefined && !['newest', 'oldest', 'relevance'].includes(q.order)) {
    throw invalidArgument('order', q.order, ['newest', 'oldest', 'relevance']);
  }
  if (q.offset !== undefined && (!isInt(q.offset) || q.offset < 0)) {
    throw invalidArgument('offset', q.offset, 'an integer >= 0');
  }
  if (q.limit !== undefined && (!isInt(q.limit) || q.limit < 1 || q.limit > MAX_LIMIT)) {
    throw invalidArgument('limit', q.limit, `an integer from 1 to ${MAX_LIMIT}`);
  }
}

/** Splits search text into words: whitespace-separated, quotes dropped. */
export function searchWords(text: string): string[] {
  return text
    .split(/\s+/u)
    .map((w) => w.replace(/["“”]/g, ''))
    .filter((w) => /[\p{L}\p{N}]/u.test(w));
}

const likeEscape = (w: string) => w.replace(/[\\%_]/g, (c) => '\\' + c);

export function compileQuery(q: GalleryQuery): CompiledQuery {
  checkQuery(q);
  const where: string[] = [];
  const params: unknown[] = [];
  const words = searchWords(q.text ?? '');
  const ftsWords = words.filter((w) => !UNSPACED.test(w));
  const likeWords = words.filter((w) => UNSPACED.test(w));
  let from = 'images';
  if (ftsWords.length > 0) {
    from = 'images JOIN images_fts ON images_fts.rowid = images.id';
    const terms = ftsWords.map((w) => `"${w.replace(/"/g, '""')}"*`).join(' AND ');
    where.push('images_fts MATCH ?');
    params.push(q.includeNegative ? `{prompt negative} : (${terms})` : `prompt : (${terms})`);
  }
  for (const w of likeWords) {
    const column = q.includeNegative
      ? "(images.prompt || ' ' || images.negative)"
      : 'images.prompt';
    where.push(`${column} LIKE ? ESCAPE '\\'`);
    params.push(`%${likeEscape(w)}%`);
  }
  if (q.model !== undefined) {
    where.push('images.model = ?');
    params.push(q.model);
  }
  if (q.from !== undefined) {
    where.push('images.created_at >= ?');
    params.push(q.from);
  }
  if (q.to !== undefined) {
    where.push('images.created_at <= ?');
    params.push(q.to);
  }
  if (q.favourite !== undefined) {
    where.push('images.favourite = ?');
    params.push(q.favourite ? 1 : 0);
  }
  if (q.source !== undefined) {
    where.push('images.source = ?');
    params.push(q.source);
  }
  if (q.tag !== undefined) {
    where.push('EXISTS (SELECT 1 FROM image_tags t WHERE t.image_id = images.id AND t.tag = ?)');
    params.push(q.tag);
  }
  const order = q.order ?? 'newest';
  if (order === 'relevance' && ftsWords.length === 0) {
    throw invalidArgument('order', order, 'newest or oldest when `text` has no words to rank by');
  }
  const orderBy =
    order === 'relevance'
      ? 'bm25(images_fts), images.created_at DESC, images.id DESC'
      : order === 'oldest'
        ? 'images.created_at ASC, images.id ASC'
        : 'images.created_at DESC, images.id DESC';
  return {
    from,
    where: where.length > 0 ? `WHERE ${where.join(' AND ')}` : '',
    params,
    orderBy,
    limit: q.limit ?? DEFAULT_LIMIT,
    offset: q.offset ?? 0,
  };
}
