/**
 * readImageSettings: the settings inside any image, as normalised JSON with the source named.
 *
 * Sources, in order of preference when an image carries several:
 *   1. Emulsion's `emulsion` chunk (exact request);
 *   2. A1111 / Forge / Fooocus `parameters` (PNG text) or EXIF UserComment (JPEG, WebP);
 *   3. InvokeAI `invokeai_metadata` (3.x+) or `sd-metadata` (2.x);
 *   4. ComfyUI `prompt` graph (PNG text, or "prompt:" in EXIF Make for its WebP saver).
 * Unknown or malformed metadata never throws: the result is source 'none' with the reasons in
 * `warnings`. Only a file that cannot be opened or read raises (IO_ERROR).
 */
import { EmulsionError } from '../../common/errors.ts';
import { a1111ToSettings } from './a1111-settings.ts';
import { bytesSource, withFileSource, type ByteSource } from './byte-source.ts';
import { comfyPromptToSettings } from './comfyui.ts';
import { readContainerText, type ContainerText } from './containers.ts';
import { EMULSION_KEYWORD, parseEmulsionChunk, type EmulsionChunk } from './emulsion-chunk.ts';
import { invokeCoreToSettings, invokeLegacyToSettings } from './invokeai.ts';
import { DEFAULT_MAX_TEXT_BYTES } from './png-chunks.ts';
import {
  compact,
  emptySettings,
  isRecord,
  type ImageSettings,
  type ReadSettingsResult,
  type SettingsSource,
} from './settings.ts';

export const NO_SETTINGS_MESSAGE =
  'No settings found. The image can still be used as an init or control image.';

export interface ReadOptions {
  /** Largest text chunk read, stored or inflated. */
  maxTextBytes?: number;
}

/** Settings from Emulsion's chunk; the request inside is already this image's own. */
export function emulsionToSettings(chunk: EmulsionChunk): ImageSettings {
  const r = chunk.request;
  const s = emptySettings();
  s.prompt = r.prompt;
  s.negativePrompt = r.negativePrompt;
  s.steps = r.steps;
  s.cfg = r.cfg;
  s.seed = r.seed;
  s.width = r.width;
  s.height = r.height;
  s.scheduler = r.scheduler;
  s.sampler = chunk.a1111?.sampler;
  s.scheduleType = chunk.a1111?.scheduleType;
  s.seedMode = r.seedMode;
  const h = chunk.model.hashes;
  s.model = compact({
    name: chunk.model.name,
    hash: h?.short,
    sha256: h?.sha256,
    legacyHash: h?.legacy,
  });
  s.denoisingStrength = r.init?.strength;
  if (r.hires)
    s.hires = {
      scale: r.hires.scale,
      steps: r.hires.steps,
      upscaler: r.hires.upscaler,
      strength: r.hires.strength,
    };
  if (r.refiner) {
    s.refiner = compact({
      model: chunk.refinerModel?.name,
      hash: chunk.refinerModel?.hashes?.short,
      start: r.refiner.start,
    });
  }
  if (r.control?.length) {
    s.control = r.control.map((u) => ({
      module: u.preprocessor,
      model: u.model,
      weight: u.scale,
      start: u.start,
      end: u.end,
    }));
  }
  s.createdAt = chunk.createdAt;
  s.generator = `Emulsion ${chunk.engine.version}`;
  s.request = r;
  s.extra = { provider: chunk.provider, schedulerClass: chunk.scheduler.className };
  return compact(s);
}

function parseJson(text: string, what: string, warnings: string[]): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    warnings.push(`The ${what} is not valid JSON (${(err as Error).message}).`);
    return undefined;
  }
}

interface Found {
  source: Exclude<SettingsSource, 'none'>;
  settings: ImageSettings;
  from: string;
}

