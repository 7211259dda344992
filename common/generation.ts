/**
 * The generation request, its progress events and its result. This is the one shape that crosses
 * every boundary: engine worker <-> Electron main <-> renderer (IPC) and server <-> browser
 * (WebSocket). Keep it structured-clone and JSON friendly: plain objects, numbers, strings and
 * Uint8Arrays only.
 */
import type { SerializedError } from './errors.ts';
import type { SafetyDecision, SafetyPolicy } from './safety.ts';

export type ExecutionProviderName = 'auto' | 'cpu' | 'cuda' | 'dml' | 'coreml' | 'webgpu';
export type SeedMode = 'emulsion' | 'torch-cpu';
export type ResizeMode = 'crop' | 'fit' | 'stretch';
/** `latent`: a cheap linear latent→RGB image with every step event; `off`: none. */
export type PreviewMode = 'off' | 'latent';

/** An image given by path (CLI, main process) or as encoded bytes (drag and drop, paste). */
export type ImageSource = { path: string } | { data: Uint8Array; name?: string };

export interface InitImage {
  image: ImageSource;
  /** 0 keeps the input (through the VAE), 1 ignores it. diffusers' `strength`. */
  strength: number;
  resize: ResizeMode;
}

export interface ControlUnit {
  image: ImageSource;
  /** Folder holding the ControlNet ONNX model. */
  model: string;
  preprocessor: 'none' | 'canny' | 'scribble' | 'threshold' | 'invert' | 'depth' | 'pose';
  /** Preprocessor settings, e.g. `{ low: 100, high: 200 }` for canny. */
  params?: Record<string, number>;
  /** depth and pose: the estimator ONNX model (image in, depth map or keypoint heatmaps out). */
  estimator?: string;
  scale: number;
  /** Fractions of the denoising steps during which the unit is active. */
  start: number;
  end: number;
}

export interface RefinerPass {
  model: string;
  /** Fraction of the steps after which the refiner takes over (diffusers' denoising_end). */
  start: number;
}

export interface HiresFix {
  scale: number;
  strength: number;
  /** Steps of the second pass; 0 uses the request's `steps` (as A1111 does). */
  steps: number;
  /** `latent`: bilinear on latents; `latent-nearest`: nearest-exact; `image`: decode, Lanczos, encode. */
  upscaler: 'latent' | 'latent-nearest' | 'image';
}

/** One denoising pass of a job, in order: what ran, where, and how many model steps it took. */
export interface GenerationPass {
  kind: 'base' | 'refiner' | 'hires';
  /** The model folder that ran the pass. */
  model: string;
  width: number;
  height: number;
  /** Denoising steps this pass ran (its share of the request's steps for base and refiner). */
  steps: number;
  /** The first timestep of the pass (the hand-off point for the refiner). */
  firstTimestep?: number;
  /** hires: the img2img strength and the upscaler. */
  strength?: number;
  upscaler?: HiresFix['upscaler'];
}

export interface GenerateRequest {
  /** Model folder in the diffusers ONNX layout. Omitted: the bundled demo model. */
  model?: string;
  prompt: string;
  negativePrompt: string;
  steps: number;
  cfg: number;
  /** A display name users know ("Euler a", "DPM++ 2M Karras") or a diffusers class name. */
  scheduler: string;
  seed: number;
  seedMode: SeedMode;
  width: number;
  height: number;
  batch: number;
  init?: InitImage;
  mask?: { image: ImageSource; blur: number; onlyMasked: boolean; padding: number };
  control?: ControlUnit[];
  refiner?: RefinerPass;
  hires?: HiresFix;
  provider: ExecutionProviderName;
  preview: PreviewMode;
  /** The safety policy for this job; absent: the host's setting (default `blur`). */
  safety?: SafetyPolicy;
}

/** Defaults a caller may start from; the engine itself still validates every field. */
export const DEFAULT_REQUEST: Omit<GenerateRequest, 'prompt'> = {
  negativePrompt: '',
  steps: 20,
  cfg: 7,
  scheduler: 'Euler a',
  seed: 0,
  seedMode: 'emulsion',
  width: 512,
  height: 512,
  batch: 1,
  provider: 'auto',
  preview: 'off',
};

export interface StageTimings {
  tokenize: number;
  textEncoder: number;
  /** One entry per UNet step (all model calls of that step, CFG halves and ControlNets included). */
  unet: number[];
  vaeEncode?: number;
  vaeDecode: number;
  postprocess: number;
}

export interface Timings {
  totalMs: number;
  /** Time spent inside onnxruntime's session.run, summed over every call. */
  sessionRunMs: number;
  /** Session creation, when this job had to load models. */
  loadMs: number;
  stages: StageTimings;
}

export interface GeneratedImage {
  /** The safety filter's decision for this image, when the filter ran. */
  safety?: SafetyDecision;
  /**
   * Under `blur`, the unblurred PNG, kept in memory only so the user can reveal it; hosts write
   * `png` (blurred) unless the user reveals and keeps the original.
   */
  originalPng?: Uint8Array;
  /** PNG bytes, no metadata chunks (the writer adds them). */
  png: Uint8Array;
  width: number;
  height: number;
  /** The seed that reproduces this image alone (seed + index in `emulsion` mode). */
  seed: number;
  index: number;
}

export interface GenerateResult {
  images: GeneratedImage[];
  /** The request after defaults were applied and names resolved. */
  request: GenerateRequest & { model: string };
  /** The diffusers class and options the scheduler name resolved to. */
  scheduler: { className: string; displayName: string };
  /** The execution provider that actually ran the UNet. */
  provider: string;
  modelName: string;
  timings: Timings;
  warnings: string[];
  /** The prompt check's decision, when the safety filter ran. */
  promptSafety?: SafetyDecision;
  /** One safety decision per decoded image, in batch order (blocked images are absent from `images`). */
  safety?: SafetyDecision[];
  /** Preprocessed control hints as PNG, in unit order, for showing the user. */
  controlHints?: Uint8Array[];
  /** With a refiner or hires fix: every denoising pass, in order. */
  passes?: GenerationPass[];
}

/** Progress is a tagged union on `status`, the same shape from the worker to the zustand store. */
export type JobEvent =
  | { status: 'queued'; jobId: string; position: number }
  | { status: 'loading'; jobId: string; component: string }
  | { status: 'started'; jobId: string; totalSteps: number; provider: string }
  | {
      status: 'step';
      jobId: string;
      step: number;
      totalSteps: number;
      elapsedMs: number;
      msPerStep: number;
      /** A cheap latent-to-RGB preview (PNG), when previews are on. */
      preview?: Uint8Array;
    }
  | { status: 'decoding'; jobId: string }
  | { status: 'warning'; jobId: string; message: string }
  | { status: 'done'; jobId: string; result: GenerateResult }
  | { status: 'cancelled'; jobId: string }
  | { status: 'error'; jobId: string; error: SerializedError };

export type JobStatus = JobEvent['status'];
