/**
 * The `emulsion` command. Subcommands: generate, build-demo-model, bench (and those other modules
 * register below). Errors print one line naming the flag; exit 2 for bad input, 1 otherwise.
 */
import { serializeError } from '../../common/errors.ts';
import { ensureDemoModels } from '../demo-model/index.ts';
import { formatRecord, setLogLevel, setLogSink, type LogLevel } from '../engine/log.ts';
import { FIELD_TO_FLAG, runGenerate, type CliIo } from './generate.ts';
import { runInfo } from './info.ts';
import { runServe } from './serve.ts';
import { runSafetyEval } from '../safety/cli.ts';

const USAGE = `Usage: emulsion <command> [flags]

Commands:
  generate           Generate images headless (flags in the README)
  serve              Serve the studio on 127.0.0.1 with an access token (--port, --host, --allow-remote)
  safety-eval        Measure the safety layers on a labelled folder (--images DIR --labels CSV)
  audit run|label|report DIR   Bias audits: generate, label, and report with intervals
  xyz                Settings-comparison grids (--x KIND=VALUES [--y ...] [--z ...] --out DIR)
  info IMAGE         Print the generation settings found in an image (--json for JSON)
  build-demo-model   Build the bundled demo model into resources/models
  bench              Run the speed benchmarks
`;

const INPUT_CODES = new Set([
  'INVALID_ARGUMENT',
  'MODEL_INVALID',
  'MODEL_CONTRACT',
  'IMAGE_INVALID',
]);

const defaultIo: CliIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
};

export async function main(argv: string[], io: CliIo = defaultIo): Promise<number> {
  const [command, ...rest] = argv;
  setLogSink((record) => io.stderr(formatRecord(record) + '\n'));
  const levelIndex = rest.indexOf('--log-level');
  if (levelIndex >= 0) {
    setLogLevel((rest[levelIndex + 1] ?? 'warn') as LogLevel);
    rest.splice(levelIndex, 2);
  }
  try {
    switch (command) {
      case 'generate':
        return await runGenerate(rest, io);
      case 'build-demo-model': {
        const paths = await ensureDemoModels();
        if (!rest.includes('--quiet')) io.stdout(`${Object.values(paths).join('\n')}\n`);
        return 0;
      }
      case 'serve':
        return await runServe(rest, io);
      case 'safety-eval':
        return await runSafetyEval(rest, io);
      case 'audit':
        return await (await import('../eval/cli.ts')).runAudit(rest, io);
      case 'xyz':
        return await (await import('../eval/cli.ts')).runXyz(rest, io);
      case 'info':
        return await runInfo(rest, io);
      case 'bench': {
        const { runBenchmarks } = await import('../bench/index.ts');
        return await runBenchmarks(rest, io);
      }
      case undefined:
      case '--help':
      case 'help':
        io.stdout(USAGE);
        return command === undefined ? 2 : 0;
      default:
        io.stderr(`emulsion: unknown command "${command}"\n${USAGE}`);
        return 2;
    }
  } catch (err) {
    const error = serializeError(err);
    const flag = error.field ? (FIELD_TO_FLAG[error.field] ?? error.field) : undefined;
    const prefix = flag && flag !== error.field ? `${flag}: ` : '';
    io.stderr(`emulsion: ${prefix}${error.message}\n`);
    // 130 = 128 + SIGINT, the shell convention for a run the user interrupted.
    if (error.code === 'CANCELLED') return 130;
    return INPUT_CODES.has(error.code) ? 2 : 1;
  }
}
