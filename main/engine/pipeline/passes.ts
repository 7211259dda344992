/**
 * The record of a job's denoising passes for the result and its metadata: the base model, the
 * refiner's share after the hand-off, and the hires img2img pass at the target size.
 */
import type { GenerateRequest, GenerationPass } from '../../../common/generation.ts';
import type { HiresPlan } from './hires.ts';
import type { RefinerPlan } from './refiner.ts';

/** With hires fix the refiner finishes the hires pass, so the order is base, hires, refiner. */
export function describePasses(
  request: GenerateRequest & { model: string },
  baseTimesteps: readonly number[],
  refiner: RefinerPlan | undefined,
  hires: HiresPlan | undefined,
): GenerationPass[] | undefined {
  if (!refiner && !hires) return undefined;
  const first = (ts: readonly number[]) => (ts.length > 0 ? { firstTimestep: ts[0] } : {});
  const size = { width: request.width, height: request.height };
  const passes: GenerationPass[] = [
    {
      kind: 'base',
      model: request.model,
      ...size,
      steps: baseTimesteps.length,
      ...first(baseTimesteps),
    },
  ];
  if (hires) {
    const ts = refiner ? refiner.baseTimesteps : hires.timesteps;
    passes.push({
      kind: 'hires',
      model: request.model,
      width: hires.width,
      height: hires.height,
      steps: ts.length,
      ...first(ts),
      strength: request.hires!.strength,
      upscaler: request.hires!.upscaler,
    });
  }
  if (refiner) {
    passes.push({
      kind: 'refiner',
      model: refiner.folder.root,
      ...(hires ? { width: hires.width, height: hires.height } : size),
      steps: refiner.timesteps.length,
      ...first(refiner.timesteps),
    });
  }
  return passes;
}
