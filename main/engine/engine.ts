/**
 * The engine in one thread: a FIFO job queue in front of one model cache. Jobs run one at a time;
 * a queued job can be cancelled before it starts, a running one within one denoising step.
 * The worker host wraps this class; tests and the CLI's in-process mode use it directly.
 */
import path from 'node:path';
import { EmulsionError, serializeError } from '../../common/errors.ts';
import type { ExecutionProviderName, GenerateResult, JobEvent } from '../../common/generation.ts';
import { demoModelPath } from '../demo-model/index.ts';
import { createLogger } from './log.ts';
import { requestDefaults } from './model/family.ts';
import { ModelCache } from './model/loaded-model.ts';
import { SafetyGate } from './safety.ts';
import type { SafetyFilterConfig } from '../safety/index.ts';
import { listModels } from './model/list.ts';
import { platformProviders } from './ort/providers.ts';
import { generate } from './pipeline/generate.ts';
import { validateRequest } from './pipeline/validate.ts';
import type { GenerateInput, ModelInfo } from './worker/types.ts';

const log = createLogger('engine');

interface Job {
  jobId: string;
  input: GenerateInput;
  controller: AbortController;
  resolve: (r: GenerateResult) => void;
  reject: (e: EmulsionError) => void;
}

export interface EngineOptions {
  /** Safety filter settings and resources; the default policy is `blur`. */
  safety?: SafetyFilterConfig;
}

export class Engine {
  private readonly cache = new ModelCache();
  private safety: SafetyGate;
  private readonly queue: Job[] = [];
  private running?: Job;
  private readonly listeners = new Set<(e: JobEvent) => void>();

  constructor(options: EngineOptions = {}) {
    this.safety = new SafetyGate(options.safety);
  }

  onEvent(listener: (e: JobEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Queues a job; the promise settles when it finishes, fails or is cancelled. */
  submit(jobId: string, input: GenerateInput): Promise<GenerateResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ jobId, input, controller: new AbortController(), resolve, reject });
      this.emit({
        status: 'queued',
        jobId,
        position: this.queue.length - 1 + (this.running ? 1 : 0),
      });
      void this.pump();
    });
  }

  cancel(jobId: string): void {
    if (this.running?.jobId === jobId) {
      this.running.controller.abort();
      return;
    }
    const index = this.queue.findIndex((j) => j.jobId === jobId);
    if (index < 0) return;
    const [job] = this.queue.splice(index, 1);
    this.emit({ status: 'cancelled', jobId });
    job.reject(new EmulsionError('CANCELLED', 'The job was cancelled before it started.'));
  }

  listModels(directories: string[]): Promise<ModelInfo[]> {
    return listModels(directories);
  }

  /**
   * Replaces the safety settings, keeping the loaded models. Call it while no job runs (the
   * worker host waits for idle), so a job never sees two policies.
   */
  async configureSafety(config: SafetyFilterConfig): Promise<void> {
    const old = this.safety;
    this.safety = new SafetyGate(config);
    await old.release();
  }

  async unloadModels(): Promise<void> {
    await this.cache.release();
    await this.safety.release();
  }

  providers(): ExecutionProviderName[] {
    return ['auto', ...platformProviders()];
  }

  private emit(event: JobEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  private async pump(): Promise<void> {
    if (this.running) return;
    const job = this.queue.shift();
    if (!job) return;
    this.running = job;
    try {
      // Fields the input leaves out take the model family's defaults (size, few-step settings).
      const folder = (job.input as { model?: unknown } | null)?.model ?? demoModelPath();
      const request = validateRequest(job.input, requestDefaults(folder));
      const model = request.model ?? demoModelPath();
      // The model's own safety checker belongs to the model: free it with the model's sessions.
      const loaded = this.cache.loaded?.folder.root;
      if (loaded && loaded !== path.resolve(model)) await this.safety.release();
      const policy = request.safety ?? this.safety.defaultPolicy;
      const gate = this.safety.begin(policy, request.prompt, request.negativePrompt);
      for (const message of gate.warnings)
        this.emit({ status: 'warning', jobId: job.jobId, message });
      const result = await generate(
        this.cache,
        { ...request, model, safety: policy },
        {
          jobId: job.jobId,
          signal: job.controller.signal,
          emit: (e) => this.emit(e),
          filter: gate.filter,
        },
      );
      if (gate.prompt) result.promptSafety = gate.prompt;
      result.warnings.unshift(...gate.warnings);
      this.emit({ status: 'done', jobId: job.jobId, result });
      job.resolve(result);
    } catch (err) {
      const error = serializeError(err);
      if (error.code === 'CANCELLED') {
        this.emit({ status: 'cancelled', jobId: job.jobId });
      } else {
        if (error.code === 'INTERNAL')
          log.error('job failed', { jobId: job.jobId, error: error.message });
        this.emit({ status: 'error', jobId: job.jobId, error });
      }
      job.reject(EmulsionError.fromJSON(error));
    } finally {
      this.running = undefined;
      void this.pump();
    }
  }
}
