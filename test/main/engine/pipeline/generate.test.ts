// @vitest-environment node
/**
 * Acceptance for issue 2 "Model folders": every exporter variant of docs/onnx-contract.md §2.1
 * loads and generates through `new Engine()`, and each session receives exactly the dtypes, ranks
 * and values that exporter declares. Feeds are read back from onnxruntime itself (support.ts).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Engine } from '../../../../main/engine/engine.ts';
import {
  VARIANT_IDS,
  VARIANTS,
  variant,
  type ContractSpec,
  type VariantId,
} from '../../../fixtures/contract/index.ts';
import {
  allFinite,
  buildModels,
  channelStd,
  decodePng,
  fixtureRoot,
  recordRuns,
  smallRequest,
  testCard,
  type RecordedRun,
  type RunRecorder,
} from '../support.ts';
import { eulerLinspace, referenceTxt2Img } from './reference.ts';

const BOS = 49406;
const EOS = 49407;

/** Twins share every weight with a variant and differ in one declared property. */
const TWINS = {
  'olive-fp32': variant('olive-fp16', { floatType: 'float32', timestepType: 'float32' }),
  'scale-0.13025': variant('optimum-1.24', { scalingFactor: 0.13025 }),
  'sd2-epsilon': variant('sd2-v', {
    scheduler: { ...VARIANTS['sd2-v'].scheduler, prediction_type: 'epsilon' },
  }),
} satisfies Record<string, ContractSpec>;
type ModelName = VariantId | keyof typeof TWINS;

let cleanup: () => Promise<void>;
let models: Record<ModelName, string>;
let engine: Engine;
let recorder: RunRecorder;

beforeAll(async () => {
  const root = await fixtureRoot();
  cleanup = root.cleanup;
  const specs = Object.fromEntries(VARIANT_IDS.map((id) => [id, id])) as Record<
    VariantId,
    VariantId
  >;
  models = await buildModels<ModelName>(root.dir, { ...specs, ...TWINS });
  engine = new Engine();
  recorder = recordRuns();
});

afterAll(async () => {
  recorder?.restore();
  await engine?.unloadModels();
  await cleanup?.();
});

beforeEach(() => recorder.clear());

/** txt2img with the small request, returning the result and every session run it made. */
async function txt2img(name: ModelName, overrides = {}) {
  recorder.clear();
  const result = await engine.submit(`${name}-txt2img`, smallRequest(models[name], overrides));
  return { result, runs: [...recorder.runs] };
}

function spec(name: ModelName): ContractSpec {
  return name in TWINS
    ? TWINS[name as keyof typeof TWINS]
    : (VARIANTS[name as VariantId] as ContractSpec);
}

const only = (runs: RecordedRun[], component: RecordedRun['component']) =>
  runs.filter((r) => r.component === component);

