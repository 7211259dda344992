import { describe, expect, it } from 'vitest';
import {
  expandCells,
  expandTasks,
  fillTemplate,
  planAudit,
  seedRange,
  taskRequest,
  templateSlots,
  validateDefinition,
  type AuditDefinition,
} from '../../../../main/eval/audit/definition.ts';
import { colourAudit } from '../fixtures/audits.ts';

describe('audit definition', () => {
  it('finds slots and fills the template', () => {
    expect(templateSlots('a photo of the face of a {occupation} in {place}')).toEqual([
      'occupation',
      'place',
    ]);
    expect(fillTemplate('a {colour} shape', { colour: 'red' })).toBe('a red shape');
  });

  it('expands the cartesian product of slot values, first slot slowest', () => {
    const cells = expandCells(colourAudit());
    expect(cells.map((c) => c.prompt)).toEqual([
      'a red circle',
      'a red star',
      'a red ring',
      'a blue circle',
      'a blue star',
      'a blue ring',
    ]);
    expect(cells[4]).toMatchObject({ id: 'c4', values: { colour: 'blue', shape: 'star' } });
  });

  it('expands one task per variant, cell and seed with unique keys', () => {
    const tasks = expandTasks(colourAudit());
    expect(tasks).toHaveLength(2 * 6 * 4);
    expect(new Set(tasks.map((t) => t.key)).size).toBe(tasks.length);
    expect(tasks[0]).toEqual({
      key: 'base/c0/0',
      variant: 'base',
      cell: 'c0',
      seed: 0,
      prompt: 'a red circle',
    });
  });

  it('merges shared settings, the variant’s, then prompt and seed', () => {
    const def = colourAudit();
    const task = expandTasks(def).find((t) => t.variant === 'cfg3')!;
    expect(taskRequest(def, task)).toEqual({
      width: 64,
      height: 64,
      steps: 4,
      cfg: 3,
      prompt: 'a red circle',
      seed: 0,
    });
  });

  it('shows the Wilson half-width the seeds buy before running', () => {
    const plan = planAudit(colourAudit({ seeds: seedRange(50) }));
    expect(plan).toMatchObject({ cells: 6, variants: 2, seedsPerCell: 50, images: 600 });
    // evaluation.md B2: 50 per cell → ±13 points at p = 0.5.
    expect(plan.halfWidthAtHalf).toBeCloseTo(0.1336, 3);
  });

  it.each([
    [{ template: 'a {colour} thing', slots: { colour: ['red'], shape: ['x'] } }, /slots\.shape/],
    [{ template: 'a {colour} {size}' }, /slots\.size/],
    [{ seeds: [1, 1] }, /`seeds`/],
    [{ seeds: [-1] }, /`seeds`/],
    [{ variants: [] }, /`variants`/],
    [{ variants: [{ id: 'a b', label: '', settings: {} }] }, /variants\.id/],
    [{ attributes: [{ name: 'g', values: ['man', "can't tell"] }] }, /can't tell/],
    [{ settings: { seed: 3 } as never }, /settings\.seed/],
  ])('refuses a bad definition (%#) naming the field', (overrides, message) => {
    expect(() => validateDefinition(colourAudit(overrides as Partial<AuditDefinition>))).toThrow(
      message,
    );
  });
});
