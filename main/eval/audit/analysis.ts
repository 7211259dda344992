/**
 * Audit statistics (evaluation.md B3 step 5) from one label source (an annotator or a labeller):
 *
 *  - per cell and attribute: counts, shares with Wilson 95 % intervals, entropy with a percentile
 *    bootstrap interval, normalised entropy, MAD and total variation from uniform, and whether the
 *    entropy is one a uniform model gives at this n (see stats/entropy.ts for why that test is
 *    the null bootstrap and not "log2 K inside the interval");
 *  - against a reference share where the audit has one (e.g. BLS women's share): the difference,
 *    whether the reference lies inside the model's interval, and the sign-aware amplification;
 *  - model against model, per cell: total variation and Newcombe intervals for each value's share;
 *  - agreement (Cohen's κ, "can't tell" as a category) between every pair of label sources.
 *
 * Shares are of images that got a value: "can't tell" and unlabelled images are counted and
 * shown, never silently mixed into the distribution.
 */
import { invalidArgument } from '../../../common/errors.ts';
import { bootstrapEntropy, uniformEntropyInterval } from '../stats/entropy.ts';
import {
  amplification,
  madFromUniform,
  totalVariation,
  totalVariationFromUniform,
} from '../stats/distance.ts';
import { newcombeDifference } from '../stats/difference.ts';
import { cohensKappa, type KappaResult } from '../stats/kappa.ts';
import { wilsonHalfWidth, wilsonInterval, type Interval } from '../stats/wilson.ts';
import { shannonEntropy, normalizedEntropy } from '../stats/entropy.ts';
import { CANT_TELL, type AuditAttribute } from './attributes.ts';
import { expandCells, type AuditDefinition, type AuditCell } from './definition.ts';
import type { LabelSet } from './labels.ts';
import type { ImageRecord } from './store.ts';
import { findWarningWords, type WarningHit, type WarningWord } from './warnings.ts';

export interface ValueStat {
  value: string;
  count: number;
  share: number;
  low: number;
  high: number;
}

export interface ReferenceStat {
  value: string;
  referenceShare: number;
  modelShare: number;
  low: number;
  high: number;
  difference: number;
  /** The reference share lies inside the model's Wilson interval. */
  referenceInside: boolean;
  amplification: number;
  source: string;
}

export interface CellStat {
  variant: string;
  variantLabel: string;
  /** Cell id, or "all" for the pooled row of a variant. */
  cell: string;
  values: Record<string, string>;
  prompt: string;
  attribute: string;
  images: number;
  labelled: number;
  cantTell: number;
  unlabelled: number;
  distribution: ValueStat[];
  entropy: number;
  entropyLow: number;
  entropyHigh: number;
  maxEntropy: number;
  normalizedEntropy: number;
  /** The 5 % quantile of entropies that n draws from a uniform model give. */
  uniformEntropyLow: number;
  consistentWithUniform: boolean;
  mad: number;
  totalVariation: number;
  reference?: ReferenceStat;
  /** Image keys of the cell, in seed order (for contact sheets). */
  imageKeys: string[];
}

export interface ComparisonStat {
  cell: string;
  prompt: string;
  attribute: string;
  a: string;
  b: string;
  totalVariation: number;
  differences: ({ value: string } & Interval)[];
}

export interface AgreementStat {
  attribute: string;
  a: string;
  b: string;
  kappa: KappaResult;
}

export interface AuditAnalysis {
  name: string;
  template: string;
  createdAt: string;
  source: { name: string; kind: string } | null;
  sources: { name: string; kind: string; images: number }[];
  seedsPerCell: number;
  halfWidthAtHalf: number;
  images: number;
  cells: CellStat[];
  pooled: CellStat[];
  comparisons: ComparisonStat[];
  agreements: AgreementStat[];
  warnings: WarningHit[];
}

export interface AnalysisOptions {
  /** Name of the label source for distributions; default the first human, else the first machine. */
  source?: string;
  seed?: number;
  iterations?: number;
  warningWords?: readonly WarningWord[];
}

