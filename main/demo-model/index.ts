/**
 * Entry point: ensureDemoModels() builds the bundled demo models into resources/models when they
 * are missing or stale, and demoModelPath() says where the base model lives.
 *
 * Each folder gets `emulsion-build.json` with a fingerprint of everything the build depends on
 * (this code, the design constants and the CLIP files) and the size and SHA-256 of every file.
 * A folder is current when the fingerprint matches and every listed file has its size. Folders
 * are written to a temporary sibling and renamed into place, so an interrupted build never
 * leaves a half model behind, and a lock file lets only one process build at a time.
 * NOTE: a process that opens the folder without ensureDemoModels while another one rebuilds it
 * can miss it for the instant between the two renames.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EmulsionError } from '../../common/errors.ts';
import { createLogger } from '../engine/log.ts';
import type { ClipFiles, FolderFiles } from './build.ts';
import { DEMO_FOLDERS, type DemoKind } from './folders.ts';
import * as design from './design.ts';
import { pidAlive, withBuildLock } from './lock.ts';

export { DEMO_FOLDERS, type DemoKind } from './folders.ts';

const log = createLogger('demo-model');
const HERE = path.dirname(fileURLToPath(import.meta.url));
/** Bumped by hand when the output changes in a way the source hash cannot see (bundled builds). */
export const DEMO_MODEL_VERSION = '1';
export const BUILD_FILE = 'emulsion-build.json';

export type DemoModelPaths = Record<DemoKind, string>;

export interface EnsureOptions {
  /** Folder with vocab.json, merges.txt and NOTICE (default: see `findClipDir`). */
  clipDir?: string;
  /** Rebuild even when the folders are current. */
  force?: boolean;
}

/**
 * `EMULSION_MODELS_DIR` when set (a packaged app points it at process.resourcesPath/models, since
 * its sources are bundled elsewhere), else <repo>/resources/models from this file's place.
 */
export function defaultModelsDir(): string {
  const override = process.env.EMULSION_MODELS_DIR;
  if (override) return path.resolve(override);
  return path.resolve(HERE, '..', '..', 'resources', 'models');
}

export function demoModelPaths(outDir: string = defaultModelsDir()): DemoModelPaths {
  return {
    base: path.join(outDir, DEMO_FOLDERS.base),
    controlnet: path.join(outDir, DEMO_FOLDERS.controlnet),
    refiner: path.join(outDir, DEMO_FOLDERS.refiner),
  };
}

/** The base demo model folder (it may not be built yet; see ensureDemoModels). */
export function demoModelPath(outDir: string = defaultModelsDir()): string {
  return demoModelPaths(outDir).base;
}

/**
 * Where the CLIP vocabulary comes from: `EMULSION_CLIP_DIR`, then <repo>/resources/clip, then
 * the shared data folder next to the repository (<repo>/../shared/data/clip).
 */
export function findClipDir(): string {
  const candidates = [
    process.env.EMULSION_CLIP_DIR,
    path.resolve(HERE, '..', '..', 'resources', 'clip'),
    path.resolve(HERE, '..', '..', '..', 'shared', 'data', 'clip'),
  ].filter((d): d is string => d !== undefined && d !== '');
  const found = candidates.find((d) => existsSync(path.join(d, 'vocab.json')));
  if (found === undefined) {
    throw new EmulsionError(
      'MODEL_INVALID',
      `The demo model needs CLIP's vocab.json and merges.txt; none found in ${candidates.join(', ')}. ` +
        'Set EMULSION_CLIP_DIR to a folder holding vocab.json, merges.txt and NOTICE.',
      { field: 'clipDir', received: candidates },
    );
  }
  return found;
}

export async function readClipFiles(dir: string): Promise<ClipFiles> {
  const read = async (name: string) => {
    try {
      return new Uint8Array(await readFile(path.join(dir, name)));
    } catch (cause) {
      throw new EmulsionError('IO_ERROR', `Cannot read ${name} from ${dir}: ${String(cause)}`, {
        file: path.join(dir, name),
      });
    }
  };
  return {
    vocabJson: await read('vocab.json'),
    merges: await read('merges.txt'),
    notice: await read('NOTICE'),
  };
}

const sha256 = (b: Uint8Array | string): string => createHash('sha256').update(b).digest('hex');

/**
 * Hash of every build input. The .ts sources of this folder and the ONNX builder are included
 * when they are on disk (a dev checkout), so any code change rebuilds.
 */
