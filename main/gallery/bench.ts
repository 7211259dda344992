/**
 * Gallery search benchmark: index 10,000 images, then time prompt searches through the public
 * `Gallery.query` (FTS5 match, filters, count and the first page of 100). Target: under 50 ms each.
 *
 * Rows are written straight into the index (no PNG files), so the figures measure search alone.
 * Prompts are drawn from a fixed vocabulary with a Zipf-like distribution (a few very common words,
 * a long tail), 5% of them in Chinese, from a seeded generator so every run searches the same data.
 *
 *   npx tsx main/gallery/bench.ts            # prints the JSON report
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createUniform } from '../eval/random.ts';
import { Gallery } from './gallery.ts';
import type { ImageRecord } from './scan.ts';
import { openDatabase, upsertRecord } from './store.ts';
import type { GalleryQuery } from '../../common/gallery.ts';

export const SEARCH_TARGET_MS = 50;

const WORDS = (
  'portrait landscape castle lighthouse forest river mountain city night neon rain fog sunset ' +
  'dawn ocean storm cliff village market street cat dog fox owl dragon knight wizard robot ' +
  'astronaut garden flower rose tree autumn winter snow summer spring desert cave temple bridge ' +
  'tower ship train car bicycle window door library kitchen cafe tea coffee book lantern candle ' +
  'mirror glass crystal gold silver copper marble velvet silk leather paper ink watercolor oil ' +
  'pastel charcoal sketch photo cinematic dramatic soft moody vivid muted detailed intricate ' +
  'minimal surreal baroque gothic futuristic retro vintage analog film grain bokeh macro wide ' +
  'aerial closeup profile smiling serious old young child woman man girl boy crowd alone quiet ' +
  'busy golden blue red green purple orange teal pink black white grey warm cold light shadow'
).split(' ');
const CJK = ['一只猫', '东京夜景', '雨中的街道', '山水画', '樱花', '灯塔', '古老的城堡', '月光'];
const MODELS = [
  'dreamshaper-8',
  'sd15',
  'sdxl-base',
  'juggernaut-xl',
  'realistic-vision',
  'anything-v5',
  'sd21',
  'lcm-sd15',
];

function syntheticRecords(count: number): ImageRecord[] {
  const random = createUniform(20260101).next;
  // Zipf-like: word k is picked with probability proportional to 1 / (k + 1).
  const weights = WORDS.map((_, k) => 1 / (k + 1));
  const total = weights.reduce((a, b) => a + b, 0);
  const pick = () => {
    let r = random() * total;
    for (let k = 0; k < WORDS.length; k++) if ((r -= weights[k]) <= 0) return WORDS[k];
    return WORDS[WORDS.length - 1];
  };
  const start = Date.parse('2025-01-01T00:00:00Z');
  return Array.from({ length: count }, (_, i) => {
    const words = Array.from({ length: 12 + Math.floor(random() * 28) }, pick);
    const prompt =
      random() < 0.05
        ? `${CJK[i % CJK.length]}, ${words.slice(0, 6).join(', ')}`
        : words.join(', ');
    const createdAt = start + Math.floor(random() * 365 * 86_400_000);
    return {
      relPath: `${String(i).padStart(5, '0')}-${i * 7919}.png`,
      fileSize: 500_000,
      fileMtime: createdAt,
      createdAt,
      source: 'emulsion',
      format: 'png',
      width: 512,
      height: 512,
      prompt,
      negative: 'blurry, lowres, watermark',
      model: MODELS[Math.floor(random() * MODELS.length)],
      modelHash: null,
      seed: i * 7919,
      settings: JSON.stringify({ prompt, negativePrompt: 'blurry, lowres, watermark', extra: {} }),
      warnings: '[]',
    };
  });
}

export interface QueryTiming {
  name: string;
  query: GalleryQuery;
  /** Matches in all pages. */
  total: number;
  medianMs: number;
  p95Ms: number;
  maxMs: number;
}

export interface GallerySearchBench {
  rows: number;
  indexMs: number;
  repeats: number;
  queries: QueryTiming[];
  /** The slowest query's median. */
  worstMedianMs: number;
  targetMs: number;
  pass: boolean;
}

const QUERIES: { name: string; query: GalleryQuery }[] = [
  { name: 'browse, newest first', query: {} },
  { name: 'common word', query: { text: 'portrait' } },
  { name: 'rare word', query: { text: 'teal' } },
  { name: 'two words', query: { text: 'castle night' } },
  { name: 'prefix while typing', query: { text: 'light' } },
  {
    name: 'word + model + favourite',
    query: { text: 'forest', model: 'sdxl-base', favourite: false },
  },
  {
    name: 'word + date range',
    query: { text: 'city', from: Date.parse('2025-03-01'), to: Date.parse('2025-06-01') },
  },
  { name: 'Chinese substring', query: { text: '城堡' } },
  { name: 'relevance order', query: { text: 'dragon knight', order: 'relevance' } },
  { name: 'deep page', query: { text: 'portrait', offset: 3000 } },
];

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

/** Indexes `rows` synthetic images and times each query `repeats` times (after one warm-up). */
export async function benchGallerySearch(rows = 10_000, repeats = 25): Promise<GallerySearchBench> {
  const dir = mkdtempSync(path.join(tmpdir(), 'emulsion-bench-'));
  const appDataDir = path.join(dir, 'appdata');
  const outputDir = path.join(dir, 'outputs');
  let gallery: Gallery | undefined;
  try {
    const records = syntheticRecords(rows);
    const db = openDatabase(appDataDir);
    const t0 = performance.now();
    db.transaction(() => {
      for (const r of records) upsertRecord(db, r, false, []);
      db.prepare("INSERT INTO meta (key, value) VALUES ('outputDir', ?)").run(
        path.resolve(outputDir),
      );
    })();
    const indexMs = performance.now() - t0;
    db.close();
    gallery = await Gallery.open({ appDataDir, outputDir, reconcile: false });
    const timings: QueryTiming[] = [];
    for (const { name, query } of QUERIES) {
      const total = gallery.query(query).total; // warm-up
      const samples: number[] = [];
      for (let i = 0; i < repeats; i++) {
        const t = performance.now();
        gallery.query(query);
        samples.push(performance.now() - t);
      }
      samples.sort((a, b) => a - b);
      timings.push({
        name,
        query,
        total,
        medianMs: round(percentile(samples, 0.5)),
        p95Ms: round(percentile(samples, 0.95)),
        maxMs: round(samples[samples.length - 1]),
      });
    }
    const worst = Math.max(...timings.map((t) => t.medianMs));
    return {
      rows,
      indexMs: round(indexMs),
      repeats,
      queries: timings,
      worstMedianMs: worst,
      targetMs: SEARCH_TARGET_MS,
      pass: worst < SEARCH_TARGET_MS,
    };
  } finally {
    gallery?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const round = (ms: number) => Math.round(ms * 100) / 100;

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  benchGallerySearch().then((report) =>
    process.stdout.write(JSON.stringify(report, null, 2) + '\n'),
  );
}