function cellStat(
  def: AuditDefinition,
  attribute: AuditAttribute,
  variant: { id: string; label: string },
  cell: Pick<AuditCell, 'id' | 'values' | 'prompt'>,
  keys: string[],
  source: LabelSet | undefined,
  options: AnalysisOptions,
): CellStat {
  const counts = new Map(attribute.values.map((v) => [v, 0]));
  let cantTell = 0;
  let unlabelled = 0;
  for (const key of keys) {
    const value = source?.labels.get(key)?.get(attribute.name);
    if (value === undefined) unlabelled++;
    else if (value === CANT_TELL) cantTell++;
    else if (counts.has(value)) counts.set(value, counts.get(value)! + 1);
    else unlabelled++; // a value outside the attribute (a renamed value): shown as unlabelled
  }
  const list = attribute.values.map((v) => counts.get(v)!);
  const labelled = list.reduce((a, b) => a + b, 0);
  const distribution = attribute.values.map((value, i) => {
    const w = wilsonInterval(list[i], labelled);
    return {
      value,
      count: list[i],
      share: labelled ? list[i] / labelled : NaN,
      low: w.low,
      high: w.high,
    };
  });
  const boot = bootstrapEntropy(list, { seed: options.seed, iterations: options.iterations });
  const k = attribute.values.length;
  const uniform =
    labelled > 0
      ? uniformEntropyInterval(k, labelled, { seed: options.seed, iterations: options.iterations })
      : undefined;
  const shares = distribution.map((d) => (labelled ? d.share : 0));
  const entropy = shannonEntropy(list);
  let reference: ReferenceStat | undefined;
  const ref = (def.references ?? []).find(
    (r) => r.attribute === attribute.name && cell.values[r.slot] in r.shares,
  );
  if (ref && labelled > 0) {
    const referenceShare = ref.shares[cell.values[ref.slot]];
    const d = distribution.find((x) => x.value === ref.value)!;
    reference = {
      value: ref.value,
      referenceShare,
      modelShare: d.share,
      low: d.low,
      high: d.high,
      difference: d.share - referenceShare,
      referenceInside: referenceShare >= d.low && referenceShare <= d.high,
      amplification: amplification(d.share, referenceShare),
      source: ref.source,
    };
  }
  return {
    variant: variant.id,
    variantLabel: variant.label,
    cell: cell.id,
    values: cell.values,
    prompt: cell.prompt,
    attribute: attribute.name,
    images: keys.length,
    labelled,
    cantTell,
    unlabelled,
    distribution,
    entropy,
    entropyLow: boot.low,
    entropyHigh: boot.high,
    maxEntropy: Math.log2(k),
    normalizedEntropy: normalizedEntropy(list),
    uniformEntropyLow: uniform?.low ?? NaN,
    consistentWithUniform: uniform ? entropy >= uniform.low : false,
    mad: labelled ? madFromUniform(shares) : NaN,
    totalVariation: labelled ? totalVariationFromUniform(shares) : NaN,
    reference,
    imageKeys: keys,
  };
}

function agreements(
  def: AuditDefinition,
  sets: readonly LabelSet[],
  images: readonly string[],
): AgreementStat[] {
  const out: AgreementStat[] = [];
  for (let i = 0; i < sets.length; i++)
    for (let j = i + 1; j < sets.length; j++)
      for (const attribute of def.attributes) {
        const pairs: [string, string][] = [];
        for (const key of images) {
          const a = sets[i].labels.get(key)?.get(attribute.name);
          const b = sets[j].labels.get(key)?.get(attribute.name);
          if (a !== undefined && b !== undefined) pairs.push([a, b]);
        }
        if (pairs.length === 0) continue;
        const categories = [...attribute.values, CANT_TELL].filter((c) =>
          pairs.some(([a, b]) => a === c || b === c),
        );
        const extra = pairs.flat().filter((v) => !categories.includes(v));
        out.push({
          attribute: attribute.name,
          a: sets[i].name,
          b: sets[j].name,
          kappa: cohensKappa(pairs, { categories: [...categories, ...new Set(extra)] }),
        });
      }
  return out;
}

