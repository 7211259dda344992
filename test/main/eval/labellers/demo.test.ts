import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import {
  CANT_TELL,
  DEMO_COLOUR,
  DEMO_SHAPE,
  GENDER_PRESENTATION,
} from '../../../../main/eval/audit/attributes.ts';
import { colourOfPixel, createDemoLabeller } from '../../../../main/eval/labellers/demo.ts';
import { rgbToHsv } from '../../../../main/eval/labellers/pixels.ts';
import { COLOURS, drawShape, SHAPE_NAMES } from '../fixtures/shapes.ts';

const labeller = createDemoLabeller();

describe('rgbToHsv', () => {
  it('matches hand-computed hexcone values', () => {
    expect(rgbToHsv(255, 0, 0)).toEqual([0, 1, 1]);
    // (0, 128, 255): max b, h = 60 · ((0 − 128)/255 + 4) = 209.88°
    const [h, s, v] = rgbToHsv(0, 128, 255);
    expect(h).toBeCloseTo(209.882, 2);
    expect(s).toBe(1);
    expect(v).toBe(1);
    expect(rgbToHsv(255, 0, 128)[0]).toBeCloseTo(329.882, 2);
  });
});

describe('colourOfPixel', () => {
  it('puts achromatic pixels in white, black or grey by value', () => {
    expect(colourOfPixel(250, 250, 250)).toBe('white');
    expect(colourOfPixel(10, 10, 12)).toBe('black');
    expect(colourOfPixel(128, 128, 128)).toBe('grey');
  });
});

describe('createDemoLabeller', () => {
  it('supports the demo colour and shape attributes only', () => {
    expect(labeller.supports(DEMO_COLOUR)).toBe(true);
    expect(labeller.supports(DEMO_SHAPE)).toBe(true);
    expect(labeller.supports(GENDER_PRESENTATION)).toBe(false);
    expect(labeller.supports({ name: 'colour', values: ['red', 'pink'] })).toBe(false);
  });

  for (const size of [64, 128]) {
    it(`labels every colour and shape on both backgrounds at ${size} px`, async () => {
      const wrong: string[] = [];
      for (const colour of Object.keys(COLOURS))
        for (const shape of SHAPE_NAMES)
          for (const background of ['light', 'dark'] as const) {
            const png = await drawShape(shape, colour, background, size);
            const labels = await labeller.label(png, [DEMO_COLOUR, DEMO_SHAPE]);
            if (labels.colour.value !== colour || labels.shape.value !== shape)
              wrong.push(
                `${colour} ${shape} on ${background} → ${labels.colour.value} ${labels.shape.value}`,
              );
          }
      expect(wrong).toEqual([]);
    });
  }

  it('reports the dominant colour’s share as confidence and only the asked values', async () => {
    const png = await drawShape('square', 'blue', 'light', 64);
    const { colour } = await labeller.label(png, [{ name: 'colour', values: ['red', 'blue'] }]);
    expect(colour.value).toBe('blue');
    expect(colour.confidence).toBeGreaterThan(0.8);
    expect(Object.keys(colour.scores!)).toEqual(['red', 'blue']);
  });

  it("says can't tell for a blank image", async () => {
    const blank = await sharp({
      create: { width: 64, height: 64, channels: 3, background: '#ccc' },
    })
      .png()
      .toBuffer();
    const labels = await labeller.label(blank, [DEMO_COLOUR, DEMO_SHAPE]);
    expect(labels.colour.value).toBe(CANT_TELL);
    expect(labels.shape.value).toBe(CANT_TELL);
  });

  it('refuses bytes that are not an image', async () => {
    await expect(labeller.label(new Uint8Array([1, 2, 3]), [DEMO_COLOUR])).rejects.toMatchObject({
      code: 'IMAGE_INVALID',
    });
  });
});

describe('colourOfPixel on generated-looking pixels', () => {
  it('reads a faintly tinted near-black as black, not by its unstable hue', () => {
    // (5, 20, 8): HSV saturation 0.75 at hue 132° (green), but chroma only 15/255 = 0.06.
    expect(colourOfPixel(5, 20, 8)).toBe('black');
    expect(colourOfPixel(245, 250, 240)).toBe('white');
    expect(colourOfPixel(40, 60, 130)).toBe('blue');
  });
});