describe.each(VARIANT_IDS)('exporter variant %s', (id) => {
  const s = VARIANTS[id] as ContractSpec;

  it('generates a 64×64 txt2img image with finite latents, and feeds the declared dtypes and ranks', async () => {
    const { result, runs } = await txt2img(id);

    expect(result.images).toHaveLength(1);
    const image = await decodePng(result.images[0].png);
    expect([image.width, image.height, image.channels]).toEqual([64, 64, 3]);
    expect(result.images[0]).toMatchObject({ width: 64, height: 64, seed: 42, index: 0 });
    // A real picture, not a flat colour (a NaN latent decodes to black everywhere).
    expect(
      Math.max(channelStd(image, 0), channelStd(image, 1), channelStd(image, 2)),
    ).toBeGreaterThan(2);

    // text_encoder: once for the prompt, once for the negative; ids [1, 77] in the declared dtype.
    const te = only(runs, 'text_encoder');
    expect(te).toHaveLength(2);
    for (const run of te) {
      const ids = run.feeds.input_ids;
      expect(ids.type).toBe(s.idsType);
      expect(ids.dims).toEqual([1, 77]);
      expect(ids.values[0]).toBe(BOS);
    }

    // unet: one batched [uncond; cond] call per step, or two batch-1 calls for a fixed batch.
    const unet = only(runs, 'unet');
    const callsPerStep = s.unetBatch === 1 ? 2 : 1;
    const n = s.unetBatch === 1 ? 1 : 2;
    expect(unet).toHaveLength(3 * callsPerStep);
    for (const run of unet) {
      expect(run.feeds.sample.type).toBe(s.unetSampleType ?? s.floatType);
      expect(run.feeds.sample.dims).toEqual([n, 4, 8, 8]);
      expect(run.feeds.encoder_hidden_states.type).toBe(s.floatType);
      expect(run.feeds.encoder_hidden_states.dims).toEqual([n, 77, s.textWidth]);
      const t = run.feeds.timestep;
      expect(t.type).toBe(s.timestepType);
      const expectedDims = s.timestepDims.length === 0 ? [] : s.timestepDims[0] === 1 ? [1] : [n];
      expect(t.dims).toEqual(expectedDims);
      expect(allFinite(run.feeds.sample.values)).toBe(true);
      expect(allFinite(run.outputs.out_sample.values)).toBe(true);
    }

    // Euler, linspace spacing, 3 steps: t = 999, 499.5, 0 (docs/schedulers.md: SD configs without
    // timestep_spacing get linspace). int64 exports get them truncated, as DF-OSD's
    // np.array([t], dtype=int64) does.
    const expectedT = s.timestepType === 'int64' ? [999, 499, 0] : [999, 499.5, 0];
    const fed = unet.filter((_, i) => i % callsPerStep === 0).map((r) => r.feeds.timestep.values);
    expect(fed.map((v) => v[0])).toEqual(expectedT);
    for (const [i, values] of fed.entries()) {
      expect([...values]).toEqual(new Array(values.length).fill(expectedT[i]));
    }

    const vae = only(runs, 'vae_decoder');
    expect(vae).toHaveLength(1);
    expect(vae[0].feeds.latent_sample.type).toBe(s.floatType);
    expect(vae[0].feeds.latent_sample.dims).toEqual([1, 4, 8, 8]);
    expect(allFinite(vae[0].feeds.latent_sample.values)).toBe(true);
    expect(allFinite(vae[0].outputs.sample.values)).toBe(true);
  });

  it(`pads the prompt with the folder's pad token (${s.pad === '!' ? '"!" = 0' : 'EOS 49407'})`, async () => {
    const { runs } = await txt2img(id, { cfg: 1 });
    const [run] = only(runs, 'text_encoder');
    const ids = [...run.feeds.input_ids.values];
    const eos = ids.indexOf(EOS);
    // "a red circle on a blue square" is 7 tokens: BOS, 7 ids, EOS at index 8, then padding.
    expect(eos).toBe(8);
    const pad = s.pad === '!' ? 0 : EOS;
    expect(ids.slice(eos + 1)).toEqual(new Array(77 - eos - 1).fill(pad));
  });

  if (s.vaeEncoder !== 'none') {
    it('runs img2img from the declared VAE encoder output, starting at the strength-cut timestep', async () => {
      const init = {
        image: { data: await testCard(64, 64) },
        strength: 0.5,
        resize: 'crop' as const,
      };
      recorder.clear();
      const result = await engine.submit(
        `${id}-img2img`,
        smallRequest(models[id], { steps: 4, init }),
      );
      const runs = [...recorder.runs];

      const image = await decodePng(result.images[0].png);
      expect([image.width, image.height]).toEqual([64, 64]);

      const enc = only(runs, 'vae_encoder');
      expect(enc).toHaveLength(1);
      expect(enc[0].feeds.sample.type).toBe(s.floatType);
      expect(enc[0].feeds.sample.dims).toEqual([1, 3, 64, 64]);
      expect(Object.keys(enc[0].outputs)).toContain(s.vaeEncoder);

      // 4 steps at strength 0.5: init = ⌊4·0.5⌋ = 2, t_start = 2, so Euler's linspace
      // [999, 666, 333, 0] is cut to [333, 0] (diffusers get_timesteps).
      const callsPerStep = s.unetBatch === 1 ? 2 : 1;
      const unet = only(runs, 'unet').filter((_, i) => i % callsPerStep === 0);
      expect(unet.map((r) => r.feeds.timestep.values[0])).toEqual([333, 0]);
      expect(allFinite(only(runs, 'vae_decoder')[0].feeds.latent_sample.values)).toBe(true);
    });
  }
});

describe('generate() against an independent diffusers-style loop', () => {
  const cases: [ModelName, 'epsilon' | 'v_prediction'][] = [
    ['legacy', 'epsilon'],
    ['optimum-1.24', 'epsilon'],
    ['optimum-1.23', 'epsilon'],
    ['scale-0.13025', 'epsilon'],
    ['sd2-v', 'v_prediction'],
  ];
  it.each(cases)('%s (%s) gives the reference latents and pixels', async (name, prediction) => {
    const s = spec(name);
    const steps = 4;
    const { result, runs } = await txt2img(name, { steps });
    const te = only(runs, 'text_encoder');
    const unet = only(runs, 'unet');
    // Identify prompt and negative by their ids; the negative "blurry" is one token.
    const idsOf = (r: RecordedRun) => [...r.feeds.input_ids.values];
    const [uncondIds, condIds] = te.map(idsOf).sort((a, b) => a.indexOf(EOS) - b.indexOf(EOS));
    // Recover x_T from the first UNet input: sample = x_T / √(σ_max² + 1).
    const { sigmas } = eulerLinspace(steps);
    const first = unet[0].feeds.sample.values;
    const per = first.length / 2;
    const scale = Math.sqrt(sigmas[0] * sigmas[0] + 1);
    const initial = Float32Array.from(first.subarray(0, per), (v) => v * scale);

    const ref = await referenceTxt2Img({
      modelDir: models[name],
      condIds,
      uncondIds,
      idsType: s.idsType as 'int32' | 'int64',
      timestepType: s.timestepType as 'float32' | 'int64',
      timestepRank: s.timestepDims.length === 0 ? 0 : 1,
      initial,
      latentShape: [1, 4, 8, 8],
      steps,
      guidance: 7.5,
      prediction,
      scalingFactor: s.scalingFactor,
    });

    const decoded = only(runs, 'vae_decoder')[0].feeds.latent_sample.values;
    let worst = 0;
    for (let i = 0; i < per; i++) {
      worst = Math.max(
        worst,
        Math.abs(decoded[i] - ref.decoderInput[i]) / (1 + Math.abs(ref.decoderInput[i])),
      );
    }
    expect(worst).toBeLessThan(1e-3);

    const image = await decodePng(result.images[0].png);
    let maxDiff = 0;
    for (let i = 0; i < ref.rgb.length; i++)
      maxDiff = Math.max(maxDiff, Math.abs(image.data[i] - ref.rgb[i]));
    expect(maxDiff).toBeLessThanOrEqual(1);
  });

  it('v_prediction in the scheduler config changes the result (same weights, epsilon twin)', async () => {
    const v = await txt2img('sd2-v');
    const eps = await txt2img('sd2-epsilon');
    expect(Buffer.from(v.result.images[0].png).equals(Buffer.from(eps.result.images[0].png))).toBe(
      false,
    );
  });
});