export function buildFingerprint(clip: ClipFiles): string {
  const h = createHash('sha256');
  h.update(`emulsion-demo-model/${DEMO_MODEL_VERSION}\n`);
  h.update(JSON.stringify(design));
  for (const dir of [HERE, path.resolve(HERE, '..', 'onnx-builder')]) {
    if (!existsSync(path.join(dir, 'index.ts'))) continue;
    for (const f of readdirSync(dir)
      .filter((n) => n.endsWith('.ts'))
      .sort()) {
      h.update(`${f}\n`).update(readFileSync(path.join(dir, f)));
    }
  }
  for (const b of [clip.vocabJson, clip.merges, clip.notice]) h.update(sha256(b));
  return h.digest('hex');
}

interface BuildRecord {
  fingerprint: string;
  files: Record<string, { bytes: number; sha256: string }>;
}

function isCurrent(folder: string, fingerprint: string): boolean {
  try {
    const record = JSON.parse(readFileSync(path.join(folder, BUILD_FILE), 'utf8')) as BuildRecord;
    if (record.fingerprint !== fingerprint) return false;
    return Object.entries(record.files).every(
      ([rel, f]) => statSync(path.join(folder, rel), { throwIfNoEntry: false })?.size === f.bytes,
    );
  } catch {
    return false;
  }
}

async function writeFolder(outDir: string, name: string, files: FolderFiles, fingerprint: string) {
  const suffix = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const tmp = path.join(outDir, `.${name}.tmp-${suffix}`);
  const record: BuildRecord = { fingerprint, files: {} };
  for (const [rel, bytes] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const file = path.join(tmp, ...rel.split('/'));
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, bytes);
    record.files[rel] = { bytes: bytes.byteLength, sha256: sha256(bytes) };
  }
  // Written last: a folder with a build record is complete.
  await writeFile(path.join(tmp, BUILD_FILE), JSON.stringify(record, null, 2) + '\n');
  const final = path.join(outDir, name);
  const old = path.join(outDir, `.${name}.old-${suffix}`);
  if (existsSync(final)) await rename(final, old);
  try {
    await rename(tmp, final);
  } catch (cause) {
    // Another process finished the same build between our two renames: keep its folder.
    if (!isCurrent(final, fingerprint)) throw cause;
    await rm(tmp, { recursive: true, force: true });
  }
  await rm(old, { recursive: true, force: true });
}

/** Removes `.name.tmp-PID-*` / `.name.old-PID-*` folders left by builds whose process is gone. */
async function removeLeftovers(outDir: string): Promise<void> {
  if (!existsSync(outDir)) return;
  for (const entry of readdirSync(outDir)) {
    const match = /^\.emulsion-shapes[a-z-]*\.(?:tmp|old)-(\d+)-[0-9a-f]+$/.exec(entry);
    if (match && !pidAlive(Number(match[1]))) {
      await rm(path.join(outDir, entry), { recursive: true, force: true });
    }
  }
}

/** Builds whichever demo folders are missing or stale and returns the three folder paths. */
export async function ensureDemoModels(
  outDir: string = defaultModelsDir(),
  options: EnsureOptions = {},
): Promise<DemoModelPaths> {
  const paths = demoModelPaths(outDir);
  const clip = await readClipFiles(options.clipDir ?? findClipDir());
  const fingerprint = buildFingerprint(clip);
  const stale = (Object.keys(paths) as DemoKind[]).filter(
    (k) => options.force || !isCurrent(paths[k], fingerprint),
  );
  if (stale.length === 0) return paths;
  await mkdir(outDir, { recursive: true });
  await withBuildLock(outDir, async () => {
    // Another process may have built the folders while we waited for the lock.
    const todo = options.force ? stale : stale.filter((k) => !isCurrent(paths[k], fingerprint));
    if (todo.length === 0) return;
    const started = performance.now();
    await removeLeftovers(outDir);
    // Loaded on demand: hosts that only need demoModelPath() skip the graph code and onnx-proto.
    const { buildDemoModels } = await import('./build.ts');
    const built = buildDemoModels(clip);
    for (const kind of todo)
      await writeFolder(outDir, DEMO_FOLDERS[kind], built[kind], fingerprint);
    log.info('built demo models', { folders: todo, ms: Math.round(performance.now() - started) });
  });
  return paths;
}
