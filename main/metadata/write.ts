/**
 * Saving a generated image: the PNG gets an A1111 `parameters` chunk and an `emulsion` chunk right
 * after IHDR, is written to a temporary file in the output folder, flushed, and only then given
 * its final name. A crash leaves either no file or a complete one; the gallery adds the row after
 * this returns, and picks up any PNG whose row never made it (see main/gallery/).
 *
 * File names follow A1111: `<5-digit sequence>-<seed>.png`, the sequence being one more than the
 * highest leading number in the folder (A1111 images.get_next_sequence_number, which starts at 0).
 * The final name is claimed with a hard link, which fails if the name exists, so two writers can
 * never overwrite each other; on file systems without hard links a rename after an existence check
 * is used instead.
 */
import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { EmulsionError, invalidArgument } from '../../common/errors.ts';
import type { GenerateResult, GeneratedImage } from '../../common/generation.ts';
import { formatInfotext, type A1111Fields } from './a1111.ts';
import { bytesSource } from './byte-source.ts';
import { listFiles } from './folder-files.ts';
import {
  baseName,
  buildEmulsionChunk,
  EMULSION_KEYWORD,
  ENGINE_VERSION,
  parseEmulsionChunk,
  type EmulsionChunk,
} from './emulsion-chunk.ts';
import { SCHEDULER_CATALOG } from '../engine/schedulers/catalog.ts';
import type { ModelHashes } from './model-hash.ts';
import {
  encodeTextChunk,
  hasPngSignature,
  insertChunksAfterIhdr,
  readPngText,
} from './png-chunks.ts';

export const PARAMETERS_KEYWORD = 'parameters';

export interface WriteOptions {
  /**
   * A1111's names for the scheduler ("DPM++ 2M" + "Karras"). Defaults to the scheduler catalog's
   * entry for the result's display name; for a name the catalog lacks (a bare diffusers class),
   * the Sampler is that name and no Schedule type is written (readers then assume "Automatic").
   */
  a1111Names?: { sampler: string; scheduleType?: string };
  modelHashes?: ModelHashes;
  refinerHashes?: ModelHashes;
  /** Defaults to now. */
  createdAt?: Date;
}

/** A1111's upscaler names where ours have an equivalent; others are written as Emulsion names them. */
const HIRES_UPSCALER: Record<string, string> = { latent: 'Latent' };

/** The catalog's A1111 Sampler and Schedule type for an Emulsion scheduler display name. */
export function a1111NamesFor(
  displayName: string,
): { sampler: string; scheduleType: string } | undefined {
  return SCHEDULER_CATALOG.find((e) => e.label === displayName)?.a1111;
}

/** The fields of the `parameters` text for one image of a result. */
export function a1111Fields(
  result: GenerateResult,
  image: GeneratedImage,
  options: WriteOptions = {},
): A1111Fields {
  const r = result.request;
  const names = options.a1111Names ?? a1111NamesFor(result.scheduler.displayName);
  const fields: A1111Fields = {
    prompt: r.prompt,
    negativePrompt: r.negativePrompt,
    steps: r.steps,
    sampler: names?.sampler ?? result.scheduler.displayName,
    scheduleType: names?.scheduleType,
    cfgScale: r.cfg,
    seed: image.seed,
    // With hires fix A1111's Size is the first pass; without it the request size is the image size.
    width: r.width,
    height: r.height,
    modelHash: options.modelHashes?.short,
    model: result.modelName,
    denoisingStrength: r.init?.strength ?? r.hires?.strength,
    rng: r.seedMode === 'torch-cpu' ? 'CPU' : undefined,
    maskBlur: r.mask?.blur,
    version: `Emulsion v${ENGINE_VERSION}`,
  };
  if (r.control?.length) {
    fields.controlNet = r.control.map((u) => ({
      module: u.preprocessor,
      model: baseName(u.model),
      weight: u.scale,
      guidanceStart: u.start,
      guidanceEnd: u.end,
      // sd-webui-controlnet writes canny's low/high thresholds as Threshold A/B.
      ...(u.preprocessor === 'canny' && u.params
        ? { thresholdA: u.params.low, thresholdB: u.params.high }
        : {}),
    }));
  }
  if (r.hires) {
    fields.hires = {
      upscale: r.hires.scale,
      steps: r.hires.steps,
      upscaler: HIRES_UPSCALER[r.hires.upscaler] ?? r.hires.upscaler,
    };
  }
  if (r.refiner) {
    fields.refiner = {
      name: baseName(r.refiner.model),
      hash: options.refinerHashes?.short,
      switchAt: r.refiner.start,
    };
  }
  return fields;
}

