/**
 * Cost of the bundled safety classifier: converting nsfwjs to ONNX (first use only), loading the
 * session, and the time per image, preprocessing included, at preview and final sizes. Medians
 * after warm-up runs, in milliseconds.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureClassifierModel, loadBundledClassifier } from './classifier.ts';

export interface SafetyBenchResult {
  name: 'safety-classifier';
  [figure: string]: unknown;
  convertMs: number;
  loadMs: number;
  /** Median ms per image by size, e.g. `64x64` (a preview at latent size) or `512x512`. */
  msPerImage: Record<string, number>;
  runs: number;
}

export interface SafetyBenchOptions {
  /** Timed runs per size (after two warm-up runs); default 20. */
  runs?: number;
  sizes?: [number, number][];
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** A deterministic image with some structure (not a flat colour the resize could skip over). */
function pattern(width: number, height: number): Uint8Array {
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      rgb[i] = (x * 7) & 255;
      rgb[i + 1] = (y * 5) & 255;
      rgb[i + 2] = ((x ^ y) * 3) & 255;
    }
  return rgb;
}

export async function benchSafetyClassifier(
  options: SafetyBenchOptions = {},
): Promise<SafetyBenchResult> {
  const runs = options.runs ?? 20;
  const sizes = options.sizes ?? [
    [64, 64],
    [224, 224],
    [512, 512],
    [1024, 1024],
  ];
  const cacheDir = await mkdtemp(path.join(tmpdir(), 'emulsion-safety-bench-'));
  try {
    let t = performance.now();
    await ensureClassifierModel(cacheDir);
    const convertMs = performance.now() - t;
    t = performance.now();
    const classifier = await loadBundledClassifier({ cacheDir });
    const loadMs = performance.now() - t;
    const msPerImage: Record<string, number> = {};
    for (const [w, h] of sizes) {
      const rgb = pattern(w, h);
      for (let i = 0; i < 2; i++) await classifier.classify(rgb, w, h);
      const times: number[] = [];
      for (let i = 0; i < runs; i++) {
        const start = performance.now();
        await classifier.classify(rgb, w, h);
        times.push(performance.now() - start);
      }
      msPerImage[`${w}x${h}`] = Math.round(median(times) * 100) / 100;
    }
    await classifier.release();
    return {
      name: 'safety-classifier',
      convertMs: Math.round(convertMs),
      loadMs: Math.round(loadMs),
      msPerImage,
      runs,
    };
  } finally {
    await rm(cacheDir, { recursive: true, force: true });
  }
}
