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

describe('main/engine layering', () => {
  const files = sources('main/engine');

  it('finds the engine sources', () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it('never imports electron', () => {
    const offenders = files.filter((f) =>
      importsOf(f).some((s) => s === 'electron' || s.startsWith('electron/')),
    );
    expect(offenders).toEqual([]);
  });

  it('never imports from the renderer, preload or Electron app folders', () => {
    const offenders = files.filter((f) =>
      importsOf(f).some((s) =>
        /(^|\/)(renderer|preload|app)\//.test(path.join(path.dirname(f), s)),
      ),
    );
    expect(offenders).toEqual([]);
  });

  it('never prints: library code logs through the scoped logger', () => {
    const offenders = files.filter((f) =>
      /\bconsole\.(log|info|warn|error|debug)\(/.test(readFileSync(f, 'utf8')),
    );
    expect(offenders).toEqual([]);
  });
});
