/**
 * XY/Z plot axes. An axis is a kind and a list of values, written as in A1111's X/Y/Z plot script:
 *
 *   steps        "10, 20, 30" · "10-30 (+10)" (step) · "10-30 [3]" (count, evenly spaced)
 *   cfg          "3.5, 7" · "2-8 [4]"
 *   seed         "1, 2, 3" · "100-103"
 *   scheduler    "Euler a, DPM++ 2M Karras"      (names from the scheduler catalog)
 *   model        "models/sd15, models/dreamshaper" (folders; labelled by folder name)
 *   prompt       "red, blue, green"   Prompt S/R: the first value is searched for in the prompt
 *                                      and negative prompt, each value replaces it in turn
 *   strength     "0.3, 0.5, 0.7"       image-to-image strength (needs an init image)
 *   control      "0.5, 1, 1.5"         ControlNet scale of every unit (needs a control unit)
 *   refiner      "0.6, 0.8"            refiner start (needs a refiner pass)
 *
 * String lists are read as one CSV line, so a value may hold commas inside double quotes.
 */
import path from 'node:path';
import { invalidArgument } from '../../../common/errors.ts';
import { resolveSchedulerName } from '../../engine/schedulers/index.ts';
import type { GenerateInput } from '../../engine/worker/types.ts';
import { parseCsv } from '../resources.ts';

export const AXIS_KINDS = [
  'steps',
  'cfg',
  'seed',
  'scheduler',
  'model',
  'prompt',
  'strength',
  'control',
  'refiner',
] as const;
export type AxisKind = (typeof AXIS_KINDS)[number];

export interface Axis {
  kind: AxisKind;
  values: (string | number)[];
}

const INTEGER_KINDS = new Set<AxisKind>(['steps', 'seed']);
const NUMBER_KINDS = new Set<AxisKind>(['steps', 'seed', 'cfg', 'strength', 'control', 'refiner']);

export const AXIS_TITLES: Record<AxisKind, string> = {
  steps: 'Steps',
  cfg: 'CFG scale',
  seed: 'Seed',
  scheduler: 'Scheduler',
  model: 'Model',
  prompt: 'Prompt S/R',
  strength: 'Denoising strength',
  control: 'ControlNet scale',
  refiner: 'Refiner start',
};

const RANGE =
  /^\s*([+-]?\d+(?:\.\d+)?)\s*-\s*([+-]?\d+(?:\.\d+)?)(?:\s*\(([+-]?\d+(?:\.\d+)?)\)|\s*\[(\d+)\])?\s*$/;

function expandNumbers(kind: AxisKind, text: string, field: string): number[] {
  const out: number[] = [];
  for (const part of text.split(',')) {
    const m = RANGE.exec(part);
    if (m) {
      const [start, end] = [Number(m[1]), Number(m[2])];
      if (m[4] !== undefined) {
        const count = Number(m[4]);
        if (count < 1) throw invalidArgument(field, part.trim(), 'a count of at least 1 in [n]');
        for (let i = 0; i < count; i++)
          out.push(count === 1 ? start : start + ((end - start) * i) / (count - 1));
      } else {
        const step = m[3] !== undefined ? Number(m[3]) : end >= start ? 1 : -1;
        if (step === 0 || Math.sign(step) !== Math.sign(end - start || step))
          throw invalidArgument(
            field,
            part.trim(),
            'a step that moves from the start towards the end',
          );
        for (let v = start; step > 0 ? v <= end + 1e-9 : v >= end - 1e-9; v += step)
          out.push(Number(v.toFixed(10)));
      }
      continue;
    }
    const value = Number(part.trim());
    if (part.trim() === '' || !Number.isFinite(value))
      throw invalidArgument(field, part.trim(), 'numbers or ranges such as 10-30 (+10) or 2-8 [4]');
    out.push(value);
  }
  return INTEGER_KINDS.has(kind) ? out.map((v) => Math.round(v)) : out;
}

export function parseAxis(kind: string, text: string, field = 'axis'): Axis {
  if (!(AXIS_KINDS as readonly string[]).includes(kind))
    throw invalidArgument(`${field}`, kind, AXIS_KINDS);
  const k = kind as AxisKind;
  if (typeof text !== 'string' || text.trim() === '')
    throw invalidArgument(`${field} values`, text, 'a comma-separated list');
  let values: (string | number)[];
  if (NUMBER_KINDS.has(k)) values = expandNumbers(k, text, `${field} values`);
  else values = (parseCsv(text.trim())[0] ?? []).map((v) => v.trim()).filter((v) => v !== '');
  if (values.length === 0) throw invalidArgument(`${field} values`, text, 'at least one value');
  if (k === 'scheduler')
    values = values.map((v) => resolveSchedulerName(String(v), `${field} values`).displayName);
  if (k === 'steps' && values.some((v) => (v as number) < 1))
    throw invalidArgument(`${field} values`, text, 'steps of at least 1');
  return { kind: k, values };
}

/** What a cell shows for a value: the model's folder name, the rest as given. */
export function valueLabel(axis: Axis, value: string | number): string {
  if (axis.kind === 'model') return path.basename(String(value));
  return String(value);
}

function needs(field: string, what: string): never {
  throw invalidArgument(field, undefined, what);
}

/** Applies one axis value to a request (a copy; nested objects are copied before changing). */
export function applyAxis(
  request: GenerateInput,
  axis: Axis,
  value: string | number,
): GenerateInput {
  const out: GenerateInput = { ...request };
  switch (axis.kind) {
    case 'steps':
      out.steps = value as number;
      break;
    case 'cfg':
      out.cfg = value as number;
      break;
    case 'seed':
      out.seed = value as number;
      break;
    case 'scheduler':
      out.scheduler = String(value);
      break;
    case 'model':
      out.model = String(value);
      break;
    case 'prompt': {
      const search = String(axis.values[0]);
      if (!request.prompt.includes(search) && !(request.negativePrompt ?? '').includes(search))
        throw invalidArgument(
          'prompt',
          request.prompt,
          `a prompt containing "${search}" (the first Prompt S/R value)`,
        );
      out.prompt = request.prompt.replaceAll(search, String(value));
      if (request.negativePrompt)
        out.negativePrompt = request.negativePrompt.replaceAll(search, String(value));
      break;
    }
    case 'strength':
      if (!request.init) needs('init', 'an init image for a strength axis');
      out.init = { ...request.init, strength: value as number };
      break;
    case 'control':
      if (!request.control?.length) needs('control', 'a ControlNet unit for a control-scale axis');
      out.control = request.control.map((u) => ({ ...u, scale: value as number }));
      break;
    case 'refiner':
      if (!request.refiner) needs('refiner', 'a refiner pass for a refiner-start axis');
      out.refiner = { ...request.refiner, start: value as number };
      break;
  }
  return out;
}
