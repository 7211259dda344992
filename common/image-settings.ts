/**
 * The normalised settings every reader produces, whatever tool wrote the image, as they cross IPC
 * to the renderer. This is the one definition: main/metadata/settings.ts re-exports it. No imports
 * at run time, so the preload and renderer may import it too.
 *
 * Names follow Emulsion's request fields (cfg, steps, seed...) while sampler and schedule names
 * stay as the source wrote them: mapping "DPM++ 2M" + "Karras" or Comfy's "dpmpp_2m" + "karras"
 * onto an Emulsion scheduler is the scheduler catalog's job, not the reader's.
 */
import type {
  ControlUnit,
  GenerateRequest,
  ImageSource,
  InitImage,
  SeedMode,
} from './generation.ts';

export const SETTINGS_SOURCES = ['emulsion', 'a1111', 'invokeai', 'comfyui', 'none'] as const;
export type SettingsSource = (typeof SETTINGS_SOURCES)[number];

/** The image container the bytes turned out to be (by content, not by file name). */
export type ImageFormat = 'png' | 'jpeg' | 'webp' | 'unknown';

export interface ModelIdentity {
  /** Display name, e.g. a file or folder name without extension. */
  name?: string;
  /** A1111 short hash (10 hex digits) or whatever short hash the source gave. */
  hash?: string;
  /** Full SHA-256 of the weights file, when known. */
  sha256?: string;
  /** A1111's legacy 8-digit hash, when known. */
  legacyHash?: string;
}

export interface ControlSettings {
  module?: string;
  model?: string;
  weight?: number;
  start?: number;
  end?: number;
}

/**
 * An image input of a stored request: a path, or a reference to bytes that were dropped (stored
 * by hash rather than embedded, which would double the file size).
 */
export type StoredImageSource =
  { path: string } | { name?: string; sha256: string; byteLength: number };

type WithStoredImage<T extends { image: ImageSource }> = Omit<T, 'image'> & {
  image: StoredImageSource;
};

/** The request inside Emulsion's own chunk: a GenerateRequest with image bytes as references. */
export type StoredRequest = Omit<GenerateRequest, 'init' | 'mask' | 'control' | 'model'> & {
  model: string;
  init?: WithStoredImage<InitImage>;
  mask?: WithStoredImage<NonNullable<GenerateRequest['mask']>>;
  control?: WithStoredImage<ControlUnit>[];
};

export interface ImageSettings {
  prompt: string;
  negativePrompt: string;
  steps?: number;
  cfg?: number;
  seed?: number;
  width?: number;
  height?: number;
  /** The sampler as the source names it ("DPM++ 2M", "dpmpp_2m", "euler_a"). */
  sampler?: string;
  /** A1111 "Schedule type" or ComfyUI scheduler ("Karras", "karras"). */
  scheduleType?: string;
  /** Emulsion's scheduler name, when Emulsion wrote the image. */
  scheduler?: string;
  seedMode?: SeedMode;
  model?: ModelIdentity;
  /** img2img strength (A1111 "Denoising strength", InvokeAI `strength`, Comfy `denoise` < 1). */
  denoisingStrength?: number;
  clipSkip?: number;
  hires?: { scale?: number; steps?: number; upscaler?: string; strength?: number };
  refiner?: { model?: string; hash?: string; start?: number; steps?: number; cfg?: number };
  control?: ControlSettings[];
  /** When the image was made (ISO 8601), when the source records it (Emulsion does). */
  createdAt?: string;
  /** The generator and its version as written ("v1.10.1", "Emulsion 0.1.0", "5.6.0"). */
  generator?: string;
  /**
   * Emulsion images only: the request that reproduces this one image (its own seed, batch 1).
   * Image inputs given as bytes are replaced by a reference (see main/metadata/emulsion-chunk.ts).
   */
  request?: StoredRequest;
  /** Source keys the reader did not map, verbatim. */
  extra: Record<string, unknown>;
}

export interface ReadSettingsResult {
  source: SettingsSource;
  format: ImageFormat;
  /** Null when source is 'none'. */
  settings: ImageSettings | null;
  /** One line for the user: what was found, or "no settings found" and why. */
  message: string;
  warnings: string[];
}
