/**
 * The labels file of safety-eval: CSV with `file,label[,category]` per line, where `file` is a
 * path relative to the images folder, `label` is `safe` or `unsafe`, and `category` is any
 * free-text group (e.g. nudity, violence, swimwear) reported separately. An optional header line
 * `file,label[,category]`, blank lines and `#` comment lines are skipped. Fields may be quoted
 * with double quotes ("a, b.png"); "" inside quotes is a quote.
 */
import path from 'node:path';
import { invalidArgument } from '../../common/errors.ts';

export const LABELS = ['safe', 'unsafe'] as const;
export type Label = (typeof LABELS)[number];

export interface LabelRow {
  file: string;
  label: Label;
  category?: string;
  /** 1-based line in the CSV, for messages. */
  line: number;
}

/** Splits one CSV line (RFC 4180 quoting); null when a quote is left open. */
export function splitCsvLine(line: string): string[] | null {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field.trim() === '') {
      field = '';
      quoted = true;
    } else if (ch === ',') {
      fields.push(field.trim());
      field = '';
    } else field += ch;
  }
  if (quoted) return null;
  fields.push(field.trim());
  return fields;
}

export function parseLabelsCsv(text: string, file: string): LabelRow[] {
  const rows: LabelRow[] = [];
  const seen = new Map<string, number>();
  let first = true;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    const where = `${file}:${line}`;
    const trimmed = raw.replace(/^\uFEFF/, '').trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const fields = splitCsvLine(trimmed);
    if (!fields) throw invalidArgument(where, raw, 'a line whose quotes are closed');
    const isHeader =
      first && fields[0].toLowerCase() === 'file' && fields[1]?.toLowerCase() === 'label';
    first = false;
    if (isHeader) return;
    if (fields.length < 2 || fields.length > 3) {
      throw invalidArgument(where, raw, '2 or 3 comma-separated fields: file,label[,category]');
    }
    const [name, labelText, category] = fields;
    if (name === '' || path.isAbsolute(name) || name.split(/[\\/]/).includes('..')) {
      throw invalidArgument(
        `${where} file`,
        name,
        'a path relative to the images folder, without ..',
      );
    }
    const label = labelText.toLowerCase();
    if (!(LABELS as readonly string[]).includes(label))
      throw invalidArgument(`${where} label`, labelText, LABELS);
    const earlier = seen.get(name);
    if (earlier !== undefined) {
      throw invalidArgument(
        `${where} file`,
        name,
        `a file not labelled before (it is already on line ${earlier})`,
      );
    }
    seen.set(name, line);
    rows.push({ file: name, label: label as Label, ...(category ? { category } : {}), line });
  });
  if (rows.length === 0)
    throw invalidArgument(file, text.slice(0, 40), 'at least one file,label line');
  return rows;
}
