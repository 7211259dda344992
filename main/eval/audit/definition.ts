/**
 * An audit definition: a prompt template with slots, the values of each slot, a fixed list of
 * seeds, one or more variants (models or settings) to compare, and the attributes to label.
 * Every combination of slot values is a cell; every (variant, cell, seed) is one image.
 */
import { invalidArgument } from '../../../common/errors.ts';
import type { GenerateRequest } from '../../../common/generation.ts';
import { wilsonHalfWidth } from '../stats/wilson.ts';
import { CANT_TELL, type AuditAttribute } from './attributes.ts';

/** Settings a variant or the whole audit may fix; prompt and seed come from the audit. */
export type AuditSettings = Partial<Omit<GenerateRequest, 'prompt' | 'seed' | 'batch'>>;

export interface AuditVariant {
  /** Short id used in file names: letters, digits, '-' and '_'. */
  id: string;
  label: string;
  settings: AuditSettings;
}

/**
 * A reference share for one value of an attribute, per value of one slot: for example the
 * women's share of each occupation from BLS (attribute "perceived gender presentation", value
 * "woman", slot "occupation").
 */
export interface AuditReference {
  attribute: string;
  value: string;
  slot: string;
  /** Slot value → share in [0, 1]. */
  shares: Record<string, number>;
  source: string;
}

export interface AuditDefinition {
  version: 1;
  name: string;
  template: string;
  slots: Record<string, string[]>;
  seeds: number[];
  /** Shared settings; a variant's own settings override them. */
  settings: AuditSettings;
  variants: AuditVariant[];
  attributes: AuditAttribute[];
  references?: AuditReference[];
}

export const DEFAULT_SEEDS_PER_CELL = 50;

export interface AuditCell {
  /** `c0`, `c1`, ... in the order of the cartesian product (first slot varies slowest). */
  id: string;
  values: Record<string, string>;
  prompt: string;
}

/** One image to make: the unit of work and of the journal. */
export interface AuditTask {
  key: string;
  variant: string;
  cell: string;
  seed: number;
  prompt: string;
}

const SLOT_PATTERN = /\{([A-Za-z_][A-Za-z0-9_ -]*)\}/g;
const ID_PATTERN = /^[A-Za-z0-9_-]{1,40}$/;

export function templateSlots(template: string): string[] {
  return [...new Set([...template.matchAll(SLOT_PATTERN)].map((m) => m[1]))];
}

export function fillTemplate(template: string, values: Record<string, string>): string {
  return template.replace(SLOT_PATTERN, (whole, name: string) => values[name] ?? whole);
}

export function seedRange(count: number, start = 0): number[] {
  if (!Number.isInteger(count) || count < 1)
    throw invalidArgument('seeds', count, 'a positive integer');
  if (!Number.isInteger(start) || start < 0)
    throw invalidArgument('seedStart', start, 'a non-negative integer');
  return Array.from({ length: count }, (_, i) => start + i);
}

function checkList(field: string, list: unknown, allowEmptyString = false): string[] {
  if (!Array.isArray(list) || list.length === 0 || list.some((v) => typeof v !== 'string'))
    throw invalidArgument(field, list, 'a non-empty list of strings');
  if (!allowEmptyString && list.some((v) => (v as string).trim() === ''))
    throw invalidArgument(field, list, 'strings that are not blank');
  if (new Set(list).size !== list.length) throw invalidArgument(field, list, 'distinct values');
  return list as string[];
}

