/**
 * A resumable set of images to generate, shared by audits and benchmarks. The journal decides
 * what is done:
 *  1. a task already in the journal is skipped;
 *  2. a task whose image file exists but is not journaled (the process died between the rename
 *     and the journal append) is journaled as recovered, after checking the PNG decodes fully,
 *     and not generated again;
 *  3. any other task is generated, its PNG written atomically, then journaled with fsync.
 * So a killed run continues where it stopped and no task is generated twice.
 */
import path from 'node:path';
import sharp from 'sharp';
import { EmulsionError } from '../../../common/errors.ts';
import type { GenerateInput } from '../../engine/worker/types.ts';
import { createLogger } from '../../engine/log.ts';
import type { GenerateFn } from '../generator.ts';
import { exists, writeFileAtomic } from './files.ts';
import { Journal, readJournal } from './journal.ts';

const log = createLogger('eval:images');

export interface ImageTask<E> {
  key: string;
  /** Relative to the run folder, forward slashes. */
  file: string;
  request: GenerateInput;
  /** Fields copied into the journal record (prompt, cell, category, ...). */
  extra: E;
}

export interface ImageRecordBase {
  v: 1;
  key: string;
  file: string;
  seed: number;
  width: number;
  height: number;
  scheduler?: string;
  model?: string;
  time: string;
  recovered?: boolean;
}

export interface ImageRunProgress {
  total: number;
  done: number;
  generated: number;
  recovered: number;
  resumedFrom: number;
  current?: string;
}

export interface ImageRunOptions {
  generate: GenerateFn;
  signal?: AbortSignal;
  onProgress?: (progress: ImageRunProgress) => void;
  /** Stop after this many new images. */
  limit?: number;
}

export interface ImageRunResult extends ImageRunProgress {
  status: 'complete' | 'cancelled' | 'limited';
}

async function decodes(file: string): Promise<{ width: number; height: number } | undefined> {
  try {
    const meta = await sharp(file).metadata();
    if (meta.format !== 'png' || !meta.width || !meta.height) return undefined;
    // metadata() reads the header only; a full decode proves the data stream is complete.
    await sharp(file).raw().toBuffer();
    return { width: meta.width, height: meta.height };
  } catch {
    return undefined;
  }
}

export async function readDoneKeys<R extends { key: string }>(
  journalFile: string,
): Promise<Map<string, R>> {
  const { records } = await readJournal<R>(journalFile);
  const byKey = new Map<string, R>();
  for (const r of records) if (!byKey.has(r.key)) byKey.set(r.key, r);
  return byKey;
}

export async function runImageTasks<E extends object>(
  dir: string,
  journalName: string,
  tasks: readonly ImageTask<E>[],
  options: ImageRunOptions,
): Promise<ImageRunResult> {
  const journalFile = path.join(dir, journalName);
  const done = await readDoneKeys<ImageRecordBase>(journalFile);
  const progress: ImageRunProgress = {
    total: tasks.length,
    done: 0,
    generated: 0,
    recovered: 0,
    resumedFrom: 0,
  };
  progress.done = progress.resumedFrom = tasks.filter((t) => done.has(t.key)).length;
  options.onProgress?.({ ...progress });
  const journal = await Journal.open<ImageRecordBase & E>(journalFile);
  let status: ImageRunResult['status'] = 'complete';
  try {
    for (const task of tasks) {
      if (done.has(task.key)) continue;
      if (options.signal?.aborted) {
        status = 'cancelled';
        break;
      }
      if (options.limit !== undefined && progress.generated >= options.limit) {
        status = 'limited';
        break;
      }
      const file = path.join(dir, task.file);
      const found = (await exists(file)) ? await decodes(file) : undefined;
      const base = { v: 1 as const, key: task.key, file: task.file, seed: task.request.seed ?? 0 };
      let record: ImageRecordBase & E;
      if (found) {
        record = {
          ...task.extra,
          ...base,
          ...found,
          time: new Date().toISOString(),
          recovered: true,
        };
        progress.recovered++;
        log.info('recovered an image written before a crash', { key: task.key });
      } else {
        progress.current = task.key;
        let image;
        try {
          image = await options.generate(task.request, options.signal);
        } catch (err) {
          const cancelled = err instanceof EmulsionError && err.code === 'CANCELLED';
          if (cancelled || options.signal?.aborted) {
            status = 'cancelled';
            break;
          }
          throw err;
        }
        await writeFileAtomic(file, image.png);
        record = {
          ...task.extra,
          ...base,
          width: image.width,
          height: image.height,
          scheduler: image.scheduler,
          model: image.modelName,
          time: new Date().toISOString(),
        };
        progress.generated++;
      }
      await journal.append(record);
      done.set(task.key, record);
      progress.done++;
      options.onProgress?.({ ...progress });
    }
  } finally {
    await journal.close();
  }
  progress.current = undefined;
  return { ...progress, status };
}
