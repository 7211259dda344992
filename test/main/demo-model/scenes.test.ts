import { describe, expect, it } from 'vitest';
import {
  BACKGROUND_RGB,
  COLOUR_RGB,
  GEOMETRY,
  sceneSpecs,
} from '../../../main/demo-model/design.ts';
import { drawScene } from '../../../main/demo-model/scenes.ts';

const S = GEOMETRY.size;
const red = sceneSpecs().find((s) => s.caption === 'a red circle on a dark background')!;

describe('demo scenes', () => {
  it('has 96 distinct captioned scenes: 6 shapes × 8 colours × 2 backgrounds', () => {
    const specs = sceneSpecs();
    expect(specs).toHaveLength(96);
    expect(new Set(specs.map((s) => s.caption)).size).toBe(96);
    expect(new Set(specs.map((s) => s.shape))).toEqual(
      new Set(['circle', 'square', 'triangle', 'star', 'ring', 'cross']),
    );
    expect(specs[0].caption).toBe('a red circle on a light background');
  });

  it('draws a centred disc of the design radius in the scene colour', () => {
    const img = drawScene(red);
    const r = Math.sqrt(55_000 / Math.PI);
    let wrong = 0;
    for (let y = 0; y < S; y++) {
      for (let x = 0; x < S; x++) {
        const inside = Math.hypot(x + 0.5 - S / 2, y + 0.5 - S / 2) < r;
        const want = inside ? COLOUR_RGB.red : BACKGROUND_RGB.dark;
        for (let c = 0; c < 3; c++)
          if (img[c * S * S + y * S + x] !== Math.fround(want[c])) wrong++;
      }
    }
    expect(wrong).toBe(0);
  });

  it('gives every shape the same area (within 1.5%), so no shape is favoured from noise', () => {
    for (const shape of ['circle', 'square', 'triangle', 'star', 'ring', 'cross']) {
      const spec = sceneSpecs().find((s) => s.shape === shape && s.colour === 'white')!;
      const img = drawScene(spec);
      let area = 0;
      for (let i = 0; i < S * S; i++) if (img[i] === Math.fround(COLOUR_RGB.white[0])) area++;
      expect(Math.abs(area - 55_000) / 55_000, shape).toBeLessThan(0.015);
    }
  });

  it('adds a thin outline band just outside the shape for the refiner', () => {
    const plain = drawScene(red);
    const outlined = drawScene(red, { outline: true });
    const r = Math.sqrt(55_000 / Math.PI);
    const at = (img: Float32Array, x: number) => img[(S / 2) * S + x]; // red channel, middle row
    const edge = Math.ceil(S / 2 + r + 3); // 3 px outside the disc
    expect(at(plain, edge)).toBeCloseTo(BACKGROUND_RGB.dark[0], 6);
    expect(at(outlined, edge)).toBe(1); // light outline on the dark background
    expect(at(outlined, Math.ceil(S / 2 + r + 14))).toBeCloseTo(BACKGROUND_RGB.dark[0], 6);
    expect(at(outlined, S / 2)).toBeCloseTo(COLOUR_RGB.red[0], 6);
  });
});
