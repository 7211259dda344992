/** Turns the form into the request the contract expects. Pure, so it is tested on its own. */
import type { StudioGenerateRequest } from '../../common/ipc.ts';
import type { StudioForm } from './types.ts';

/** 2^32 − 1, the engine's seed range. */
export const MAX_SEED = 4294967295;

export function randomSeed(random: () => number = Math.random): number {
  return Math.floor(random() * (MAX_SEED + 1));
}

export function formToRequest(
  form: StudioForm,
  seed: number,
  provider: StudioGenerateRequest['provider'],
): StudioGenerateRequest {
  const request: StudioGenerateRequest = {
    prompt: form.prompt,
    negativePrompt: form.negativePrompt,
    steps: form.steps,
    cfg: form.cfg,
    scheduler: form.scheduler,
    seed,
    seedMode: form.seedMode,
    width: form.width,
    height: form.height,
    batch: form.batch,
    provider,
    preview: form.preview ? 'latent' : 'off',
  };
  if (form.model) request.model = form.model;
  if (form.init) {
    request.init = {
      image: { data: form.init.image.data, name: form.init.image.name },
      strength: form.init.strength,
      resize: form.init.resize,
    };
  }
  // Units without an image are stopped in the store before this point (control[i].image).
  const units = form.control.filter((u) => u.image !== null);
  if (units.length > 0) {
    request.control = units.map((u) => ({
      image: { data: u.image!.data, name: u.image!.name },
      model: u.model,
      preprocessor: u.preprocessor,
      scale: u.scale,
      start: u.start,
      end: u.end,
    }));
  }
  if (form.refiner.enabled)
    request.refiner = { model: form.refiner.model, start: form.refiner.start };
  if (form.hires.enabled) {
    const { scale, strength, steps, upscaler } = form.hires;
    request.hires = { scale, strength, steps, upscaler };
  }
  return request;
}
