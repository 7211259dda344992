/**
 * `npx emulsion serve`: builds the renderer when running from a source checkout, starts the
 * engine worker and the server, and hands back the URL to print. The CLI owns argument parsing,
 * printing and Ctrl+C; this owns everything else.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEngineClient } from '../engine/worker/client.ts';
import type { LogLevel } from '../engine/log.ts';
import { createLogger } from '../engine/log.ts';
import { catalogSchedulers } from '../app/schedulers.ts';
import { startServer, type RunningServer } from './index.ts';

const log = createLogger('serve');
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface ServeOptions {
  /** Default 7860 (the port A1111 users expect); 0 picks a free one. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Needed for any host that is not loopback. */
  allowRemote?: boolean;
  /** Settings, default models folder and outputs. Default ~/.emulsion. */
  dataDir?: string;
  logLevel?: LogLevel;
}

/**
 * Builds renderer/ into `outDir` with Vite (about a second) so the served page always matches the
 * source. Vite is a dev dependency: this runs only from a source checkout.
 */
export async function buildRenderer(outDir: string): Promise<string> {
  const [{ build }, { rendererConfig }] = await Promise.all([
    import('vite'),
    import('../../vite.renderer.config.ts'),
  ]);
  await build({ ...rendererConfig(outDir), configFile: false });
  return outDir;
}

/** Source checkout: build into out/renderer. Installed package: use the shipped out/renderer. */
export async function prepareRenderer(): Promise<string> {
  const outDir = path.join(REPO, 'out', 'renderer');
  if (existsSync(path.join(REPO, 'renderer', 'index.html'))) {
    log.info('Building the renderer…');
    return buildRenderer(outDir);
  }
  return outDir;
}

export async function serve(options: ServeOptions = {}): Promise<RunningServer> {
  const rendererDir = await prepareRenderer();
  const engine = createEngineClient({ logLevel: options.logLevel });
  try {
    const server = await startServer({
      engine,
      rendererDir,
      dataDir: options.dataDir ?? path.join(os.homedir(), '.emulsion'),
      port: options.port ?? 7860,
      host: options.host,
      allowRemote: options.allowRemote,
      schedulers: catalogSchedulers,
    });
    return {
      ...server,
      async close() {
        await server.close();
        await engine.close();
      },
    };
  } catch (err) {
    await engine.close();
    throw err;
  }
}
