// @vitest-environment node
/**
 * Acceptance for issue 5, SDXL: the base, refiner and Turbo contract fixtures load and generate,
 * and each session receives what docs/onnx-contract.md §2.3–2.5 and §8 prescribe. Expected values
 * come from running the fixture's own encoders directly and from the diffusers formulas by hand.
 */
import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { JobEvent } from '../../../../common/generation.ts';
import { Engine } from '../../../../main/engine/engine.ts';
import { componentSeed, createRng, uniform } from '../../../fixtures/contract/prng.ts';
import { writeFp16VaeDecoder, writeSdxlModel } from '../../../fixtures/contract/sdxl.ts';
import {
  decodePng,
  item,
  maxAbsDiff,
  recordSessions,
  runDirect,
  tempRoot,
  type Recorder,
  type Run,
} from './feature-support.ts';

let cleanup: () => Promise<void>;
let base: string;
let refiner: string;
let turbo: string;
let noVaeConfig: string;
let engine: Engine;
let rec: Recorder;

beforeAll(async () => {
  const root = await tempRoot();
  cleanup = root.cleanup;
  base = await writeSdxlModel(path.join(root.dir, 'base'), 'base');
  refiner = await writeSdxlModel(path.join(root.dir, 'refiner'), 'refiner');
  turbo = await writeSdxlModel(path.join(root.dir, 'turbo'), 'turbo');
  // The same base with the SD 1.x scaling factor in its VAE config, and with no VAE config.
  noVaeConfig = path.join(root.dir, 'no-vae-config');
  await cp(base, noVaeConfig, { recursive: true });
  for (const part of ['vae_decoder', 'vae_encoder']) {
    await writeFile(path.join(noVaeConfig, part, 'config.json'), '{}');
  }
  engine = new Engine();
  rec = recordSessions();
}, 60_000);

afterAll(async () => {
  rec?.restore();
  await engine?.unloadModels();
  await cleanup?.();
});

beforeEach(() => rec.clear());

const request = (model: string, extra: Record<string, unknown> = {}) => ({
  model,
  prompt: 'a cat in a hat',
  negativePrompt: 'blurry',
  steps: 2,
  cfg: 5,
  scheduler: 'Euler',
  seed: 3,
  width: 96,
  height: 64,
  provider: 'cpu' as const,
  ...extra,
});

const unetRuns = (width: number) =>
  rec
    .with('sample', 'timestep', 'encoder_hidden_states')
    .filter((r) => r.feeds.encoder_hidden_states.dims[2] === width);
const encoderRuns = (idsType: string) =>
  rec.with('input_ids').filter((r) => r.feeds.input_ids.type === idsType);

/** The fixture encoder run directly on the ids the engine fed it. */
async function direct(model: string, part: string, run: Run, outputs: string[]) {
  const ids = run.feeds.input_ids;
  const data =
    ids.type === 'int64'
      ? BigInt64Array.from(ids.values, (v) => BigInt(v))
      : Int32Array.from(ids.values);
  const tensor = new ort.Tensor(ids.type as 'int32', data, ids.dims);
  return runDirect(path.join(model, part, 'model.onnx'), { input_ids: tensor }, outputs);
}

function concatTokens(a: Float32Array, b: Float32Array, tokens: number): Float32Array {
  const wa = a.length / tokens;
  const wb = b.length / tokens;
  const out = new Float32Array(a.length + b.length);
  for (let t = 0; t < tokens; t++) {
    out.set(a.subarray(t * wa, (t + 1) * wa), t * (wa + wb));
    out.set(b.subarray(t * wb, (t + 1) * wb), t * (wa + wb) + wa);
  }
  return out;
}

/** σ(t) for SD's scaled_linear betas, in float32 as torch computes ᾱ. */
function sigmaAt(t: number): number {
  const a = Math.sqrt(0.00085);
  const b = Math.sqrt(0.012);
  let prod = 1;
  for (let i = 0; i <= t; i++) {
    const root = Math.fround(a + ((b - a) * i) / 999);
    prod = Math.fround(prod * Math.fround(1 - Math.fround(root * root)));
  }
  return Math.sqrt((1 - prod) / prod);
}

