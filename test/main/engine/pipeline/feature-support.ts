/**
 * Helpers for the issue-5 feature tests: a temp folder, a recorder of every onnxruntime
 * `session.run` with its feeds and outputs (the engine and the tests load the same
 * onnxruntime-node module, so patching the prototype sees every call), PNG decoding, and direct
 * sessions for computing expected values without the engine.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { EmulsionError } from '../../../../common/errors.ts';

export async function tempRoot(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'emulsion-issue5-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export interface Tensor {
  type: string;
  dims: number[];
  values: Float64Array;
}

export interface Run {
  /** The session object that ran, to tell two models with the same inputs apart. */
  session: object;
  inputs: string[];
  feeds: Record<string, Tensor>;
  outputs: Record<string, Tensor>;
}

function read(t: ort.Tensor): Tensor {
  const values =
    t.type === 'int64'
      ? Float64Array.from(t.data as BigInt64Array, Number)
      : Float64Array.from(t.data as ArrayLike<number>);
  return { type: t.type, dims: [...t.dims], values };
}

export interface Recorder {
  runs: Run[];
  /** Runs whose session declares every one of `names` as inputs. */
  with(...names: string[]): Run[];
  clear(): void;
  restore(): void;
}

export function recordSessions(): Recorder {
  type RunFn = (
    this: ort.InferenceSession,
    feeds: ort.InferenceSession.FeedsType,
    ...rest: unknown[]
  ) => Promise<ort.InferenceSession.ReturnType>;
  const proto = (ort.InferenceSession as unknown as { prototype: { run: RunFn } }).prototype;
  const original = proto.run;
  const runs: Run[] = [];
  proto.run = async function (this: ort.InferenceSession, feeds, ...rest) {
    const run: Run = { session: this, inputs: [...this.inputNames], feeds: {}, outputs: {} };
    for (const [k, v] of Object.entries(feeds)) run.feeds[k] = read(v as ort.Tensor);
    runs.push(run);
    const result = await original.call(this, feeds, ...rest);
    for (const [k, v] of Object.entries(result)) run.outputs[k] = read(v as ort.Tensor);
    return result;
  };
  return {
    runs,
    with: (...names) => runs.filter((r) => names.every((n) => r.inputs.includes(n))),
    clear: () => void runs.splice(0),
    restore: () => {
      proto.run = original;
    },
  };
}

export async function decodePng(png: Uint8Array) {
  const { data, info } = await sharp(Buffer.from(png)).raw().toBuffer({ resolveWithObject: true });
  return {
    data: new Uint8Array(data),
    width: info.width,
    height: info.height,
    channels: info.channels,
  };
}

export async function pngOf(rgb: Uint8Array, width: number, height: number): Promise<Uint8Array> {
  const png = await sharp(Buffer.from(rgb), { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
  return new Uint8Array(png);
}

/** Runs one model file directly, outside the engine. */
export async function runDirect(
  file: string,
  feeds: Record<string, ort.Tensor>,
  outputs?: string[],
): Promise<Record<string, ort.Tensor>> {
  const session = await ort.InferenceSession.create(file);
  try {
    return outputs ? await session.run(feeds, outputs) : await session.run(feeds);
  } finally {
    await session.release();
  }
}

/** Item `i` of a recorded tensor's first axis. */
export function item(t: Tensor, i: number): Float64Array {
  const per = t.values.length / t.dims[0];
  return t.values.subarray(i * per, (i + 1) * per);
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

export async function rejection(promise: Promise<unknown>): Promise<EmulsionError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof EmulsionError) return err;
    throw new Error(`expected an EmulsionError, got ${String(err)}`, { cause: err });
  }
  throw new Error('expected the promise to reject, but it resolved');
}