function warningHits(
  def: AuditDefinition,
  cells: AuditCell[],
  sets: readonly LabelSet[],
  words: readonly WarningWord[],
): WarningHit[] {
  const hits = findWarningWords(def.template, words, 'template');
  for (const cell of cells) hits.push(...findWarningWords(cell.prompt, words, `prompt ${cell.id}`));
  for (const v of def.variants) {
    const negative = v.settings.negativePrompt ?? def.settings.negativePrompt;
    if (negative) hits.push(...findWarningWords(negative, words, `negative prompt ${v.id}`));
  }
  for (const set of sets)
    for (const [key, caption] of set.captions)
      hits.push(...findWarningWords(caption, words, `caption ${set.name} ${key}`));
  // Slot values repeat inside prompts; keep one hit per (where, word).
  const seen = new Set<string>();
  const out: WarningHit[] = [];
  for (const h of hits) {
    const id = `${h.where}\u0000${h.word}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(h);
  }
  return out;
}

export function analyseAudit(
  def: AuditDefinition,
  images: ReadonlyMap<string, ImageRecord>,
  sets: readonly LabelSet[],
  options: AnalysisOptions = {},
): AuditAnalysis {
  const source = options.source
    ? sets.find((s) => s.name === options.source)
    : (sets.find((s) => s.kind === 'human' && s.labels.size > 0) ??
      sets.find((s) => s.labels.size > 0));
  if (options.source && !source)
    throw invalidArgument(
      'source',
      options.source,
      sets.map((s) => s.name),
    );
  const cells = expandCells(def);
  const cellRows: CellStat[] = [];
  const pooled: CellStat[] = [];
  const keysOf = (variant: string, cell: string) =>
    def.seeds.map((seed) => `${variant}/${cell}/${seed}`).filter((k) => images.has(k));
  for (const variant of def.variants)
    for (const attribute of def.attributes) {
      const all: string[] = [];
      for (const cell of cells) {
        const keys = keysOf(variant.id, cell.id);
        all.push(...keys);
        cellRows.push(cellStat(def, attribute, variant, cell, keys, source, options));
      }
      pooled.push(
        cellStat(
          def,
          attribute,
          variant,
          { id: 'all', values: {}, prompt: '(all cells)' },
          all,
          source,
          options,
        ),
      );
    }
  const comparisons: ComparisonStat[] = [];
  for (let i = 0; i < def.variants.length; i++)
    for (let j = i + 1; j < def.variants.length; j++)
      for (const row of cellRows.filter((r) => r.variant === def.variants[i].id)) {
        const other = cellRows.find(
          (r) =>
            r.variant === def.variants[j].id &&
            r.cell === row.cell &&
            r.attribute === row.attribute,
        )!;
        if (row.labelled === 0 || other.labelled === 0) continue;
        comparisons.push({
          cell: row.cell,
          prompt: row.prompt,
          attribute: row.attribute,
          a: row.variant,
          b: other.variant,
          totalVariation: totalVariation(
            row.distribution.map((d) => d.share),
            other.distribution.map((d) => d.share),
          ),
          differences: row.distribution.map((d, k) => ({
            value: d.value,
            ...newcombeDifference(
              d.count,
              row.labelled,
              other.distribution[k].count,
              other.labelled,
            ),
          })),
        });
      }
  const labelledImages = (s: LabelSet) => [...s.labels.values()].filter((m) => m.size > 0).length;
  return {
    name: def.name,
    template: def.template,
    createdAt: new Date().toISOString(),
    source: source ? { name: source.name, kind: source.kind } : null,
    sources: sets.map((s) => ({ name: s.name, kind: s.kind, images: labelledImages(s) })),
    seedsPerCell: def.seeds.length,
    halfWidthAtHalf: wilsonHalfWidth(def.seeds.length),
    images: images.size,
    cells: cellRows,
    pooled,
    comparisons,
    agreements: agreements(def, sets, [...images.keys()]),
    warnings: warningHits(def, cells, sets, options.warningWords ?? []),
  };
}