describe('SDXL base', () => {
  it('feeds hidden_states.11 ‖ hidden_states.31, text_embeds and time_ids, uncond first', async () => {
    const result = await engine.submit('xl', request(base));
    expect(result.images[0]).toMatchObject({ width: 96, height: 64 });

    // Prompt then negative, each through text_encoder (int32 ids) and text_encoder_2 (int64).
    const te1 = encoderRuns('int32');
    const te2 = encoderRuns('int64');
    expect([te1.length, te2.length]).toEqual([2, 2]);
    const [pos1, neg1] = await Promise.all(
      te1.map((r) => direct(base, 'text_encoder', r, ['hidden_states.11'])),
    );
    const [pos2, neg2] = await Promise.all(
      te2.map((r) => direct(base, 'text_encoder_2', r, ['hidden_states.31', 'text_embeds'])),
    );
    const hidden = (one: typeof pos1, two: typeof pos2) =>
      concatTokens(
        one['hidden_states.11'].data as Float32Array,
        two['hidden_states.31'].data as Float32Array,
        77,
      );

    const unet = unetRuns(2048);
    expect(unet).toHaveLength(2);
    const feeds = unet[0].feeds;
    expect(feeds.encoder_hidden_states.dims).toEqual([2, 77, 2048]);
    expect(maxAbsDiff(item(feeds.encoder_hidden_states, 0), hidden(neg1, neg2))).toBeLessThan(1e-6);
    expect(maxAbsDiff(item(feeds.encoder_hidden_states, 1), hidden(pos1, pos2))).toBeLessThan(1e-6);
    expect(feeds.text_embeds.dims).toEqual([2, 1280]);
    expect(maxAbsDiff(item(feeds.text_embeds, 0), neg2.text_embeds.data as Float32Array)).toBe(0);
    expect(maxAbsDiff(item(feeds.text_embeds, 1), pos2.text_embeds.data as Float32Array)).toBe(0);
    // [orig_h, orig_w, crop_top, crop_left, target_h, target_w] for 96 wide × 64 high.
    expect(feeds.time_ids.dims).toEqual([2, 6]);
    expect(Array.from(feeds.time_ids.values)).toEqual([64, 96, 0, 0, 64, 96, 64, 96, 0, 0, 64, 96]);
  });

  it('with no negative prompt, force_zeros_for_empty_prompt makes the negative all zeros', async () => {
    await engine.submit('zeros', request(base, { negativePrompt: '' }));
    // Only the prompt is encoded.
    expect(rec.with('input_ids')).toHaveLength(2);
    const feeds = unetRuns(2048)[0].feeds;
    expect(item(feeds.encoder_hidden_states, 0).every((v) => v === 0)).toBe(true);
    expect(item(feeds.text_embeds, 0).every((v) => v === 0)).toBe(true);
    expect(item(feeds.encoder_hidden_states, 1).some((v) => v !== 0)).toBe(true);
  });

  it('decodes latents ÷ 0.13025, read from the VAE config or assumed for SDXL without one', async () => {
    await engine.submit('sf', request(base));
    const withConfig = rec.with('latent_sample')[0].feeds.latent_sample.values;
    rec.clear();
    const sd1 = path.join(path.dirname(base), 'sd1-scale');
    await cp(base, sd1, { recursive: true });
    const cfg = JSON.parse(await readFile(path.join(sd1, 'vae_decoder', 'config.json'), 'utf8'));
    await writeFile(
      path.join(sd1, 'vae_decoder', 'config.json'),
      JSON.stringify({ ...cfg, scaling_factor: 0.18215 }),
    );
    await engine.submit('sf1', request(sd1));
    const withSd1 = rec.with('latent_sample')[0].feeds.latent_sample.values;
    // Same latents (the UNet never sees the VAE), divided by a different factor.
    for (let i = 0; i < withConfig.length; i += 97) {
      expect(withConfig[i] * 0.13025).toBeCloseTo(withSd1[i] * 0.18215, 5);
    }
    rec.clear();
    await engine.submit('sf2', request(noVaeConfig));
    expect(maxAbsDiff(rec.with('latent_sample')[0].feeds.latent_sample.values, withConfig)).toBe(0);
  });
});

