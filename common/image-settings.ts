/**
 * The settings read from an image, as they cross IPC to the renderer. Type-only, so the preload
 * and renderer may import it.
 *
 * NOTE: these shapes mirror main/metadata/settings.ts and main/metadata/emulsion-chunk.ts, which
 * the metadata module owns. test/main/app/shared-types.test.ts checks that both sides stay
 * assignable to each other until the metadata module imports them from here.
 */
import type { GenerateRequest, InitImage, ControlUnit, SeedMode } from './generation.ts';

export type SettingsSource = 'emulsion' | 'a1111' | 'invokeai' | 'comfyui' | 'none';

/** The image container the bytes turned out to be (by content, not by file name). */
export type ImageFormat = 'png' | 'jpeg' | 'webp' | 'unknown';

export interface ModelIdentity {
  name?: string;
  /** A1111 short hash (10 hex digits) or whatever short hash the source gave. */
  hash?: string;
  sha256?: string;
  legacyHash?: string;
}

export interface ControlSettings {
  module?: string;
  model?: string;
  weight?: number;
  start?: number;
  end?: number;
}

/** An image input of a stored request: a path, or a reference to bytes that were dropped. */
export type StoredImageSource =
  { path: string } | { name?: string; sha256: string; byteLength: number };

type WithStoredImage<T> = Omit<T, 'image'> & { image: StoredImageSource };

/** The request inside Emulsion's own chunk, image bytes replaced by references. */
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
  denoisingStrength?: number;
  clipSkip?: number;
  hires?: { scale?: number; steps?: number; upscaler?: string; strength?: number };
  refiner?: { model?: string; hash?: string; start?: number; steps?: number; cfg?: number };
  control?: ControlSettings[];
  /** ISO 8601, when the source records it. */
  createdAt?: string;
  /** The generator and its version as written. */
  generator?: string;
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
