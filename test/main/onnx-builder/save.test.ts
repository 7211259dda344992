// @vitest-environment node
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { EXTERNAL_DATA_NAMES, GraphBuilder, saveModel } from '../../../main/onnx-builder/index.ts';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** y = x · W + b with a 64x64 weight (16 KB: external) and a small bias (inline). */
function affine(): { g: GraphBuilder; w: Float32Array; b: Float32Array } {
  const w = Float32Array.from({ length: 64 * 64 }, (_, i) => Math.sin(i));
  const b = Float32Array.from({ length: 64 }, (_, i) => i / 64);
  const g = new GraphBuilder('affine');
  const x = g.input('x', 'float32', ['batch', 64]);
  const y = g.op('Add', [
    g.op('MatMul', [x, g.initializer('w', w, [64, 64])]),
    g.initializer('b', b, [64]),
  ]);
  g.output(y, 'y', 'float32', ['batch', 64]);
  return { g, w, b };
}

describe('saveModel', () => {
  for (const name of EXTERNAL_DATA_NAMES) {
    it(`stores large initializers in ${name} and onnxruntime loads them by path`, async () => {
      const dir = await mkdtemp(join(tmpdir(), 'onnx-builder-'));
      dirs.push(dir);
      const { g, w, b } = affine();
      const saved = await saveModel(g, dir, { opset: 17, externalData: name });
      expect(saved.dataPath).toBe(join(dir, name));
      // The weight (16 KB) went out, the 256-byte bias stayed in the .onnx file.
      expect((await stat(join(dir, name))).size).toBe(64 * 64 * 4);
      expect((await stat(saved.modelPath)).size).toBeLessThan(2048);
      const onnxText = (await readFile(saved.modelPath)).toString('latin1');
      expect(onnxText).toContain(name);

      const s = await ort.InferenceSession.create(saved.modelPath);
      const x = Float32Array.from({ length: 2 * 64 }, (_, i) => ((i % 5) - 2) / 3);
      const out = (await s.run({ x: new ort.Tensor('float32', x, [2, 64]) })).y
        .data as Float32Array;
      await s.release();
      let err = 0;
      for (let r = 0; r < 2; r++) {
        for (let c = 0; c < 64; c++) {
          let acc = b[c];
          for (let k = 0; k < 64; k++) acc += x[r * 64 + k] * w[k * 64 + c];
          err = Math.max(err, Math.abs(acc - out[r * 64 + c]));
        }
      }
      expect(err).toBeLessThan(1e-4);
    });
  }

  it('writes a single self-contained file without externalData', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'onnx-builder-'));
    dirs.push(dir);
    const saved = await saveModel(affine().g, dir, { opset: 17, fileName: 'inline.onnx' });
    expect(saved.dataPath).toBeUndefined();
    expect((await stat(saved.modelPath)).size).toBeGreaterThan(64 * 64 * 4);
    const s = await ort.InferenceSession.create(saved.modelPath);
    expect(s.inputNames).toEqual(['x']);
    await s.release();
  });

  it('rejects an unknown external-data file name', async () => {
    await expect(
      saveModel(affine().g, tmpdir(), { opset: 17, externalData: 'x.bin' as never }),
    ).rejects.toThrow(/`externalData` must be one of model.onnx_data, weights.pb, model.onnx.data/);
  });
});
