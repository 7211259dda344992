/**
 * A model's own `safety_checker/model.onnx` (diffusers' ONNX export of
 * StableDiffusionSafetyChecker, docs/evaluation.md A1): inputs `clip_input` [B,3,224,224]
 * (CLIP-preprocessed) and `images` [B,H,W,3] (NHWC in [0, 1]); outputs `out_images` and
 * `has_nsfw_concepts` bool [B]. It runs one image at a time, as diffusers' ONNX pipeline does
 * (batch > 1 is known to fail). Only the flag is used: Emulsion's policy, not the checker,
 * decides what happens to the image (the checker's own output is a black image).
 */
import { EmulsionError } from '../../common/errors.ts';
import type { ExecutionProviderName } from '../../common/generation.ts';
import { loadSession, type LoadedSession } from '../engine/ort/session.ts';
import { makeTensor, toFloat32 } from '../engine/ort/tensors.ts';
import { clipPreprocess, readClipConfig, type ClipPreprocessConfig } from './clip-preprocess.ts';

export interface ModelSafetyChecker {
  readonly file: string;
  /** True when the checker flags the image. */
  check(rgb: Uint8Array, width: number, height: number): Promise<boolean>;
  release(): Promise<void>;
}

const COMPONENT = 'safety_checker';

function requireIo(session: LoadedSession, file: string): { clip: string; images: string } {
  const clip = session.inputs.find((i) => i.name === 'clip_input');
  const images = session.inputs.find((i) => i.name === 'images');
  const flag = session.outputs.find((o) => o.name === 'has_nsfw_concepts');
  if (!clip || !images || !flag) {
    throw new EmulsionError(
      'MODEL_CONTRACT',
      `${COMPONENT}: ${file} must have inputs clip_input and images and output has_nsfw_concepts; ` +
        `it has inputs ${session.inputs.map((i) => i.name).join(', ')} and outputs ` +
        `${session.outputs.map((o) => o.name).join(', ')}.`,
      { file },
    );
  }
  return { clip: clip.type, images: images.type };
}

export async function loadModelSafetyChecker(
  file: string,
  provider: ExecutionProviderName = 'auto',
): Promise<ModelSafetyChecker> {
  const session = await loadSession(file, COMPONENT, provider, { sessionRunMs: 0 });
  const types = requireIo(session, file);
  const config: ClipPreprocessConfig = readClipConfig(file);
  return {
    file,
    async check(rgb, width, height) {
      const clip = await clipPreprocess(rgb, width, height, config);
      const images = new Float32Array(rgb.length);
      for (let i = 0; i < rgb.length; i++) images[i] = rgb[i] / 255;
      const out = await session.run(
        {
          clip_input: makeTensor(types.clip, clip, [1, 3, config.crop, config.crop], 'clip_input'),
          images: makeTensor(types.images, images, [1, height, width, 3], 'images'),
        },
        ['has_nsfw_concepts'],
      );
      return toFloat32(out.has_nsfw_concepts)[0] !== 0;
    },
    release: () => session.release(),
  };
}
