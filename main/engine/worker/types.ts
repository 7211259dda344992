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
  close(): Promise<void>;
}
