/**
 * Runs an audit's images, resumably (see store/image-run.ts for how a killed run continues
 * without generating any (variant, cell, seed) twice).
 */
import type { GenerateFn } from '../generator.ts';
import { runImageTasks, type ImageRunProgress, type ImageRunResult } from '../store/image-run.ts';
import { expandTasks, taskRequest } from './definition.ts';
import { imageFile, JOURNAL_FILE, readAudit } from './store.ts';

export type AuditProgress = ImageRunProgress;
export type AuditRunResult = ImageRunResult;

export interface AuditRunOptions {
  generate: GenerateFn;
  signal?: AbortSignal;
  onProgress?: (progress: AuditProgress) => void;
  /** Stop after this many new images (for tests and for "run a little now"). */
  limit?: number;
}

export async function runAuditImages(
  dir: string,
  options: AuditRunOptions,
): Promise<AuditRunResult> {
  const def = await readAudit(dir);
  const tasks = expandTasks(def).map((task) => ({
    key: task.key,
    file: imageFile(task),
    request: taskRequest(def, task),
    extra: { variant: task.variant, cell: task.cell, prompt: task.prompt },
  }));
  return runImageTasks(dir, JOURNAL_FILE, tasks, options);
}