describe('float16 models', () => {
  it('an all-fp16-I/O model gives the image of its fp32 twin within half-precision rounding', async () => {
    const half = await txt2img('olive-fp16');
    const full = await txt2img('olive-fp32');
    // Every float feed of the model's own sessions is half (Emulsion's own models are not).
    const own = half.runs.filter((r) => r.component !== 'other');
    expect(new Set(own.map((r) => r.component)).size).toBeGreaterThanOrEqual(3);
    for (const run of own) {
      for (const feed of Object.values(run.feeds)) {
        if (feed.type.startsWith('float')) expect(feed.type).toBe('float16');
      }
    }
    const a = await decodePng(half.result.images[0].png);
    const b = await decodePng(full.result.images[0].png);
    let maxDiff = 0;
    let sum = 0;
    for (let i = 0; i < a.data.length; i++) {
      const d = Math.abs(a.data[i] - b.data[i]);
      maxDiff = Math.max(maxDiff, d);
      sum += d;
    }
    // fp16 keeps ~3 significant digits and the latents are rounded at every step: a few levels
    // at most (2–5 measured over seeds), under one level on average. A wrong half conversion
    // would be off by tens of levels.
    expect(maxDiff).toBeLessThanOrEqual(8);
    expect(sum / a.data.length).toBeLessThan(1);
  });
});

describe('prompts through the engine', () => {
  it('(word:1.5) scales that token\'s embedding, then restores the original mean (A1111 "Original")', async () => {
    const { runs } = await txt2img('optimum-1.24', { prompt: 'a (red:1.5) circle', cfg: 1 });
    const [te] = only(runs, 'text_encoder');
    const ids = [...te.feeds.input_ids.values];
    // BOS, a, red, circle, EOS: the weight belongs to position 2.
    expect(ids.indexOf(EOS)).toBe(4);
    const raw = te.outputs.last_hidden_state.values;
    const width = 768;
    const weighted = Float64Array.from(raw);
    for (let d = 0; d < width; d++) weighted[2 * width + d] *= 1.5;
    const mean = (a: ArrayLike<number>) => {
      let sum = 0;
      for (let i = 0; i < a.length; i++) sum += a[i];
      return sum / a.length;
    };
    const ratio = mean(raw) / mean(weighted);
    const fed = only(runs, 'unet')[0].feeds.encoder_hidden_states.values;
    expect(fed.length).toBe(raw.length);
    let worst = 0;
    for (let i = 0; i < fed.length; i++) {
      worst = Math.max(worst, Math.abs(fed[i] - weighted[i] * ratio) / (1e-3 + Math.abs(fed[i])));
    }
    expect(worst).toBeLessThan(1e-4);
    expect(mean(fed)).toBeCloseTo(mean(raw), 5);
  });

  it('truncates an over-long prompt with a warning that names the dropped words', async () => {
    const prompt = `${'field '.repeat(80)}zebra giraffe`;
    const warnings: string[] = [];
    const off = engine.onEvent((e) => {
      if (e.status === 'warning') warnings.push(e.message);
    });
    const { result, runs } = await txt2img('legacy', { prompt, cfg: 1 });
    off();
    const ids = [...only(runs, 'text_encoder')[0].feeds.input_ids.values];
    expect(ids).toHaveLength(77);
    expect(ids[76]).toBe(EOS);
    expect(result.warnings.some((w) => w.includes('zebra giraffe'))).toBe(true);
    expect(warnings.some((w) => w.includes('zebra giraffe'))).toBe(true);
  });

  it('warns when it drops a BREAK keyword instead of dropping it silently', async () => {
    const { result } = await txt2img('legacy', { prompt: 'a red circle BREAK a blue square' });
    expect(result.warnings.some((w) => w.includes('BREAK'))).toBe(true);
  });
});
