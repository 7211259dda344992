// @vitest-environment node
/**
 * Acceptance for issue 2: bad settings give INVALID_ARGUMENT naming the field, the value received
 * and what is allowed, through the engine's public entry, before any model work.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../../../main/engine/engine.ts';
import { validateRequest } from '../../../../main/engine/pipeline/validate.ts';
import type { GenerateInput } from '../../../../main/engine/worker/types.ts';
import {
  buildModels,
  captureEvents,
  fixtureRoot,
  rejection,
  smallRequest,
  testCard,
} from '../support.ts';

let cleanup: () => Promise<void>;
let model: string;
let fixedShape: string;
let root: string;
let engine: Engine;

beforeAll(async () => {
  const made = await fixtureRoot();
  cleanup = made.cleanup;
  root = made.dir;
  ({ legacy: model, fixed: fixedShape } = await buildModels(root, {
    legacy: 'legacy',
    fixed: 'fixed-shape',
  }));
  engine = new Engine();
});

afterAll(async () => {
  await engine?.unloadModels();
  await cleanup?.();
});

async function init(strength: number): Promise<GenerateInput['init']> {
  return { image: { data: await testCard(64, 64) }, strength, resize: 'crop' };
}

describe('Engine.submit with bad settings', () => {
  it('width 100 (not a multiple of 8): INVALID_ARGUMENT on `width`, suggesting 96 or 104', async () => {
    const error = await rejection(engine.submit('w', smallRequest(model, { width: 100 })));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.details.field).toBe('width');
    expect(error.details.received).toBe(100);
    expect(error.message).toContain('`width`');
    expect(error.message).toContain('multiple of 8');
    expect(error.message).toContain('100');
    expect(error.message).toMatch(/96.*104/);
  });

  it('height 68: INVALID_ARGUMENT on `height`', async () => {
    const error = await rejection(engine.submit('h', smallRequest(model, { height: 68 })));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.details.field).toBe('height');
  });

  it.each([1.5, -0.1])(
    'init.strength %s: INVALID_ARGUMENT on `init.strength`, allowed 0 to 1',
    async (s) => {
      const error = await rejection(
        engine.submit('s', smallRequest(model, { init: await init(s) })),
      );
      expect(error.code).toBe('INVALID_ARGUMENT');
      expect(error.details.field).toBe('init.strength');
      expect(error.details.received).toBe(s);
      expect(error.message).toContain('`init.strength`');
      expect(error.message).toContain(String(s));
      expect(error.message).toMatch(/from 0 to 1/);
    },
  );

  it('steps 0: INVALID_ARGUMENT on `steps`', async () => {
    const error = await rejection(engine.submit('z', smallRequest(model, { steps: 0 })));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.details.field).toBe('steps');
    expect(error.details.received).toBe(0);
    expect(error.message).toContain('`steps`');
    expect(error.message).toMatch(/integer from 1/);
  });

  it('an unknown scheduler: INVALID_ARGUMENT on `scheduler` listing the known names', async () => {
    const { events, stop } = captureEvents(engine);
    const error = await rejection(
      engine.submit('u', smallRequest(model, { scheduler: 'Warp Drive 3000' })),
    );
    stop();
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.details.field).toBe('scheduler');
    expect(error.message).toContain('Warp Drive 3000');
    for (const known of ['Euler', 'Euler a', 'DDIM', 'DPM++ 2M Karras']) {
      expect(error.message).toContain(known);
    }
    expect(events.map((e) => e.status)).not.toContain('started');
  });

  it('a size a fixed-shape model cannot take: a clear error naming the size, before denoising', async () => {
    // The fixture declares 8×8 latents (64×64 pixels) everywhere, as NPU exports do.
    const { events, stop } = captureEvents(engine);
    const error = await rejection(
      engine.submit('fixed', smallRequest(fixedShape, { width: 128, height: 128 })),
    );
    stop();
    expect(['INVALID_ARGUMENT', 'MODEL_CONTRACT']).toContain(error.code);
    expect(['width', 'height']).toContain(error.details.field);
    expect(error.message).toContain('128');
    expect(error.message).toContain('64');
    expect(events.map((e) => e.status)).not.toContain('step');
  });

  it.each([
    ['width', { width: 100 }],
    ['steps', { steps: 0 }],
    ['scheduler', { scheduler: 'Warp Drive 3000' }],
  ] as const)('rejects a bad `%s` before touching the model folder', async (field, overrides) => {
    const missing = path.join(root, 'not-a-model');
    const error = await rejection(engine.submit('v', smallRequest(missing, overrides)));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.details.field).toBe(field);
  });

  it('still runs the next job after a rejected one', async () => {
    await rejection(engine.submit('bad', smallRequest(model, { steps: 0 })));
    const result = await engine.submit('good', smallRequest(model, { steps: 2 }));
    expect(result.images).toHaveLength(1);
  });
});

describe('validateRequest', () => {
  it.each([
    ['width', { width: 100 }],
    ['height', { height: 36 }],
    ['steps', { steps: 0 }],
    ['steps', { steps: 2.5 }],
    ['cfg', { cfg: Number.NaN }],
    ['batch', { batch: 0 }],
    ['seed', { seed: -1 }],
    ['provider', { provider: 'tpu' as never }],
  ] as const)('names `%s` for %o', (field, overrides) => {
    expect(() => validateRequest(smallRequest('m', overrides))).toThrow(
      expect.objectContaining({
        code: 'INVALID_ARGUMENT',
        details: expect.objectContaining({ field }),
      }),
    );
  });

  it('keeps a valid request as given', () => {
    const request = validateRequest(smallRequest('m'));
    expect(request).toMatchObject({
      width: 64,
      height: 64,
      steps: 3,
      cfg: 7.5,
      scheduler: 'Euler',
    });
  });
});
