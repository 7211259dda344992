import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GenerateResult } from '../../../../common/generation.ts';
import type { GenerateFn } from '../../../../main/eval/generator.ts';
import { parseAxis } from '../../../../main/eval/xyz/axes.ts';
import { composeGrid, wrapText } from '../../../../main/eval/xyz/grid.ts';
import { runXyzPlot } from '../../../../main/eval/xyz/run.ts';
import { fakeGenerator } from '../fixtures/shapes.ts';

async function solid(hex: string, size = 64): Promise<Uint8Array> {
  return sharp({ create: { width: size, height: size, channels: 3, background: hex } })
    .png()
    .toBuffer();
}

async function pixel(png: Buffer, x: number, y: number): Promise<number[]> {
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  const i = (y * info.width + x) * info.channels;
  return [data[i], data[i + 1], data[i + 2]];
}

/** Dark pixels (text) inside a rectangle of the grid. */
async function inkIn(png: Buffer, x0: number, y0: number, x1: number, y1: number): Promise<number> {
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  let n = 0;
  for (let y = y0; y < y1; y++)
    for (let x = x0; x < x1; x++) if (data[(y * info.width + x) * info.channels] < 128) n++;
  return n;
}

describe('wrapText', () => {
  it('wraps words to the width and cuts over-long words', () => {
    // 60 px at 10 px font, 0.6 em per glyph → 10 characters per line.
    expect(wrapText('DPM++ 2M Karras sampler', 60, 10)).toEqual(['DPM++ 2M', 'Karras', 'sampler']);
    expect(wrapText('abcdefghijklmno', 60, 10)).toEqual(['abcdefghij', 'klmno']);
  });
});

describe('composeGrid', () => {
  it('places each cell at its offset and draws the labels in the margins', async () => {
    const colours = [
      ['#ff0000', '#00ff00', '#0000ff'],
      ['#ffff00', '#00ffff', '#ff00ff'],
    ];
    const rows = await Promise.all(colours.map((r) => Promise.all(r.map((c) => solid(c)))));
    const { png, layout } = await composeGrid({
      rows,
      xLabels: ['2', '4', '8'],
      yLabels: ['Euler', 'Euler a'],
      xTitle: 'Steps',
      yTitle: 'Scheduler',
    });
    const meta = await sharp(png).metadata();
    expect([meta.width, meta.height]).toEqual([layout.width, layout.height]);
    const { left, top, cellWidth: cw, cellHeight: ch, gap } = layout;
    for (let y = 0; y < 2; y++)
      for (let x = 0; x < 3; x++) {
        const hex = colours[y][x];
        const expected = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
        expect(
          await pixel(png, left + x * (cw + gap) + cw / 2, top + y * (ch + gap) + ch / 2),
        ).toEqual(expected);
      }
    // Column labels above the cells, row labels left of them: dark glyph pixels there.
    expect(await inkIn(png, left, 0, layout.width, top)).toBeGreaterThan(20);
    expect(await inkIn(png, 0, top, left, top + ch)).toBeGreaterThan(20);
    expect(await inkIn(png, 0, top + ch + gap, left, top + 2 * ch + gap)).toBeGreaterThan(20);
  });
});

describe('runXyzPlot', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'emulsion-xyz-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('writes each cell with its settings, a labelled grid, and resumes', async () => {
    const spec = {
      base: { prompt: 'a red circle', width: 64, height: 64 },
      x: parseAxis('steps', '2, 4, 8'),
      y: parseAxis('prompt', 'red, blue'),
    };
    const calls: string[] = [];
    const result = await runXyzPlot(spec, dir, { generate: fakeGenerator({ calls }) });
    expect(result.cells).toHaveLength(6);
    expect(result.generated).toBe(6);
    const settings = JSON.parse(
      await fs.readFile(path.join(dir, 'cells', 'z0-y1-x2.json'), 'utf8'),
    );
    expect(settings).toMatchObject({
      labels: { x: '8', y: 'blue' },
      request: { prompt: 'a blue circle', steps: 8 },
    });
    const grid = await sharp(result.grid!).metadata();
    expect(grid.width).toBeGreaterThan(3 * 64);
    expect(grid.height).toBeGreaterThan(2 * 64);
    const again = await runXyzPlot(spec, dir, { generate: fakeGenerator({ calls }) });
    expect(again.generated).toBe(0);
    expect(calls).toHaveLength(6);
    await expect(
      runXyzPlot({ ...spec, x: parseAxis('steps', '3') }, dir, { generate: fakeGenerator() }),
    ).rejects.toThrow(/different XY\/Z plot/);
  });

  it('makes one grid per Z value and embeds metadata when the engine result is there', async () => {
    const inner = fakeGenerator();
    const withResult: GenerateFn = async (input) => {
      const image = await inner(input);
      const result = {
        images: [{ png: image.png, width: 64, height: 64, seed: image.seed, index: 0 }],
        request: {
          ...input,
          negativePrompt: '',
          steps: input.steps ?? 4,
          cfg: 7,
          scheduler: 'Euler a',
          seed: image.seed,
          seedMode: 'emulsion',
          width: 64,
          height: 64,
          batch: 1,
          provider: 'cpu',
          model: '/models/demo',
        },
        scheduler: { className: 'EulerAncestralDiscreteScheduler', displayName: 'Euler a' },
        provider: 'cpu',
        modelName: 'demo',
        timings: {
          totalMs: 1,
          sessionRunMs: 1,
          loadMs: 0,
          stages: { tokenize: 0, textEncoder: 0, unet: [], vaeDecode: 0, postprocess: 0 },
        },
        warnings: [],
      } as GenerateResult;
      return { ...image, result };
    };
    const result = await runXyzPlot(
      {
        base: { prompt: 'a red star', width: 64, height: 64 },
        x: parseAxis('seed', '1, 2'),
        y: parseAxis('cfg', '3, 7'),
        z: parseAxis('steps', '2, 4'),
      },
      dir,
      { generate: withResult },
    );
    expect(result.zGrids).toHaveLength(2);
    expect(result.cells).toHaveLength(8);
    const comments = (await sharp(result.cells[0].file).metadata()).comments ?? [];
    expect(comments.find((c) => c.keyword === 'parameters')?.text).toMatch(/^a red star\nSteps: 2/);
    const one = await sharp(result.zGrids[0]).metadata();
    const all = await sharp(result.grid!).metadata();
    expect(all.width).toBeGreaterThan(2 * one.width!);
  });
});
