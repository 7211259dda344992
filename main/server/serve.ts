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
import type { WorkerSafetyOptions } from '../engine/worker/types.ts';
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
 * TEST ONLY. `EMULSION_TEST_FLAG_ALL=1` in the environment of `emulsion serve` installs a stub
 * classifier that flags every image (main/engine/worker/test-classifier.ts), so end-to-end tests
 * can drive the blur and block paths with the demo model, whose drawn shapes the real classifier
 * passes. It is read once, when the server starts; nothing else (no call, no setting, not the
 * desktop app) can turn it on. The server logs a warning while it is on.
 */
export const TEST_FLAG_ALL_ENV = 'EMULSION_TEST_FLAG_ALL';

export function testClassifierFromEnv(
  env: NodeJS.ProcessEnv,
): WorkerSafetyOptions['testClassifier'] {
  if (env[TEST_FLAG_ALL_ENV] !== '1') return undefined;
  log.warn(
    `${TEST_FLAG_ALL_ENV}=1: every image is flagged by a test stub instead of the safety classifier.`,
  );
  return 'flag-all';
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
  const testClassifier = testClassifierFromEnv(process.env);
  const engine = createEngineClient({
    logLevel: options.logLevel,
    ...(testClassifier ? { safety: { testClassifier } } : {}),
  });
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
