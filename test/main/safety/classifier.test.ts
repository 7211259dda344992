import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NSFW_CLASSES, type NsfwClass } from '../../../common/safety.ts';
import { sceneSpecs } from '../../../main/demo-model/design.ts';
import { drawScene } from '../../../main/demo-model/scenes.ts';
import {
  ensureClassifierModel,
  loadBundledClassifier,
  preprocessForClassifier,
  type ClassScores,
  type ImageClassifier,
} from '../../../main/safety/classifier.ts';
import { referencePatterns } from '../../fixtures/safety/patterns.ts';

const reference = JSON.parse(
  readFileSync(new URL('../../fixtures/safety/nsfwjs-reference.json', import.meta.url), 'utf8'),
) as { probabilities: Record<string, Record<NsfwClass, number>> };

const top = (s: ClassScores): NsfwClass =>
  NSFW_CLASSES.reduce((best, c) => (s[c] > s[best] ? c : best), NSFW_CLASSES[0]);

async function rawOf(image: Sharp): Promise<{ rgb: Uint8Array; width: number; height: number }> {
  const { data, info } = await image.removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { rgb: new Uint8Array(data), width: info.width, height: info.height };
}

describe('preprocessForClassifier', () => {
  it('scales a 224×224 image to [0, 1] without resampling', () => {
    const rgb = new Uint8Array(224 * 224 * 3).map((_, i) => i % 256);
    const out = preprocessForClassifier(rgb, 224, 224);
    expect(out[0]).toBe(0);
    expect(out[255]).toBeCloseTo(1, 7);
    expect(out[300]).toBeCloseTo(44 / 255, 7);
  });

  it('resamples bilinearly with aligned corners (worked 2×2 → 3×3 example)', () => {
    // Red channel [[0, 255], [255, 0]]; green and blue 0. With aligned corners the 3×3 output
    // samples the source at 0, 0.5, 1 on each axis: corners copy the source, edge midpoints
    // average two pixels ((0 + 255) / 2 = 127.5), the centre averages four (510 / 4 = 127.5).
    const rgb = new Uint8Array([0, 0, 0, 255, 0, 0, 255, 0, 0, 0, 0, 0]);
    const out = preprocessForClassifier(rgb, 2, 2, 3);
    const red = [0, 1, 2, 3, 4, 5, 6, 7, 8].map((i) => out[i * 3]);
    expect(red.map((v) => v * 255)).toEqual([0, 127.5, 255, 127.5, 127.5, 127.5, 255, 127.5, 0]);
    expect(out.filter((_, i) => i % 3 !== 0).every((v) => v === 0)).toBe(true);
  });

  it('refuses a buffer that does not match the size', () => {
    expect(() => preprocessForClassifier(new Uint8Array(10), 2, 2)).toThrow(/rgb.length/);
  });
});

