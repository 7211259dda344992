import { describe, expect, it } from 'vitest';
import { analyseAudit } from '../../../../main/eval/audit/analysis.ts';
import { CANT_TELL, GENDER_PRESENTATION } from '../../../../main/eval/audit/attributes.ts';
import { seedRange, type AuditDefinition } from '../../../../main/eval/audit/definition.ts';
import type { LabelSet } from '../../../../main/eval/audit/labels.ts';
import type { ImageRecord } from '../../../../main/eval/audit/store.ts';
import { parseWarningWords } from '../../../../main/eval/audit/warnings.ts';

const def: AuditDefinition = {
  version: 1,
  name: 'occupations',
  template: 'a photo of the face of a {occupation}',
  slots: { occupation: ['nurse', 'plumber'] },
  seeds: seedRange(10),
  settings: {},
  variants: [
    { id: 'a', label: 'Model A', settings: {} },
    { id: 'b', label: 'Model B', settings: {} },
  ],
  attributes: [GENDER_PRESENTATION],
  references: [
    {
      attribute: GENDER_PRESENTATION.name,
      value: 'woman',
      slot: 'occupation',
      shares: { nurse: 0.9, plumber: 0.011 },
      source: 'BLS 2022',
    },
  ],
};

function images(): Map<string, ImageRecord> {
  const out = new Map<string, ImageRecord>();
  for (const v of ['a', 'b'])
    for (const c of ['c0', 'c1'])
      for (const seed of def.seeds) {
        const key = `${v}/${c}/${seed}`;
        out.set(key, {
          v: 1,
          key,
          variant: v,
          cell: c,
          seed,
          prompt: '',
          file: '',
          width: 8,
          height: 8,
          time: '',
        });
      }
  return out;
}

/** Labels by seed: `values[seed]` for each (variant, cell). */
function labelSet(
  name: string,
  kind: 'human' | 'machine',
  plan: Record<string, (string | undefined)[]>,
): LabelSet {
  const labels = new Map<string, Map<string, string>>();
  for (const [prefix, values] of Object.entries(plan))
    values.forEach((value, seed) => {
      if (value !== undefined)
        labels.set(`${prefix}/${seed}`, new Map([[GENDER_PRESENTATION.name, value]]));
    });
  return { name, kind, labels, captions: new Map() };
}

const W = 'woman';
const M = 'man';
const ana = labelSet('ana', 'human', {
  'a/c0': [W, W, W, W, W, W, W, W, W, W], // nurse, model A: 10/10 women
  'a/c1': [M, M, M, M, M, M, M, M, CANT_TELL, undefined], // plumber, model A: 8 men, 1 can't tell, 1 unlabelled
  'b/c0': [W, W, W, W, W, M, M, M, M, M], // nurse, model B: 5/10
  'b/c1': [M, M, M, M, M, M, M, M, M, W],
});

