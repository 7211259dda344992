/**
 * The scheduler surface the pipeline relies on. Mirrors diffusers' `SchedulerMixin`:
 * set_timesteps, scale_model_input, step (returning prev_sample), add_noise.
 * All tensors are flat Float32Arrays in NCHW order; every operation is elementwise, so a batch is
 * just a longer array.
 */

/** Where stochastic schedulers take their noise: one call per noise tensor, in diffusers' order. */
export interface NoiseSource {
  next(length: number): Float32Array;
}

/** A diffusers `scheduler_config.json` object: snake_case keys, unknown keys ignored. */
export type SchedulerConfig = Record<string, unknown>;

export interface Scheduler {
  /** The diffusers class name, e.g. `EulerAncestralDiscreteScheduler`. */
  readonly name: string;
  /** The config after defaults were resolved, snake_case as diffusers stores it. */
  readonly config: Readonly<Record<string, unknown>>;
  /** Number of model evaluations per "step" in the user's sense (2 for Heun and KDPM2). */
  readonly order: number;
  readonly initNoiseSigma: number;
  /** Timesteps of the current schedule (fractional for the K-schedulers). */
  readonly timesteps: Float32Array;
  /** Noise levels for schedulers that have them (K-family, DPM, UniPC, DEIS). */
  readonly sigmas?: Float32Array;
  /** True when `step` draws from its NoiseSource (ancestral, SDE, DDPM, LCM, TCD with eta > 0). */
  readonly stochastic: boolean;
  setTimesteps(numInferenceSteps: number): void;
  /**
   * For img2img and refiner hand-off: the index into `timesteps` the loop starts from, as
   * diffusers' `set_begin_index`. Must be called after setTimesteps and before the first step.
   */
  setBeginIndex(index: number): void;
  scaleModelInput(sample: Float32Array, t: number): Float32Array;
  /** Returns the previous (less noisy) sample. Must not modify its inputs. */
  step(
    modelOutput: Float32Array,
    t: number,
    sample: Float32Array,
    noise?: NoiseSource,
  ): Float32Array;
  /**
   * Number of batch items in the flat tensors passed to `step`. Only dynamic thresholding needs it
   * (its quantile is per item); defaults to 1.
   */
  setBatchSize?(batchSize: number): void;
  /** The model's prediction of the clean sample at the last step, for live previews (LCM decodes it). */
  readonly predictedOriginal?: Float32Array;
  addNoise(original: Float32Array, noise: Float32Array, t: number): Float32Array;
}
