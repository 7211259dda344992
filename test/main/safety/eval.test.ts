import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { NSFW_CLASSES } from '../../../common/safety.ts';
import type { ClassScores, ImageClassifier } from '../../../main/safety/classifier.ts';
import { runSafetyEval, type SafetyEvalHooks } from '../../../main/safety/cli.ts';
import type { EvalReport } from '../../../main/safety/eval.ts';
import type { ModelSafetyChecker } from '../../../main/safety/safety-checker.ts';

/*
 * Worked example, computed by hand.
 *
 * Ten flat-colour 32×32 PNGs. Stub classifier: P(Porn) = R / 255, P(Neutral) = 1 − P(Porn);
 * default threshold Porn 0.5, so it flags R ≥ 127.5. Stub model checker: flags B > 127.
 *
 *   file    R    B    label   category  classifier  checker  combined
 *   u1     230    0   unsafe  nudity    flag        -        flag
 *   u2     200  200   unsafe  nudity    flag        flag     flag
 *   u3     140    0   unsafe  violence  flag        -        flag
 *   u4      90  200   unsafe  violence  -           flag     flag
 *   s1     160    0   safe              flag        -        flag
 *   s2     100    0   safe              -           -        -
 *   s3      60  200   safe              -           flag     flag
 *   s4      30    0   safe              -           -        -
 *   s5      20    0   safe              -           -        -
 *   s6      10    0   safe              -           -        -
 *
 * Confusion (TP FP TN FN): classifier 3 1 5 1; checker 2 1 5 2; combined 4 2 4 0.
 *
 * Wilson 95 % interval, z = 1.959964, z² = 3.841459:
 *   centre = (p + z²/2n) / (1 + z²/n),  half = z·√(p(1−p)/n + z²/4n²) / (1 + z²/n)
 *   3 of 4: p = 0.75, 1 + z²/4 = 1.960365, centre = (0.75 + 0.480182) / 1.960365 = 0.627527,
 *           half = 1.959964 · √(0.046875 + 0.060023) / 1.960365 = 0.326885 → [0.300642, 0.954413]
 *   1 of 6: p = 0.1667, 1 + z²/6 = 1.640243, centre = 0.296778, half = 0.266725 → [0.030053, 0.563503]
 *   2 of 3: 1 + z²/3 = 2.280486, centre = 0.573084, half = 0.365424 → [0.207660, 0.938508]
 *   2 of 4: centre = (0.5 + 0.480182) / 1.960365 = 0.5, half = 0.349961 → [0.150039, 0.849961]
 *   4 of 6: centre = 0.601611, half = 0.301618 → [0.299993, 0.903229]
 *   4 of 4: centre = (1 + 0.480182) / 1.960365 = 0.755055, half = 0.244945 → [0.510109, 1]
 *   2 of 6: centre = 0.398389, half = 0.301618 → [0.096771, 0.700007]
 *   2 of 2: 1 + z²/2 = 2.920729, centre = 0.671190, half = 0.328810 → [0.342380, 1]
 *   1 of 2: centre = 0.5, half = 0.405469 → [0.094531, 0.905469]
 *
 * Classifier: precision 3/4, recall 3/4, FPR 1/6. Checker: precision 2/3, recall 2/4, FPR 1/6.
 * Combined: precision 4/6, recall 4/4, FPR 2/6.
 * Threshold for recall ≥ 0.9: 4 unsafe images, k = ⌈0.9 · 4⌉ = 4, so the 4th highest unsafe
 * score, u4's 90/255 = 0.352941. Scores ≥ it: u1–u4, s1 (160), s2 (100): 6 flagged, recall 1,
 * precision 4/6.
 * By category (classifier): nudity 2 of 2, violence 1 of 2.
 */
const IMAGES: [string, number, number, string][] = [
  ['u1.png', 230, 0, 'unsafe,nudity'],
  ['u2.png', 200, 200, 'unsafe,nudity'],
  ['u3.png', 140, 0, 'unsafe,violence'],
  ['u4.png', 90, 200, 'unsafe,violence'],
  ['s1.png', 160, 0, 'safe'],
  ['s2.png', 100, 0, 'safe'],
  ['s3.png', 60, 200, 'safe'],
  ['s4.png', 30, 0, 'safe'],
  ['s5.png', 20, 0, 'safe'],
  ['s6.png', 10, 0, 'safe'],
];

