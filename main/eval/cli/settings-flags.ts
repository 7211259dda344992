/** Generation settings flags shared by `audit run` and `xyz` (the same names as `generate`). */
import type { GenerateRequest } from '../../../common/generation.ts';
import { invalidArgument } from '../../../common/errors.ts';
import { numberFlag, stringFlag, type FlagSpec, type ParsedArgs } from '../../cli/args.ts';
import type { AuditSettings } from '../audit/definition.ts';

export const SETTINGS_FLAGS: FlagSpec = {
  negative: { type: 'string' },
  steps: { type: 'string' },
  cfg: { type: 'string' },
  scheduler: { type: 'string' },
  'seed-mode': { type: 'string' },
  width: { type: 'string' },
  height: { type: 'string' },
  provider: { type: 'string' },
  init: { type: 'string' },
  strength: { type: 'string' },
  resize: { type: 'string' },
  refiner: { type: 'string' },
  'refiner-start': { type: 'string' },
};

/** Only the flags given; the engine fills in and checks the rest. */
export function settingsFromFlags(flags: ParsedArgs['flags']): AuditSettings {
  const out: AuditSettings = {};
  const set = <K extends keyof AuditSettings>(key: K, value: AuditSettings[K] | undefined) => {
    if (value !== undefined) out[key] = value;
  };
  set('negativePrompt', stringFlag(flags, 'negative'));
  set('steps', numberFlag(flags, 'steps'));
  set('cfg', numberFlag(flags, 'cfg'));
  set('scheduler', stringFlag(flags, 'scheduler'));
  set('seedMode', stringFlag(flags, 'seed-mode') as GenerateRequest['seedMode'] | undefined);
  set('width', numberFlag(flags, 'width'));
  set('height', numberFlag(flags, 'height'));
  set('provider', stringFlag(flags, 'provider') as GenerateRequest['provider'] | undefined);
  const init = stringFlag(flags, 'init');
  const strength = numberFlag(flags, 'strength');
  if (init !== undefined)
    out.init = {
      image: { path: init },
      strength: strength ?? 0.75,
      resize: (stringFlag(flags, 'resize') ?? 'crop') as 'crop',
    };
  else if (strength !== undefined)
    throw invalidArgument('--strength', strength, 'a value only together with --init IMAGE');
  const refiner = stringFlag(flags, 'refiner');
  const refinerStart = numberFlag(flags, 'refiner-start');
  if (refiner !== undefined) out.refiner = { model: refiner, start: refinerStart ?? 0.8 };
  else if (refinerStart !== undefined)
    throw invalidArgument(
      '--refiner-start',
      refinerStart,
      'a value only together with --refiner DIR',
    );
  return out;
}

export function integerFlag(flags: ParsedArgs['flags'], name: string): number | undefined {
  const value = numberFlag(flags, name);
  if (value !== undefined && (!Number.isInteger(value) || value < 0))
    throw invalidArgument(`--${name}`, flags[name], 'a non-negative integer');
  return value;
}

export function listFlag(flags: ParsedArgs['flags'], name: string): string[] {
  const raw = flags[name];
  return Array.isArray(raw) ? raw : typeof raw === 'string' ? [raw] : [];
}
