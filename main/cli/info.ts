/** `emulsion info IMAGE [--json]`: the settings inside any image (Emulsion, A1111, InvokeAI, ComfyUI). */
import { formatInfoText, infoCommand } from '../metadata/cli-info.ts';
import { parseFlags } from './args.ts';
import { EmulsionError } from '../../common/errors.ts';
import type { CliIo } from './generate.ts';

export async function runInfo(argv: string[], io: CliIo): Promise<number> {
  const { flags, positionals } = parseFlags(argv, { json: { type: 'boolean' } });
  if (positionals.length !== 1) {
    throw new EmulsionError('INVALID_ARGUMENT', 'Usage: emulsion info IMAGE [--json]', {
      field: 'IMAGE',
      received: positionals,
    });
  }
  const { output, exitCode } = await infoCommand(positionals[0]);
  io.stdout((flags.json ? JSON.stringify(output, null, 2) : formatInfoText(output)) + '\n');
  return exitCode;
}
