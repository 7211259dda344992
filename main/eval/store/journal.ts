/**
 * An append-only JSON Lines journal: one record per line, each append fsynced before it returns.
 * The journal is the source of truth for what has been done, so a record is written only after
 * the work it describes is safely on disk (e.g. the image file renamed into place).
 *
 * A crash during an append can leave a torn last line with no newline. Reading ignores it, and
 * opening for append truncates it first, so the next record starts on a fresh line.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { EmulsionError } from '../../../common/errors.ts';
import { createLogger } from '../../engine/log.ts';

const log = createLogger('eval:journal');

export interface JournalReadResult<T> {
  records: T[];
  /** Bytes of a torn final line that were ignored (0 when the file ended cleanly). */
  tornBytes: number;
}

export async function readJournal<T>(file: string): Promise<JournalReadResult<T>> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], tornBytes: 0 };
    throw new EmulsionError('IO_ERROR', `Could not read ${file}: ${(err as Error).message}`, {
      file,
    });
  }
  const end = text.lastIndexOf('\n') + 1;
  const tornBytes = Buffer.byteLength(text.slice(end));
  const records: T[] = [];
  const lines = text.slice(0, end).split('\n');
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      records.push(JSON.parse(line) as T);
    } catch {
      // A complete line that does not parse is damage, not a torn append: say so, keep going.
      log.warn('skipping an unreadable journal line', { file, line: i + 1 });
    }
  });
  if (tornBytes > 0) log.warn('ignoring a torn last journal line', { file, bytes: tornBytes });
  return { records, tornBytes };
}

export class Journal<T> {
  private constructor(
    readonly file: string,
    private handle: fs.FileHandle,
  ) {}

  /** Opens (creating if needed) for appending, cutting off a torn last line. */
  static async open<T>(file: string): Promise<Journal<T>> {
    await fs.mkdir(path.dirname(file), { recursive: true });
    const handle = await fs.open(file, 'a+');
    const content = await handle.readFile();
    const keep = content.lastIndexOf(0x0a) + 1;
    if (keep !== content.length) {
      await handle.truncate(keep);
      await handle.sync();
    }
    return new Journal<T>(file, handle);
  }

  async append(record: T): Promise<void> {
    // JSON.stringify escapes newlines inside strings, so a record is always one line.
    await this.handle.appendFile(JSON.stringify(record) + '\n', 'utf8');
    await this.handle.sync();
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}
