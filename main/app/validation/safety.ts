/**
 * Checks for the safety calls and the `safety` part of the settings. The settings object must be
 * complete (the settings view always sends all of it), so a patch can never reset a threshold to
 * its default by leaving it out; values are then checked by main/safety's own validator too.
 */
import { invalidArgument } from '../../../common/errors.ts';
import type { SafetyEvalRequest, StudioSafetySettings } from '../../../common/ipc.ts';
import { NSFW_CLASSES, PROMPT_CATEGORIES, SAFETY_POLICIES } from '../../../common/safety.ts';
import { validateSafetySettings } from '../../safety/settings.ts';
import {
  absolutePath,
  boolean,
  integer,
  nullable,
  number,
  object,
  oneOf,
  string,
  type Check,
} from './schema.ts';

const threshold = nullable(number(0, 1));
const byKey = <K extends string, T>(keys: readonly K[], check: Check<T>) =>
  object(Object.fromEntries(keys.map((k) => [k, check])) as Record<K, Check<T>>);

const safetyShape = object({
  policy: oneOf(SAFETY_POLICIES),
  promptCategories: byKey(PROMPT_CATEGORIES, boolean()),
  classifier: object({ enabled: boolean(), thresholds: byKey(NSFW_CLASSES, threshold) }),
  modelSafetyChecker: object({ enabled: boolean(), onPreviews: boolean() }),
});

export const safetySettings: Check<StudioSafetySettings> = (value, field) => {
  const shaped = safetyShape(value, field);
  // The engine's validator is the authority on meaning; it must agree with the shape above.
  const { userTermsDir: _none, ...checked } = validateSafetySettings(shaped, field);
  return checked;
};

/** Jobs are named by the engine client (a UUID) or the fake engine in tests. */
const jobId = string({ min: 1, max: 64, pattern: /^[A-Za-z0-9_-]+$/ });

export const safetyImageRef = object({ jobId, index: integer(0, 63) });

const evalShape = object(
  {
    imagesDir: absolutePath(),
    labelsFile: absolutePath(),
    targetRecall: number(0, 1),
    model: absolutePath(),
  },
  ['targetRecall', 'model'],
);

export const safetyEvalRequest: Check<SafetyEvalRequest> = (value, field) => {
  const request = evalShape(value, field);
  if (request.targetRecall === 0) {
    throw invalidArgument('targetRecall', 0, 'a number greater than 0 and at most 1');
  }
  return request;
};