/** Checks a definition from a file, the CLI or the renderer; throws naming the first bad field. */
export function validateDefinition(def: AuditDefinition): AuditDefinition {
  if (def?.version !== 1) throw invalidArgument('version', def?.version, [1]);
  if (typeof def.name !== 'string' || def.name.trim() === '')
    throw invalidArgument('name', def.name, 'a non-empty string');
  if (typeof def.template !== 'string' || def.template.trim() === '')
    throw invalidArgument('template', def.template, 'a prompt with {slot} placeholders');
  const used = templateSlots(def.template);
  const slots = def.slots ?? {};
  for (const name of used)
    if (!(name in slots))
      throw invalidArgument(`slots.${name}`, undefined, `values for {${name}} in the template`);
  for (const [name, values] of Object.entries(slots)) {
    if (!used.includes(name))
      throw invalidArgument(
        `slots.${name}`,
        values,
        `a slot that the template uses (${used.join(', ') || 'none'})`,
      );
    checkList(`slots.${name}`, values);
  }
  if (!Array.isArray(def.seeds) || def.seeds.length === 0)
    throw invalidArgument('seeds', def.seeds, 'a non-empty list of seeds');
  for (const seed of def.seeds)
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)
      throw invalidArgument('seeds', seed, 'integers from 0 to 4294967295');
  if (new Set(def.seeds).size !== def.seeds.length)
    throw invalidArgument('seeds', def.seeds, 'distinct seeds');
  if (!Array.isArray(def.variants) || def.variants.length === 0)
    throw invalidArgument('variants', def.variants, 'at least one model or settings variant');
  const ids = new Set<string>();
  for (const v of def.variants) {
    if (typeof v.id !== 'string' || !ID_PATTERN.test(v.id))
      throw invalidArgument('variants.id', v.id, 'letters, digits, "-" or "_" (1–40 characters)');
    if (ids.has(v.id)) throw invalidArgument('variants.id', v.id, 'distinct variant ids');
    ids.add(v.id);
    if (typeof v.settings !== 'object' || v.settings === null)
      throw invalidArgument(
        `variants.${v.id}.settings`,
        v.settings,
        'an object of generation settings',
      );
    for (const banned of ['prompt', 'seed', 'batch'])
      if (banned in v.settings || banned in (def.settings ?? {}))
        throw invalidArgument(
          `settings.${banned}`,
          banned,
          'set by the audit itself, not by a variant',
        );
  }
  if (!Array.isArray(def.attributes) || def.attributes.length === 0)
    throw invalidArgument('attributes', def.attributes, 'at least one attribute to label');
  const names = new Set<string>();
  for (const a of def.attributes) {
    if (typeof a.name !== 'string' || a.name.trim() === '')
      throw invalidArgument('attributes.name', a.name, 'a non-empty name');
    if (names.has(a.name))
      throw invalidArgument('attributes.name', a.name, 'distinct attribute names');
    names.add(a.name);
    const values = checkList(`attributes.${a.name}.values`, a.values);
    if (values.includes(CANT_TELL))
      throw invalidArgument(
        `attributes.${a.name}.values`,
        CANT_TELL,
        'values without "can\'t tell" (always allowed)',
      );
    // Number keys 1–9 and 0 pick a value in the labelling views.
    if (values.length > 10)
      throw invalidArgument(`attributes.${a.name}.values`, values.length, 'at most 10 values');
  }
  for (const ref of def.references ?? []) {
    const attribute = def.attributes.find((a) => a.name === ref.attribute);
    if (!attribute) throw invalidArgument('references.attribute', ref.attribute, [...names]);
    if (!attribute.values.includes(ref.value))
      throw invalidArgument('references.value', ref.value, attribute.values);
    if (!(ref.slot in slots))
      throw invalidArgument('references.slot', ref.slot, Object.keys(slots));
    for (const [key, share] of Object.entries(ref.shares))
      if (!(share >= 0 && share <= 1))
        throw invalidArgument(`references.shares.${key}`, share, 'a share from 0 to 1');
  }
  return def;
}

export function expandCells(def: AuditDefinition): AuditCell[] {
  const names = templateSlots(def.template);
  let combos: Record<string, string>[] = [{}];
  for (const name of names)
    combos = combos.flatMap((c) => def.slots[name].map((v) => ({ ...c, [name]: v })));
  return combos.map((values, i) => ({
    id: `c${i}`,
    values,
    prompt: fillTemplate(def.template, values),
  }));
}

export function taskKey(variant: string, cell: string, seed: number): string {
  return `${variant}/${cell}/${seed}`;
}

/** Every image of the audit, variant by variant, cell by cell, seed by seed. */
export function expandTasks(def: AuditDefinition): AuditTask[] {
  const cells = expandCells(def);
  return def.variants.flatMap((v) =>
    cells.flatMap((c) =>
      def.seeds.map((seed) => ({
        key: taskKey(v.id, c.id, seed),
        variant: v.id,
        cell: c.id,
        seed,
        prompt: c.prompt,
      })),
    ),
  );
}

export interface AuditPlan {
  cells: number;
  variants: number;
  seedsPerCell: number;
  images: number;
  /** Wilson 95 % half-width at p = 0.5 for one cell: the precision N seeds buy. */
  halfWidthAtHalf: number;
}

export function planAudit(def: AuditDefinition): AuditPlan {
  validateDefinition(def);
  const cells = expandCells(def).length;
  const seedsPerCell = def.seeds.length;
  return {
    cells,
    variants: def.variants.length,
    seedsPerCell,
    images: cells * def.variants.length * seedsPerCell,
    halfWidthAtHalf: wilsonHalfWidth(seedsPerCell),
  };
}

/** The request for one task: shared settings, then the variant's, then prompt and seed. */
export function taskRequest(
  def: AuditDefinition,
  task: AuditTask,
): AuditSettings & { prompt: string; seed: number } {
  const variant = def.variants.find((v) => v.id === task.variant);
  if (!variant)
    throw invalidArgument(
      'variant',
      task.variant,
      def.variants.map((v) => v.id),
    );
  return { ...def.settings, ...variant.settings, prompt: task.prompt, seed: task.seed };
}
