/**
 * The record of a job's denoising passes for the result and its metadata: the base model, the
 * refiner's share after the hand-off, and the hires img2img pass at the target size.
 */
import type { GenerateRequest, GenerationPass } from '../../../common/generation.ts';
import type { HiresPlan } from './hires.ts';
import type { RefinerPlan } from './refiner.ts';

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
  if (refiner) {
    passes.push({
      kind: 'refiner',
      model: refiner.folder.root,
      ...size,
      steps: refiner.timesteps.length,
      ...first(refiner.timesteps),
    });
  }
  if (hires) {
    passes.push({
      kind: 'hires',
      model: request.model,
      width: hires.width,
      height: hires.height,
      steps: hires.timesteps.length,
      ...first(hires.timesteps),
      strength: request.hires!.strength,
      upscaler: request.hires!.upscaler,
    });
  }
  return passes;
}
