/**
 * A FIFO queue of evaluation jobs (audit runs, XY/Z plots, benchmarks), one at a time, with
 * progress as a tagged union on `status` like the engine's JobEvent. The engine has its own
 * queue for single images; this one orders the long runs that feed it, so a second audit waits
 * instead of interleaving its images with the first.
 */
import { EmulsionError, serializeError, type SerializedError } from '../../common/errors.ts';

export type EvalJobKind = 'audit' | 'xyz' | 'benchmark' | 'prelabel';

export type EvalJobEvent =
  | { status: 'queued'; jobId: string; kind: EvalJobKind; label: string; position: number }
  | { status: 'running'; jobId: string }
  | { status: 'progress'; jobId: string; done: number; total: number; message?: string }
  | { status: 'done'; jobId: string; summary?: unknown }
  | { status: 'cancelled'; jobId: string }
  | { status: 'error'; jobId: string; error: SerializedError };

export interface EvalJobContext {
  signal: AbortSignal;
  progress(done: number, total: number, message?: string): void;
}

export type EvalJobRun<T> = (ctx: EvalJobContext) => Promise<T>;

interface Entry {
  jobId: string;
  run: EvalJobRun<unknown>;
  controller: AbortController;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

export class EvalJobQueue {
  private readonly queue: Entry[] = [];
  private running?: Entry;
  private readonly listeners = new Set<(e: EvalJobEvent) => void>();
  private counter = 0;

  onEvent(listener: (e: EvalJobEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  submit<T>(
    kind: EvalJobKind,
    label: string,
    run: EvalJobRun<T>,
  ): { jobId: string; result: Promise<T> } {
    const jobId = `${kind}-${++this.counter}`;
    const result = new Promise<T>((resolve, reject) => {
      this.queue.push({
        jobId,
        run,
        controller: new AbortController(),
        resolve: resolve as (v: unknown) => void,
        reject,
      });
    });
    // Failures reach listeners as `error` events; callers that only want the id drop `result`,
    // which must then not surface as an unhandled rejection.
    result.catch(() => undefined);
    this.emit({
      status: 'queued',
      jobId,
      kind,
      label,
      position: this.queue.length - 1 + (this.running ? 1 : 0),
    });
    void this.pump();
    return { jobId, result };
  }

  /** Cancels a queued job at once, a running one at its next check of the signal. */
  cancel(jobId: string): void {
    if (this.running?.jobId === jobId) return this.running.controller.abort();
    const index = this.queue.findIndex((e) => e.jobId === jobId);
    if (index < 0) return;
    const [entry] = this.queue.splice(index, 1);
    this.emit({ status: 'cancelled', jobId });
    entry.reject(new EmulsionError('CANCELLED', 'The job was cancelled before it started.'));
  }

  private emit(event: EvalJobEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  private async pump(): Promise<void> {
    if (this.running) return;
    const entry = this.queue.shift();
    if (!entry) return;
    this.running = entry;
    const { jobId, controller } = entry;
    this.emit({ status: 'running', jobId });
    try {
      const value = await entry.run({
        signal: controller.signal,
        progress: (done, total, message) =>
          this.emit({ status: 'progress', jobId, done, total, message }),
      });
      this.emit(
        controller.signal.aborted
          ? { status: 'cancelled', jobId }
          : { status: 'done', jobId, summary: value },
      );
      entry.resolve(value);
    } catch (err) {
      const error = serializeError(err);
      this.emit(
        error.code === 'CANCELLED'
          ? { status: 'cancelled', jobId }
          : { status: 'error', jobId, error },
      );
      entry.reject(err);
    } finally {
      this.running = undefined;
      void this.pump();
    }
  }
}
