import { afterEach, describe, expect, it } from 'vitest';
import {
  NSFW_CLASSES,
  SAFETY_POLICIES,
  type NsfwClass,
  type SafetyPolicy,
} from '../../../common/safety.ts';
import { setLogLevel, setLogSink, type LogRecord } from '../../../main/engine/log.ts';
import type { ClassScores, ImageClassifier } from '../../../main/safety/classifier.ts';
import {
  createSafetyFilter,
  promptBlockedError,
  toSafetyDecision,
  type ImageDecision,
} from '../../../main/safety/policy.ts';
import type { ModelSafetyChecker } from '../../../main/safety/safety-checker.ts';

/** A classifier that puts all probability on one class and counts its calls. */
function stubClassifier(cls: NsfwClass | 'throw'): ImageClassifier & { calls: number } {
  return {
    name: `stub ${cls}`,
    calls: 0,
    async classify() {
      this.calls++;
      if (cls === 'throw') throw new Error('session crashed');
      const scores = {} as ClassScores;
      for (const c of NSFW_CLASSES) scores[c] = c === cls ? 1 : 0;
      return scores;
    },
    release: async () => {},
  };
}

/** A model checker that always answers `flag`, recording loads and checks. */
function stubChecker(flag: boolean) {
  const state = { loads: [] as string[], checks: 0 };
  const load = async (file: string): Promise<ModelSafetyChecker> => {
    state.loads.push(file);
    return {
      file,
      check: async () => {
        state.checks++;
        return flag;
      },
      release: async () => {},
    };
  };
  return Object.assign(state, { load });
}

/** A 2-pixel checkerboard: all detail and no area, the first thing a blur must erase. */
function checkerboard(width: number, height: number): Uint8Array {
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      if ((x + y) % 2 === 0) rgb.fill(255, (y * width + x) * 3, (y * width + x) * 3 + 3);
  return rgb;
}

function maxNeighbourDiff(rgb: Uint8Array, width: number, height: number): number {
  let max = 0;
  for (let y = 0; y < height; y++)
    for (let x = 0; x + 1 < width; x++)
      for (let c = 0; c < 3; c++) {
        max = Math.max(
          max,
          Math.abs(rgb[(y * width + x) * 3 + c] - rgb[(y * width + x + 1) * 3 + c]),
        );
      }
  return max;
}

const filterWith = (policy: SafetyPolicy, classifier: ImageClassifier, extra = {}) =>
  createSafetyFilter({ settings: { policy, ...extra }, classifier });