function fromPngText(text: Map<string, string>, warnings: string[]): Found | undefined {
  const emulsion = text.get(EMULSION_KEYWORD);
  const parameters = text.get('parameters');
  if (emulsion !== undefined) {
    const chunk = parseEmulsionChunk(emulsion);
    if (typeof chunk !== 'string') {
      const settings = emulsionToSettings(chunk);
      if (
        parameters !== undefined &&
        a1111ToSettings(parameters).settings.prompt !== settings.prompt
      ) {
        warnings.push(
          'The "parameters" chunk disagrees with the "emulsion" chunk; the emulsion chunk was used.',
        );
      }
      return { source: 'emulsion', settings, from: 'the PNG "emulsion" chunk' };
    }
    warnings.push(`${chunk} Falling back to the other chunks.`);
  }
  if (parameters !== undefined) {
    if (parameters.trimStart().startsWith('{')) {
      warnings.push(
        'The "parameters" chunk holds JSON (Fooocus\'s own scheme?), which is not an A1111 infotext.',
      );
    } else {
      return {
        source: 'a1111',
        settings: a1111ToSettings(parameters).settings,
        from: 'the PNG "parameters" chunk',
      };
    }
  }
  const invoke = text.get('invokeai_metadata');
  if (invoke !== undefined) {
    const meta = parseJson(invoke, '"invokeai_metadata" chunk', warnings);
    if (isRecord(meta))
      return {
        source: 'invokeai',
        settings: invokeCoreToSettings(meta),
        from: 'the PNG "invokeai_metadata" chunk',
      };
  }
  const legacy = text.get('sd-metadata');
  if (legacy !== undefined) {
    const meta = parseJson(legacy, '"sd-metadata" chunk', warnings);
    const settings = isRecord(meta) ? invokeLegacyToSettings(meta) : undefined;
    if (settings) return { source: 'invokeai', settings, from: 'the PNG "sd-metadata" chunk' };
  }
  const prompt = text.get('prompt');
  if (prompt !== undefined) return fromComfy(prompt, 'the PNG "prompt" chunk', warnings);
  if (text.has('workflow')) {
    warnings.push(
      'Only a ComfyUI "workflow" chunk is present; settings are read from the "prompt" graph.',
    );
  }
  return undefined;
}

function fromComfy(text: string, from: string, warnings: string[]): Found | undefined {
  const graph = parseJson(text, 'ComfyUI "prompt" graph', warnings);
  if (graph === undefined) return undefined;
  const comfy = comfyPromptToSettings(graph);
  warnings.push(...comfy.warnings);
  return comfy.settings ? { source: 'comfyui', settings: comfy.settings, from } : undefined;
}

function fromExif(container: ContainerText, warnings: string[]): Found | undefined {
  const exif = container.exif;
  if (!exif) return undefined;
  const what = container.format === 'jpeg' ? 'JPEG' : 'WebP';
  if (exif.userComment && exif.userComment.trim() !== '') {
    const read = a1111ToSettings(exif.userComment);
    // A camera's free-text comment is not an infotext: require A1111's three pairs.
    if (read.pairCount >= 3) {
      return { source: 'a1111', settings: read.settings, from: `the ${what} EXIF UserComment` };
    }
    warnings.push(`The ${what} EXIF UserComment is not an A1111 infotext.`);
  }
  const make = exif.make ?? '';
  const prefix = /^prompt:/i.exec(make);
  if (prefix) return fromComfy(make.slice(prefix[0].length), `the ${what} EXIF Make tag`, warnings);
  return undefined;
}

async function readFrom(src: ByteSource, options: ReadOptions): Promise<ReadSettingsResult> {
  const container = await readContainerText(src, options.maxTextBytes ?? DEFAULT_MAX_TEXT_BYTES);
  const warnings = [...container.warnings];
  const text = new Map<string, string>();
  for (const entry of container.pngText) {
    if (text.has(entry.keyword)) {
      warnings.push(`The PNG has more than one "${entry.keyword}" chunk; the first was used.`);
    } else {
      text.set(entry.keyword, entry.text);
    }
  }
  let found: Found | undefined;
  try {
    found =
      container.format === 'png' ? fromPngText(text, warnings) : fromExif(container, warnings);
  } catch (err) {
    // The readers are written not to throw; this is the last line of defence for odd input.
    warnings.push(`Reading the settings failed: ${(err as Error).message}`);
  }
  if (!found) {
    return {
      source: 'none',
      format: container.format,
      settings: null,
      message: NO_SETTINGS_MESSAGE,
      warnings,
    };
  }
  const message = `Settings read from ${found.from} (${label(found.source)}).`;
  return {
    source: found.source,
    format: container.format,
    settings: found.settings,
    message,
    warnings,
  };
}

function label(source: SettingsSource): string {
  return {
    emulsion: 'Emulsion',
    a1111: 'A1111 format',
    invokeai: 'InvokeAI',
    comfyui: 'ComfyUI',
    none: 'none',
  }[source];
}

/** Settings from encoded image bytes or an image file path. */
export async function readImageSettings(
  input: Uint8Array | string,
  options: ReadOptions = {},
): Promise<ReadSettingsResult> {
  if (typeof input !== 'string') return readFrom(bytesSource(input), options);
  try {
    return await withFileSource(input, (src) => readFrom(src, options));
  } catch (err) {
    if (err instanceof EmulsionError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new EmulsionError('IO_ERROR', `Cannot read ${input}: ${(err as Error).message}`, {
      file: input,
      ...(code ? { received: code } : {}),
    });
  }
}
