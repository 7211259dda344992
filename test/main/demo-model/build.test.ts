// @vitest-environment node
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmulsionError } from '../../../common/errors.ts';
import { buildDemoModels } from '../../../main/demo-model/build.ts';
import {
  BUILD_FILE,
  ensureDemoModels,
  findClipDir,
  readClipFiles,
  type DemoModelPaths,
} from '../../../main/demo-model/index.ts';

const temps: string[] = [];
const tempDir = async () => {
  const d = await mkdtemp(path.join(tmpdir(), 'demo-model-'));
  temps.push(d);
  return d;
};
afterAll(async () => {
  for (const d of temps) await rm(d, { recursive: true, force: true });
});

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** Every file under `dir` (relative path → sha256), build record excluded. */
function hashTree(dir: string, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(path.join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) Object.assign(out, hashTree(dir, rel));
    else if (entry.name !== BUILD_FILE) out[rel] = sha(readFileSync(path.join(dir, rel)));
  }
  return out;
}

function treeBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    total += entry.isDirectory() ? treeBytes(p) : statSync(p).size;
  }
  return total;
}

let first: DemoModelPaths;
let second: DemoModelPaths;
beforeAll(async () => {
  first = await ensureDemoModels(await tempDir());
  second = await ensureDemoModels(await tempDir());
});

