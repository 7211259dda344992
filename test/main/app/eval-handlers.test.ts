/**
 * The evaluation calls over the real eval service and a fake engine: the workspace listing, an
 * XY plot and an audit run to the end with progress events, labels saved, model names mapped to
 * listed folders, and the safety policy of the settings applied to evaluation images too.
 */
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EvalJobEventDto } from '../../../common/ipc.ts';
import { isInside } from '../../../main/app/paths.ts';
import { DEMO_MODEL } from './fakes/engine.ts';
import { createTestStudio, waitFor, type TestStudio } from './fakes/host.ts';

let t: TestStudio;
let events: EvalJobEventDto[];
afterEach(async () => {
  await t?.cleanup();
});

async function start() {
  t = await createTestStudio({ stepMs: 1 });
  events = [];
  t.studio.onEvalJobEvent((e) => events.push(e));
}

const finished = (jobId: string) =>
  waitFor(
    () =>
      events.find(
        (e) =>
          e.jobId === jobId &&
          e.status !== 'queued' &&
          e.status !== 'running' &&
          e.status !== 'progress',
      ),
    10_000,
  );

const AUDIT = {
  version: 1 as const,
  name: 'colours',
  template: 'a {colour} shape',
  slots: { colour: ['red', 'blue'] },
  seeds: [0, 1],
  settings: { steps: 1, width: 64, height: 64 },
  variants: [{ id: 'base', label: 'Base', settings: {} }],
  attributes: [{ name: 'colour', values: ['red', 'blue'] }],
};

