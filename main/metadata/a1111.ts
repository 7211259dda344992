/**
 * The AUTOMATIC1111 `parameters` text ("infotext"), the de facto interchange format that Forge,
 * Fooocus (A1111 scheme), SD.Next, Civitai and many viewers read and write.
 *
 * Layout (A1111 modules/processing.py `create_infotext`, modules/infotext_utils.py
 * `parse_generation_parameters`; summarised in docs/landscape.md):
 *
 *   <prompt, one or more lines>
 *   Negative prompt: <negative, one or more lines>      (only when the negative is not empty)
 *   Steps: 20, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 7, Seed: 1, Size: 512x768, ...
 *
 * A value containing `,`, `:` or a newline is written as a JSON string; a pair whose key equals
 * its value is written as the bare key. The last line counts as parameters only when at least 3
 * `Key: value` pairs are found in it; otherwise it is prompt text.
 */

/** One `Key: value` pair in the order it is written. Numbers are written with String(n). */
export type InfotextPair = [key: string, value: string | number | boolean];

export interface ControlNetInfo {
  module: string;
  model: string;
  weight: number;
  guidanceStart: number;
  guidanceEnd: number;
  thresholdA?: number;
  thresholdB?: number;
}

/** Everything the writer puts on the last line. Optional fields are left out when undefined. */
export interface A1111Fields {
  prompt: string;
  negativePrompt: string;
  steps: number;
  sampler: string;
  /** A1111's "Schedule type" (Karras, Exponential, ...). Omitted: readers assume "Automatic". */
  scheduleType?: string;
  cfgScale: number;
  seed: number;
  width: number;
  height: number;
  /** The short hash: the first 10 hex digits of the weights file's SHA-256. */
  modelHash?: string;
  model?: string;
  denoisingStrength?: number;
  clipSkip?: number;
  /** "CPU" for torch CPU noise; A1111 writes nothing for its default GPU noise. */
  rng?: string;
  controlNet?: ControlNetInfo[];
  hires?: { upscale: number; steps?: number; upscaler: string };
  refiner?: { name: string; hash?: string; switchAt: number };
  maskBlur?: number;
  version?: string;
  /** Further pairs, written after the known ones and before Version. */
  extra?: InfotextPair[];
}

/**
 * A1111 `quote`: JSON-quote a value that holds a comma, a colon or a newline.
 * NOTE: we also quote a value that starts with '"'. A1111 would write it bare, and its own reader
 * would then JSON-decode it and lose the quotes; quoting it is read back right by every A1111-style
 * reader, so this only fixes that corner.
 */
export function quoteValue(value: string | number | boolean): string {
  const text = typeof value === 'boolean' ? (value ? 'True' : 'False') : String(value);
  const special = text.includes(',') || text.includes('\n') || text.includes(':');
  return special || text.startsWith('"') ? JSON.stringify(text) : text;
}

function formatPairs(pairs: InfotextPair[]): string {
  return pairs.map(([k, v]) => (k === String(v) ? k : `${k}: ${quoteValue(v)}`)).join(', ');
}

function controlNetText(unit: ControlNetInfo): string {
  const pairs: InfotextPair[] = [
    ['Module', unit.module],
    ['Model', unit.model],
    ['Weight', unit.weight],
  ];
  if (unit.thresholdA !== undefined) pairs.push(['Threshold A', unit.thresholdA]);
  if (unit.thresholdB !== undefined) pairs.push(['Threshold B', unit.thresholdB]);
  pairs.push(['Guidance Start', unit.guidanceStart], ['Guidance End', unit.guidanceEnd]);
  // sd-webui-controlnet writes the unit as one nested pair list; the outer quote() wraps it.
  return pairs.map(([k, v]) => `${k}: ${v}`).join(', ');
}

/** The ordered pairs of the last line, in A1111 1.10's order. */
export function infotextPairs(f: A1111Fields): InfotextPair[] {
  const pairs: InfotextPair[] = [
    ['Steps', f.steps],
    ['Sampler', f.sampler],
  ];
  const add = (key: string, value: string | number | boolean | undefined) => {
    if (value !== undefined) pairs.push([key, value]);
  };
  add('Schedule type', f.scheduleType);
  add('CFG scale', f.cfgScale);
  add('Seed', f.seed);
  add('Size', `${f.width}x${f.height}`);
  add('Model hash', f.modelHash);
  add('Model', f.model);
  add('Denoising strength', f.denoisingStrength);
  add('Clip skip', f.clipSkip !== undefined && f.clipSkip > 1 ? f.clipSkip : undefined);
  add('RNG', f.rng);
  // Everything below is A1111's `extra_generation_params`, in the order the features add them.
  add('Mask blur', f.maskBlur);
  f.controlNet?.forEach((unit, i) => add(`ControlNet ${i}`, controlNetText(unit)));
  if (f.hires) {
    add('Hires upscale', f.hires.upscale);
    add('Hires steps', f.hires.steps);
    add('Hires upscaler', f.hires.upscaler);
  }
  if (f.refiner) {
    add('Refiner', f.refiner.hash ? `${f.refiner.name} [${f.refiner.hash}]` : f.refiner.name);
    add('Refiner switch at', f.refiner.switchAt);
  }
  for (const [k, v] of f.extra ?? []) add(k, v);
  add('Version', f.version);
  return pairs;
}

