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
