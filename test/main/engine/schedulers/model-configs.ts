/** scheduler_config.json of the reference models, as quoted in ../shared/docs/schedulers.md §4. */

/** runwayml/stable-diffusion-v1-5 (diffusers 0.6.0 file; no timestep_spacing, no prediction_type). */
export const SD15_CONFIG = {
  _class_name: 'PNDMScheduler',
  _diffusers_version: '0.6.0',
  beta_end: 0.012,
  beta_schedule: 'scaled_linear',
  beta_start: 0.00085,
  num_train_timesteps: 1000,
  set_alpha_to_one: false,
  skip_prk_steps: true,
  steps_offset: 1,
  trained_betas: null,
  clip_sample: false,
};

/** stabilityai/stable-diffusion-xl-base-1.0. */
export const SDXL_CONFIG = {
  _class_name: 'EulerDiscreteScheduler',
  _diffusers_version: '0.19.0.dev0',
  beta_end: 0.012,
  beta_schedule: 'scaled_linear',
  beta_start: 0.00085,
  clip_sample: false,
  interpolation_type: 'linear',
  num_train_timesteps: 1000,
  prediction_type: 'epsilon',
  sample_max_value: 1.0,
  set_alpha_to_one: false,
  skip_prk_steps: true,
  steps_offset: 1,
  timestep_spacing: 'leading',
  trained_betas: null,
  use_karras_sigmas: false,
};
