// @vitest-environment node
/**
 * Execution-provider fallback (issue 2): a provider that fails to start falls back to CPU with a
 * warning that names the reason, and the provider actually used is reported. These CI machines
 * have no CUDA libraries (the repo's .npmrc skips onnxruntime-node's CUDA download), so asking
 * for `cuda` exercises the fallback for real.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobEvent } from '../../../../common/generation.ts';
import { Engine } from '../../../../main/engine/engine.ts';
import {
  formatRecord,
  getLogLevel,
  setLogLevel,
  setLogSink,
  type LogRecord,
} from '../../../../main/engine/log.ts';
import { platformProviders } from '../../../../main/engine/ort/providers.ts';
import { buildModels, captureEvents, fixtureRoot, smallRequest } from '../support.ts';

const require = createRequire(import.meta.url);
const ortDir = path.dirname(require.resolve('onnxruntime-node/package.json'));
const cudaInstalled = existsSync(
  path.join(ortDir, 'bin', 'napi-v6', 'linux', 'x64', 'libonnxruntime_providers_cuda.so'),
);

/** CUDA where its libraries are absent (these CI machines); else a provider of another OS. */
const unavailable =
  process.platform === 'linux' && !cudaInstalled
    ? 'cuda'
    : process.platform === 'win32'
      ? 'coreml'
      : 'dml';

let cleanup: () => Promise<void>;
let model: string;
const records: LogRecord[] = [];
const previousLevel = getLogLevel();

beforeAll(async () => {
  const root = await fixtureRoot();
  cleanup = root.cleanup;
  ({ model } = await buildModels(root.dir, { model: 'legacy' }));
  setLogLevel('warn');
  setLogSink((r) => records.push(r));
});

afterAll(async () => {
  setLogLevel(previousLevel);
  setLogSink((r) => process.stderr.write(formatRecord(r) + '\n'));
  await cleanup?.();
});

describe(`provider fallback (${unavailable} cannot start here)`, () => {
  let result: Awaited<ReturnType<Engine['submit']>>;
  let events: JobEvent[];

  beforeAll(async () => {
    const engine = new Engine();
    const captured = captureEvents(engine);
    records.splice(0);
    result = await engine.submit('fallback', smallRequest(model, { provider: unavailable }));
    captured.stop();
    events = captured.events;
    await engine.unloadModels();
  });

  it('generates on the CPU and reports provider "cpu"', () => {
    expect(result.provider).toBe('cpu');
    expect(result.request.provider).toBe(unavailable);
    const started = events.find((e) => e.status === 'started');
    expect(started).toMatchObject({ provider: 'cpu' });
  });

  it('logs a warning that names the provider and the reason it failed', () => {
    const name = new RegExp(unavailable, 'i');
    const warnings = records.filter((r) => r.level === 'warn' && name.test(r.message));
    expect(warnings.length).toBeGreaterThan(0);
    const reason = String(warnings[0].data?.reason ?? '');
    expect(reason.length).toBeGreaterThan(0);
    expect(reason).toMatch(/cuda|dml|coreml|shared library|provider|backend/i);
  });

  it('tells the job itself: a warning event and result.warnings name the fallback and its reason', () => {
    const jobWarnings = events.filter(
      (e): e is Extract<JobEvent, { status: 'warning' }> => e.status === 'warning',
    );
    const name = new RegExp(unavailable, 'i');
    expect(jobWarnings.some((w) => name.test(w.message) && /cpu/i.test(w.message))).toBe(true);
    expect(result.warnings.some((w) => name.test(w) && /cpu/i.test(w))).toBe(true);
  });
});

describe('platformProviders', () => {
  it('offers only what this platform build can run, CPU always last', () => {
    const list = platformProviders();
    expect(list.at(-1)).toBe('cpu');
    if (process.platform === 'linux' && !cudaInstalled) expect(list).toEqual(['cpu']);
  });
});