export interface MetadataChunks {
  parameters: string;
  emulsion: EmulsionChunk;
  /** The PNG with both chunks after IHDR. */
  png: Uint8Array;
}

/** The image's PNG bytes with both metadata chunks inserted (replacing any old ones). */
export function withMetadata(
  result: GenerateResult,
  image: GeneratedImage,
  options: WriteOptions = {},
): MetadataChunks {
  const parameters = formatInfotext(a1111Fields(result, image, options));
  const emulsion = buildEmulsionChunk(result, image, {
    modelHashes: options.modelHashes,
    refinerHashes: options.refinerHashes,
    a1111: options.a1111Names ?? a1111NamesFor(result.scheduler.displayName),
    createdAt: options.createdAt,
  });
  const chunks = [
    encodeTextChunk(PARAMETERS_KEYWORD, parameters),
    encodeTextChunk(EMULSION_KEYWORD, JSON.stringify(emulsion)),
  ];
  const png = insertChunksAfterIhdr(image.png, chunks, [PARAMETERS_KEYWORD, EMULSION_KEYWORD]);
  return { parameters, emulsion, png };
}

/** One more than the highest leading number of any file name in `dir` (0 for an empty folder). */
export async function nextSequenceNumber(dir: string): Promise<number> {
  let highest = -1;
  for (const name of await readdir(dir)) {
    // A1111: int(os.path.splitext(name)[0].split('-')[0]); names that do not parse are skipped.
    const stem = name.replace(/(?<=[^.].*)\.[^.]*$/, '');
    const head = stem.split('-')[0];
    if (/^\d+$/.test(head)) highest = Math.max(highest, Number(head));
  }
  return highest + 1;
}

export function sequenceFileName(sequence: number, seed: number): string {
  return `${String(sequence).padStart(5, '0')}-${seed}.png`;
}

/** Names a temp file so scans recognise and skip it: dot-prefixed, `.tmp` suffix. */
export function isTempFileName(name: string): boolean {
  return name.startsWith('.') && name.endsWith('.tmp');
}

const LINK_UNSUPPORTED = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EXDEV', 'EMLINK', 'ENOSYS']);
/** A1111 tries 500 names before giving up; so do we. */
const MAX_NAME_ATTEMPTS = 500;

/** Writers in this process take turns per folder, so they never compute the same sequence. */
const folderQueues = new Map<string, Promise<unknown>>();

async function claimName(temp: string, final: string): Promise<boolean> {
  try {
    await link(temp, final);
    await unlink(temp);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    if (code === 'EEXIST') return false;
    if (!LINK_UNSUPPORTED.has(code)) throw err;
  }
  try {
    await stat(final);
    return false;
  } catch {
    await rename(temp, final);
    return true;
  }
}

async function writeDurably(file: string, bytes: Uint8Array): Promise<void> {
  const handle = await open(file, 'wx');
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Writes one image of `result` into `outputDir` with both metadata chunks; returns its path.
 * @example
 *   const file = await writeImageWithMetadata(outDir, result, result.images[0], { modelHashes });
 */
export async function writeImageWithMetadata(
  outputDir: string,
  result: GenerateResult,
  image: GeneratedImage,
  options: WriteOptions = {},
): Promise<string> {
  if (!Number.isSafeInteger(image.seed) || image.seed < 0) {
    throw invalidArgument('image.seed', image.seed, 'a non-negative integer');
  }
  const { png } = withMetadata(result, image, options);
  const dir = path.resolve(outputDir);
  await mkdir(dir, { recursive: true });
  return inFolderQueue(dir, () => saveInto(dir, png, image.seed));
}

/** Runs `fn` after every earlier naming job for the same folder in this process. */
function inFolderQueue<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const previous = folderQueues.get(dir) ?? Promise.resolve();
  const job = previous.catch(() => undefined).then(fn);
  folderQueues.set(dir, job);
  void job
    .finally(() => {
      if (folderQueues.get(dir) === job) folderQueues.delete(dir);
    })
    .catch(() => undefined);
  return job;
}

