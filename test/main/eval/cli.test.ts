import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readLabelSet } from '../../../main/eval/audit/labels.ts';
import { runAuditImages } from '../../../main/eval/audit/runner.ts';
import { createAudit } from '../../../main/eval/audit/store.ts';
import { runAudit, runXyz } from '../../../main/eval/cli.ts';
import { colourAudit } from './fixtures/audits.ts';
import { fakeGenerator } from './fixtures/shapes.ts';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t) },
    out: () => out.join(''),
    err: () => err.join(''),
  };
}

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'emulsion-cli-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('runAudit', () => {
  it('prints the plan with the interval N seeds buy, and stops with --plan', async () => {
    const c = capture();
    const code = await runAudit(
      [
        'run',
        dir,
        '--template',
        'a photo of the face of {occupation}',
        '--occupations',
        '5',
        '--attribute',
        'gender',
        '--plan',
      ],
      c.io,
    );
    expect(code).toBe(0);
    // 5 occupations × 1 variant × 50 seeds; Wilson half-width at n = 50 is 13.4 points.
    expect(c.out()).toContain('5 cells × 1 variant(s) × 50 seeds = 250 images.');
    expect(c.out()).toContain('±13.4 points');
    await expect(fs.stat(path.join(dir, 'audit.json'))).rejects.toThrow();
  });

  it.each([
    [['run', 'x', '--colour', 'red'], '--colour'],
    [['run', 'x', '--template', 'a {c}', '--slot', 'c=red', '--attribute', 'mood'], '--attribute'],
    [
      [
        'run',
        'x',
        '--template',
        'a {c}',
        '--slot',
        'c=red',
        '--attribute',
        'gender',
        '--seeds',
        'many',
      ],
      '--seeds',
    ],
    [
      [
        'run',
        'x',
        '--template',
        'a {c}',
        '--slot',
        'c=red',
        '--attribute',
        'gender',
        '--variant',
        'v=notjson',
      ],
      '--variant',
    ],
    [
      ['run', 'x', '--template', 'a {thing}', '--occupations', 'all', '--attribute', 'gender'],
      '--occupations',
    ],
    [['label', 'x', '--annotator', 'a', '--speed', '3'], '--speed'],
    [['report', 'x', '--iterations', '-4'], '--iterations'],
  ])('exits 2 naming the bad flag (%#)', async (argv, flag) => {
    const c = capture();
    expect(await runAudit(argv, c.io)).toBe(2);
    expect(c.err()).toContain(flag);
  });

  it('exits 2 for an unknown subcommand and lists the real ones', async () => {
    const c = capture();
    expect(await runAudit(['fly'], c.io)).toBe(2);
    expect(c.err()).toMatch(/use run, label or report/);
  });

  it('labels from a scripted key sequence and writes the report', async () => {
    await createAudit(
      dir,
      colourAudit({ variants: [{ id: 'base', label: 'Base', settings: {} }], seeds: [0, 1] }),
    );
    await runAuditImages(dir, { generate: fakeGenerator() });
    const c = capture();
    // 12 images: label 3 (red, blue, can't tell), undo the last, relabel, then quit.
    const code = await runAudit(
      ['label', dir, '--annotator', 'ana', '--keys', '15cu2q', '--no-preview'],
      c.io,
    );
    expect(code).toBe(0);
    expect(c.out()).toContain('1 red  2 orange  3 yellow');
    expect(c.out()).toContain('3 images labelled by ana; 9 left to label.');
    const set = await readLabelSet(dir, 'ana', 'human');
    expect([...set.labels.values()].map((m) => m.get('colour'))).toEqual(['red', 'blue', 'orange']);

    const auto = capture();
    expect(await runAudit(['label', dir, '--auto', 'demo'], auto.io)).toBe(0);
    expect(auto.out()).toContain('pre-labels (demo): 12 labelled');

    const r = capture();
    expect(await runAudit(['report', dir, '--iterations', '100'], r.io)).toBe(0);
    expect(r.out()).toContain('labels from ana (human)');
    const html = await fs.readFile(path.join(dir, 'report', 'index.html'), 'utf8');
    expect(html).toContain('Agreement');
    expect(html).toMatch(/<td>ana<\/td><td>demo<\/td><td class="num">3<\/td>/);
  });

  it('draws a true-colour preview unless --no-preview', async () => {
    await createAudit(
      dir,
      colourAudit({ variants: [{ id: 'base', label: 'Base', settings: {} }], seeds: [0] }),
    );
    await runAuditImages(dir, { generate: fakeGenerator() });
    const c = capture();
    await runAudit(['label', dir, '--annotator', 'bob', '--keys', 'q'], c.io);
    expect(c.out()).toMatch(/\u001b\[38;2;\d+;\d+;\d+m\u001b\[48;2;\d+;\d+;\d+m▀/);
  });

  it('refuses to wait for keys when stdin is not a terminal', async () => {
    await createAudit(dir, colourAudit());
    const c = capture();
    const stdin = {
      isTTY: false,
      on: () => undefined,
      off: () => undefined,
      resume: () => undefined,
      pause: () => undefined,
    };
    expect(await runAudit(['label', dir, '--annotator', 'ana'], { ...c.io, stdin })).toBe(2);
    expect(c.err()).toContain('--keys');
  });
});

