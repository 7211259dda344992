/**
 * Writing results. Each PNG goes to a temporary file in the target folder and is renamed into
 * place, so an interrupted run never leaves a half-written image under the final name.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { EmulsionError, invalidArgument } from '../../common/errors.ts';
import type { GenerateResult } from '../../common/generation.ts';
import { ModelHashCache } from '../metadata/model-hash.ts';
import { withMetadata, writeImageWithMetadata } from '../metadata/write.ts';
import { cacheDir } from './paths.ts';

export function writeFileAtomic(file: string, data: Uint8Array): void {
  const dir = path.dirname(file);
  mkdirSync(dir, { recursive: true });
  const temp = path.join(dir, `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    writeFileSync(temp, data);
    renameSync(temp, file);
  } catch (err) {
    rmSync(temp, { force: true });
    throw new EmulsionError('IO_ERROR', `Could not write ${file}: ${(err as Error).message}`, {
      file,
    });
  }
}

/**
 * `--out x.png` names the file for a single image; a folder (existing, or a path without .png)
 * receives `<seed>-<index>.png` files, which batches need.
 */
export function outputPaths(out: string, seeds: number[]): string[] {
  const isFile =
    out.toLowerCase().endsWith('.png') && !(existsSync(out) && statSync(out).isDirectory());
  if (isFile) {
    if (seeds.length > 1) {
      throw invalidArgument('--out', out, 'a folder when --batch is more than 1');
    }
    return [path.resolve(out)];
  }
  return seeds.map((seed, i) => path.resolve(out, `${String(i + 1).padStart(2, '0')}-${seed}.png`));
}

/**
 * Writes every image of a result with its A1111 `parameters` and `emulsion` chunks: to the named
 * file for `--out x.png`, else into the folder with A1111-style `00001-<seed>.png` names.
 */
export async function writeOutputs(out: string, result: GenerateResult): Promise<string[]> {
  const modelHashes = await new ModelHashCache(cacheDir()).hashes(result.request.model);
  const isFile =
    out.toLowerCase().endsWith('.png') && !(existsSync(out) && statSync(out).isDirectory());
  if (isFile) {
    const [file] = outputPaths(
      out,
      result.images.map((i) => i.seed),
    );
    const image = result.images[0];
    if (image) writeFileAtomic(file, withMetadata(result, image, { modelHashes }).png);
    return image ? [file] : [];
  }
  const paths: string[] = [];
  for (const image of result.images) {
    paths.push(await writeImageWithMetadata(out, result, image, { modelHashes }));
  }
  return paths;
}