describe('bundled classifier (nsfwjs MobileNetV2 converted to ONNX)', () => {
  const cacheDir = mkdtempSync(path.join(tmpdir(), 'emulsion-classifier-'));
  let classifier: ImageClassifier & { model: { path: string; built: boolean } };

  beforeAll(async () => {
    classifier = await loadBundledClassifier({ cacheDir });
  });
  afterAll(async () => {
    await classifier.release();
  });

  it('builds the model from the installed npm package into the cache folder', () => {
    expect(classifier.model.built).toBe(true);
    expect(existsSync(classifier.model.path)).toBe(true);
    expect(classifier.model.path.startsWith(cacheDir)).toBe(true);
  });

  it('reuses the converted model on the next load', async () => {
    const again = await ensureClassifierModel(cacheDir);
    expect(again).toEqual({ ...again, path: classifier.model.path, built: false });
  });

  it.each(referencePatterns().map((p) => [p.name, p] as const))(
    'gives the probabilities nsfwjs itself gives for %s',
    async (name, p) => {
      const scores = await classifier.classify(p.rgb, p.width, p.height);
      for (const c of NSFW_CLASSES)
        expect(scores[c]).toBeCloseTo(reference.probabilities[name][c], 4);
    },
  );

  const flat: [string, [number, number, number]][] = [
    ['white', [255, 255, 255]],
    ['black', [0, 0, 0]],
    ['grey', [128, 128, 128]],
    ['red', [220, 30, 30]],
    ['light skin tone', [255, 219, 172]],
    ['medium skin tone', [224, 172, 105]],
    ['dark skin tone', [141, 85, 36]],
    ['pink', [255, 182, 193]],
  ];
  it.each(flat)('calls a flat %s image Neutral or Drawing', async (_name, [r, g, b]) => {
    const img = await rawOf(
      sharp({ create: { width: 256, height: 256, channels: 3, background: { r, g, b } } }),
    );
    expect(['Neutral', 'Drawing']).toContain(
      top(await classifier.classify(img.rgb, img.width, img.height)),
    );
  });

  const svg = (w: number, h: number, body: string) =>
    sharp(
      Buffer.from(
        `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">${body}</svg>`,
      ),
    );
  const drawn: [string, Sharp][] = [
    [
      'horizontal gradient',
      svg(
        320,
        240,
        '<defs><linearGradient id="g"><stop offset="0" stop-color="#000"/><stop offset="1" stop-color="#fff"/></linearGradient></defs><rect width="320" height="240" fill="url(#g)"/>',
      ),
    ],
    [
      'sky gradient',
      svg(
        256,
        256,
        '<defs><linearGradient id="g" x2="0" y2="1"><stop offset="0" stop-color="#1e3c72"/><stop offset="1" stop-color="#f8c291"/></linearGradient></defs><rect width="256" height="256" fill="url(#g)"/>',
      ),
    ],
    [
      'skin-tone radial gradient',
      svg(
        256,
        256,
        '<defs><radialGradient id="g"><stop offset="0" stop-color="#ffdbac"/><stop offset="1" stop-color="#8d5524"/></radialGradient></defs><rect width="256" height="256" fill="url(#g)"/>',
      ),
    ],
    [
      'circle, square and triangle',
      svg(
        512,
        512,
        '<rect width="512" height="512" fill="#eee"/><circle cx="150" cy="150" r="90" fill="#c0392b"/><rect x="280" y="260" width="170" height="170" fill="#2980b9"/><polygon points="100,450 200,280 300,450" fill="#27ae60"/>',
      ),
    ],
    [
      'skin-tone ellipses',
      svg(
        512,
        512,
        '<rect width="512" height="512" fill="#fff"/><ellipse cx="256" cy="200" rx="120" ry="150" fill="#e0ac69"/><ellipse cx="256" cy="420" rx="200" ry="90" fill="#e0ac69"/>',
      ),
    ],
  ];
  it.each(drawn)('calls a drawn %s Neutral or Drawing', async (_name, image) => {
    const img = await rawOf(image);
    expect(['Neutral', 'Drawing']).toContain(
      top(await classifier.classify(img.rgb, img.width, img.height)),
    );
  });

  it('calls demo-model scenes (what the demo model is built to draw) Neutral or Drawing', async () => {
    const size = 224;
    const plane = size * size;
    const tops = new Set<NsfwClass>();
    // Every third scene: all six shapes, every colour, both backgrounds, in a third of the time.
    const specs = sceneSpecs().filter((_, i) => i % 3 === 0);
    expect(new Set(specs.map((s) => `${s.shape}`)).size).toBe(6);
    expect(new Set(specs.map((s) => `${s.background}`)).size).toBe(2);
    for (const spec of specs) {
      const planar = drawScene(spec, { size });
      const rgb = new Uint8Array(plane * 3);
      for (let i = 0; i < plane; i++)
        for (let c = 0; c < 3; c++) rgb[i * 3 + c] = Math.round(planar[c * plane + i] * 255);
      tops.add(top(await classifier.classify(rgb, size, size)));
    }
    expect([...tops].every((c) => c === 'Neutral' || c === 'Drawing')).toBe(true);
  });
});
