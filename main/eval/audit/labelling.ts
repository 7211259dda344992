/**
 * Keyboard labelling, shared by the terminal (`emulsion audit label`) and tested without a
 * terminal: a queue of images, one cell at a time, and a key → action state machine.
 *
 * Order: cells in definition order; inside a cell the images are shuffled with a seed derived from
 * the annotator and the cell, so two annotators see different orders (less shared anchoring) and
 * a restart shows the same order again. Prompts are not shown while labelling (evaluation.md B3).
 *
 * Keys: 1–9 and 0 pick the 1st–10th value, c = can't tell, s = skip the image, u or Backspace =
 * undo the last label, q or Ctrl+C = quit.
 */
import { createUniform, hashSeed, shuffled } from '../random.ts';
import { CANT_TELL, type AuditAttribute } from './attributes.ts';
import { expandTasks, type AuditDefinition } from './definition.ts';
import type { LabelSet } from './labels.ts';
import type { ImageRecord } from './store.ts';

export interface LabelItem {
  image: string;
  file: string;
  variant: string;
  cell: string;
}

export interface LabellingQueueOptions {
  annotator: string;
  /** Only these attributes (default all of the audit's). */
  attributes?: readonly string[];
  /** Include images already fully labelled (to review them). Default false. */
  includeLabelled?: boolean;
}

export function labellingQueue(
  def: AuditDefinition,
  images: ReadonlyMap<string, ImageRecord>,
  existing: LabelSet | undefined,
  options: LabellingQueueOptions,
): LabelItem[] {
  const wanted = options.attributes ?? def.attributes.map((a) => a.name);
  const byCell = new Map<string, LabelItem[]>();
  for (const task of expandTasks(def)) {
    const record = images.get(task.key);
    if (!record) continue;
    const have = existing?.labels.get(task.key);
    if (!options.includeLabelled && wanted.every((a) => have?.has(a))) continue;
    const cellKey = `${task.variant}/${task.cell}`;
    const list = byCell.get(cellKey) ?? [];
    list.push({ image: task.key, file: record.file, variant: task.variant, cell: task.cell });
    byCell.set(cellKey, list);
  }
  return [...byCell.entries()].flatMap(([cellKey, items]) =>
    shuffled(items, createUniform(hashSeed(`${options.annotator}\u0000${cellKey}`))),
  );
}

export type LabelAction =
  | { type: 'set'; image: string; attribute: string; value: string }
  | { type: 'clear'; image: string; attribute: string }
  | { type: 'skip'; image: string }
  | { type: 'quit' }
  | { type: 'ignored'; key: string };

export interface LabellingStep {
  item: LabelItem;
  attribute: AuditAttribute;
  /** 0-based position of the item in the queue. */
  index: number;
  total: number;
}

export function valueForKey(attribute: AuditAttribute, key: string): string | undefined {
  if (key === 'c' || key === 'C') return CANT_TELL;
  if (!/^[0-9]$/.test(key)) return undefined;
  const index = key === '0' ? 9 : Number(key) - 1;
  return attribute.values[index];
}

export class LabellingSession {
  private index = 0;
  private attributeIndex = 0;
  private readonly history: { index: number; attributeIndex: number }[] = [];
  private quit = false;

  constructor(
    readonly items: readonly LabelItem[],
    readonly attributes: readonly AuditAttribute[],
  ) {}

  get current(): LabellingStep | undefined {
    if (this.quit || this.index >= this.items.length) return undefined;
    return {
      item: this.items[this.index],
      attribute: this.attributes[this.attributeIndex],
      index: this.index,
      total: this.items.length,
    };
  }

  get finished(): boolean {
    return this.current === undefined;
  }

  /** Applies one key; the caller persists `set` and `clear` actions. */
  press(key: string): LabelAction {
    if (key === 'q' || key === '\u0003') {
      this.quit = true;
      return { type: 'quit' };
    }
    const step = this.current;
    if (!step) return { type: 'ignored', key };
    if (key === 'u' || key === '\u007f' || key === '\b') {
      const previous = this.history.pop();
      if (!previous) return { type: 'ignored', key };
      this.index = previous.index;
      this.attributeIndex = previous.attributeIndex;
      return {
        type: 'clear',
        image: this.items[this.index].image,
        attribute: this.attributes[this.attributeIndex].name,
      };
    }
    if (key === 's') {
      this.index++;
      this.attributeIndex = 0;
      return { type: 'skip', image: step.item.image };
    }
    const value = valueForKey(step.attribute, key);
    if (value === undefined) return { type: 'ignored', key };
    this.history.push({ index: this.index, attributeIndex: this.attributeIndex });
    if (++this.attributeIndex >= this.attributes.length) {
      this.attributeIndex = 0;
      this.index++;
    }
    return { type: 'set', image: step.item.image, attribute: step.attribute.name, value };
  }
}

/** The key help line, e.g. "1 red  2 blue  c can't tell  s skip  u undo  q quit". */
export function keyHelp(attribute: AuditAttribute): string {
  const values = attribute.values.map((v, i) => `${i === 9 ? 0 : i + 1} ${v}`);
  return [...values, `c ${CANT_TELL}`, 's skip', 'u undo', 'q quit'].join('  ');
}
