import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDemoModels } from '../../../main/demo-model/index.ts';

const BIN = path.resolve('bin/emulsion.js');
let dir: string;

function cli(args: string[]) {
  const run = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

beforeAll(async () => {
  await ensureDemoModels();
  dir = mkdtempSync(path.join(tmpdir(), 'emulsion-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('emulsion generate', () => {
  it('writes an image with the demo model when no --model is given', async () => {
    const out = path.join(dir, 'x.png');
    const run = cli([
      'generate',
      '--prompt',
      'a red circle',
      '--steps',
      '8',
      '--width',
      '256',
      '--height',
      '256',
      '--out',
      out,
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const meta = await sharp(out).metadata();
    expect([meta.width, meta.height, meta.format]).toEqual([256, 256, 'png']);
  });

  it('prints outputs, seed, provider and stage timings with --json', () => {
    const out = path.join(dir, 'json.png');
    const run = cli([
      'generate',
      '--prompt',
      'a blue square',
      '--steps',
      '4',
      '--seed',
      '42',
      '--width',
      '128',
      '--height',
      '128',
      '--out',
      out,
      '--json',
    ]);
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(json.outputs).toEqual([out]);
    expect(json.seed).toBe(42);
    expect(json.provider).toBe('cpu');
    expect(json.timings.totalMs).toBeGreaterThan(0);
    expect(json.timings.sessionRunMs).toBeGreaterThan(0);
    expect(json.timings.sessionRunMs).toBeLessThanOrEqual(json.timings.totalMs);
    expect(json.timings.stages.unet).toHaveLength(4);
    for (const key of ['tokenize', 'textEncoder', 'vaeDecode']) {
      expect(typeof json.timings.stages[key]).toBe('number');
    }
  });

  it('writes a folder of seed-named images for batches', () => {
    const out = path.join(dir, 'batch');
    const run = cli([
      'generate',
      '--prompt',
      'a star',
      '--steps',
      '3',
      '--seed',
      '9',
      '--batch',
      '2',
      '--width',
      '64',
      '--height',
      '64',
      '--out',
      out,
    ]);
    expect(run.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['00000-9.png', '00001-10.png']);
  });

  it.each([
    [['--width', '100'], '--width', 'multiple of 8'],
    [['--steps', '0'], '--steps', 'integer from 1'],
    [['--steps', 'many'], '--steps', 'a number'],
    [['--scheduler', 'Warp drive'], '--scheduler', 'Euler a'],
    [['--init', 'missing.png', '--strength', '1.5'], '--strength', 'from 0 to 1'],
    [['--bogus', '1'], '--bogus', '--prompt'],
  ])('exits 2 naming the flag for bad input %j', (extra, flag, allowed) => {
    const run = cli(['generate', '--prompt', 'x', '--out', path.join(dir, 'bad.png'), ...extra]);
    expect(run.code).toBe(2);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(flag);
    expect(lines[0]).toContain(allowed);
    expect(existsSync(path.join(dir, 'bad.png'))).toBe(false);
  });

  it('writes nothing when interrupted mid-run', async () => {
    const out = path.join(dir, 'cancelled.png');
    const child = spawn(process.execPath, [
      BIN,
      'generate',
      '--prompt',
      'a ring',
      '--steps',
      '1000',
      '--out',
      out,
      '--log-level',
      'info',
    ]);
    let stderr = '';
    const denoising = new Promise<void>((resolve) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes('denoising')) resolve();
      });
    });
    await denoising;
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(130);
    expect(stderr).toContain('cancelled');
    expect(readdirSync(dir).filter((f) => f.startsWith('cancelled') || f.includes('.tmp'))).toEqual(
      [],
    );
  });
});
