import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EvalJobEvent } from '../../../main/eval/jobs.ts';
import { createEvalService, type EvalService } from '../../../main/eval/service.ts';
import { colourAudit } from './fixtures/audits.ts';
import { fakeGenerator } from './fixtures/shapes.ts';

let dir: string;
let service: EvalService;
let events: EvalJobEvent[];

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'emulsion-service-'));
  service = createEvalService({ generate: fakeGenerator() });
  events = [];
  service.onJobEvent((e) => events.push(e));
});
afterEach(async () => {
  await service.close();
  await fs.rm(dir, { recursive: true, force: true });
});

const finished = (jobId: string) =>
  new Promise<void>((resolve, reject) => {
    const check = () => {
      const last = events.filter((e) => e.jobId === jobId).at(-1);
      if (last?.status === 'done') return resolve();
      if (last?.status === 'error') return reject(new Error(last.error.message));
      setTimeout(check, 5);
    };
    check();
  });

describe('createEvalService', () => {
  it('plans, runs, labels and reports an audit as the views ask', async () => {
    const audit = path.join(dir, 'audit');
    const def = colourAudit({
      variants: [{ id: 'base', label: 'Base', settings: {} }],
      seeds: [0, 1],
    });
    expect(await service.planAudit(def)).toMatchObject({ cells: 6, images: 12 });
    const { jobId } = await service.startAudit(audit, def);
    await finished(jobId);
    expect(events.filter((e) => e.status === 'progress').at(-1)).toMatchObject({
      done: 12,
      total: 12,
    });
    const queue = await service.labellingQueue(audit, 'ana');
    expect(queue.items).toHaveLength(12);
    expect(path.isAbsolute(queue.items[0].file)).toBe(true);
    await service.saveLabel(audit, 'ana', {
      image: queue.items[0].image,
      attribute: 'colour',
      value: 'red',
    });
    await expect(
      service.saveLabel(audit, 'ana', {
        image: queue.items[0].image,
        attribute: 'colour',
        value: 'teal',
      }),
    ).rejects.toThrow(/`value`/);
    await expect(
      service.saveLabel(audit, '../x', {
        image: queue.items[0].image,
        attribute: 'colour',
        value: 'red',
      }),
    ).rejects.toThrow(/`annotator`/);
    expect((await service.labellingQueue(audit, 'ana')).items).toHaveLength(11);
    const { html } = await service.writeAuditReport(audit);
    expect(await fs.readFile(html, 'utf8')).toContain('annotator <code>ana</code>');
  });

  it('runs an XY/Z plot job and lists its cells', async () => {
    const out = path.join(dir, 'xyz');
    const { jobId } = await service.startXyz({
      base: { prompt: 'a red circle', width: 32, height: 32 },
      x: { kind: 'steps', values: '2,4' },
      y: { kind: 'cfg', values: '3,7' },
      out,
    });
    await finished(jobId);
    const result = await service.xyzResult(out);
    expect(result.cells.map((c) => c.id)).toEqual(['z0-y0-x0', 'z0-y0-x1', 'z0-y1-x0', 'z0-y1-x1']);
    await expect(fs.stat(result.grid)).resolves.toBeTruthy();
    await expect(
      service.startXyz({ base: { prompt: 'p' }, x: { kind: 'steps', values: 'x' }, out }),
    ).rejects.toThrow(/`x values`/);
  });

  it('judges a benchmark blind and ranks it', async () => {
    const bench = path.join(dir, 'bench');
    const job = await service.startBenchmark(bench, {
      version: 1,
      name: 'b',
      prompts: { ids: [1, 2, 3] },
      seeds: [0],
      settings: { width: 32, height: 32 },
      variants: [
        { id: 'a', label: 'A', settings: {} },
        { id: 'b', label: 'B', settings: { cfg: 3 } },
      ],
    });
    await job.result;
    const sessionDir = path.join(dir, 'ab');
    let state = await service.createAbSession(sessionDir, {
      version: 1,
      benchmark: bench,
      variants: ['a', 'b'],
      seed: 1,
      annotator: 'ana',
    });
    expect(state).toMatchObject({ voted: 0, total: 3 });
    expect(Object.keys(state.pair!).sort()).toEqual([
      'category',
      'id',
      'leftFile',
      'prompt',
      'rightFile',
    ]);
    while (state.pair) state = await service.vote(sessionDir, state.pair.id, 'left');
    const ranking = await service.abRanking(sessionDir);
    expect(ranking.votes).toBe(3);
    expect(ranking.ratings).toHaveLength(2);
    expect(ranking.ratings[0].eloLow).toBeLessThanOrEqual(ranking.ratings[0].elo);
    expect(ranking.agreements).toEqual([]);
  });
});
