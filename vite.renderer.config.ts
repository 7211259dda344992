/**
 * Builds the renderer on its own: for server mode (`emulsion serve` serves out/renderer) and for
 * the end-to-end tests. electron.vite.config.ts reuses `rendererConfig` for the Electron build.
 */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin, type UserConfig } from 'vite';
import { contentSecurityPolicy } from './main/app/csp.ts';

const root = fileURLToPath(new URL('./renderer', import.meta.url));

/**
 * Puts the production CSP into the built index.html as a meta tag: file:// pages in Electron get
 * no response headers, so the tag is what protects them. Not in dev, where Vite injects inline
 * scripts (main/app sets a looser policy there).
 */
export function cspMetaPlugin(): Plugin {
  return {
    name: 'emulsion-csp-meta',
    apply: 'build',
    transformIndexHtml: () => [
      {
        tag: 'meta',
        attrs: {
          'http-equiv': 'Content-Security-Policy',
          content: contentSecurityPolicy('production'),
        },
        injectTo: 'head-prepend',
      },
    ],
  };
}

export function rendererConfig(outDir: string): UserConfig {
  return {
    root,
    base: './',
    plugins: [react(), cspMetaPlugin()],
    build: { outDir, emptyOutDir: true, target: 'chrome120', sourcemap: false },
    logLevel: 'warn',
  };
}

export default defineConfig(
  rendererConfig(fileURLToPath(new URL('./out/renderer', import.meta.url))),
);
