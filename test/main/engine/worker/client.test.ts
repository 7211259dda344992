// @vitest-environment node
/**
 * The engine behind its worker thread (createEngineClient): a job end to end with progress
 * events, a cancel that leaves no result and lets the next job run, close(), and a crashed worker.
 *
 * The client starts the default worker entry from this process, which has no tsx loader of its
 * own (Node 20 ignores `--import tsx` in a Worker's execArgv), as a plain Node host would.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobEvent } from '../../../../common/generation.ts';
import { createEngineClient } from '../../../../main/engine/index.ts';
import type { EngineClient } from '../../../../main/engine/worker/types.ts';
import { buildModels, decodePng, fixtureRoot, rejection, smallRequest } from '../support.ts';

let cleanup: () => Promise<void>;
let model: string;
let client: EngineClient;

beforeAll(async () => {
  const root = await fixtureRoot();
  cleanup = root.cleanup;
  ({ model } = await buildModels(root.dir, { model: 'optimum-1.24' }));
  client = startClient();
});

const CRASH_HOST = new URL('./crash-host.mjs', import.meta.url);
const quiet = { logLevel: 'error', onLog: () => undefined } as const;

function startClient(): EngineClient {
  return createEngineClient(quiet);
}

/** Settles with the promise, or rejects after `ms` so a hang fails the test quickly. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  // The loser may still settle later (e.g. rejected by close()); that is not an unhandled error.
  promise.catch(() => undefined);
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

afterAll(async () => {
  await client?.close();
  await cleanup?.();
});

type StepEvent = Extract<JobEvent, { status: 'step' }>;

describe('createEngineClient', () => {
  it('runs a job end to end in the worker with step i of n, elapsedMs and msPerStep', async () => {
    const events: JobEvent[] = [];
    const off = client.onEvent((e) => events.push(e));
    const job = client.generate(smallRequest(model, { steps: 3 }));
    const result = await job.result;
    off();

    const image = await decodePng(result.images[0].png);
    expect([image.width, image.height]).toEqual([64, 64]);
    expect(result.provider).toBe('cpu');

    const mine = events.filter((e) => e.jobId === job.jobId);
    const steps = mine.filter((e): e is StepEvent => e.status === 'step');
    expect(steps.map((s) => `${s.step}/${s.totalSteps}`)).toEqual(['1/3', '2/3', '3/3']);
    for (const s of steps) {
      expect(s.elapsedMs).toBeGreaterThan(0);
      expect(s.msPerStep).toBeCloseTo(s.elapsedMs / s.step, 6);
    }
    const statuses = mine.map((e) => e.status);
    expect(statuses[0]).toBe('queued');
    expect(statuses.at(-1)).toBe('done');
    expect(statuses).toContain('started');
  });

  it('cancels a running job: CANCELLED, a cancelled event, no done, and the next job still runs', async () => {
    const events: JobEvent[] = [];
    const off = client.onEvent((e) => events.push(e));
    let jobId = '';
    const cancelOnFirstStep = client.onEvent((e) => {
      if (e.jobId === jobId && e.status === 'step' && e.step === 1) client.cancel(jobId);
    });
    const job = client.generate(smallRequest(model, { steps: 200 }));
    jobId = job.jobId;
    const error = await rejection(job.result);
    cancelOnFirstStep();

    expect(error.code).toBe('CANCELLED');
    const next = await client.generate(smallRequest(model, { steps: 2 })).result;
    expect(next.images).toHaveLength(1);
    off();

    const mine = events.filter((e) => e.jobId === jobId);
    expect(mine.map((e) => e.status)).toContain('cancelled');
    expect(mine.map((e) => e.status)).not.toContain('done');
    // The cancel travels to the worker and is seen within a few of the 200 steps.
    const stepsRun = mine.filter((e) => e.status === 'step').length;
    expect(stepsRun).toBeGreaterThanOrEqual(1);
    expect(stepsRun).toBeLessThan(200);
  });

  it('answers providers() from the worker', async () => {
    const providers = await client.providers();
    expect(providers[0]).toBe('auto');
    expect(providers).toContain('cpu');
  });

  it('close() on an idle client terminates it: later calls reject', async () => {
    const own = startClient();
    expect(await own.providers()).toContain('cpu');
    await own.close();
    await expect(own.generate(smallRequest(model)).result).rejects.toThrow(/closed/);
    await expect(own.providers()).rejects.toThrow(/closed/);
  });

  it('close() while a job runs rejects that job with CANCELLED and does not abort the process', async () => {
    // Run in a child process: terminating a worker inside session.run can abort the whole process
    // natively ("terminate called after throwing an instance of 'Napi::Error'").
    const script = fileURLToPath(new URL('./close-mid-run.mjs', import.meta.url));
    const child = spawnSync(process.execPath, [script, model, '5', '64'], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    const output = `${child.stdout}\n${child.stderr}`;
    expect(output).not.toMatch(/terminate called|Napi::Error/);
    expect(child.status).toBe(0);
    expect(child.stdout.trim().split('\n')).toEqual([
      'round 0: job rejected CANCELLED',
      'round 1: job rejected CANCELLED',
      'round 2: job rejected CANCELLED',
      'round 3: job rejected CANCELLED',
      'round 4: job rejected CANCELLED',
      'done',
    ]);
  });

  it('after the worker crashes, pending and later calls reject instead of hanging', async () => {
    const own = createEngineClient({ ...quiet, workerUrl: CRASH_HOST });
    try {
      const first = await rejection(
        within(own.generate(smallRequest(model)).result, 10_000, 'job'),
      );
      expect(first.code).toBe('INTERNAL');
      expect(first.message).toMatch(/crashed|exited/);
      // The worker is gone now; new work must fail at once, not wait forever.
      await new Promise((resolve) => setTimeout(resolve, 50));
      const later = await rejection(within(own.generate(smallRequest(model)).result, 2_000, 'job'));
      expect(later.code).toBe('INTERNAL');
      await expect(within(own.providers(), 2_000, 'providers()')).rejects.toMatchObject({
        code: 'INTERNAL',
      });
    } finally {
      await own.close();
    }
  });
});