/** The full `parameters` text, byte for byte as A1111's create_infotext lays it out. */
export function formatInfotext(f: A1111Fields): string {
  const negative = f.negativePrompt ? `\nNegative prompt: ${f.negativePrompt}` : '';
  return `${f.prompt}${negative}\n${formatPairs(infotextPairs(f))}`.trim();
}

// ---------------------------------------------------------------------------------------------
// Parsing

export interface ParsedInfotext {
  prompt: string;
  negativePrompt: string;
  /** Pairs of the last line, values unquoted, in order. Later duplicates win in `params`. */
  pairs: [string, string][];
  params: Record<string, string>;
}

// Python's `\w` and `\s` on str patterns are Unicode-aware; these are the JS equivalents.
const WORD = /[\p{L}\p{N}_]/u;
const SPACE = /\s/u;
const isKeyChar = (c: string) => WORD.test(c) || c === ' ' || c === '-' || c === '/';

/**
 * `re.findall(r'\s*(\w[\w \-/]+):\s*("(?:\\.|[^\\"])+"|[^,]*)(?:,|$)', line)` from A1111, as a
 * linear scan. The regex backtracks quadratically on long lines without colons; this scanner
 * returns the same pairs for every input, in O(n), so a 10 MB chunk cannot hang the reader.
 */
export function findPairs(line: string): [string, string][] {
  const chars = Array.from(line); // code points, so \p{L} sees astral letters whole
  const n = chars.length;
  const out: [string, string][] = [];
  let p = 0;
  while (p < n) {
    let q = p;
    while (q < n && SPACE.test(chars[q])) q++;
    if (q >= n) break;
    if (!WORD.test(chars[q])) {
      p = q + 1;
      continue;
    }
    let r = q + 1;
    while (r < n && isKeyChar(chars[r])) r++;
    // The key's greedy run must end on ':' and hold at least two characters.
    if (r >= n || chars[r] !== ':' || r - q < 2) {
      p = r > q + 1 ? r : q + 1;
      continue;
    }
    const key = chars.slice(q, r).join('');
    let v = r + 1;
    while (v < n && SPACE.test(chars[v])) v++;
    const quotedEnd = chars[v] === '"' ? scanQuoted(chars, v) : -1;
    if (quotedEnd > 0 && (quotedEnd === n || chars[quotedEnd] === ',')) {
      out.push([key, chars.slice(v, quotedEnd).join('')]);
      p = quotedEnd + 1;
      continue;
    }
    let e = v;
    while (e < n && chars[e] !== ',') e++;
    out.push([key, chars.slice(v, e).join('')]);
    p = e + 1;
  }
  return out;
}

/** End index (exclusive) of `"(?:\\.|[^\\"])+"` starting at `start`, or -1. */
function scanQuoted(chars: string[], start: number): number {
  let i = start + 1;
  let count = 0;
  while (i < chars.length) {
    const c = chars[i];
    if (c === '"') return count > 0 ? i + 1 : -1;
    if (c === '\\') {
      // `\\.`: '.' does not match a newline in Python's default mode.
      if (i + 1 >= chars.length || chars[i + 1] === '\n') return -1;
      i += 2;
    } else {
      i += 1;
    }
    count++;
  }
  return -1;
}

/** A1111 `unquote`: a value wrapped in double quotes is JSON; if that fails it stays as is. */
export function unquoteValue(text: string): string {
  if (text.length === 0 || text[0] !== '"' || text[text.length - 1] !== '"') return text;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'string' ? value : text;
  } catch {
    return text;
  }
}

/**
 * Splits an infotext into prompt, negative prompt and parameters, following A1111's
 * parse_generation_parameters: lines are trimmed, `Negative prompt:` switches to the negative
 * block, and the last line is parameters only when it holds at least 3 pairs.
 */
export function parseInfotext(text: string): ParsedInfotext {
  const lines = text.replace(/\r\n?/g, '\n').trim().split('\n');
  let last = lines.pop() ?? '';
  let found = findPairs(last);
  if (found.length < 3) {
    lines.push(last);
    last = '';
    found = [];
  }
  let prompt = '';
  let negative = '';
  let inNegative = false;
  for (const raw of lines) {
    let line = raw.trim();
    if (line.startsWith('Negative prompt:')) {
      inNegative = true;
      line = line.slice('Negative prompt:'.length).trim();
    }
    if (inNegative) negative += (negative === '' ? '' : '\n') + line;
    else prompt += (prompt === '' ? '' : '\n') + line;
  }
  const pairs = found.map(([k, v]): [string, string] => [k, unquoteValue(v)]);
  const params: Record<string, string> = {};
  for (const [k, v] of pairs) params[k] = v;
  return { prompt, negativePrompt: negative, pairs, params };
}
