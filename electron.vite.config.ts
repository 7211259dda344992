/**
 * electron-vite build of the desktop app: out/main (the main process, plus the engine worker as
 * its own entry so main/engine/worker/client.ts finds `host.js` next to it), out/preload (one
 * CommonJS file, as sandboxed preloads require) and out/renderer (shared with server mode).
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'electron-vite';
import { rendererConfig } from './vite.renderer.config.ts';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  main: {
    build: {
      outDir: here('./out/main'),
      rolldownOptions: {
        input: { index: here('./main/app/main.ts'), host: here('./main/engine/worker/host.ts') },
      },
    },
  },
  preload: {
    build: {
      outDir: here('./out/preload'),
      rolldownOptions: {
        input: { index: here('./preload/index.ts') },
        // Sandboxed preload scripts cannot be ES modules.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    ...rendererConfig(here('./out/renderer')),
    build: {
      ...rendererConfig(here('./out/renderer')).build,
      rolldownOptions: { input: { index: here('./renderer/index.html') } },
    },
  },
});
