import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(full);
    return /\.(ts|tsx)$/.test(entry.name) ? [full] : [];
  });
}

const importsOf = (file: string) =>
  [...readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)].map((m) => m[1]);

/** Where each import of `file` points, as a path from the repository root (or the bare name). */
const targets = (file: string) =>
  importsOf(file).map((s) => (s.startsWith('.') ? path.join(path.dirname(file), s) : s));

describe('process layering', () => {
  it('keeps the renderer to browser code: common/, its own files, React and zustand', () => {
    const offenders = sources('renderer').flatMap((f) =>
      targets(f)
        .filter(
          (t) => !/^(common|renderer)\//.test(t) && !/^(react|react-dom|zustand)(\/|$)/.test(t),
        )
        .filter((t) => !t.endsWith('.css'))
        .map((t) => `${f} → ${t}`),
    );
    expect(offenders).toEqual([]);
  });

  it('keeps the preload to electron and common/ (a sandboxed preload can require nothing else)', () => {
    const offenders = sources('preload').flatMap((f) =>
      targets(f)
        .filter((t) => !/^(common|preload)\//.test(t) && t !== 'electron')
        .map((t) => `${f} → ${t}`),
    );
    expect(offenders).toEqual([]);
  });

  it('never gives the renderer ipcRenderer or Node', () => {
    const text = sources('renderer')
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    expect(text).not.toMatch(/ipcRenderer|require\(|process\.versions/);
  });

  it('keeps Electron out of the modules the server and tests share (only main.ts imports it at runtime)', () => {
    const runtime = [...sources('main/app'), ...sources('main/server')].filter(
      (f) =>
        importsOf(f).includes('electron') &&
        !/import type [^;]+ from 'electron'/.test(readFileSync(f, 'utf8')),
    );
    expect(runtime).toEqual(['main/app/main.ts']);
  });
});