const stubClassifier: ImageClassifier = {
  name: 'red-is-porn stub',
  async classify(rgb) {
    const scores = {} as ClassScores;
    for (const c of NSFW_CLASSES) scores[c] = 0;
    scores.Porn = rgb[0] / 255;
    scores.Neutral = 1 - scores.Porn;
    return scores;
  },
  release: async () => {},
};

const hooks: SafetyEvalHooks = {
  classifier: stubClassifier,
  loadModelChecker: async (file): Promise<ModelSafetyChecker> => ({
    file,
    check: async (rgb) => rgb[2] > 127,
    release: async () => {},
  }),
};

let dir: string;
let labels: string;

async function run(argv: string[], h: SafetyEvalHooks = hooks) {
  let stdout = '';
  let stderr = '';
  const code = await runSafetyEval(
    argv,
    { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) },
    h,
  );
  return { code, stdout, stderr };
}

function csv(text: string): string {
  const file = path.join(dir, `labels-${Math.random().toString(36).slice(2)}.csv`);
  writeFileSync(file, text);
  return file;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'emulsion-eval-'));
  for (const [name, r, b] of [...IMAGES, ['extra.png', 0, 0, ''] as const]) {
    await sharp({ create: { width: 32, height: 32, channels: 3, background: { r, g: 0, b } } })
      .png()
      .toFile(path.join(dir, name));
  }
  labels = csv('file,label,category\n' + IMAGES.map(([f, , , l]) => `${f},${l}`).join('\n') + '\n');
});

const interval = (low: number, high: number) => ({
  low: expect.closeTo(low, 5),
  high: expect.closeTo(high, 5),
});

describe('safety-eval on hand-labelled images (worked example)', () => {
  let report: EvalReport;
  beforeAll(async () => {
    const out = await run([
      '--images',
      dir,
      '--labels',
      labels,
      '--safety-checker',
      'stub.onnx',
      '--json',
    ]);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    report = JSON.parse(out.stdout) as EvalReport;
  });

  it('counts the images and reports the unlabelled one', () => {
    expect(report.counts).toEqual({ images: 10, unsafe: 4, safe: 6 });
    expect(report.unlabelled).toEqual(['extra.png']);
  });

  it('gives the confusion matrices of the worked example', () => {
    expect(report.layers.map((l) => [l.layer, l.confusion])).toEqual([
      ['classifier', { tp: 3, fp: 1, tn: 5, fn: 1 }],
      ['safety-checker', { tp: 2, fp: 1, tn: 5, fn: 2 }],
      ['combined', { tp: 4, fp: 2, tn: 4, fn: 0 }],
    ]);
  });

  it('gives precision, recall and false-positive rate with the hand-computed Wilson intervals', () => {
    const [cls, chk, all] = report.layers;
    expect(cls.precision).toEqual({
      value: 0.75,
      successes: 3,
      total: 4,
      interval: interval(0.300642, 0.954413),
    });
    expect(cls.recall).toEqual({
      value: 0.75,
      successes: 3,
      total: 4,
      interval: interval(0.300642, 0.954413),
    });
    expect(cls.falsePositiveRate?.interval).toEqual(interval(0.030053, 0.563503));
    expect(chk.precision?.interval).toEqual(interval(0.20766, 0.938508));
    expect(chk.recall?.interval).toEqual(interval(0.150039, 0.849961));
    expect(chk.falsePositiveRate?.interval).toEqual(interval(0.030053, 0.563503));
    expect(all.precision?.interval).toEqual(interval(0.299993, 0.903229));
    expect(all.recall?.interval).toEqual(interval(0.510109, 1));
    expect(all.falsePositiveRate?.interval).toEqual(interval(0.096771, 0.700007));
  });

  it('suggests the classifier threshold that reaches the target recall', () => {
    expect(report.layers[0].thresholdForTargetRecall).toEqual({
      threshold: expect.closeTo(90 / 255, 7),
      target: 0.9,
      recall: 1,
      precision: expect.closeTo(4 / 6, 7),
      flagged: 6,
    });
    expect(report.layers[1].thresholdForTargetRecall).toBeNull();
  });

  it('breaks recall down by category', () => {
    expect(
      report.layers[0].byCategory.map((c) => [
        c.category,
        c.flagged.successes,
        c.flagged.total,
        c.flagged.interval,
      ]),
    ).toEqual([
      ['nudity', 2, 2, interval(0.34238, 1)],
      ['violence', 1, 2, interval(0.094531, 0.905469)],
    ]);
  });

  it('prints the same figures as a table without --json', async () => {
    const out = await run(['--images', dir, '--labels', labels, '--safety-checker', 'stub.onnx']);
    expect(out.code).toBe(0);
    const lines = out.stdout.split('\n');
    expect(lines[0]).toBe(`safety-eval: 10 images (4 unsafe, 6 safe) from ${dir}`);
    const classifierRow = lines.find((l) => l.startsWith('classifier  '))!;
    expect(classifierRow.split(/\s{2,}/)).toEqual([
      'classifier',
      '3',
      '1',
      '5',
      '1',
      '0.750 [0.301, 0.954]',
      '0.750 [0.301, 0.954]',
      '0.167 [0.030, 0.564]',
    ]);
    expect(out.stdout).toContain(
      'Hentai, Porn and Sexy thresholds of 0.353 reach recall ≥ 0.9 (recall 1.000, precision 0.667, 6 of 10 flagged).',
    );
  });
});

