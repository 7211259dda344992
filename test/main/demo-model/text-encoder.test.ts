// @vitest-environment node
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { demoModels, openSession, promptIds } from './support.ts';

// Hidden dimensions of the concepts, in the order design.ts documents: 6 shapes, 8 colours, 2 backgrounds.
const DIM = {
  circle: 0,
  square: 1,
  star: 3,
  red: 6,
  blue: 10,
  white: 12,
  black: 13,
  light: 14,
  dark: 15,
} as const;

let te: ort.InferenceSession;
beforeAll(async () => {
  te = await openSession(path.join((await demoModels()).base, 'text_encoder', 'model.onnx'));
});

async function encode(prompts: string[], length = 77) {
  const ids = new BigInt64Array(prompts.length * length);
  prompts.forEach((p, b) => ids.set(promptIds(p, length), b * length));
  const out = await te.run({ input_ids: new ort.Tensor('int64', ids, [prompts.length, length]) });
  return {
    hidden: out.last_hidden_state,
    pooled: out.pooler_output.data as Float32Array,
  };
}

describe('demo text encoder', () => {
  it('declares SD 1.x I/O: input_ids int64 → last_hidden_state and pooler_output', async () => {
    expect(te.inputNames).toEqual(['input_ids']);
    expect(te.outputNames).toEqual(['last_hidden_state', 'pooler_output']);
    const meta = te.inputMetadata[0];
    expect(meta.isTensor && meta.type).toBe('int64');
  });

  it('gives all-zero hidden states for the empty prompt', async () => {
    const { hidden, pooled } = await encode(['']);
    expect(hidden.dims).toEqual([1, 77, 768]);
    expect((hidden.data as Float32Array).every((v) => v === 0)).toBe(true);
    expect(pooled.every((v) => v === 0)).toBe(true);
  });

  it('puts one unit of concept mass on the words of "a red circle" and nothing else', async () => {
    const { hidden, pooled } = await encode(['a red circle']);
    const h = hidden.data as Float32Array;
    // Token 2 ("red") and token 3 ("circle"); "a", BOS, EOS and padding carry nothing.
    expect(h[2 * 768 + DIM.red]).toBe(1);
    expect(h[3 * 768 + DIM.circle]).toBe(1);
    const total = h.reduce((s, v) => s + Math.abs(v), 0);
    expect(total).toBe(2);
    expect(pooled[DIM.red]).toBe(1);
    expect(pooled[DIM.circle]).toBe(1);
  });

  it('maps plain synonyms to the caption concepts', async () => {
    const { pooled } = await encode(['a crimson box on a night backdrop']);
    expect(pooled[DIM.red]).toBe(1);
    expect(pooled[DIM.square]).toBe(1);
    expect(pooled[DIM.dark]).toBe(1);
    expect(pooled.reduce((s, v) => s + v, 0)).toBe(3);
  });

  it('reads a colour before "background" as the background, not the shape colour', async () => {
    const { pooled } = await encode([
      'a white circle on a black background',
      'a blue star on a red background',
    ]);
    expect(pooled[DIM.white]).toBe(1);
    expect(pooled[DIM.dark]).toBe(1);
    expect(pooled[DIM.black]).toBe(0);
    const second = pooled.subarray(768);
    expect(second[DIM.blue]).toBe(1);
    expect(second[DIM.star]).toBe(1);
    expect(second[DIM.red]).toBe(0); // no red backgrounds exist: the word names nothing
  });

  it('handles batches and 154-token (two-chunk) sequences', async () => {
    const { hidden } = await encode(['a red circle', 'a blue square'], 154);
    expect(hidden.dims).toEqual([2, 154, 768]);
    const h = hidden.data as Float32Array;
    expect(h[154 * 768 + 2 * 768 + DIM.blue]).toBe(1);
  });
});
