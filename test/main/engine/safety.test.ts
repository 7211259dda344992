import { beforeAll, describe, expect, it } from 'vitest';
import { NSFW_CLASSES, type SafetyPolicy } from '../../../common/safety.ts';
import type { JobEvent } from '../../../common/generation.ts';
import { ensureDemoModels } from '../../../main/demo-model/index.ts';
import { Engine } from '../../../main/engine/engine.ts';
import type { ClassScores, ImageClassifier } from '../../../main/safety/classifier.ts';
import { blurRgb } from '../../../main/safety/blur.ts';
import sharp from 'sharp';

async function rawPixels(png: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await sharp(png).removeAlpha().raw().toBuffer());
}

/** A classifier that calls everything Porn, and counts the images it was shown. */
function flagEverything(): ImageClassifier & { calls: number } {
  return {
    name: 'flag-everything',
    calls: 0,
    async classify() {
      this.calls++;
      const scores = {} as ClassScores;
      for (const c of NSFW_CLASSES) scores[c] = c === 'Porn' ? 1 : 0;
      return scores;
    },
    release: async () => {},
  };
}

const STEPS = 4;
let model: string;

async function run(policy: SafetyPolicy, classifier = flagEverything()) {
  const engine = new Engine({ safety: { classifier } });
  const events: JobEvent[] = [];
  engine.onEvent((e) => events.push(e));
  const result = await engine.submit(policy, {
    model,
    prompt: 'a red circle',
    steps: STEPS,
    width: 64,
    height: 64,
    seed: 3,
    scheduler: 'DDIM',
    preview: 'latent',
    safety: policy,
  });
  await engine.unloadModels();
  const previews = events.flatMap((e) => (e.status === 'step' ? [e.preview] : []));
  return { result, previews, classifier };
}

beforeAll(async () => {
  model = (await ensureDemoModels()).base;
});

describe('Engine safety gate', () => {
  it('shows every preview and the final image only after the image check, blurred, under blur', async () => {
    const off = await run('off');
    const blur = await run('blur');
    expect(off.classifier.calls).toBe(0);
    // One check per preview and one per final image.
    expect(blur.classifier.calls).toBe(STEPS + 1);
    expect(blur.previews).toHaveLength(STEPS);
    // Each preview shown is exactly the blurred form of the unfiltered preview.
    for (let i = 0; i < STEPS; i++) {
      const shown = await rawPixels(blur.previews[i]!);
      const unfiltered = await rawPixels(off.previews[i]!);
      expect(shown).toEqual(await blurRgb(unfiltered, 8, 8));
    }
    const [image] = blur.result.images;
    expect(image.safety?.action).toBe('blur');
    expect(image.safety?.reasons[0]).toMatchObject({ layer: 'classifier', class: 'Porn' });
    expect(Buffer.from(image.png).equals(Buffer.from(off.result.images[0].png))).toBe(false);
    // The original is kept in memory for "reveal", never instead of the blurred image.
    expect(Buffer.from(image.originalPng!).equals(Buffer.from(off.result.images[0].png))).toBe(
      true,
    );
  });

  it('lets nothing of a flagged image out under block, previews included', async () => {
    const block = await run('block');
    expect(block.previews).toEqual(new Array(STEPS).fill(undefined));
    expect(block.result.images).toEqual([]);
    expect(block.result.safety?.map((d) => d.action)).toEqual(['block']);
  });

  it('records a pass decision when nothing is flagged', async () => {
    const neutral: ImageClassifier = {
      name: 'neutral',
      classify: async () => {
        const scores = {} as ClassScores;
        for (const c of NSFW_CLASSES) scores[c] = c === 'Neutral' ? 1 : 0;
        return scores;
      },
      release: async () => {},
    };
    const { result } = await run('blur', Object.assign(neutral, { calls: 0 }));
    expect(result.images[0].safety?.action).toBe('pass');
    expect(result.images[0].originalPng).toBeUndefined();
  });

  it('refuses a flagged prompt under block with the term and category named', async () => {
    const engine = new Engine({ safety: { classifier: flagEverything() } });
    const job = engine.submit('p', {
      model,
      prompt: 'a n.u.d.e circle',
      safety: 'block',
      width: 64,
      height: 64,
      steps: 2,
    });
    await expect(job).rejects.toMatchObject({
      code: 'SAFETY_BLOCKED',
      details: { field: 'prompt' },
    });
    await expect(job).rejects.toThrow(/nude.*sexual/);
  });

  it('takes new safety settings without reloading the model', async () => {
    const engine = new Engine({
      safety: { classifier: flagEverything(), settings: { policy: 'blur' } },
    });
    const input = { model, prompt: 'a red circle', steps: 2, width: 64, height: 64, seed: 1 };
    const first = await engine.submit('a', input);
    expect(first.images[0].safety?.action).toBe('blur');
    await engine.configureSafety({ classifier: flagEverything(), settings: { policy: 'block' } });
    const second = await engine.submit('b', input);
    expect(second.images).toEqual([]);
    expect(second.safety?.map((d) => d.action)).toEqual(['block']);
    expect(second.timings.loadMs).toBe(0);
    await engine.unloadModels();
  });
});
