/**
 * Writing results. Each PNG goes to a temporary file in the target folder and is renamed into
 * place (main/lib/atomic-write.ts, main/metadata/write.ts), so an interrupted run never leaves a
 * half-written image under the final name.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { invalidArgument } from '../../common/errors.ts';
import type { GenerateResult } from '../../common/generation.ts';
import { ModelHashCache } from '../metadata/model-hash.ts';
import { withMetadata, writeImageWithMetadata } from '../metadata/write.ts';
import { writeFileAtomic } from '../lib/atomic-write.ts';
import { cacheDir } from './paths.ts';

/** `--out x.png` names one file; anything else (an existing folder, a path without .png) is a folder. */
function isFileTarget(out: string): boolean {
  return out.toLowerCase().endsWith('.png') && !(existsSync(out) && statSync(out).isDirectory());
}

/**
 * Writes every image of a result with its A1111 `parameters` and `emulsion` chunks: to the named
 * file for `--out x.png`, else into the folder with A1111-style `00001-<seed>.png` names.
 */
export async function writeOutputs(out: string, result: GenerateResult): Promise<string[]> {
  const modelHashes = await new ModelHashCache(cacheDir()).hashes(result.request.model);
  if (isFileTarget(out)) {
    if (result.images.length > 1) {
      throw invalidArgument('--out', out, 'a folder when --batch is more than 1');
    }
    const [image] = result.images;
    if (!image) return [];
    const file = path.resolve(out);
    await writeFileAtomic(file, withMetadata(result, image, { modelHashes }).png, {
      makeDir: true,
    });
    return [file];
  }
  const paths: string[] = [];
  for (const image of result.images) {
    paths.push(await writeImageWithMetadata(out, result, image, { modelHashes }));
  }
  return paths;
}
