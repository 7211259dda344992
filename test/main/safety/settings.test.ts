import { describe, expect, it } from 'vitest';
import type { EmulsionError } from '../../../common/errors.ts';
import {
  defaultSafetySettings,
  describeReason,
  NSFW_CLASSES,
  PROMPT_CATEGORIES,
  SAFETY_DEFAULTS,
} from '../../../common/safety.ts';
import { parseThresholds, validateSafetySettings } from '../../../main/safety/settings.ts';

function thrown(fn: () => unknown): EmulsionError {
  try {
    fn();
  } catch (err) {
    return err as EmulsionError;
  }
  throw new Error('expected an error');
}

describe('safety defaults', () => {
  it('default to blur, every prompt category, the classifier, and the checker on finals only', () => {
    expect(defaultSafetySettings()).toEqual({
      policy: 'blur',
      promptCategories: { sexual: true, 'violence-gore': true, 'self-harm': true, hate: true },
      classifier: {
        enabled: true,
        thresholds: { Drawing: null, Hentai: 0.5, Neutral: null, Porn: 0.5, Sexy: 0.8 },
      },
      modelSafetyChecker: { enabled: true, onPreviews: false },
    });
  });

  it('give a reason for every default the settings view shows', () => {
    const reasons = [
      SAFETY_DEFAULTS.policy,
      SAFETY_DEFAULTS.classifierEnabled,
      SAFETY_DEFAULTS.modelSafetyCheckerEnabled,
      SAFETY_DEFAULTS.modelSafetyCheckerOnPreviews,
      ...PROMPT_CATEGORIES.map((c) => SAFETY_DEFAULTS.promptCategories[c]),
      ...NSFW_CLASSES.map((c) => SAFETY_DEFAULTS.thresholds[c]),
    ];
    for (const r of reasons) expect(r.reason.length).toBeGreaterThan(20);
  });
});

describe('validateSafetySettings', () => {
  it('fills missing fields from the defaults', () => {
    const s = validateSafetySettings({
      policy: 'block',
      classifier: { thresholds: { Sexy: null } },
    });
    expect(s.policy).toBe('block');
    expect(s.classifier.thresholds).toEqual({
      ...defaultSafetySettings().classifier.thresholds,
      Sexy: null,
    });
  });

  it('names the field, the value and what is allowed', () => {
    expect(thrown(() => validateSafetySettings({ policy: 'strict' })).details).toEqual({
      field: 'safety.policy',
      received: 'strict',
      allowed: ['off', 'warn', 'blur', 'block'],
    });
    expect(
      thrown(() => validateSafetySettings({ classifier: { thresholds: { Porn: 1.5 } } })).details,
    ).toMatchObject({
      field: 'safety.classifier.thresholds.Porn',
      received: 1.5,
    });
  });

  it('refuses a misspelt key instead of ignoring it', () => {
    const err = thrown(() => validateSafetySettings({ classifier: { thresholds: { porn: 0.3 } } }));
    expect(err.details.field).toBe('safety.classifier.thresholds.porn');
  });
});

describe('parseThresholds', () => {
  it('reads CLASS=VALUE pairs, case-insensitive, with none for never', () => {
    const base = defaultSafetySettings().classifier.thresholds;
    expect(parseThresholds('porn=0.3,Sexy=none', base)).toEqual({ ...base, Porn: 0.3, Sexy: null });
  });

  it('refuses an unknown class or a non-number', () => {
    const base = defaultSafetySettings().classifier.thresholds;
    expect(thrown(() => parseThresholds('Gore=0.3', base)).details.field).toBe('--threshold');
    expect(thrown(() => parseThresholds('Porn=high', base)).details).toMatchObject({
      field: '--threshold Porn',
      received: 'high',
    });
  });
});

describe('describeReason', () => {
  it('words each layer for people', () => {
    expect(
      describeReason({
        layer: 'prompt',
        category: 'sexual',
        term: 'nude',
        matched: 'n.u.d.e',
        start: 0,
        end: 7,
      }),
    ).toBe('prompt: "n.u.d.e" matched "nude" (sexual)');
    expect(
      describeReason({ layer: 'classifier', class: 'Porn', score: 0.912, threshold: 0.5 }),
    ).toBe('classifier: Porn 0.91 ≥ 0.5');
    expect(
      describeReason({ layer: 'safety-checker', class: 'nsfw_concept', score: 1, threshold: 1 }),
    ).toBe('safety-checker: the model’s own checker flagged it');
  });
});
