import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EmulsionError } from '../../../../common/errors.ts';
import { runAuditImages } from '../../../../main/eval/audit/runner.ts';
import { createAudit, JOURNAL_FILE, readImages } from '../../../../main/eval/audit/store.ts';
import type { GenerateFn } from '../../../../main/eval/generator.ts';
import { colourAudit } from '../fixtures/audits.ts';
import { drawShape, fakeGenerator } from '../fixtures/shapes.ts';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'emulsion-audit-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

/** Dies (throws a non-cancel error) on call number `after + 1`, like a crashed process. */
function crashingAfter(after: number, calls: string[]): GenerateFn {
  const inner = fakeGenerator({ calls });
  let n = 0;
  return async (input, signal) => {
    if (++n > after) throw new Error('simulated crash');
    return inner(input, signal);
  };
}

describe('runAuditImages', () => {
  it('generates every (variant, cell, seed) once and journals each', async () => {
    const def = colourAudit();
    await createAudit(dir, def);
    const calls: string[] = [];
    const progress: number[] = [];
    const result = await runAuditImages(dir, {
      generate: fakeGenerator({ calls }),
      onProgress: (p) => progress.push(p.done),
    });
    expect(result).toMatchObject({ status: 'complete', total: 48, done: 48, generated: 48 });
    expect(calls).toHaveLength(48);
    expect(progress.at(-1)).toBe(48);
    const { byKey, duplicates } = await readImages(dir);
    expect(byKey.size).toBe(48);
    expect(duplicates).toBe(0);
    const record = byKey.get('cfg3/c5/3')!;
    expect(record).toMatchObject({
      prompt: 'a blue ring',
      seed: 3,
      width: 64,
      file: 'images/cfg3/c5/3.png',
    });
    await expect(fs.stat(path.join(dir, record.file))).resolves.toBeTruthy();
  });

  it('resumes after a crash without generating any task twice', async () => {
    await createAudit(dir, colourAudit());
    const calls: string[] = [];
    await expect(runAuditImages(dir, { generate: crashingAfter(17, calls) })).rejects.toThrow(
      /simulated crash/,
    );
    expect((await readImages(dir)).byKey.size).toBe(17);
    const result = await runAuditImages(dir, { generate: fakeGenerator({ calls }) });
    expect(result).toMatchObject({ status: 'complete', resumedFrom: 17, generated: 31, done: 48 });
    // Each variant has the same prompts and seeds, so count keys by variant via the journal.
    const lines = (await fs.readFile(path.join(dir, JOURNAL_FILE), 'utf8')).trim().split('\n');
    const keys = lines.map((l) => JSON.parse(l).key);
    expect(new Set(keys).size).toBe(48);
    expect(keys).toHaveLength(48);
    expect(calls).toHaveLength(48);
  });

  it('journals an image that reached disk before the crash instead of regenerating it', async () => {
    await createAudit(
      dir,
      colourAudit({ variants: [{ id: 'base', label: 'Base', settings: {} }] }),
    );
    await runAuditImages(dir, { generate: fakeGenerator(), limit: 5 });
    // The sixth task's PNG was renamed into place, then the process died before the append.
    const orphan = path.join(dir, 'images/base/c1/1.png');
    await fs.mkdir(path.dirname(orphan), { recursive: true });
    await fs.writeFile(orphan, await drawShape('star', 'red'));
    const calls: string[] = [];
    const result = await runAuditImages(dir, { generate: fakeGenerator({ calls }) });
    expect(result).toMatchObject({ recovered: 1, generated: 24 - 6, done: 24 });
    expect(calls).not.toContain('a red star#1');
    expect((await readImages(dir)).byKey.get('base/c1/1')?.recovered).toBe(true);
  });

  it('regenerates a task whose image file is damaged (a crash cannot leave one, a disk can)', async () => {
    await createAudit(
      dir,
      colourAudit({ variants: [{ id: 'base', label: 'Base', settings: {} }] }),
    );
    const broken = path.join(dir, 'images/base/c0/0.png');
    await fs.mkdir(path.dirname(broken), { recursive: true });
    await fs.writeFile(broken, Buffer.from('not a png'));
    const calls: string[] = [];
    await runAuditImages(dir, { generate: fakeGenerator({ calls }), limit: 1 });
    expect(calls).toEqual(['a red circle#0']);
  });

  it('survives a torn last journal line', async () => {
    await createAudit(
      dir,
      colourAudit({ variants: [{ id: 'base', label: 'Base', settings: {} }] }),
    );
    await runAuditImages(dir, { generate: fakeGenerator(), limit: 3 });
    await fs.appendFile(path.join(dir, JOURNAL_FILE), '{"v":1,"key":"base/c0/3","vari');
    const result = await runAuditImages(dir, { generate: fakeGenerator() });
    expect(result).toMatchObject({ resumedFrom: 3, done: 24 });
    const lines = (await fs.readFile(path.join(dir, JOURNAL_FILE), 'utf8')).trim().split('\n');
    expect(lines.map((l) => JSON.parse(l).key)).toHaveLength(24);
  });

  it('stops at cancellation and resumes later', async () => {
    await createAudit(dir, colourAudit());
    const controller = new AbortController();
    const result = await runAuditImages(dir, {
      generate: fakeGenerator(),
      signal: controller.signal,
      onProgress: (p) => p.generated === 10 && controller.abort(),
    });
    expect(result).toMatchObject({ status: 'cancelled', done: 10 });
    const generator: GenerateFn = async () => {
      throw new EmulsionError('CANCELLED', 'cancelled');
    };
    await expect(runAuditImages(dir, { generate: generator })).resolves.toMatchObject({
      status: 'cancelled',
      done: 10,
    });
  });

  it('accepts the same definition again and refuses a different one in the folder', async () => {
    await createAudit(dir, colourAudit());
    await expect(createAudit(dir, colourAudit())).resolves.toBeUndefined();
    await expect(createAudit(dir, colourAudit({ name: 'other' }))).rejects.toThrow(
      /different audit/,
    );
  });
});
