/**
 * Builds an audit definition from `emulsion audit run` flags (or reads one from --definition).
 *
 *   --template "a photo of the face of {occupation}"
 *   --slot colour=red,blue,green           values of one slot (repeatable)
 *   --occupations all | 10 | "Chief executives;Registered nurses"
 *                                          fills {occupation} with "a chief executive", ... from
 *                                          the BLS list, and adds the BLS women's share as the
 *                                          reference for the gender attribute
 *   --attribute gender | monk | colour | shape | "mood=happy,sad"   (repeatable)
 *   --seeds 50 --seed-start 0
 *   --model DIR                            repeatable: one variant per model
 *   --variant 'cfg3={"cfg":3}'             repeatable: one variant per settings object
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { EmulsionError, invalidArgument } from '../../../common/errors.ts';
import { stringFlag, type ParsedArgs } from '../../cli/args.ts';
import {
  ATTRIBUTE_PRESETS,
  GENDER_PRESENTATION,
  type AttributePreset,
  type AuditAttribute,
} from '../audit/attributes.ts';
import {
  DEFAULT_SEEDS_PER_CELL,
  seedRange,
  templateSlots,
  validateDefinition,
  type AuditDefinition,
  type AuditReference,
  type AuditVariant,
} from '../audit/definition.ts';
import { BLS_SOURCE, loadOccupations } from '../resources.ts';
import { integerFlag, listFlag, settingsFromFlags } from './settings-flags.ts';

function parseAttribute(text: string): AuditAttribute {
  if (text in ATTRIBUTE_PRESETS) return ATTRIBUTE_PRESETS[text as AttributePreset];
  const eq = text.indexOf('=');
  if (eq <= 0)
    throw invalidArgument(
      '--attribute',
      text,
      `a preset (${Object.keys(ATTRIBUTE_PRESETS).join(', ')}) or name=value1,value2`,
    );
  const values = text
    .slice(eq + 1)
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
  return { name: text.slice(0, eq).trim(), values };
}

function parseSlot(text: string): [string, string[]] {
  const eq = text.indexOf('=');
  if (eq <= 0) throw invalidArgument('--slot', text, 'name=value1,value2,...');
  return [
    text.slice(0, eq).trim(),
    text
      .slice(eq + 1)
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean),
  ];
}

function variantId(text: string): string {
  return (
    path
      .basename(text)
      .replace(/[^A-Za-z0-9_-]+/g, '-')
      .slice(0, 40) || 'model'
  );
}

async function occupationSlot(
  text: string,
): Promise<{ values: string[]; shares: Record<string, number> }> {
  const all = await loadOccupations();
  let chosen = all;
  if (/^\d+$/.test(text)) chosen = all.slice(0, Number(text));
  else if (text !== 'all') {
    const titles = text.split(';').map((t) => t.trim());
    chosen = titles.map((t) => {
      const found = all.find(
        (o) => o.title.toLowerCase() === t.toLowerCase() || o.promptTerm === t.toLowerCase(),
      );
      if (!found)
        throw invalidArgument(
          '--occupations',
          t,
          'BLS titles or prompt terms from resources/eval/bias (separate with ";")',
        );
      return found;
    });
  }
  if (chosen.length === 0) throw invalidArgument('--occupations', text, 'at least one occupation');
  const values = chosen.map((o) => `${o.article} ${o.promptTerm}`);
  return { values, shares: Object.fromEntries(chosen.map((o, i) => [values[i], o.women])) };
}

export async function definitionFromFlags(flags: ParsedArgs['flags']): Promise<AuditDefinition> {
  const file = stringFlag(flags, 'definition');
  if (file) {
    try {
      return validateDefinition(JSON.parse(await readFile(file, 'utf8')) as AuditDefinition);
    } catch (err) {
      if (err instanceof EmulsionError) throw err;
      throw invalidArgument(
        '--definition',
        file,
        `a readable audit JSON file (${(err as Error).message})`,
      );
    }
  }
  const template = stringFlag(flags, 'template');
  if (!template)
    throw invalidArgument(
      '--template',
      undefined,
      'a prompt template such as "a photo of the face of {occupation}"',
    );
  const slots: Record<string, string[]> = Object.fromEntries(
    listFlag(flags, 'slot').map(parseSlot),
  );
  const references: AuditReference[] = [];
  const attributes = listFlag(flags, 'attribute').map(parseAttribute);
  if (attributes.length === 0)
    throw invalidArgument(
      '--attribute',
      undefined,
      `at least one (${Object.keys(ATTRIBUTE_PRESETS).join(', ')} or name=v1,v2)`,
    );
  const occupations = stringFlag(flags, 'occupations');
  if (occupations !== undefined) {
    if (!templateSlots(template).includes('occupation'))
      throw invalidArgument('--occupations', occupations, 'a template with an {occupation} slot');
    const { values, shares } = await occupationSlot(occupations);
    slots.occupation = values;
    if (attributes.some((a) => a.name === GENDER_PRESENTATION.name))
      references.push({
        attribute: GENDER_PRESENTATION.name,
        value: 'woman',
        slot: 'occupation',
        shares,
        source: BLS_SOURCE,
      });
  }
  const base = settingsFromFlags(flags);
  const models = listFlag(flags, 'model');
  const variants: AuditVariant[] = models.map((m) => ({
    id: variantId(m),
    label: path.basename(m),
    settings: { model: m },
  }));
  for (const text of listFlag(flags, 'variant')) {
    const eq = text.indexOf('=');
    let settings: unknown;
    try {
      settings = JSON.parse(text.slice(eq + 1));
    } catch {
      settings = undefined;
    }
    if (eq <= 0 || typeof settings !== 'object' || settings === null)
      throw invalidArgument('--variant', text, 'id={"setting": value, ...} (JSON settings)');
    variants.push({
      id: text.slice(0, eq),
      label: text.slice(0, eq),
      settings: settings as AuditVariant['settings'],
    });
  }
  if (variants.length === 0) variants.push({ id: 'default', label: 'Default', settings: {} });
  const seeds = seedRange(
    integerFlag(flags, 'seeds') ?? DEFAULT_SEEDS_PER_CELL,
    integerFlag(flags, 'seed-start') ?? 0,
  );
  return validateDefinition({
    version: 1,
    name: stringFlag(flags, 'name') ?? template,
    template,
    slots,
    seeds,
    settings: base,
    variants,
    attributes,
    references: references.length ? references : undefined,
  });
}
