// @vitest-environment node
import { createHash } from 'node:crypto';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { EmulsionError } from '../../../common/errors.ts';
import { floatAttr, GraphBuilder } from '../../../main/onnx-builder/index.ts';
import { float16ToFloat32, float32ToFloat16 } from '../../../main/onnx-builder/fp16.ts';

const run = async (bytes: Uint8Array, feeds: Record<string, ort.Tensor>) => {
  const s = await ort.InferenceSession.create(bytes);
  try {
    return { out: await s.run(feeds), inputs: s.inputMetadata, outputs: s.outputMetadata };
  } finally {
    await s.release();
  }
};

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Embedding lookup -> projection -> softmax, the text-encoder pattern. */
function embedGraph(): GraphBuilder {
  const g = new GraphBuilder('embed');
  const ids = g.input('ids', 'int64', ['batch', 'seq']);
  const table = g.initializer(
    'table',
    Float32Array.from({ length: 5 * 3 }, (_, i) => (i % 7) - 3),
    [5, 3],
  );
  const proj = g.initializer('proj', Float32Array.of(1, 0.5, -1, 2, 0, 1), [3, 2]);
  const e = g.op('Gather', [table, ids], { axis: 0 });
  const logits = g.op('MatMul', [e, proj]);
  g.output(g.op('Softmax', [logits], { axis: -1 }), 'probs', 'float32', ['batch', 'seq', 2]);
  g.output(logits, 'logits', 'float32', ['batch', 'seq', 2]);
  return g;
}

describe('GraphBuilder', () => {
  it('builds Gather -> MatMul -> Softmax with two outputs that match a JS reference', async () => {
    const ids = BigInt64Array.of(0n, 4n, 2n, 1n, 3n, 3n);
    const { out, inputs } = await run(embedGraph().toBytes({ opset: 17 }), {
      ids: new ort.Tensor('int64', ids, [2, 3]),
    });
    const table = (r: number, c: number) => ((r * 3 + c) % 7) - 3;
    const proj = [
      [1, 0.5],
      [-1, 2],
      [0, 1],
    ];
    const wantLogits: number[] = [];
    const wantProbs: number[] = [];
    for (const id of ids) {
      const row = [0, 1].map((j) =>
        [0, 1, 2].reduce((s, k) => s + table(Number(id), k) * proj[k][j], 0),
      );
      wantLogits.push(...row);
      const z = Math.exp(row[0]) + Math.exp(row[1]);
      wantProbs.push(Math.exp(row[0]) / z, Math.exp(row[1]) / z);
    }
    expect(maxAbsDiff(out.logits.data as Float32Array, wantLogits)).toBeLessThan(1e-6);
    expect(maxAbsDiff(out.probs.data as Float32Array, wantProbs)).toBeLessThan(1e-6);
    expect(out.probs.dims).toEqual([2, 3, 2]);
    const meta = inputs.find((m) => m.name === 'ids');
    expect(meta && meta.isTensor ? meta.shape : undefined).toEqual(['batch', 'seq']);
  });

  it('builds Conv + Resize with an empty roi input and matches a JS reference', async () => {
    const g = new GraphBuilder('conv-resize');
    const x = g.input('x', 'float32', ['batch', 1, 'h', 'w']);
    // 3x3 kernel with one output channel and one input channel.
    const k = Float32Array.of(0, 1, 0, 1, -4, 1, 0, 1, 0);
    const y = g.op('Conv', [x, g.initializer('k', k, [1, 1, 3, 3])], { pads: [1, 1, 1, 1] });
    const up = g.op('Resize', [y, '', g.f32([1, 1, 2, 2])], {
      mode: 'nearest',
      nearest_mode: 'floor',
      coordinate_transformation_mode: 'asymmetric',
    });
    g.output(up, 'y', 'float32', ['batch', 1, 'H', 'W']);
    const h = 3;
    const w = 4;
    const xs = Float32Array.from({ length: h * w }, (_, i) => (i * 37) % 11);
    const { out } = await run(g.toBytes({ opset: 17 }), {
      x: new ort.Tensor('float32', xs, [1, 1, h, w]),
    });
    const at = (r: number, c: number) => (r < 0 || c < 0 || r >= h || c >= w ? 0 : xs[r * w + c]);
    const want: number[] = [];
    for (let r = 0; r < 2 * h; r++) {
      for (let c = 0; c < 2 * w; c++) {
        const i = r >> 1;
        const j = c >> 1;
        want.push(at(i - 1, j) + at(i + 1, j) + at(i, j - 1) + at(i, j + 1) - 4 * at(i, j));
      }
    }
    expect(out.y.dims).toEqual([1, 1, 2 * h, 2 * w]);
    expect(maxAbsDiff(out.y.data as Float32Array, want)).toBe(0);
  });

  it('runs a float16-I/O graph with float16 weights', async () => {
    const g = new GraphBuilder('fp16');
    const x = g.input('x', 'float16', ['n']);
    const w = g.initializer('w', float32ToFloat16(Float32Array.of(0.5, 2, -1)), [3]);
    g.output(g.op('Mul', [x, w]), 'y', 'float16', ['n']);
    const xs = float32ToFloat16(Float32Array.of(3, 0.25, 7));
    const { out } = await run(g.toBytes({ opset: 17 }), { x: new ort.Tensor('float16', xs, [3]) });
    expect(Array.from(float16ToFloat32(out.y.data as Uint16Array))).toEqual([1.5, 0.5, -7]);
  });

  it('writes float, int, ints and tensor attributes of the declared kind', async () => {
    const g = new GraphBuilder('attrs');
    const x = g.input('x', 'float32', [4]);
    const leaky = g.op('LeakyRelu', [x], { alpha: floatAttr(2) });
    const c = g.op('Constant', [], { value_float: 0.25 });
    g.output(g.op('Add', [leaky, c]), 'y', 'float32', [4]);
    const { out } = await run(g.toBytes({ opset: 17 }), {
      x: new ort.Tensor('float32', Float32Array.of(-1, 0, 1, -3), [4]),
    });
    expect(Array.from(out.y.data as Float32Array)).toEqual([-1.75, 0.25, 1.25, -5.75]);
  });

  it('gives the same bytes for the same calls', () => {
    const hash = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
    expect(hash(embedGraph().toBytes({ opset: 17 }))).toBe(
      hash(embedGraph().toBytes({ opset: 17 })),
    );
  });

  it('rejects duplicate names, wrong data lengths and unsupported opsets with field names', () => {
    const g = new GraphBuilder('bad');
    g.input('x', 'float32', [1]);
    expect(() => g.input('x', 'float32', [1])).toThrow(EmulsionError);
    expect(() => g.initializer('w', new Float32Array(3), [2, 2])).toThrow(
      /initializer w data length/,
    );
    expect(() => g.initializer('b', new Uint8Array(1), [1])).toThrow(/dtype/);
    expect(() => g.toBytes({ opset: 27 })).toThrow(
      /`opset` must be an integer from 1 to 26; received 27/,
    );
  });
});
