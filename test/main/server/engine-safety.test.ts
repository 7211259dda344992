/**
 * The engine worker as the server starts it: the test-only flag-all classifier (from
 * EMULSION_TEST_FLAG_ALL at start, nothing else), and configureSafety changing the filter between
 * jobs without touching a job already submitted. Real worker, bundled demo model, tiny images.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobEvent } from '../../../common/generation.ts';
import { defaultSafetySettings, type SafetySettings } from '../../../common/safety.ts';
import { createEngineClient } from '../../../main/engine/worker/client.ts';
import type { EngineClient } from '../../../main/engine/worker/types.ts';
import { testClassifierFromEnv } from '../../../main/server/serve.ts';

const TINY = { prompt: 'a red circle', steps: 2, width: 64, height: 64 } as const;
let engine: EngineClient;

beforeAll(() => {
  engine = createEngineClient({
    logLevel: 'error',
    onLog: () => undefined,
    safety: { testClassifier: testClassifierFromEnv({ EMULSION_TEST_FLAG_ALL: '1' }) },
  });
});
afterAll(async () => {
  await engine?.close();
});

function without(change: (s: SafetySettings) => void): SafetySettings {
  const settings = defaultSafetySettings();
  change(settings);
  return settings;
}

describe('testClassifierFromEnv()', () => {
  it('turns the stub on only for EMULSION_TEST_FLAG_ALL=1', () => {
    expect(testClassifierFromEnv({ EMULSION_TEST_FLAG_ALL: '1' })).toBe('flag-all');
    for (const value of [undefined, '0', 'true', 'yes', ''])
      expect(testClassifierFromEnv({ EMULSION_TEST_FLAG_ALL: value })).toBeUndefined();
  });
});

describe('the engine worker with the flag-all test classifier', () => {
  it('blurs every image under blur and keeps the original for the host', async () => {
    const result = await engine.generate({ ...TINY, safety: 'blur' }).result;
    const [image] = result.images;
    expect(image.safety).toMatchObject({
      action: 'blur',
      reasons: [{ layer: 'classifier', class: 'Porn', score: 1, threshold: 0.5 }],
    });
    expect(image.originalPng).toBeInstanceOf(Uint8Array);
    expect(image.originalPng).not.toEqual(image.png);
  });

  it('withholds every image and every preview under block', async () => {
    const events: JobEvent[] = [];
    const off = engine.onEvent((e) => events.push(e));
    const result = await engine.generate({ ...TINY, safety: 'block', preview: 'latent' }).result;
    off();
    expect(result.images).toEqual([]);
    expect(result.safety?.map((d) => d.action)).toEqual(['block']);
    const steps = events.filter((e) => e.status === 'step');
    expect(steps.length).toBe(2);
    expect(steps.every((e) => e.status === 'step' && e.preview === undefined)).toBe(true);
  });

  it('applies new settings to jobs submitted after configureSafety, not to one already running', async () => {
    const running = engine.generate({ ...TINY, steps: 6, safety: 'blur' });
    await engine.configureSafety(without((s) => (s.classifier.enabled = false)));
    const after = engine.generate({ ...TINY, safety: 'blur' });
    expect((await running.result).images[0].safety?.action).toBe('blur');
    const passed = (await after.result).images[0].safety!;
    expect(passed).toMatchObject({ action: 'pass', reasons: [], scores: [] });
    await engine.configureSafety(defaultSafetySettings());
    expect((await engine.generate(TINY).result).images[0].safety?.action).toBe('blur');
  });

  it('refuses invalid settings with a coded error and keeps the ones in force', async () => {
    await expect(
      engine.configureSafety(without((s) => (s.classifier.thresholds.Porn = 3))),
    ).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      details: { field: 'safety.classifier.thresholds.Porn', received: 3 },
    });
    await expect(
      engine.configureSafety({ ...defaultSafetySettings(), userTermsDir: '/nonexistent/terms' }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', details: { field: 'userTermsDir' } });
    expect((await engine.generate(TINY).result).images[0].safety?.action).toBe('blur');
  });

  it('cancels a job held while new settings wait for the engine to go idle', async () => {
    const running = engine.generate({ ...TINY, steps: 8 });
    const applied = engine.configureSafety(defaultSafetySettings());
    const held = engine.generate(TINY);
    engine.cancel(held.jobId);
    await expect(held.result).rejects.toMatchObject({ code: 'CANCELLED' });
    await running.result;
    await applied;
  });
});
