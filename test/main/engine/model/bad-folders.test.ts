// @vitest-environment node
/**
 * Acceptance for issue 2: a folder that is not a valid model fails before generation starts, with
 * one clear error naming the file, the input, and the expected against the found dtype or shape;
 * never a raw onnxruntime stack trace.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobEvent } from '../../../../common/generation.ts';
import { Engine } from '../../../../main/engine/engine.ts';
import { BAD_FOLDERS, writeBadFolder, type BadFolder } from '../../../fixtures/contract/index.ts';
import { captureEvents, fixtureRoot, rejection, smallRequest } from '../support.ts';

let cleanup: () => Promise<void>;
let root: string;
const folders = {} as Record<BadFolder, string>;

beforeAll(async () => {
  const made = await fixtureRoot();
  cleanup = made.cleanup;
  root = made.dir;
  for (const kind of BAD_FOLDERS) folders[kind] = await writeBadFolder(path.join(root, kind), kind);
});

afterAll(async () => cleanup?.());

/** Submits a job on a fresh engine and returns its error and events. */
async function failure(kind: BadFolder) {
  const engine = new Engine();
  const { events } = captureEvents(engine);
  const error = await rejection(engine.submit(kind, smallRequest(folders[kind])));
  await engine.unloadModels();
  return { error, events };
}

function expectCleanMessage(message: string, events: JobEvent[]): void {
  // One readable sentence: no stack frames, no multi-line native dump.
  expect(message).not.toMatch(/\n/);
  expect(message).not.toMatch(/\bat .+:\d+:\d+/);
  // Failed before the denoising loop started.
  expect(events.map((e) => e.status)).not.toContain('started');
  expect(events.map((e) => e.status)).toContain('error');
}

describe('Engine with a bad model folder', () => {
  it('missing unet: MODEL_INVALID naming unet/model.onnx', async () => {
    const { error, events } = await failure('missing-unet');
    expect(error.code).toBe('MODEL_INVALID');
    const file = path.join(folders['missing-unet'], 'unet', 'model.onnx');
    expect(error.message).toContain(file);
    expect(error.details.file).toBe(file);
    expectCleanMessage(error.message, events);
  });

  it('unet `sample` declared int64: MODEL_CONTRACT naming the file, input, expected and found dtype', async () => {
    const { error, events } = await failure('unet-sample-int64');
    expect(error.code).toBe('MODEL_CONTRACT');
    const file = path.join(folders['unet-sample-int64'], 'unet', 'model.onnx');
    expect(error.message).toContain(file);
    expect(error.message).toContain('`sample`');
    expect(error.message).toContain('int64');
    expect(error.message).toMatch(/float32/);
    expect(error.details.file).toBe(file);
    expectCleanMessage(error.message, events);
  });

  it('text_encoder `input_ids` declared float: MODEL_CONTRACT naming input_ids, int32/int64 vs float32', async () => {
    const { error, events } = await failure('input-ids-float');
    expect(error.code).toBe('MODEL_CONTRACT');
    expect(error.message).toContain(
      path.join(folders['input-ids-float'], 'text_encoder', 'model.onnx'),
    );
    expect(error.message).toContain('`input_ids`');
    expect(error.message).toContain('float32');
    expect(error.message).toMatch(/int32 or int64/);
    expectCleanMessage(error.message, events);
  });

  it('cross-attention width 1024 against a 768-wide text encoder: MODEL_CONTRACT naming both widths', async () => {
    const { error, events } = await failure('cross-attention-width');
    expect(error.code).toBe('MODEL_CONTRACT');
    expect(error.message).toContain(
      path.join(folders['cross-attention-width'], 'unet', 'model.onnx'),
    );
    expect(error.message).toContain('encoder_hidden_states');
    expect(error.message).toContain('1024');
    expect(error.message).toContain('768');
    expectCleanMessage(error.message, events);
  });

  it('corrupt unet/model.onnx (random bytes): MODEL_INVALID naming the file, no ORT stack trace', async () => {
    const { error, events } = await failure('corrupt-unet');
    expect(error.code).toBe('MODEL_INVALID');
    const file = path.join(folders['corrupt-unet'], 'unet', 'model.onnx');
    expect(error.message).toContain(file);
    expect(error.details.file).toBe(file);
    expectCleanMessage(error.message, events);
  });

  it.each([
    ['model-index-empty-file', 'an empty model_index.json (0 bytes)'],
    ['model-index-empty-object', 'a model_index.json holding {}'],
  ] as const)('%s: MODEL_INVALID naming model_index.json (%s)', async (kind, _what) => {
    const { error, events } = await failure(kind);
    expect(error.code).toBe('MODEL_INVALID');
    const file = path.join(folders[kind], 'model_index.json');
    expect(error.message).toContain('model_index.json');
    expect(error.details.file).toBe(file);
    expectCleanMessage(error.message, events);
  });

  it('unet without `out_sample`: MODEL_CONTRACT listing the outputs it has', async () => {
    const { error, events } = await failure('unet-no-out-sample');
    expect(error.code).toBe('MODEL_CONTRACT');
    expect(error.message).toContain('out_sample');
    expect(error.message).toContain('noise');
    expectCleanMessage(error.message, events);
  });

  it('timestep of rank 2: MODEL_CONTRACT naming `timestep` and its shape', async () => {
    const { error, events } = await failure('timestep-rank-2');
    expect(error.code).toBe('MODEL_CONTRACT');
    expect(error.message).toContain('`timestep`');
    expect(error.message).toContain('[batch, 1]');
    expectCleanMessage(error.message, events);
  });

  it('a folder that does not exist: MODEL_INVALID naming the folder', async () => {
    const engine = new Engine();
    const missing = path.join(root, 'no-such-model');
    const error = await rejection(engine.submit('missing', smallRequest(missing)));
    expect(error.code).toBe('MODEL_INVALID');
    expect(error.message).toContain(missing);
  });
});
