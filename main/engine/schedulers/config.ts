/**
 * Resolving a diffusers `scheduler_config.json` object against one scheduler class, the way
 * diffusers' `ConfigMixin.from_config` does (diffusers/configuration_utils.py, `extract_init_dict`):
 * only the keys the class accepts are read, keys absent from the source take the class default,
 * and the keys that took a default are listed in `_use_default_values`, so a later swap to another
 * class does not carry them over.
 */
import { invalidArgument } from '../../../common/errors.ts';

export type ConfigValue = number | string | boolean | null | readonly number[];

/** The keys a scheduler class accepts, with diffusers' default for each. */
export type ConfigDefaults = Readonly<Record<string, ConfigValue>>;

/** Values a key may take, checked after `normalize`. */
export type ConfigChoices = Readonly<Record<string, readonly string[]>>;

export interface ConfigSpec {
  defaults: ConfigDefaults;
  choices?: ConfigChoices;
  /** Keys whose default is null but which hold a number when set (e.g. sigma_min). */
  nullableNumbers?: readonly string[];
  /** Class-specific rewrites diffusers performs in `__init__` (e.g. solver_type remapping). */
  normalize?: (cfg: Record<string, ConfigValue>) => void;
}

export interface ResolvedConfig {
  values: Record<string, ConfigValue>;
  /** Keys that fell back to the class default, as diffusers records them. */
  usedDefaults: string[];
}

export function resolveConfig(
  spec: ConfigSpec,
  raw: Readonly<Record<string, unknown>>,
): ResolvedConfig {
  const excluded = new Set(Array.isArray(raw._use_default_values) ? raw._use_default_values : []);
  const values: Record<string, ConfigValue> = {};
  const usedDefaults: string[] = [];
  for (const [key, fallback] of Object.entries(spec.defaults)) {
    const given = raw[key];
    if (given === undefined || excluded.has(key)) {
      values[key] = fallback;
      usedDefaults.push(key);
      continue;
    }
    values[key] = checkType(key, given, fallback, spec.nullableNumbers?.includes(key) ?? false);
  }
  spec.normalize?.(values);
  for (const [key, allowed] of Object.entries(spec.choices ?? {})) {
    if (!allowed.includes(values[key] as string)) throw invalidArgument(key, values[key], allowed);
  }
  return { values, usedDefaults };
}

function checkType(key: string, value: unknown, fallback: ConfigValue, nullableNumber: boolean) {
  if (typeof fallback === 'number' || nullableNumber) {
    if (nullableNumber && value === null) return null;
    if (typeof value !== 'number' || Number.isNaN(value))
      throw invalidArgument(key, value, 'a number');
    return value;
  }
  if (typeof fallback === 'boolean') {
    // Old configs spell "no Karras sigmas" as null; diffusers treats it as False.
    if (value === null) return false;
    if (typeof value !== 'boolean') throw invalidArgument(key, value, 'true or false');
    return value;
  }
  if (typeof fallback === 'string') {
    if (typeof value !== 'string') throw invalidArgument(key, value, 'a string');
    return value;
  }
  // Array-valued keys: trained_betas (null by default) and disable_corrector.
  if (value === null && fallback === null) return null;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw invalidArgument(
      key,
      value,
      fallback === null ? 'null or a list of numbers' : 'a list of numbers',
    );
  }
  return value as number[];
}

/** The shared beta-schedule keys, with the defaults most classes use. */
export const BETA_DEFAULTS = {
  num_train_timesteps: 1000,
  beta_start: 0.0001,
  beta_end: 0.02,
  beta_schedule: 'linear',
  trained_betas: null,
} as const satisfies ConfigDefaults;

export const PREDICTION_TYPES = ['epsilon', 'v_prediction', 'sample'] as const;