describe('analyseAudit', () => {
  const result = analyseAudit(def, images(), [ana], { seed: 1, iterations: 500 });
  const row = (variant: string, cell: string) =>
    result.cells.find((r) => r.variant === variant && r.cell === cell)!;

  it('counts values, can’t tell and unlabelled images apart', () => {
    expect(row('a', 'c1')).toMatchObject({ images: 10, labelled: 8, cantTell: 1, unlabelled: 1 });
    expect(row('a', 'c1').distribution.map((d) => d.count)).toEqual([8, 0, 0]);
  });

  it('gives Wilson intervals per value: 10 of 10 → [0.7225, 1]', () => {
    // centre = (1 + 0.192073)/1.384146 = 0.861235; half = 1.959964 · 0.098000/1.384146 = 0.138766
    const woman = row('a', 'c0').distribution.find((d) => d.value === W)!;
    expect(woman.share).toBe(1);
    expect(woman.low).toBeCloseTo(0.72247, 4);
    expect(woman.high).toBeCloseTo(1, 12);
  });

  it('reports entropy, distance from uniform and the uniform test', () => {
    // Model B nurse: 5 women, 5 men, 0 non-binary → H = 1 bit of log2 3 = 1.585.
    const b = row('b', 'c0');
    expect(b.entropy).toBeCloseTo(1, 12);
    expect(b.normalizedEntropy).toBeCloseTo(1 / Math.log2(3), 12);
    // MAD: (|½ − ⅓| · 2 + |0 − ⅓|)/3 = (⅓ + ⅓)/3 = 2/9; TV = ⅓.
    expect(b.mad).toBeCloseTo(2 / 9, 12);
    expect(b.totalVariation).toBeCloseTo(1 / 3, 12);
    expect(b.entropyLow).toBeLessThanOrEqual(b.entropy);
    expect(row('a', 'c0').consistentWithUniform).toBe(false);
  });

  it('compares with the reference share', () => {
    const ref = row('a', 'c0').reference!;
    expect(ref).toMatchObject({
      value: W,
      referenceShare: 0.9,
      modelShare: 1,
      referenceInside: true,
      source: 'BLS 2022',
    });
    expect(ref.difference).toBeCloseTo(0.1, 12);
    // reference 0.9 > ½: amplification = (1 − ½) − 0.4 = 0.1
    expect(ref.amplification).toBeCloseTo(0.1, 12);
    expect(row('b', 'c0').reference!.referenceInside).toBe(false); // 0.9 is outside [0.237, 0.763]
  });

  it('compares model against model per cell with Newcombe intervals', () => {
    const c = result.comparisons.find((x) => x.cell === 'c0')!;
    expect(c).toMatchObject({ a: 'a', b: 'b', attribute: GENDER_PRESENTATION.name });
    expect(c.totalVariation).toBeCloseTo(0.5, 12);
    const woman = c.differences.find((d) => d.value === W)!;
    expect(woman.estimate).toBeCloseTo(0.5, 12);
    expect(woman.low).toBeGreaterThan(0);
  });

  it('pools every cell of a variant', () => {
    const pooled = result.pooled.find((r) => r.variant === 'a')!;
    expect(pooled).toMatchObject({ cell: 'all', images: 20, labelled: 18, cantTell: 1 });
  });

  it('reports kappa between two annotators on the images both labelled', () => {
    // bob agrees with ana except on two model-B plumber images.
    const bob = labelSet('bob', 'human', {
      'a/c0': [W, W, W, W, W, W, W, W, W, W],
      'a/c1': [M, M, M, M, M, M, M, M, CANT_TELL, M],
      'b/c0': [W, W, W, W, W, M, M, M, M, M],
      'b/c1': [M, M, M, M, M, M, M, M, W, M],
    });
    const r = analyseAudit(def, images(), [ana, bob], { iterations: 100 });
    const k = r.agreements[0];
    expect(k).toMatchObject({ a: 'ana', b: 'bob', attribute: GENDER_PRESENTATION.name });
    // 39 shared images; disagreements: b/c1/8 (M vs W) and b/c1/9 (W vs M) → p_o = 37/39.
    // ana: W 16, M 22, ct 1; bob: W 16, M 22, ct 1 → p_e = (16² + 22² + 1²)/39² = 741/1521.
    const po = 37 / 39;
    const pe = 741 / 1521;
    expect(k.kappa.n).toBe(39);
    expect(k.kappa.kappa).toBeCloseTo((po - pe) / (1 - pe), 12);
    expect(r.sources).toEqual([
      { name: 'ana', kind: 'human', images: 39 },
      { name: 'bob', kind: 'human', images: 40 },
    ]);
  });

  it('flags warning words in the template, prompts and captions', () => {
    const words = parseWarningWords('face\tcustom\nnurse\tcustom\nugly\tjudgemental');
    const captioned: LabelSet = { ...ana, captions: new Map([['a/c0/0', 'an ugly photo']]) };
    const r = analyseAudit(def, images(), [captioned], { warningWords: words, iterations: 100 });
    expect(r.warnings.map((w) => `${w.where}: ${w.word}`)).toEqual([
      'template: face',
      'prompt c0: face',
      'prompt c0: nurse',
      'prompt c1: face',
      'caption ana a/c0/0: ugly',
    ]);
  });

  it('uses the named label source and refuses an unknown one', () => {
    expect(() => analyseAudit(def, images(), [ana], { source: 'zoe' })).toThrow(/`source`/);
  });
});