describe('evaluation calls', () => {
  it('lists the workspace with its audits, plots and A/B sessions', async () => {
    await start();
    await fs.mkdir(path.join(t.folders.eval, 'audits', 'jobs-2026'), { recursive: true });
    expect(await t.studio.handlers.evalWorkspace()).toEqual({
      root: t.folders.eval,
      audits: [{ name: 'jobs-2026', dir: path.join(t.folders.eval, 'audits', 'jobs-2026') }],
      xyz: [],
      ab: [],
    });
    expect(t.studio.roots()).toContain(t.folders.eval);
  });

  it('runs an XY plot into a new workspace folder, with progress events and a labelled grid', async () => {
    await start();
    const out = path.join(t.folders.eval, 'xyz', 'p1');
    const { jobId } = await t.studio.handlers.evalStartXyz({
      base: { prompt: 'a red circle', steps: 1, width: 64, height: 64 },
      x: { kind: 'seed', values: '1, 2' },
      y: { kind: 'cfg', values: '5, 7' },
      out,
    });
    expect(await finished(jobId)).toMatchObject({ status: 'done' });
    expect(events.filter((e) => e.jobId === jobId).map((e) => e.status)).toEqual([
      'queued',
      'running',
      'progress',
      'progress',
      'progress',
      'progress',
      'done',
    ]);
    expect(events.at(-2)).toMatchObject({ done: 4, total: 4 });
    const result = await t.studio.handlers.evalXyzResult({ out });
    expect(result.cells.map((c) => c.labels)).toEqual([
      { x: '1', y: '5' },
      { x: '2', y: '5' },
      { x: '1', y: '7' },
      { x: '2', y: '7' },
    ]);
    expect(existsSync(result.grid)).toBe(true);
    expect(isInside(result.grid, out)).toBe(true);
    expect(t.engine.generated.map((r) => [r.seed, r.cfg, r.width])).toEqual([
      [1, 5, 64],
      [2, 5, 64],
      [1, 7, 64],
      [2, 7, 64],
    ]);
    // Evaluation images run under the settings' policy, like the studio's own.
    expect(t.engine.generated.every((r) => r.safety === 'blur')).toBe(true);
  });

  it('stops an XY plot whose image the policy withheld, naming the reasons', async () => {
    await start();
    t.engine.flag = 'block';
    const { jobId } = await t.studio.handlers.evalStartXyz({
      base: { prompt: 'a red circle', steps: 1, width: 64, height: 64 },
      x: { kind: 'seed', values: '1, 2' },
      out: path.join(t.folders.eval, 'xyz', 'blocked'),
    });
    expect(await finished(jobId)).toMatchObject({
      status: 'error',
      error: {
        code: 'SAFETY_BLOCKED',
        message: 'The safety policy withheld this image: classifier: Porn 0.97 ≥ 0.5.',
      },
    });
    expect(t.engine.generated).toHaveLength(1);
  });

  it('runs a benchmark into a blind A/B session that takes votes and ranks', async () => {
    await start();
    const dir = path.join(t.folders.eval, 'ab', 'euler-vs-ddim');
    const request = {
      dir,
      name: 'euler-vs-ddim',
      prompts: { categories: ['Animals'], count: 2 },
      seeds: [3],
      settings: { width: 64, height: 64, steps: 2 },
      variants: [
        { id: 'euler', label: 'Euler', settings: { scheduler: 'Euler' } },
        { id: 'ddim', label: 'DDIM', settings: { scheduler: 'DDIM', model: DEMO_MODEL.path } },
      ],
    };
    const { jobId } = await t.studio.handlers.evalStartBenchmark(request);
    expect(await finished(jobId)).toMatchObject({
      status: 'done',
      summary: { status: 'complete', generated: 4, session: dir, pairs: 2 },
    });
    // 2 prompts × 1 seed × 2 variants, every image with the fixed seed and its variant's settings.
    expect(t.engine.generated.map((r) => [r.scheduler, r.seed, r.steps, r.width])).toEqual([
      ['Euler', 3, 2, 64],
      ['Euler', 3, 2, 64],
      ['DDIM', 3, 2, 64],
      ['DDIM', 3, 2, 64],
    ]);
    expect(events.filter((e) => e.jobId === jobId && e.status === 'progress').at(-1)).toMatchObject(
      { done: 4, total: 4 },
    );
    expect((await t.studio.handlers.evalWorkspace()).ab).toEqual([{ name: 'euler-vs-ddim', dir }]);
    const first = await t.studio.handlers.evalAbState({ dir });
    expect(first).toMatchObject({ voted: 0, total: 2, skipped: 0 });
    // Both sides show the same prompt and seed: the files differ only in the variant folder.
    const [left, right] = [first.pair!.leftFile, first.pair!.rightFile].map((f) =>
      path.relative(path.join(dir, 'benchmark', 'images'), f).split(path.sep),
    );
    expect(left[1]).toBe(right[1]);
    expect([left[0], right[0]].sort()).toEqual(['ddim', 'euler']);
    const second = await t.studio.handlers.evalVote({
      dir,
      pairId: first.pair!.id,
      choice: 'left',
    });
    await t.studio.handlers.evalVote({ dir, pairId: second.pair!.id, choice: 'left' });
    const ranking = await t.studio.handlers.evalAbRanking({ dir });
    expect(ranking.votes).toBe(2);
    expect(ranking.labels).toEqual({ euler: 'Euler', ddim: 'DDIM' });
    expect(ranking.ratings.map((r) => r.comparisons)).toEqual([2, 2]);

    // The same request again resumes: no image is generated twice and the votes stay.
    const again = await t.studio.handlers.evalStartBenchmark(request);
    expect(await finished(again.jobId)).toMatchObject({ status: 'done' });
    expect(t.engine.generated).toHaveLength(4);
    expect(await t.studio.handlers.evalAbState({ dir })).toMatchObject({ voted: 2, total: 2 });
  });

  it('refuses a different benchmark in a session folder and writes nothing', async () => {
    await start();
    const dir = path.join(t.folders.eval, 'ab', 'taken');
    const request = {
      dir,
      name: 'taken',
      prompts: { count: 1 },
      seeds: [1],
      settings: { width: 64, height: 64, steps: 1 },
      variants: [
        { id: 'a', label: 'A', settings: {} },
        { id: 'b', label: 'B', settings: { steps: 2 } },
      ],
    };
    const { jobId } = await t.studio.handlers.evalStartBenchmark(request);
    await finished(jobId);
    const files = await fs.readdir(dir, { recursive: true });
    await expect(
      t.studio.handlers.evalStartBenchmark({ ...request, seeds: [2] }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', details: { field: 'dir' } });
    expect(await fs.readdir(dir, { recursive: true })).toEqual(files);
  });

  it('maps model names on a model axis to the listed folders', async () => {
    await start();
    const out = path.join(t.folders.eval, 'xyz', 'models');
    const { jobId } = await t.studio.handlers.evalStartXyz({
      base: { prompt: 'a shape', steps: 1, width: 64, height: 64 },
      x: { kind: 'model', values: `emulsion-shapes, ${DEMO_MODEL.path}` },
      out,
    });
    await finished(jobId);
    expect(t.engine.generated.map((r) => r.model)).toEqual([DEMO_MODEL.path, DEMO_MODEL.path]);
  });

  it('runs an audit, serves its labelling queue and saves labels', async () => {
    await start();
    const dir = path.join(t.folders.eval, 'audits', 'colours');
    expect(await t.studio.handlers.evalPlanAudit(AUDIT)).toMatchObject({ cells: 2, images: 4 });
    const { jobId } = await t.studio.handlers.evalStartAudit({ dir, definition: AUDIT });
    expect(await finished(jobId)).toMatchObject({ status: 'done' });
    const queue = await t.studio.handlers.evalLabellingQueue({ dir, annotator: 'ana' });
    expect(queue.attributes).toEqual(AUDIT.attributes);
    expect(queue.items).toHaveLength(4);
    expect(queue.items.every((i) => isInside(i.file, dir) && existsSync(i.file))).toBe(true);
    await t.studio.handlers.evalSaveLabel({
      dir,
      annotator: 'ana',
      label: { image: queue.items[0].image, attribute: 'colour', value: 'red' },
    });
    const labels = await fs.readFile(path.join(dir, 'labels', 'ana.jsonl'), 'utf8');
    expect(labels).toContain('"value":"red"');
    const report = await t.studio.handlers.evalWriteAuditReport({ dir });
    expect(isInside(report.html, dir)).toBe(true);
  });

  it('refuses an audit definition before creating its folder', async () => {
    await start();
    const dir = path.join(t.folders.eval, 'audits', 'broken');
    await expect(
      t.studio.handlers.evalStartAudit({ dir, definition: { ...AUDIT, slots: {} } }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', details: { field: 'slots.colour' } });
    expect(existsSync(dir)).toBe(false);
  });
});
