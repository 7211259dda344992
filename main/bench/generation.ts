/**
 * The demo model at 512×512, 20 steps, CFG 7: the target is under 2 s on a 2-core
 * machine. One warm-up run loads the sessions; the figure is the median of the timed runs.
 */
import { ensureDemoModels } from '../demo-model/index.ts';
import { Engine } from '../engine/engine.ts';
import type { BenchResult } from './index.ts';

export async function benchDemoGeneration(runs = 5): Promise<BenchResult> {
  const { base } = await ensureDemoModels();
  const engine = new Engine();
  const request = {
    model: base,
    prompt: 'a red circle',
    steps: 20,
    cfg: 7,
    width: 512,
    height: 512,
    scheduler: 'Euler a',
    seed: 1,
  };
  const warm = await engine.submit('warm-up', request);
  const totals: number[] = [];
  const sessionRun: number[] = [];
  const unetStep: number[] = [];
  for (let i = 0; i < runs; i++) {
    const result = await engine.submit(`run-${i}`, { ...request, seed: i + 2 });
    totals.push(result.timings.totalMs);
    sessionRun.push(result.timings.sessionRunMs);
    const steps = result.timings.stages.unet;
    unetStep.push(steps.reduce((a, b) => a + b, 0) / steps.length);
  }
  await engine.unloadModels();
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return {
    name: 'demo-generation',
    size: '512x512',
    steps: 20,
    cfg: 7,
    scheduler: 'Euler a',
    runs,
    loadMs: Math.round(warm.timings.loadMs),
    medianTotalMs: Math.round(median(totals)),
    medianSessionRunMs: Math.round(median(sessionRun)),
    medianMsPerStep: Math.round(median(unetStep) * 10) / 10,
    provider: warm.provider,
  };
}
