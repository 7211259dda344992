/**
 * The safety filter's public surface. The engine uses createSafetyFilter (checkPrompt before a
 * job, filterImage on every preview and decoded image); the CLI uses runSafetyEval and
 * parseSafetyFlag; `npm run bench` uses benchSafetyClassifier. Types shared with the renderer
 * live in common/safety.ts.
 */
export {
  createSafetyFilter,
  describeDecision,
  promptBlockedError,
  toSafetyDecision,
  type ImageContext,
  type ImageDecision,
  type PromptDecision,
  type SafetyFilter,
  type SafetyFilterConfig,
} from './policy.ts';
export {
  DEFAULT_CLASSIFIER_CACHE,
  ensureClassifierModel,
  loadBundledClassifier,
  type ClassScores,
  type ImageClassifier,
} from './classifier.ts';
export { loadModelSafetyChecker, type ModelSafetyChecker } from './safety-checker.ts';
export { blurRgb, blurredPng } from './blur.ts';
export { loadTermLists, SHIPPED_TERMS_DIR, type TermList } from './terms.ts';
export { validateSafetySettings, validatePolicy } from './settings.ts';
export { runEvaluation, type EvalReport } from './eval.ts';
export { formatReport } from './report-text.ts';
export { runSafetyEval, parseSafetyFlag, SAFETY_EVAL_USAGE } from './cli.ts';
export { benchSafetyClassifier } from './bench.ts';