describe('createSafetyFilter: filterImage with a classifier that flags everything', () => {
  const kinds = ['preview', 'final'] as const;
  // Sizes of previews (latent resolution) and finals, square and not.
  const sizes: [number, number][] = [
    [64, 64],
    [96, 64],
    [512, 512],
    [768, 512],
  ];

  for (const kind of kinds) {
    it(`under blur, returns only blurred pixels for every ${kind}`, async () => {
      const filter = filterWith('blur', stubClassifier('Porn'));
      for (const [w, h] of sizes) {
        const original = checkerboard(w, h);
        const d = await filter.filterImage(original, w, h, { kind });
        expect(d.action).toBe('blur');
        expect(d.rgb).toBeDefined();
        expect(d.rgb).not.toBe(original);
        expect(d.rgb).toHaveLength(original.length);
        // The checkerboard's neighbours differ by 255; the blurred image has no edges left.
        expect(maxNeighbourDiff(d.rgb!, w, h)).toBeLessThanOrEqual(4);
      }
    });

    it(`under block, returns no pixels at all for a ${kind}`, async () => {
      const filter = filterWith('block', stubClassifier('Hentai'));
      for (const [w, h] of sizes) {
        const d = await filter.filterImage(checkerboard(w, h), w, h, { kind });
        expect(d.action).toBe('block');
        expect(d.rgb).toBeUndefined();
        expect(Object.values(d).some((v) => v instanceof Uint8Array)).toBe(false);
      }
    });
  }

  it('records layer, class, score and threshold for the flag', async () => {
    const d = await filterWith('blur', stubClassifier('Porn')).filterImage(
      checkerboard(8, 8),
      8,
      8,
      { kind: 'final' },
    );
    expect(d.reasons).toEqual([{ layer: 'classifier', class: 'Porn', score: 1, threshold: 0.5 }]);
    expect(d.scores.map((s) => [s.class, s.score, s.threshold])).toEqual([
      ['Drawing', 0, null],
      ['Hentai', 0, 0.5],
      ['Neutral', 0, null],
      ['Porn', 1, 0.5],
      ['Sexy', 0, 0.8],
    ]);
  });

  it('under warn, passes the original pixels with the reasons', async () => {
    const original = checkerboard(16, 16);
    const d = await filterWith('warn', stubClassifier('Sexy')).filterImage(original, 16, 16, {
      kind: 'preview',
    });
    expect(d.action).toBe('warn');
    expect(d.rgb).toBe(original);
    expect(d.reasons.map((r) => r.layer === 'classifier' && r.class)).toEqual(['Sexy']);
  });

  it('under off, checks nothing and passes everything', async () => {
    const classifier = stubClassifier('Porn');
    const original = checkerboard(16, 16);
    const d = await filterWith('off', classifier).filterImage(original, 16, 16, { kind: 'final' });
    expect(d).toMatchObject({ action: 'pass', reasons: [], scores: [] });
    expect(d.rgb).toBe(original);
    expect(classifier.calls).toBe(0);
  });
});

describe('createSafetyFilter: filterImage', () => {
  it('passes an image no layer flags, unchanged', async () => {
    for (const policy of SAFETY_POLICIES) {
      const original = checkerboard(16, 16);
      const d = await filterWith(policy, stubClassifier('Neutral')).filterImage(original, 16, 16, {
        kind: 'final',
      });
      expect(d.action).toBe('pass');
      expect(d.rgb).toBe(original);
    }
  });

  it('fails closed: a classifier that throws counts as a flag, with the error as reason', async () => {
    const blur = await filterWith('blur', stubClassifier('throw')).filterImage(
      checkerboard(16, 16),
      16,
      16,
      {
        kind: 'preview',
      },
    );
    expect(blur.action).toBe('blur');
    expect(blur.reasons).toEqual([
      { layer: 'classifier', class: 'error', score: 1, threshold: 1, message: 'session crashed' },
    ]);
    const block = await filterWith('block', stubClassifier('throw')).filterImage(
      checkerboard(16, 16),
      16,
      16,
      {
        kind: 'final',
      },
    );
    expect(block.rgb).toBeUndefined();
  });

  it('runs the model checker on finals only by default, loading it once', async () => {
    const checker = stubChecker(true);
    const filter = createSafetyFilter({
      settings: { policy: 'blur' },
      classifier: stubClassifier('Neutral'),
      loadModelChecker: checker.load,
    });
    const ctx = { modelSafetyChecker: '/models/sd/safety_checker/model.onnx' };
    const preview = await filter.filterImage(checkerboard(8, 8), 8, 8, { ...ctx, kind: 'preview' });
    expect(preview.action).toBe('pass');
    const final1 = await filter.filterImage(checkerboard(8, 8), 8, 8, { ...ctx, kind: 'final' });
    const final2 = await filter.filterImage(checkerboard(8, 8), 8, 8, { ...ctx, kind: 'final' });
    expect(final1.reasons).toEqual([
      { layer: 'safety-checker', class: 'nsfw_concept', score: 1, threshold: 1 },
    ]);
    expect(final2.action).toBe('blur');
    expect(checker.loads).toEqual([ctx.modelSafetyChecker]);
    expect(checker.checks).toBe(2);
  });

  it('runs the model checker on previews when asked to', async () => {
    const checker = stubChecker(true);
    const filter = createSafetyFilter({
      settings: { policy: 'block', modelSafetyChecker: { onPreviews: true } },
      classifier: stubClassifier('Neutral'),
      loadModelChecker: checker.load,
    });
    const d = await filter.filterImage(checkerboard(8, 8), 8, 8, {
      kind: 'preview',
      modelSafetyChecker: 'x.onnx',
    });
    expect(d.action).toBe('block');
  });

  it('blurs every image of a job whose prompt was flagged under blur', async () => {
    const filter = filterWith('blur', stubClassifier('Neutral'));
    const prompt = filter.checkPrompt('a nude portrait');
    expect(prompt.action).toBe('blur');
    const d = await filter.filterImage(checkerboard(8, 8), 8, 8, { kind: 'preview', prompt });
    expect(d.action).toBe('blur');
    expect(d.reasons.map((r) => r.layer)).toEqual(['prompt']);
  });

  it('refuses pixels whose length does not match the size', async () => {
    const filter = filterWith('blur', stubClassifier('Neutral'));
    await expect(
      filter.filterImage(new Uint8Array(10), 4, 4, { kind: 'final' }),
    ).rejects.toMatchObject({
      details: { field: 'rgb.length', received: 10 },
    });
  });
});

