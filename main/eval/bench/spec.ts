/**
 * A prompt benchmark: a PartiPrompts subset (by category, challenge tag, explicit ids, and an
 * optional seeded sample), fixed seeds, and two or more variants (models or settings). Every
 * variant renders every (prompt, seed), so A/B pairs share prompt and seed exactly.
 */
import { invalidArgument } from '../../../common/errors.ts';
import type { AuditSettings, AuditVariant } from '../audit/definition.ts';
import { createUniform, shuffled } from '../random.ts';
import type { PartiPrompt } from '../resources.ts';

export interface PromptFilter {
  categories?: string[];
  challenges?: string[];
  ids?: number[];
  /** Keep a seeded random sample of this many prompts after filtering. */
  limit?: number;
  sampleSeed?: number;
}

export interface BenchmarkSpec {
  version: 1;
  name: string;
  prompts: PromptFilter;
  seeds: number[];
  settings: AuditSettings;
  variants: AuditVariant[];
}

export function selectPrompts(all: readonly PartiPrompt[], filter: PromptFilter): PartiPrompt[] {
  const categories = new Set(all.map((p) => p.category));
  const challenges = new Set(all.map((p) => p.challenge));
  for (const c of filter.categories ?? [])
    if (!categories.has(c)) throw invalidArgument('categories', c, [...categories].sort());
  for (const c of filter.challenges ?? [])
    if (!challenges.has(c)) throw invalidArgument('challenges', c, [...challenges].sort());
  let out = all.filter(
    (p) =>
      (!filter.categories?.length || filter.categories.includes(p.category)) &&
      (!filter.challenges?.length || filter.challenges.includes(p.challenge)) &&
      (!filter.ids?.length || filter.ids.includes(p.id)),
  );
  if (filter.limit !== undefined) {
    if (!Number.isInteger(filter.limit) || filter.limit < 1)
      throw invalidArgument('limit', filter.limit, 'a positive integer');
    out = shuffled(out, createUniform(filter.sampleSeed ?? 0))
      .slice(0, filter.limit)
      .sort((a, b) => a.id - b.id);
  }
  if (out.length === 0)
    throw invalidArgument('prompts', filter, 'a filter that keeps at least one prompt');
  return out;
}

export function validateBenchmark(spec: BenchmarkSpec): BenchmarkSpec {
  if (spec?.version !== 1) throw invalidArgument('version', spec?.version, [1]);
  if (!spec.name?.trim()) throw invalidArgument('name', spec.name, 'a non-empty string');
  if (
    !Array.isArray(spec.seeds) ||
    spec.seeds.length === 0 ||
    spec.seeds.some((s) => !Number.isInteger(s) || s < 0)
  )
    throw invalidArgument('seeds', spec.seeds, 'a non-empty list of non-negative integers');
  if (new Set(spec.seeds).size !== spec.seeds.length)
    throw invalidArgument('seeds', spec.seeds, 'distinct seeds');
  if (!Array.isArray(spec.variants) || spec.variants.length < 1)
    throw invalidArgument('variants', spec.variants, 'at least one variant');
  const ids = spec.variants.map((v) => v.id);
  if (ids.some((id) => !/^[A-Za-z0-9_-]{1,40}$/.test(id)) || new Set(ids).size !== ids.length)
    throw invalidArgument('variants.id', ids, 'distinct ids of letters, digits, "-" or "_"');
  return spec;
}
