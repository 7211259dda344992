import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { previewControlHint } from '../../../main/app/control-hint.ts';
import { makePng } from './fakes/png.ts';

async function rgbOf(png: Uint8Array) {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data), width: info.width, height: info.height };
}

/** Left half black, right half white: one vertical edge down the middle. */
async function halves(size: number): Promise<Uint8Array> {
  const raw = new Uint8Array(size * size * 3);
  for (let y = 0; y < size; y++) {
    for (let x = size / 2; x < size; x++) raw.fill(255, (y * size + x) * 3, (y * size + x) * 3 + 3);
  }
  return new Uint8Array(
    await sharp(raw, { raw: { width: size, height: size, channels: 3 } })
      .png()
      .toBuffer(),
  );
}

describe('previewControlHint()', () => {
  it('inverts each channel: 255 minus the value', async () => {
    const hint = await previewControlHint({
      image: { data: makePng(16, 16, [30, 60, 200]) },
      preprocessor: 'invert',
      width: 16,
      height: 16,
    });
    const { data, width, height } = await rgbOf(hint.png);
    expect([width, height, hint.width, hint.height]).toEqual([16, 16, 16, 16]);
    expect(
      new Set(Array.from({ length: 256 }, (_, i) => data.slice(i * 3, i * 3 + 3).join())),
    ).toEqual(new Set(['225,195,55']));
  });

  it('draws Canny edges only along the edge of the image, at the generation size', async () => {
    const hint = await previewControlHint({
      image: { data: await halves(64) },
      preprocessor: 'canny',
      width: 64,
      height: 64,
    });
    const { data } = await rgbOf(hint.png);
    const white = new Set<number>();
    for (let y = 8; y < 56; y++) {
      for (let x = 0; x < 64; x++) if (data[(y * 64 + x) * 3] > 127) white.add(x);
    }
    // Every edge pixel sits within a pixel of the boundary between columns 31 and 32.
    expect([...white].every((x) => x >= 30 && x <= 33)).toBe(true);
    expect(white.size).toBeGreaterThan(0);
  });
});
