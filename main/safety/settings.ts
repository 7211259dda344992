/**
 * Validation of SafetySettings coming from the settings file, IPC or the command line. Every
 * error names the field, the value received and what is allowed; nothing is clamped.
 */
import { invalidArgument } from '../../common/errors.ts';
import {
  defaultSafetySettings,
  NSFW_CLASSES,
  PROMPT_CATEGORIES,
  SAFETY_POLICIES,
  type ClassThresholds,
  type SafetyPolicy,
  type SafetySettings,
} from '../../common/safety.ts';

export function validatePolicy(value: unknown, field = 'safety.policy'): SafetyPolicy {
  if (typeof value !== 'string' || !(SAFETY_POLICIES as readonly string[]).includes(value)) {
    throw invalidArgument(field, value, SAFETY_POLICIES);
  }
  return value as SafetyPolicy;
}

export function validateThreshold(value: unknown, field: string): number | null {
  if (value === null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw invalidArgument(field, value, 'a number from 0 to 1, or null (never flags)');
  }
  return value;
}

function bool(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') throw invalidArgument(field, value, 'true or false');
  return value;
}

function record(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidArgument(field, value, 'an object');
  }
  return value as Record<string, unknown>;
}

function noExtraKeys(
  obj: Record<string, unknown>,
  allowed: readonly string[],
  field: string,
): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key))
      throw invalidArgument(`${field}.${key}`, obj[key], `one of the keys ${allowed.join(', ')}`);
  }
}

/**
 * Fills missing fields from the defaults and checks the rest. Unknown keys are refused, so a
 * misspelt threshold ("porn" for "Porn") is reported instead of silently ignored.
 */
export function validateSafetySettings(value: unknown, field = 'safety'): SafetySettings {
  const input = record(value ?? {}, field);
  noExtraKeys(
    input,
    ['policy', 'promptCategories', 'userTermsDir', 'classifier', 'modelSafetyChecker'],
    field,
  );
  const out = defaultSafetySettings();
  if (input.policy !== undefined) out.policy = validatePolicy(input.policy, `${field}.policy`);
  if (input.promptCategories !== undefined) {
    const cats = record(input.promptCategories, `${field}.promptCategories`);
    noExtraKeys(cats, PROMPT_CATEGORIES, `${field}.promptCategories`);
    for (const c of PROMPT_CATEGORIES) {
      if (cats[c] !== undefined)
        out.promptCategories[c] = bool(cats[c], `${field}.promptCategories.${c}`);
    }
  }
  if (input.userTermsDir !== undefined) {
    if (typeof input.userTermsDir !== 'string' || input.userTermsDir === '') {
      throw invalidArgument(`${field}.userTermsDir`, input.userTermsDir, 'a folder path');
    }
    out.userTermsDir = input.userTermsDir;
  }
  if (input.classifier !== undefined) {
    const cls = record(input.classifier, `${field}.classifier`);
    noExtraKeys(cls, ['enabled', 'thresholds'], `${field}.classifier`);
    if (cls.enabled !== undefined)
      out.classifier.enabled = bool(cls.enabled, `${field}.classifier.enabled`);
    if (cls.thresholds !== undefined) {
      const th = record(cls.thresholds, `${field}.classifier.thresholds`);
      noExtraKeys(th, NSFW_CLASSES, `${field}.classifier.thresholds`);
      for (const c of NSFW_CLASSES) {
        if (th[c] !== undefined) {
          out.classifier.thresholds[c] = validateThreshold(
            th[c],
            `${field}.classifier.thresholds.${c}`,
          );
        }
      }
    }
  }
  if (input.modelSafetyChecker !== undefined) {
    const msc = record(input.modelSafetyChecker, `${field}.modelSafetyChecker`);
    noExtraKeys(msc, ['enabled', 'onPreviews'], `${field}.modelSafetyChecker`);
    if (msc.enabled !== undefined) {
      out.modelSafetyChecker.enabled = bool(msc.enabled, `${field}.modelSafetyChecker.enabled`);
    }
    if (msc.onPreviews !== undefined) {
      out.modelSafetyChecker.onPreviews = bool(
        msc.onPreviews,
        `${field}.modelSafetyChecker.onPreviews`,
      );
    }
  }
  return out;
}

/** Parses `Porn=0.4,Sexy=none` (command line) into thresholds on top of `base`. */
export function parseThresholds(
  text: string,
  base: ClassThresholds,
  field = '--threshold',
): ClassThresholds {
  const out = { ...base };
  for (const part of text.split(',')) {
    const m = /^\s*([A-Za-z]+)\s*=\s*(\S+)\s*$/.exec(part);
    const cls = NSFW_CLASSES.find((c) => m && c.toLowerCase() === m[1].toLowerCase());
    if (!m || !cls)
      throw invalidArgument(
        field,
        part,
        `CLASS=VALUE with CLASS one of ${NSFW_CLASSES.join(', ')}`,
      );
    const value = m[2] === 'none' ? null : Number(m[2]);
    if (Number.isNaN(value))
      throw invalidArgument(`${field} ${cls}`, m[2], 'a number from 0 to 1, or none');
    out[cls] = validateThreshold(value, `${field} ${cls}`);
  }
  return out;
}
