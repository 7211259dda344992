/**
 * `emulsion safety-eval --images DIR --labels labels.csv [--json]`: the command-line face of
 * eval.ts. Exit codes follow the rest of the CLI: 0 done, 2 bad input (flags, CSV, images,
 * model files), 1 anything else.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { invalidArgument, serializeError } from '../../common/errors.ts';
import { defaultSafetySettings, type SafetyPolicy } from '../../common/safety.ts';
import type { ImageClassifier } from './classifier.ts';
import { runEvaluation, type EvalOptions } from './eval.ts';
import { formatReport } from './report-text.ts';
import type { ModelSafetyChecker } from './safety-checker.ts';
import { parseThresholds, validatePolicy } from './settings.ts';

export interface SafetyEvalIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export const SAFETY_EVAL_USAGE = `Usage: emulsion safety-eval --images DIR --labels FILE [options]

Runs the image safety layers over a folder you labelled and reports, per layer and combined,
the confusion matrix, precision and recall with Wilson 95% intervals, and the classifier
threshold that reaches a target recall.

  --images DIR            folder of images
  --labels FILE           CSV lines file,label[,category]; label is safe or unsafe
  --json                  print the report as JSON
  --target-recall X       recall the suggested threshold must reach (default 0.9)
  --threshold C=V[,...]   classifier thresholds, e.g. Porn=0.4,Sexy=none
  --model DIR             also evaluate DIR/safety_checker/model.onnx
  --safety-checker FILE   also evaluate this safety_checker ONNX file
  --no-classifier         evaluate only the model's safety checker
  --cache-dir DIR         where the converted classifier is cached
`;

const VALUE_FLAGS = [
  '--images',
  '--labels',
  '--target-recall',
  '--threshold',
  '--model',
  '--safety-checker',
  '--cache-dir',
];
const BOOLEAN_FLAGS = ['--json', '--no-classifier', '--help'];
const INPUT_CODES = new Set([
  'INVALID_ARGUMENT',
  'IMAGE_INVALID',
  'MODEL_INVALID',
  'MODEL_CONTRACT',
]);

interface Parsed {
  values: Map<string, string[]>;
  flags: Set<string>;
}

function parseArgs(argv: readonly string[]): Parsed {
  const values = new Map<string, string[]>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [name, inline] =
      arg.includes('=') && arg.startsWith('--')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
    if (BOOLEAN_FLAGS.includes(name) && inline === undefined) flags.add(name);
    else if (VALUE_FLAGS.includes(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined || (inline === undefined && value.startsWith('--'))) {
        throw invalidArgument(name, value, 'a value after the flag');
      }
      values.set(name, [...(values.get(name) ?? []), value]);
    } else throw invalidArgument('flag', arg, [...VALUE_FLAGS, ...BOOLEAN_FLAGS]);
  }
  return { values, flags };
}

function single(p: Parsed, name: string): string | undefined {
  const v = p.values.get(name);
  if (v && v.length > 1) throw invalidArgument(name, v, 'a single value');
  return v?.[0];
}

/** Test seams: the evaluation's layers can be injected. */
export interface SafetyEvalHooks {
  classifier?: ImageClassifier;
  loadModelChecker?: (file: string) => Promise<ModelSafetyChecker>;
}

export function evalOptionsFromArgs(
  argv: readonly string[],
  hooks: SafetyEvalHooks = {},
): EvalOptions & { json: boolean } {
  const p = parseArgs(argv);
  const imagesDir = single(p, '--images');
  const labelsFile = single(p, '--labels');
  if (!imagesDir) throw invalidArgument('--images', undefined, 'a folder of images');
  if (!labelsFile)
    throw invalidArgument('--labels', undefined, 'a CSV file of file,label[,category] lines');
  const settings = defaultSafetySettings();
  for (const t of p.values.get('--threshold') ?? []) {
    settings.classifier.thresholds = parseThresholds(t, settings.classifier.thresholds);
  }
  if (p.flags.has('--no-classifier')) settings.classifier.enabled = false;
  const recallText = single(p, '--target-recall');
  const targetRecall = recallText === undefined ? 0.9 : Number(recallText);
  if (recallText !== undefined && !(targetRecall > 0 && targetRecall <= 1)) {
    throw invalidArgument('--target-recall', recallText, 'a number greater than 0 and at most 1');
  }
  const model = single(p, '--model');
  let checker = single(p, '--safety-checker');
  if (model !== undefined) {
    if (checker !== undefined)
      throw invalidArgument('--model', model, 'either --model or --safety-checker, not both');
    checker = path.join(model, 'safety_checker', 'model.onnx');
    if (!existsSync(checker)) {
      throw invalidArgument('--model', model, 'a model folder with safety_checker/model.onnx');
    }
  }
  return {
    imagesDir,
    labelsFile,
    targetRecall,
    settings,
    ...(checker !== undefined ? { modelSafetyChecker: checker } : {}),
    ...(single(p, '--cache-dir') !== undefined
      ? { classifierCacheDir: single(p, '--cache-dir') }
      : {}),
    ...hooks,
    json: p.flags.has('--json'),
  };
}

export async function runSafetyEval(
  argv: readonly string[],
  io: SafetyEvalIo,
  hooks: SafetyEvalHooks = {},
): Promise<number> {
  if (argv.includes('--help')) {
    io.stdout(SAFETY_EVAL_USAGE);
    return 0;
  }
  try {
    const { json, ...options } = evalOptionsFromArgs(argv, hooks);
    const report = await runEvaluation(options);
    io.stdout(json ? JSON.stringify(report, null, 2) + '\n' : formatReport(report));
    return 0;
  } catch (err) {
    const error = serializeError(err);
    io.stderr(`emulsion safety-eval: ${error.message}\n`);
    return INPUT_CODES.has(error.code) ? 2 : 1;
  }
}

/** `--safety off|warn|blur|block` for the generate command. */
export function parseSafetyFlag(value: unknown): SafetyPolicy {
  return validatePolicy(value, '--safety');
}