describe('SDXL base → refiner hand-off', () => {
  it('splits 10 Euler steps at 0.8 into 8 base and 2 refiner steps, on one schedule', async () => {
    const events: JobEvent[] = [];
    const stop = engine.onEvent((e) => events.push(e));
    const result = await engine.submit(
      'refine',
      request(base, { steps: 10, refiner: { model: refiner, start: 0.8 } }),
    );
    stop();
    const baseRuns = unetRuns(2048);
    const refinerRuns = unetRuns(1280);
    expect(baseRuns.length + refinerRuns.length).toBe(10);
    // cutoff = round(1000 − 0.8·1000) = 200; leading spacing with offset 1 gives 901, 801, …, 1.
    expect(baseRuns.map((r) => r.feeds.timestep.values[0])).toEqual([
      901, 801, 701, 601, 501, 401, 301, 201,
    ]);
    expect(refinerRuns.map((r) => r.feeds.timestep.values[0])).toEqual([101, 1]);
    expect(result.passes?.map((p) => [p.kind, p.steps])).toEqual([
      ['base', 8],
      ['refiner', 2],
    ]);
    const started = events.find((e) => e.status === 'started');
    expect(started).toMatchObject({ totalSteps: 10 });
    expect(events.filter((e) => e.status === 'step')).toHaveLength(10);
  });

  it('conditions the refiner on text_encoder_2 alone with aesthetic-score time_ids', async () => {
    await engine.submit(
      'refine2',
      request(base, { steps: 10, refiner: { model: refiner, start: 0.8 } }),
    );
    const feeds = unetRuns(1280)[0].feeds;
    expect(feeds.time_ids.dims).toEqual([2, 5]);
    // Negative first with aesthetic 2.5, then the prompt with 6.0.
    expect(Array.from(feeds.time_ids.values)).toEqual([64, 96, 0, 0, 2.5, 64, 96, 0, 0, 6]);
    // The refiner's own text_encoder_2 ran for the prompt and the negative (no zeros: its
    // model_index says force_zeros_for_empty_prompt false).
    const te2 = encoderRuns('int64').slice(2);
    expect(te2).toHaveLength(2);
    const [pos, neg] = await Promise.all(
      te2.map((r) => direct(refiner, 'text_encoder_2', r, ['hidden_states.31', 'text_embeds'])),
    );
    expect(
      maxAbsDiff(
        item(feeds.encoder_hidden_states, 0),
        neg['hidden_states.31'].data as Float32Array,
      ),
    ).toBeLessThan(1e-6);
    expect(
      maxAbsDiff(
        item(feeds.encoder_hidden_states, 1),
        pos['hidden_states.31'].data as Float32Array,
      ),
    ).toBeLessThan(1e-6);
    expect(maxAbsDiff(item(feeds.text_embeds, 1), pos.text_embeds.data as Float32Array)).toBe(0);
  });

  it('hands the base latents over undecoded and without new noise', async () => {
    await engine.submit(
      'refine3',
      request(base, { steps: 10, refiner: { model: refiner, start: 0.8 } }),
    );
    expect(rec.with('latent_sample')).toHaveLength(1);
    const last = unetRuns(2048).at(-1)!;
    const first = unetRuns(1280)[0];
    // Euler (Karras et al. 2022, Algorithm 1 with the ε-parametrisation): x = input·√(σ²+1);
    // x' = x + (σ' − σ)·ε with ε = ε_u + g·(ε_c − ε_u); the refiner's input is x'/√(σ'²+1).
    const [s, s1] = [sigmaAt(201), sigmaAt(101)];
    const input = last.feeds.sample.values;
    const out = last.outputs.out_sample.values;
    const per = input.length / 2;
    const expected = new Float64Array(per);
    for (let i = 0; i < per; i++) {
      const eps = out[i] + 5 * (out[per + i] - out[i]);
      expected[i] = (input[i] * Math.sqrt(s * s + 1) + (s1 - s) * eps) / Math.sqrt(s1 * s1 + 1);
    }
    expect(maxAbsDiff(item(first.feeds.sample, 1), expected)).toBeLessThan(1e-4);
  });

  it('keeps the split exact for other step counts, fractions and schedulers', async () => {
    for (const [steps, start, scheduler] of [
      [7, 0.75, 'Euler'],
      [12, 0.5, 'DPM++ 2M'],
      [5, 0.9, 'DDIM'],
    ] as const) {
      rec.clear();
      const result = await engine.submit(
        `split-${steps}`,
        request(base, { steps, scheduler, refiner: { model: refiner, start } }),
      );
      const total = unetRuns(2048).length + unetRuns(1280).length;
      expect(total).toBe(steps);
      expect(result.passes!.reduce((a, p) => a + p.steps, 0)).toBe(steps);
    }
  });
});

