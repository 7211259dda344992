/**
 * `emulsion generate`: headless generation through the engine worker, the same path the studio
 * uses. Exit codes: 0 success, 2 bad input (naming the flag), 1 internal error.
 */
import { randomInt } from 'node:crypto';
import { EmulsionError } from '../../common/errors.ts';
import type { GenerateRequest, JobEvent } from '../../common/generation.ts';
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
