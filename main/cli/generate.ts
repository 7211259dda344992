/**
 * `emulsion generate`: headless generation through the engine worker, the same path the studio
 * uses. Exit codes: 0 success, 2 bad input (naming the flag), 1 internal error.
 */
import { randomInt } from 'node:crypto';
import { EmulsionError } from '../../common/errors.ts';
import type { ControlUnit, GenerateRequest, HiresFix, JobEvent } from '../../common/generation.ts';
import { ensureDemoModels } from '../demo-model/index.ts';
import { createEngineClient } from '../engine/worker/client.ts';
import type { GenerateInput } from '../engine/worker/types.ts';
import { numberFlag, parseFlags, stringFlag, type FlagSpec } from './args.ts';
import { writeOutputs } from './output.ts';

export const GENERATE_FLAGS: FlagSpec = {
  model: { type: 'string' },
  prompt: { type: 'string' },
  negative: { type: 'string' },
  steps: { type: 'string' },
  cfg: { type: 'string' },
  scheduler: { type: 'string' },
  seed: { type: 'string' },
  'seed-mode': { type: 'string' },
  width: { type: 'string' },
  height: { type: 'string' },
  batch: { type: 'string' },
  init: { type: 'string' },
  strength: { type: 'string' },
  resize: { type: 'string' },
  provider: { type: 'string' },
  out: { type: 'string' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean' },
  safety: { type: 'string' },
  'log-level': { type: 'string' },
  // ControlNet units: the k-th of each flag belongs to the k-th --control (see passFlags).
  control: { type: 'string', multiple: true },
  'control-model': { type: 'string', multiple: true },
  'control-type': { type: 'string', multiple: true },
  'control-scale': { type: 'string', multiple: true },
  'control-start': { type: 'string', multiple: true },
  'control-end': { type: 'string', multiple: true },
  'control-params': { type: 'string', multiple: true },
  'control-estimator': { type: 'string', multiple: true },
  refiner: { type: 'string' },
  'refiner-start': { type: 'string' },
  'hires-scale': { type: 'string' },
  'hires-strength': { type: 'string' },
  'hires-steps': { type: 'string' },
  'hires-upscaler': { type: 'string' },
  mask: { type: 'string' },
  'mask-blur': { type: 'string' },
  'inpaint-only-masked': { type: 'boolean' },
  padding: { type: 'string' },
};

/** Per-unit request fields and their flags (`control[i].scale` → `--control-scale`). */
const CONTROL_FLAGS: Record<string, string> = {
  image: 'control',
  model: 'control-model',
  preprocessor: 'control-type',
  scale: 'control-scale',
  start: 'control-start',
  end: 'control-end',
  params: 'control-params',
  estimator: 'control-estimator',
};

/** Request fields as the flags that set them, so engine errors name what the user typed. */
export const FIELD_TO_FLAG: Record<string, string> = {
  model: '--model',
  prompt: '--prompt',
  negativePrompt: '--negative',
  steps: '--steps',
  cfg: '--cfg',
  scheduler: '--scheduler',
  seed: '--seed',
  seedMode: '--seed-mode',
  width: '--width',
  height: '--height',
  batch: '--batch',
  init: '--init',
  'init.image': '--init',
  'init.strength': '--strength',
  'init.resize': '--resize',
  provider: '--provider',
  safety: '--safety',
  port: '--port',
  host: '--host',
  control: '--control',
  refiner: '--refiner',
  'refiner.model': '--refiner',
  'refiner.start': '--refiner-start',
  hires: '--hires-scale',
  'hires.scale': '--hires-scale',
  'hires.strength': '--hires-strength',
  'hires.steps': '--hires-steps',
  'hires.upscaler': '--hires-upscaler',
  mask: '--mask',
  'mask.image': '--mask',
  'mask.blur': '--mask-blur',
  'mask.onlyMasked': '--inpaint-only-masked',
  'mask.padding': '--padding',
  ...Object.fromEntries(
    Array.from({ length: 8 }, (_, i) => [
      [`control[${i}]`, '--control'],
      ...Object.entries(CONTROL_FLAGS).map(([field, flag]) => [
        `control[${i}].${field}`,
        `--${flag}`,
      ]),
    ]).flat(),
  ),
};

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export function buildInput(argv: string[]): {
  input: GenerateInput;
  out: string;
  json: boolean;
  quiet: boolean;
} {
  const { flags, positionals } = parseFlags(argv, GENERATE_FLAGS);
  if (positionals.length > 0) {
    throw new EmulsionError(
      'INVALID_ARGUMENT',
      `Unexpected argument "${positionals[0]}"; quote the prompt and pass it with --prompt.`,
      {
        field: '--prompt',
        received: positionals[0],
      },
    );
  }
  const prompt = stringFlag(flags, 'prompt');
  if (prompt === undefined) {
    throw new EmulsionError(
      'INVALID_ARGUMENT',
      '--prompt is required, e.g. --prompt "a red circle".',
      {
        field: '--prompt',
      },
    );
  }
  const input: GenerateInput = {
    prompt,
    model: stringFlag(flags, 'model'),
    negativePrompt: stringFlag(flags, 'negative'),
    steps: numberFlag(flags, 'steps'),
    cfg: numberFlag(flags, 'cfg'),
    scheduler: stringFlag(flags, 'scheduler'),
    seed: numberFlag(flags, 'seed') ?? randomInt(0, 2 ** 32),
    seedMode: stringFlag(flags, 'seed-mode') as GenerateRequest['seedMode'] | undefined,
    width: numberFlag(flags, 'width'),
    height: numberFlag(flags, 'height'),
    batch: numberFlag(flags, 'batch'),
    provider: stringFlag(flags, 'provider') as GenerateRequest['provider'] | undefined,
    safety: stringFlag(flags, 'safety') as GenerateRequest['safety'],
  };
  const init = stringFlag(flags, 'init');
  const strength = numberFlag(flags, 'strength');
  if (init !== undefined) {
    input.init = {
      image: { path: init },
      strength: strength ?? 0.75,
      resize: (stringFlag(flags, 'resize') ?? 'crop') as 'crop',
    };
  } else if (strength !== undefined) {
    throw new EmulsionError('INVALID_ARGUMENT', '--strength needs --init IMAGE.', {
      field: '--strength',
      received: strength,
    });
  }
  Object.assign(input, passFlags(flags, input));
  return {
    input,
    out: stringFlag(flags, 'out') ?? 'outputs',
    json: flags.json === true,
    quiet: flags.quiet === true,
  };
}

export async function runGenerate(argv: string[], io: CliIo): Promise<number> {
  const { input, out, json, quiet } = buildInput(argv);
  if (input.model === undefined) await ensureDemoModels();
  const client = createEngineClient();
  const handle = client.generate(input);
  const onSignal = () => client.cancel(handle.jobId);
  process.once('SIGINT', onSignal);
  const off = client.onEvent((event: JobEvent) => {
    if (quiet || json || event.jobId !== handle.jobId) return;
    if (event.status === 'step' && !process.stderr.isTTY) return;
    if (event.status === 'step') {
      io.stderr(`\rstep ${event.step}/${event.totalSteps}  ${Math.round(event.msPerStep)} ms/step`);
      if (event.step === event.totalSteps) io.stderr('\n');
    } else if (event.status === 'warning') {
      io.stderr(`warning: ${event.message}\n`);
    }
  });
  try {
    const result = await handle.result;
    const paths = await writeOutputs(out, result);
    if (json) {
      const { totalMs, sessionRunMs, stages } = result.timings;
      io.stdout(
        JSON.stringify({
          outputs: paths,
          seed: result.request.seed,
          provider: result.provider,
          timings: { totalMs, sessionRunMs, stages },
          warnings: result.warnings,
          ...(result.passes ? { passes: result.passes } : {}),
        }) + '\n',
      );
    } else if (!quiet) {
      for (const p of paths) io.stdout(`${p}\n`);
    }
    return 0;
  } finally {
    off();
    process.off('SIGINT', onSignal);
    await client.close();
  }
}

type Flags = ReturnType<typeof parseFlags>['flags'];

function listFlag(flags: Flags, name: string): string[] {
  const raw = flags[name];
  return Array.isArray(raw) ? raw : typeof raw === 'string' ? [raw] : [];
}

function needs(flags: Flags, names: string[], what: string, needed: string): void {
  const given = names.find((n) => flags[n] !== undefined);
  if (given) {
    throw new EmulsionError('INVALID_ARGUMENT', `--${given} needs ${needed}.`, {
      field: `--${given}`,
      received: flags[given],
      allowed: what,
    });
  }
}

/** `low=50,high=150` → { low: 50, high: 150 }. */
function parseParams(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const pair of text.split(',').filter((p) => p.trim() !== '')) {
    const [key, value, extra] = pair.split('=');
    const n = Number(value);
    if (!key?.trim() || value === undefined || extra !== undefined || !Number.isFinite(n)) {
      throw new EmulsionError(
        'INVALID_ARGUMENT',
        `--control-params must be name=number pairs separated by commas, e.g. low=50,high=150; received "${text}".`,
        { field: '--control-params', received: text },
      );
    }
    out[key.trim()] = n;
  }
  return out;
}