describe('SDXL-Turbo', () => {
  it('takes 4 steps at CFG 0 on trailing spacing when the request leaves them out', async () => {
    const result = await engine.submit('turbo', {
      model: turbo,
      prompt: 'a cat',
      width: 64,
      height: 64,
      provider: 'cpu',
    });
    expect(result.request).toMatchObject({ steps: 4, cfg: 0, scheduler: 'Euler a' });
    const runs = unetRuns(2048);
    // No unconditional half: batch 1 and only the prompt encoded.
    expect(runs.map((r) => r.feeds.sample.dims[0])).toEqual([1, 1, 1, 1]);
    expect(rec.with('input_ids')).toHaveLength(2);
    // trailing: round(arange(1000, 0, −250)) − 1.
    expect(runs.map((r) => r.feeds.timestep.values[0])).toEqual([999, 749, 499, 249]);
  });

  it('skips the unconditional pass at CFG 1 as well', async () => {
    await engine.submit('turbo1', request(turbo, { cfg: 1, steps: 1 }));
    expect(unetRuns(2048)[0].feeds.sample.dims[0]).toBe(1);
  });
});

describe('SDXL float16 VAE', () => {
  async function withFp16Decoder(name: string, forceUpcast: boolean): Promise<string> {
    const dir = path.join(path.dirname(base), name);
    await cp(base, dir, { recursive: true });
    await writeFp16VaeDecoder(dir, forceUpcast);
    return dir;
  }

  it('decodes in float32 when the config asks for force_upcast, as a float32 decoder would', async () => {
    const model = await withFp16Decoder('fp16-vae', true);
    const result = await engine.submit('fp16', request(model));
    expect(result.warnings).toEqual([]);
    const feed = rec.with('latent_sample')[0].feeds.latent_sample;
    // The rewritten decoder takes float32, and these latents overflow float16 (|300·z| > 256).
    expect(feed.type).toBe('float32');
    expect(feed.values.some((v) => Math.abs(v) > 1)).toBe(true);
    // Expected pixels: the decoder's Conv1x1 + ×8 nearest in float64, from the fixture's seed.
    const rng = createRng(componentSeed(7, 'vae_decoder_fp16'));
    const w = uniform(rng, 12, 0.12);
    const b = uniform(rng, 3, 0.1);
    const image = await decodePng(result.images[0].png);
    const [hl, wl] = [feed.dims[2], feed.dims[3]];
    let worst = 0;
    for (let y = 0; y < 64; y++) {
      for (let x = 0; x < 96; x++) {
        const cell = Math.floor(y / 8) * wl + Math.floor(x / 8);
        for (let c = 0; c < 3; c++) {
          let v = b[c];
          for (let k = 0; k < 4; k++) v += w[c * 4 + k] * feed.values[k * hl * wl + cell];
          const expected = Math.round(Math.min(Math.max(v / 2 + 0.5, 0), 1) * 255);
          worst = Math.max(worst, Math.abs(image.data[(y * 96 + x) * 3 + c] - expected));
        }
      }
    }
    expect(worst).toBeLessThanOrEqual(1);
  });

  it('runs a force_upcast: false decoder (the fp16-fix VAE) as exported, and warns on overflow', async () => {
    const model = await withFp16Decoder('fp16-fix-vae', false);
    const result = await engine.submit('fp16-fix', request(model));
    expect(rec.with('latent_sample')[0].feeds.latent_sample.type).toBe('float16');
    expect(result.warnings.join(' ')).toMatch(/NaN or Inf.*float16 overflow/);
  });
});