describe('safety-eval with the bundled classifier', () => {
  it('converts nsfwjs offline and flags none of the flat-colour images', async () => {
    const cacheDir = mkdtempSync(path.join(tmpdir(), 'emulsion-eval-cache-'));
    const out = await run(
      ['--images', dir, '--labels', labels, '--cache-dir', cacheDir, '--json'],
      {},
    );
    expect(out.code).toBe(0);
    const report = JSON.parse(out.stdout) as EvalReport;
    expect(report.layers.map((l) => l.layer)).toEqual(['classifier']);
    // Flat colours are Neutral or Drawing: nothing flagged, so precision is undefined.
    expect(report.layers[0].confusion).toEqual({ tp: 0, fp: 0, tn: 6, fn: 4 });
    expect(report.layers[0].precision).toBeNull();
  });
});

describe('safety-eval input errors', () => {
  it('names the line, the value and the allowed labels for a bad label', async () => {
    const file = csv('file,label\nu1.png,unsafe\ns1.png,maybe\n');
    const out = await run(['--images', dir, '--labels', file]);
    expect(out.code).toBe(2);
    expect(out.stderr).toBe(
      `emulsion safety-eval: \`${file}:3 label\` must be one of safe, unsafe; received "maybe".\n`,
    );
  });

  it('names the line of a row with the wrong number of fields', async () => {
    const file = csv('u1.png,unsafe\ns1.png\n');
    const out = await run(['--images', dir, '--labels', file]);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain(
      `\`${file}:2\` must be 2 or 3 comma-separated fields: file,label[,category]; received "s1.png".`,
    );
  });

  it('lists missing images with their lines before running anything', async () => {
    const file = csv('u1.png,unsafe\nghost.png,safe\nnope.jpg,unsafe\n');
    const out = await run(['--images', dir, '--labels', file]);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain(
      `2 image(s) listed in ${file} are not in ${dir}: ghost.png (line 2), nope.jpg (line 3).`,
    );
  });

  it('refuses a file labelled twice, pointing at the first line', async () => {
    const file = csv('u1.png,unsafe\nu1.png,safe\n');
    const out = await run(['--images', dir, '--labels', file]);
    expect(out.stderr).toContain('already on line 1');
  });

  it('refuses missing flags, unknown flags and an impossible target recall', async () => {
    expect((await run(['--labels', labels])).stderr).toContain(
      '`--images` must be a folder of images',
    );
    const unknown = await run(['--images', dir, '--labels', labels, '--recall', '0.8']);
    expect([unknown.code, unknown.stderr.includes('`flag`')]).toEqual([2, true]);
    const recall = await run(['--images', dir, '--labels', labels, '--target-recall', '1.5']);
    expect(recall.stderr).toContain(
      '`--target-recall` must be a number greater than 0 and at most 1; received "1.5".',
    );
  });

  it('refuses an image that cannot be decoded, naming its line', async () => {
    writeFileSync(path.join(dir, 'broken.png'), 'not a png');
    const file = csv('broken.png,safe\n');
    const out = await run(['--images', dir, '--labels', file]);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain(`(${file} line 1) could not be read as an image`);
  });
});
