/** Builds tokenizer/ folders for tests from the shared CLIP vocabulary and the fixture configs. */
import { copyFileSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
export const SHARED_CLIP = path.resolve(repoRoot, '../shared/data/clip');
export const FIXTURES = path.join(repoRoot, 'test/fixtures/clip');

const made: string[] = [];

/**
 * A fresh folder holding the shared vocab.json and merges.txt (linked, not copied) plus the
 * configs of `configs` ('sd1', 'sd2' or none), less the names in `omit`; files in `extra` are
 * written as given and replace the linked or copied ones.
 */
export function makeTokenizerFolder(
  configs: 'sd1' | 'sd2' | 'none',
  extra: Record<string, string> = {},
  omit: string[] = [],
): string {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'emulsion-tokenizer-'));
  made.push(folder);
  for (const name of ['vocab.json', 'merges.txt']) {
    if (!omit.includes(name) && !(name in extra))
      symlinkSync(path.join(SHARED_CLIP, name), path.join(folder, name));
  }
  if (configs !== 'none') {
    for (const name of ['special_tokens_map.json', 'tokenizer_config.json']) {
      if (!omit.includes(name) && !(name in extra))
        copyFileSync(path.join(FIXTURES, configs, name), path.join(folder, name));
    }
  }
  for (const [name, text] of Object.entries(extra)) writeFileSync(path.join(folder, name), text);
  return folder;
}

export function removeTokenizerFolders(): void {
  for (const folder of made.splice(0)) rmSync(folder, { recursive: true, force: true });
}