describe('demo model build', () => {
  it('gives the same bytes on every build', async () => {
    for (const kind of ['base', 'controlnet', 'refiner'] as const) {
      expect(hashTree(first[kind]), kind).toEqual(hashTree(second[kind]));
    }
    const clip = await readClipFiles(findClipDir());
    const a = buildDemoModels(clip);
    const b = buildDemoModels(clip);
    for (const kind of ['base', 'controlnet', 'refiner'] as const) {
      for (const [rel, bytes] of a[kind]) expect(sha(b[kind].get(rel)!), rel).toBe(sha(bytes));
    }
  });

  it('takes at most 20 MB for all three folders', () => {
    const total = treeBytes(first.base) + treeBytes(first.controlnet) + treeBytes(first.refiner);
    expect(total).toBeLessThanOrEqual(20 * 1024 * 1024);
  });

  it('writes the diffusers ONNX layout with the SD 1.5 configs', async () => {
    const json = (rel: string) => JSON.parse(readFileSync(path.join(first.base, rel), 'utf8'));
    for (const rel of [
      'README.md',
      'model_index.json',
      'scheduler/scheduler_config.json',
      'tokenizer/vocab.json',
      'tokenizer/merges.txt',
      'tokenizer/NOTICE',
      'tokenizer/special_tokens_map.json',
      'tokenizer/tokenizer_config.json',
      'text_encoder/model.onnx',
      'unet/model.onnx',
      'unet/model.onnx_data',
      'vae_encoder/model.onnx',
      'vae_decoder/model.onnx',
      'controlnet/model.onnx',
      'controlnet/model.onnx.data',
    ]) {
      expect(existsSync(path.join(first.base, rel)), rel).toBe(true);
    }
    expect(existsSync(path.join(first.refiner, 'unet', 'weights.pb'))).toBe(true);
    expect(existsSync(path.join(first.controlnet, 'model.onnx.data'))).toBe(true);
    const sched = json('scheduler/scheduler_config.json');
    expect([
      sched.beta_start,
      sched.beta_end,
      sched.beta_schedule,
      sched.num_train_timesteps,
    ]).toEqual([0.00085, 0.012, 'scaled_linear', 1000]);
    const unet = json('unet/config.json');
    expect([unet.sample_size, unet.in_channels, unet.cross_attention_dim]).toEqual([64, 4, 768]);
    const vae = json('vae_decoder/config.json');
    expect(vae.scaling_factor).toBe(0.18215);
    expect(2 ** (vae.block_out_channels.length - 1)).toBe(8);
    expect(json('tokenizer/tokenizer_config.json').model_max_length).toBe(77);
    expect(json('tokenizer/special_tokens_map.json').pad_token).toBe('<|endoftext|>');
    expect(json('model_index.json').unet).toEqual(['diffusers', 'UNet2DConditionModel']);
    const clipDir = findClipDir();
    for (const name of ['vocab.json', 'merges.txt', 'NOTICE']) {
      const copied = sha(await readFile(path.join(first.base, 'tokenizer', name)));
      expect(copied, name).toBe(sha(await readFile(path.join(clipDir, name))));
    }
    const card = readFileSync(path.join(first.base, 'README.md'), 'utf8');
    expect(card).toContain('## What it can draw');
    for (const word of [
      'circle',
      'square',
      'triangle',
      'star',
      'ring',
      'cross',
      'purple',
      'orange',
    ]) {
      expect(card).toContain(word);
    }
  });

  it('opens every model by path with the documented I/O names and types', async () => {
    const io = async (file: string) => {
      const s = await ort.InferenceSession.create(file);
      const describe = (m: readonly ort.InferenceSession.ValueMetadata[]) =>
        m.map((v) => `${v.name}:${v.isTensor ? `${v.type}[${v.shape.join(',')}]` : '?'}`);
      const result = { inputs: describe(s.inputMetadata), outputs: describe(s.outputMetadata) };
      await s.release();
      return result;
    };
    expect(await io(path.join(first.base, 'text_encoder/model.onnx'))).toEqual({
      inputs: ['input_ids:int64[batch,sequence]'],
      outputs: [
        'last_hidden_state:float32[batch,sequence,768]',
        'pooler_output:float32[batch,768]',
      ],
    });
    const unetIo = {
      inputs: [
        'sample:float32[batch,4,latent_height,latent_width]',
        'timestep:float32[]',
        'encoder_hidden_states:float32[batch,sequence,768]',
      ],
      outputs: ['out_sample:float32[batch,4,latent_height,latent_width]'],
    };
    expect(await io(path.join(first.base, 'unet/model.onnx'))).toEqual(unetIo);
    expect(await io(path.join(first.refiner, 'unet/model.onnx'))).toEqual(unetIo);
    expect(await io(path.join(first.base, 'vae_encoder/model.onnx'))).toEqual({
      inputs: ['sample:float32[batch,3,height,width]'],
      outputs: ['latent_parameters:float32[batch,8,latent_height,latent_width]'],
    });
    expect(await io(path.join(first.base, 'vae_decoder/model.onnx'))).toEqual({
      inputs: ['latent_sample:float32[batch,4,latent_height,latent_width]'],
      outputs: ['sample:float32[batch,3,height,width]'],
    });
    const cn = await io(path.join(first.controlnet, 'model.onnx'));
    expect(cn.inputs).toContain('conditioning_scale:float64[1]');
    expect(cn.inputs).toContain('controlnet_cond:float32[batch,3,height,width]');
    expect(cn.outputs[4]).toBe(
      'down_block_4_additional_residual:float32[batch,640,latent_height_div2,latent_width_div2]',
    );
    const cunet = await io(path.join(first.base, 'controlnet/model.onnx'));
    expect(cunet.inputs[1]).toBe('timestep:float32[batch]');
    expect(cunet.inputs).toHaveLength(16);
  });

  it('leaves a current folder alone and rebuilds a damaged or stale one', async () => {
    const dir = path.dirname(first.base);
    const record = path.join(first.base, BUILD_FILE);
    const before = statSync(record).mtimeMs;
    await ensureDemoModels(dir);
    expect(statSync(record).mtimeMs).toBe(before);

    await rm(path.join(first.base, 'unet', 'model.onnx_data'));
    await ensureDemoModels(dir);
    expect(hashTree(first.base)).toEqual(hashTree(second.base));

    const parsed = JSON.parse(readFileSync(path.join(first.refiner, BUILD_FILE), 'utf8'));
    await writeFile(
      path.join(first.refiner, BUILD_FILE),
      JSON.stringify({ ...parsed, fingerprint: 'old' }),
    );
    await ensureDemoModels(dir);
    expect(JSON.parse(readFileSync(path.join(first.refiner, BUILD_FILE), 'utf8')).fingerprint).toBe(
      parsed.fingerprint,
    );
  });

  it('removes the leftovers of an interrupted build and never shows a half folder', async () => {
    const dir = await tempDir();
    // A dead process's half-written temporary folder (pid 2^22 + 1 is above Linux's pid_max).
    const leftover = path.join(dir, '.emulsion-shapes.tmp-4194305-deadbeef');
    await mkdir(path.join(leftover, 'unet'), { recursive: true });
    await writeFile(path.join(leftover, 'unet', 'model.onnx'), 'partial');
    const paths = await ensureDemoModels(dir);
    expect(existsSync(leftover)).toBe(false);
    expect(readdirSync(dir).sort()).toEqual([
      'emulsion-shapes',
      'emulsion-shapes-controlnet',
      'emulsion-shapes-refiner',
    ]);
    expect(hashTree(paths.base)).toEqual(hashTree(second.base));
  });

  it("lets concurrent callers share one build and takes over a dead process's lock", async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, '.emulsion-build.lock'), '4194305'); // no such pid on Linux
    const results = await Promise.all([
      ensureDemoModels(dir),
      ensureDemoModels(dir),
      ensureDemoModels(dir),
    ]);
    expect(new Set(results.map((r) => r.base)).size).toBe(1);
    expect(hashTree(results[0].base)).toEqual(hashTree(second.base));
    expect(readdirSync(dir).sort()).toEqual([
      'emulsion-shapes',
      'emulsion-shapes-controlnet',
      'emulsion-shapes-refiner',
    ]);
  });

  it('names the missing CLIP folder when the vocabulary cannot be read', async () => {
    const dir = await tempDir();
    const err = await ensureDemoModels(dir, { clipDir: path.join(dir, 'nope') }).catch((e) => e);
    expect(err).toBeInstanceOf(EmulsionError);
    expect((err as EmulsionError).code).toBe('IO_ERROR');
    expect((err as EmulsionError).message).toContain('vocab.json');
  });
});