/**
 * ControlNet units, refiner, hires fix and mask from their flags. The k-th --control-model,
 * --control-type, ... belongs to the k-th --control; a flag given once applies to every unit.
 */
function passFlags(flags: Flags, input: GenerateInput): Partial<GenerateInput> {
  const out: Partial<GenerateInput> = {};
  const images = listFlag(flags, 'control');
  if (images.length === 0) {
    needs(flags, Object.values(CONTROL_FLAGS), 'a --control IMAGE', '--control IMAGE');
  } else {
    const per = (flag: string): (string | undefined)[] => {
      const values = listFlag(flags, flag);
      if (values.length === 0) return images.map(() => undefined);
      if (values.length === 1) return images.map(() => values[0]);
      if (values.length === images.length) return values;
      throw new EmulsionError(
        'INVALID_ARGUMENT',
        `--${flag} was given ${values.length} times for ${images.length} --control images; ` +
          'give it once (for every unit) or once per --control, in the same order.',
        { field: `--${flag}`, received: values },
      );
    };
    const num = (flag: string) =>
      per(flag).map((v) => (v === undefined ? undefined : numberFlag({ [flag]: v }, flag)));
    const [models, types, estimators, params] = [
      per('control-model'),
      per('control-type'),
      per('control-estimator'),
      per('control-params'),
    ];
    const [scales, starts, ends] = [num('control-scale'), num('control-start'), num('control-end')];
    out.control = images.map((image, k) => ({
      image: { path: image },
      model: models[k] as string,
      preprocessor: (types[k] ?? 'none') as ControlUnit['preprocessor'],
      scale: scales[k] ?? 1,
      start: starts[k] ?? 0,
      end: ends[k] ?? 1,
      ...(params[k] !== undefined ? { params: parseParams(params[k]!) } : {}),
      ...(estimators[k] !== undefined ? { estimator: estimators[k] } : {}),
    }));
  }
  const refiner = stringFlag(flags, 'refiner');
  if (refiner === undefined) needs(flags, ['refiner-start'], 'a --refiner DIR', '--refiner DIR');
  else out.refiner = { model: refiner, start: numberFlag(flags, 'refiner-start') ?? 0.8 };
  const scale = numberFlag(flags, 'hires-scale');
  if (scale === undefined) {
    needs(
      flags,
      ['hires-strength', 'hires-steps', 'hires-upscaler'],
      'a --hires-scale',
      '--hires-scale S',
    );
  } else {
    out.hires = {
      scale,
      strength: numberFlag(flags, 'hires-strength') ?? 0.5,
      steps: numberFlag(flags, 'hires-steps') ?? 0,
      upscaler: (stringFlag(flags, 'hires-upscaler') ?? 'latent') as HiresFix['upscaler'],
    };
  }
  const mask = stringFlag(flags, 'mask');
  if (mask === undefined) {
    needs(flags, ['mask-blur', 'inpaint-only-masked', 'padding'], 'a --mask IMAGE', '--mask IMAGE');
  } else {
    if (input.init === undefined) {
      throw new EmulsionError(
        'INVALID_ARGUMENT',
        '--mask needs --init IMAGE: it marks what to repaint there.',
        {
          field: '--mask',
          received: mask,
        },
      );
    }
    out.mask = {
      image: { path: mask },
      blur: numberFlag(flags, 'mask-blur') ?? 4,
      onlyMasked: flags['inpaint-only-masked'] === true,
      padding: numberFlag(flags, 'padding') ?? 32,
    };
  }
  return out;
}
