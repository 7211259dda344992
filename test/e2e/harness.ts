/**
 * End-to-end harness: the real engine (worker thread, bundled demo model), the local server, the
 * renderer built by Vite into a temporary folder, and Debian's chromium driven by playwright-core.
 */
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { demoModelPath } from '../../main/demo-model/index.ts';
import { createEngineClient } from '../../main/engine/worker/client.ts';
import type { EngineClient } from '../../main/engine/worker/types.ts';
import { setLogLevel } from '../../main/engine/log.ts';
import { catalogSchedulers } from '../../main/app/schedulers.ts';
import { startServer, type RunningServer } from '../../main/server/index.ts';
import { buildRenderer, testClassifierFromEnv } from '../../main/server/serve.ts';

export const CHROMIUM = process.env.EMULSION_CHROMIUM ?? '/usr/bin/chromium';
export const ARTIFACTS = path.resolve('test-artifacts');

/** Flags from docs/toolchain.md: no sandbox (root in CI), no GPU, no background traffic. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export interface E2E {
  dir: string;
  server: RunningServer;
  engine: EngineClient;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/** Fails with the fix in the message, never skips: a missing browser must not pass silently. */
export function checkPrerequisites(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `The end-to-end tests need Debian's chromium at ${CHROMIUM}. ` +
        'Install it with: apt-get install -y chromium xvfb (or set EMULSION_CHROMIUM).',
    );
  }
  const model = path.join(demoModelPath(), 'model_index.json');
  if (!existsSync(model)) {
    throw new Error(
      `The demo model is missing (${model}). Run \`npm install\`, whose prepare step builds it.`,
    );
  }
}

/**
 * `env` stands for the environment `emulsion serve` starts in: EMULSION_TEST_FLAG_ALL=1 there
 * installs the test classifier that flags every image (main/server/serve.ts).
 */
export async function startE2E(options: { env?: NodeJS.ProcessEnv } = {}): Promise<E2E> {
  checkPrerequisites();
  // The refusals this suite provokes on purpose would otherwise print warnings.
  setLogLevel('error');
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'emulsion-e2e-'));
  await fs.mkdir(ARTIFACTS, { recursive: true });
  const rendererDir = await buildRenderer(path.join(dir, 'renderer'));
  const testClassifier = testClassifierFromEnv(options.env ?? {});
  const engine = createEngineClient({
    logLevel: 'warn',
    ...(testClassifier ? { safety: { testClassifier } } : {}),
  });
  const server = await startServer({
    engine,
    rendererDir,
    dataDir: path.join(dir, 'data'),
    port: 0,
    schedulers: catalogSchedulers,
  });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  return {
    dir,
    server,
    engine,
    browser,
    context,
    page,
    async close() {
      await browser.close().catch(() => undefined);
      await server.close();
      await engine.close();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

/** Drops a file on an element the way a browser does: a DataTransfer through drag events. */
export async function dropFile(
  page: Page,
  selector: string,
  file: { name: string; type: string; data: Uint8Array },
) {
  await page.evaluate(
    ({ selector, name, type, b64 }) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const transfer = new DataTransfer();
      transfer.items.add(new File([bytes], name, { type }));
      const target = document.querySelector(selector);
      if (!target) throw new Error(`no element ${selector}`);
      for (const kind of ['dragenter', 'dragover', 'drop']) {
        target.dispatchEvent(
          new DragEvent(kind, { bubbles: true, cancelable: true, dataTransfer: transfer }),
        );
      }
    },
    { selector, name: file.name, type: file.type, b64: Buffer.from(file.data).toString('base64') },
  );
}
