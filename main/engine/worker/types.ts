/**
 * What a host (CLI, Electron main, local server) sees of the engine: a client that talks to the
 * engine worker thread. Jobs run one at a time in submission order; events for every job go to
 * every listener, tagged with the job id.
 */
import type {
  ExecutionProviderName,
  GenerateRequest,
  GenerateResult,
  JobEvent,
} from '../../../common/generation.ts';
import type { SafetySettings } from '../../../common/safety.ts';

/** A request as callers write it: `prompt` is required, everything else falls back to defaults. */
export type GenerateInput = Partial<GenerateRequest> & { prompt: string };

export interface ModelInfo {
  /** Absolute folder path. */
  path: string;
  name: string;
  family: 'sd1' | 'sd2' | 'sdxl' | 'sdxl-refiner' | 'unknown';
  /** Default size, steps, CFG and scheduler for this family. */
  defaults: { width: number; height: number; steps: number; cfg: number; scheduler: string };
  /** True for the bundled demo model. */
  bundled: boolean;
  /** Few-step and inpainting variants, which change the sensible defaults and the UI. */
  traits?: { turbo: boolean; lcm: boolean; inpaint: boolean };
}

/**
 * What the worker's safety filter starts with. Everything here is plain data because it crosses
 * into the worker thread; settings can be changed later with `configureSafety`.
 */
export interface WorkerSafetyOptions {
  settings?: SafetySettings;
  /** Folder of the shipped word lists (a packaged app's resources); default resources/safety/terms. */
  termsDir?: string;
  /** Where the converted bundled classifier is cached; default resources/models/safety. */
  classifierCacheDir?: string;
  /**
   * TEST ONLY: `flag-all` replaces the bundled classifier with a stub that scores every image as
   * Porn 1.0, so every preview and final image is flagged. Only the local server sets it, from
   * the EMULSION_TEST_FLAG_ALL environment variable read at start (main/server/serve.ts); the
   * end-to-end tests use it to force a flag on the demo model's harmless images.
   */
  testClassifier?: 'flag-all';
}

export interface JobHandle {
  jobId: string;
  /** Resolves with the result, rejects with an EmulsionError (code CANCELLED on cancel). */
  result: Promise<GenerateResult>;
}

export interface EngineClient {
  generate(input: GenerateInput): JobHandle;
  /** Cancels a queued or running job; a running job stops within one denoising step. */
  cancel(jobId: string): void;
  onEvent(listener: (event: JobEvent) => void): () => void;
  /** Describes the model folders found directly inside each directory (and the demo model). */
  listModels(directories: string[]): Promise<ModelInfo[]>;
  /** Releases the loaded sessions (e.g. after switching the models folder). */
  unloadModels(): Promise<void>;
  /** The providers this platform's onnxruntime build offers. */
  providers(): Promise<ExecutionProviderName[]>;
  /**
   * Replaces the safety filter's settings (validated in the worker; a bad value rejects with
   * INVALID_ARGUMENT and changes nothing). Jobs already queued finish under the old settings;
   * jobs submitted from now on wait until those are done and run under the new ones. Applying
   * them frees the loaded models, which load again on the next job.
   */
  configureSafety(settings: SafetySettings): Promise<void>;
  close(): Promise<void>;
}
