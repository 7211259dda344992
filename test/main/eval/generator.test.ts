import { describe, expect, it } from 'vitest';
import type { GenerateResult } from '../../../common/generation.ts';
import type { SafetyDecision } from '../../../common/safety.ts';
import { engineGenerator } from '../../../main/eval/generator.ts';

function result(images: GenerateResult['images'], safety?: SafetyDecision[]): GenerateResult {
  return {
    images,
    request: { prompt: 'p', model: '/m' } as GenerateResult['request'],
    scheduler: { className: 'EulerDiscreteScheduler', displayName: 'Euler' },
    provider: 'cpu',
    modelName: 'm',
    timings: {} as GenerateResult['timings'],
    warnings: [],
    ...(safety ? { safety } : {}),
  };
}

const engine = (r: GenerateResult) => ({
  submit: async () => r,
  cancel: () => undefined,
});

describe('engineGenerator', () => {
  it('returns the single image with its seed and scheduler name', async () => {
    const png = new Uint8Array([1, 2, 3]);
    const generate = engineGenerator(
      engine(result([{ png, width: 64, height: 32, seed: 7 } as GenerateResult['images'][0]])),
    );
    const image = await generate({ prompt: 'p', batch: 4 });
    expect(image).toMatchObject({ png, width: 64, height: 32, seed: 7, scheduler: 'Euler' });
  });

  it('fails a cell whose image the block policy withheld, naming the reasons', async () => {
    const blocked: SafetyDecision = {
      policy: 'block',
      action: 'block',
      kind: 'final',
      reasons: [{ layer: 'classifier', class: 'Porn', score: 0.97, threshold: 0.5 }],
      scores: [],
    };
    const generate = engineGenerator(engine(result([], [blocked])));
    await expect(generate({ prompt: 'p' })).rejects.toMatchObject({
      code: 'SAFETY_BLOCKED',
      message: 'The safety policy withheld this image: classifier: Porn 0.97 ≥ 0.5.',
      details: { field: 'safety' },
    });
  });

  it('reports an engine result with no image and no block decision as internal', async () => {
    const generate = engineGenerator(engine(result([])));
    await expect(generate({ prompt: 'p' })).rejects.toMatchObject({ code: 'INTERNAL' });
  });
});