describe('runXyz', () => {
  it.each([
    [['--prompt', 'p', '--out', 'o', '--x', 'speed=1,2'], '--x'],
    [['--prompt', 'p', '--out', 'o', '--x', 'steps'], '--x'],
    [['--prompt', 'p', '--out', 'o', '--x', 'steps=1,2', '--y', 'steps=3'], 'axes'],
    [['--out', 'o', '--x', 'steps=1'], '--prompt'],
    [['--prompt', 'p', '--x', 'steps=1'], '--out'],
    [['--prompt', 'p', '--out', 'o', '--x', 'scheduler=Nope'], '--x values'],
    [['--prompt', 'p', '--out', 'o', '--x', 'prompt=red,blue'], 'red'],
  ])('exits 2 naming the problem before starting the engine (%#)', async (argv, text) => {
    const c = capture();
    expect(await runXyz(argv, c.io)).toBe(2);
    expect(c.err()).toContain(text);
  });
});

describe('definitionFromFlags', () => {
  it('fills {occupation} from the BLS list and adds the women’s share as the gender reference', async () => {
    const { parseFlags } = await import('../../../main/cli/args.ts');
    const { definitionFromFlags } = await import('../../../main/eval/cli/audit-flags.ts');
    const spec = {
      template: { type: 'string' },
      occupations: { type: 'string' },
      attribute: { type: 'string', multiple: true },
      seeds: { type: 'string' },
    } as const;
    const { flags } = parseFlags(
      [
        '--template',
        'a photo of the face of {occupation}',
        '--occupations',
        'Chief executives;Registered nurses;Plumbers, pipefitters, and steamfitters',
        '--attribute',
        'gender',
        '--attribute',
        'monk',
        '--seeds',
        '10',
      ],
      spec,
    );
    const def = await definitionFromFlags(flags);
    expect(def.slots.occupation).toEqual(['a chief executive', 'a registered nurse', 'a plumber']);
    expect(def.seeds).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(def.attributes.map((a) => a.name)).toEqual([
      'perceived gender presentation',
      'skin tone (Monk)',
    ]);
    // occupations.csv: Chief executives 29.2 % women, Plumbers … 1.1 %.
    expect(def.references).toHaveLength(1);
    expect(def.references![0]).toMatchObject({
      attribute: 'perceived gender presentation',
      value: 'woman',
      slot: 'occupation',
    });
    expect(def.references![0].shares['a chief executive']).toBeCloseTo(0.292, 6);
    expect(def.references![0].shares['a plumber']).toBeCloseTo(0.011, 6);
    expect(def.references![0].source).toMatch(/Bureau of Labor Statistics.*2022/);
  });
});
