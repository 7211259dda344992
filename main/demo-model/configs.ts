/**
 * The JSON files of the diffusers ONNX layout (onnx-contract.md §1). Class names are the
 * PyTorch ones, as optimum writes them. Architecture fields (block_out_channels, ...) describe
 * the interface the engine reads (vae_scale_factor = 2^(len−1) = 8, ControlNet residual widths);
 * `_emulsion` says what is really inside.
 */
import { HIDDEN_SIZE, LATENT_SIZE, SCALING_FACTOR, SEQUENCE_LENGTH, GEOMETRY } from './design.ts';
import { BETA_END, BETA_START, NUM_TRAIN_TIMESTEPS } from './schedule.ts';
import { VOCAB_SIZE } from './text-encoder.ts';

type Json = Record<string, unknown>;

export const DIFFUSERS_VERSION = '0.30.0';

export function modelIndex(): Json {
  return {
    _class_name: 'StableDiffusionPipeline',
    _diffusers_version: DIFFUSERS_VERSION,
    feature_extractor: [null, null],
    image_encoder: [null, null],
    requires_safety_checker: false,
    safety_checker: [null, null],
    scheduler: ['diffusers', 'PNDMScheduler'],
    text_encoder: ['transformers', 'CLIPTextModel'],
    tokenizer: ['transformers', 'CLIPTokenizer'],
    unet: ['diffusers', 'UNet2DConditionModel'],
    vae: ['diffusers', 'AutoencoderKL'],
  };
}

/** SD 1.5's scheduler_config.json values (PNDM, scaled_linear 0.00085..0.012, 1000 steps). */
export function schedulerConfig(): Json {
  return {
    _class_name: 'PNDMScheduler',
    _diffusers_version: DIFFUSERS_VERSION,
    beta_end: BETA_END,
    beta_schedule: 'scaled_linear',
    beta_start: BETA_START,
    clip_sample: false,
    num_train_timesteps: NUM_TRAIN_TIMESTEPS,
    prediction_type: 'epsilon',
    set_alpha_to_one: false,
    skip_prk_steps: true,
    steps_offset: 1,
    timestep_spacing: 'leading',
    trained_betas: null,
  };
}

const addedToken = (content: string): Json => ({
  __type: 'AddedToken',
  content,
  lstrip: false,
  normalized: true,
  rstrip: false,
  single_word: false,
});

/** SD 1.x tokenizer settings: pad with <|endoftext|> (49407), 77 tokens, lower case. */
export function specialTokensMap(): Json {
  const strip = (t: Json) => Object.fromEntries(Object.entries(t).filter(([k]) => k !== '__type'));
  return {
    bos_token: strip(addedToken('<|startoftext|>')),
    eos_token: strip(addedToken('<|endoftext|>')),
    pad_token: '<|endoftext|>',
    unk_token: strip(addedToken('<|endoftext|>')),
  };
}

export function tokenizerConfig(): Json {
  return {
    add_prefix_space: false,
    bos_token: addedToken('<|startoftext|>'),
    do_lower_case: true,
    eos_token: addedToken('<|endoftext|>'),
    errors: 'replace',
    model_max_length: SEQUENCE_LENGTH,
    pad_token: '<|endoftext|>',
    special_tokens_map_file: './special_tokens_map.json',
    tokenizer_class: 'CLIPTokenizer',
    unk_token: addedToken('<|endoftext|>'),
  };
}

export function textEncoderConfig(): Json {
  return {
    architectures: ['CLIPTextModel'],
    model_type: 'clip_text_model',
    hidden_size: HIDDEN_SIZE,
    projection_dim: HIDDEN_SIZE,
    max_position_embeddings: SEQUENCE_LENGTH,
    vocab_size: VOCAB_SIZE,
    num_hidden_layers: 0,
    bos_token_id: 49406,
    eos_token_id: 49407,
    pad_token_id: 49407,
    torch_dtype: 'float32',
    _emulsion: 'Token-to-concept lookup: caption words and synonyms carry unit concept vectors.',
  };
}

const SD_BLOCKS = [320, 640, 1280, 1280];

export function unetConfig(kind: 'base' | 'refiner' | 'controlnet-unet'): Json {
  return {
    _class_name: 'UNet2DConditionModel',
    _diffusers_version: DIFFUSERS_VERSION,
    sample_size: LATENT_SIZE,
    in_channels: 4,
    out_channels: 4,
    cross_attention_dim: HIDDEN_SIZE,
    block_out_channels: SD_BLOCKS,
    layers_per_block: 2,
    attention_head_dim: 8,
    down_block_types: [
      'CrossAttnDownBlock2D',
      'CrossAttnDownBlock2D',
      'CrossAttnDownBlock2D',
      'DownBlock2D',
    ],
    up_block_types: ['UpBlock2D', 'CrossAttnUpBlock2D', 'CrossAttnUpBlock2D', 'CrossAttnUpBlock2D'],
    _emulsion: {
      kind,
      denoiser: 'exact MMSE (posterior mean) over the drawn scene set',
      timestep: 'float32; fractional t uses sigma linearly interpolated in t',
    },
  };
}

export function vaeConfig(): Json {
  return {
    _class_name: 'AutoencoderKL',
    _diffusers_version: DIFFUSERS_VERSION,
    in_channels: 3,
    out_channels: 3,
    latent_channels: 4,
    block_out_channels: [128, 256, 512, 512],
    down_block_types: Array(4).fill('DownEncoderBlock2D'),
    up_block_types: Array(4).fill('UpDecoderBlock2D'),
    layers_per_block: 2,
    sample_size: GEOMETRY.size,
    scaling_factor: SCALING_FACTOR,
    force_upcast: false,
    _emulsion: 'Linear: 8x8 mean pooling + channel mix; decoder channel mix + bilinear x8.',
  };
}

export function controlNetConfig(): Json {
  return {
    _class_name: 'ControlNetModel',
    _diffusers_version: DIFFUSERS_VERSION,
    in_channels: 4,
    conditioning_channels: 3,
    controlnet_conditioning_channel_order: 'rgb',
    cross_attention_dim: HIDDEN_SIZE,
    block_out_channels: SD_BLOCKS,
    layers_per_block: 2,
    down_block_types: [
      'CrossAttnDownBlock2D',
      'CrossAttnDownBlock2D',
      'CrossAttnDownBlock2D',
      'DownBlock2D',
    ],
    _emulsion: {
      hint: 'white outline or scribble on black, RGB in [0,1]',
      base_model: 'emulsion-shapes (its controlnet/model.onnx takes these residuals)',
    },
  };
}