async function saveInto(dir: string, png: Uint8Array, seed: number): Promise<string> {
  const temp = path.join(dir, `.emulsion-${process.pid}-${randomBytes(6).toString('hex')}.tmp`);
  await writeDurably(temp, png);
  return claimFinalName(dir, temp, seed);
}

/** Moves a finished temp file to the next free `<sequence>-<seed>.png`; removes it on failure. */
async function claimFinalName(dir: string, temp: string, seed: number): Promise<string> {
  try {
    let sequence = await nextSequenceNumber(dir);
    for (let attempt = 0; attempt < MAX_NAME_ATTEMPTS; attempt++, sequence++) {
      const final = path.join(dir, sequenceFileName(sequence, seed));
      if (await claimName(temp, final)) return final;
    }
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw new EmulsionError(
      'IO_ERROR',
      `Cannot save the image in ${dir}: ${(err as Error).message}`,
      { file: dir },
    );
  }
  await unlink(temp).catch(() => undefined);
  throw new EmulsionError(
    'IO_ERROR',
    `Cannot find a free file name in ${dir} after ${MAX_NAME_ATTEMPTS} attempts.`,
    { file: dir },
  );
}

const TEMP_NAME = /^\.emulsion-(\d+)-[0-9a-f]+\.tmp$/;
const IEND_CHUNK = Buffer.from('0000000049454e44ae426082', 'hex');

/**
 * Whether the save that named a temp file may still be running: this process's own saves are,
 * and so may be another live process's (a second window or the CLI saving into the same folder).
 * NOTE: a reused process id leaves a stale temp file for a later start to recover; that is late,
 * not lost.
 */
function ownerMayBeSaving(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0); // signal 0 only asks whether the process exists
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by another user
  }
}

/**
 * Recovers one temp file of an interrupted save: a whole PNG (signature to IEND) gets the next
 * final name in its own folder and its path is returned; one cut short is deleted (undefined).
 */
export async function recoverInterruptedSave(temp: string): Promise<string | undefined> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(temp);
  } catch {
    return undefined; // gone since the folder was listed
  }
  const whole =
    hasPngSignature(bytes) && Buffer.from(bytes.subarray(bytes.length - 12)).equals(IEND_CHUNK);
  if (!whole) {
    await unlink(temp).catch(() => undefined);
    return undefined;
  }
  const chunk = (await readPngText(bytesSource(bytes))).entries.find(
    (e) => e.keyword === EMULSION_KEYWORD,
  );
  const parsed = chunk ? parseEmulsionChunk(chunk.text) : undefined;
  const seed = parsed && typeof parsed !== 'string' ? parsed.image.seed : 0;
  const dir = path.dirname(temp);
  return inFolderQueue(dir, () => claimFinalName(dir, temp, seed));
}

/**
 * After a crash: recovers every temp file of an interrupted save in `outputDir` and its
 * sub-folders (dot-folders such as `.emulsion/` are private and skipped, see folder-files.ts).
 * Temp files of a save that may still be running are left alone. Returns the recovered images.
 */
export async function recoverInterruptedSaves(outputDir: string): Promise<string[]> {
  const temps = await listFiles(path.resolve(outputDir), (name) => {
    const m = TEMP_NAME.exec(name);
    return m !== null && !ownerMayBeSaving(Number(m[1]));
  });
  const recovered: string[] = [];
  for (const temp of temps) {
    const file = await recoverInterruptedSave(temp);
    if (file) recovered.push(file);
  }
  return recovered;
}