describe('createSafetyFilter: checkPrompt', () => {
  it('maps a flagged prompt to the policy, and a clean one to pass', () => {
    for (const policy of ['warn', 'blur', 'block'] as const) {
      const filter = filterWith(policy, stubClassifier('Neutral'));
      expect(filter.checkPrompt('n.u.d.e on the beach').action).toBe(policy);
      expect(filter.checkPrompt('a lighthouse').action).toBe('pass');
    }
    expect(filterWith('off', stubClassifier('Neutral')).checkPrompt('nude').reasons).toEqual([]);
  });

  it('reports terms in the negative prompt without acting on them', () => {
    const d = filterWith('block', stubClassifier('Neutral')).checkPrompt(
      'a portrait',
      'nude, nsfw, gore',
    );
    expect(d.action).toBe('pass');
    expect(d.reasons).toEqual([]);
    expect(d.negative.map((r) => r.term)).toEqual(['nude', 'nsfw', 'gore']);
  });

  it('builds a SAFETY_BLOCKED error that names each term and category', () => {
    const d = filterWith('block', stubClassifier('Neutral')).checkPrompt(
      's3x and d e c a p i t a t e d',
    );
    const err = promptBlockedError(d);
    expect(err.code).toBe('SAFETY_BLOCKED');
    expect(err.message).toBe(
      'The prompt was blocked by the safety policy: prompt: "s3x" matched "sex" (sexual); ' +
        'prompt: "d e c a p i t a t e d" matched "decapitated" (violence-gore).',
    );
  });
});

describe('safety logging', () => {
  const records: LogRecord[] = [];
  afterEach(() => {
    setLogLevel('warn');
    setLogSink(() => {});
    records.length = 0;
  });

  it('logs each decision with layer, class, score and threshold, and never pixels', async () => {
    setLogLevel('debug');
    setLogSink((r) => records.push(r));
    const filter = filterWith('blur', stubClassifier('Porn'));
    const d: ImageDecision = await filter.filterImage(checkerboard(256, 256), 256, 256, {
      kind: 'final',
    });
    const decision = records.find((r) => r.scope === 'safety' && r.message === 'safety decision');
    expect(decision?.data).toEqual({
      kind: 'final',
      policy: 'blur',
      action: 'blur',
      reasons: [{ layer: 'classifier', class: 'Porn', score: 1, threshold: 0.5 }],
    });
    // 256×256×3 bytes of image would be ≥ 196 KB in any serialisation; the whole log is tiny.
    expect(JSON.stringify(records).length).toBeLessThan(2000);
    expect(toSafetyDecision(d)).not.toHaveProperty('rgb');
  });
});
