/**
 * `emulsion serve [--port N] [--host H --allow-remote] [--data DIR]`: the studio in a browser,
 * for a headless GPU box and for end-to-end tests. Listens on 127.0.0.1 unless told otherwise;
 * every request needs the random token printed in the URL.
 */
import { serve } from '../server/serve.ts';
import { numberFlag, parseFlags, stringFlag } from './args.ts';
import type { CliIo } from './generate.ts';

export async function runServe(argv: string[], io: CliIo): Promise<number> {
  const { flags } = parseFlags(argv, {
    port: { type: 'string' },
    host: { type: 'string' },
    'allow-remote': { type: 'boolean' },
    data: { type: 'string' },
  });
  const server = await serve({
    port: numberFlag(flags, 'port'),
    host: stringFlag(flags, 'host'),
    allowRemote: flags['allow-remote'] === true,
    dataDir: stringFlag(flags, 'data'),
  });
  io.stdout(`Emulsion studio: ${server.url}\nPress Ctrl+C to stop.\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  return 0;
}
