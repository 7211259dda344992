/**
 * ComfyUI settings from the `prompt` graph (the API-format workflow ComfyUI's SaveImage embeds,
 * nodes.py). The graph is `{ "<id>": { "class_type": "KSampler", "inputs": {...} } }`; an input is
 * either a value or a link `["<source id>", <output slot>]`.
 *
 * We find the sampler nodes (KSampler, KSamplerAdvanced, SamplerCustom, SamplerCustomAdvanced and
 * look-alikes), pick the first pass (the sampler whose latent does not come from another sampler),
 * and follow links: positive/negative conditioning back through ControlNet and combine nodes to
 * the text encoders; seed, sampler and sigmas through their helper nodes (RandomNoise,
 * KSamplerSelect, BasicScheduler, CFGGuider); the model back to its loader; the latent back to
 * EmptyLatentImage for the size.
 */
import {
  compact,
  emptySettings,
  isRecord,
  toNumber,
  toText,
  type ImageSettings,
} from './settings.ts';

interface Node {
  class_type: string;
  inputs: Record<string, unknown>;
}
type Graph = Record<string, Node>;
type Link = [string, number];

/** How far a link chain is followed; real graphs are a few nodes deep. */
const MAX_DEPTH = 32;

function isLink(v: unknown): v is Link {
  return (
    Array.isArray(v) &&
    v.length === 2 &&
    (typeof v[0] === 'string' || typeof v[0] === 'number') &&
    typeof v[1] === 'number'
  );
}

function asGraph(value: unknown): Graph | undefined {
  if (!isRecord(value)) return undefined;
  const graph: Graph = {};
  for (const [id, node] of Object.entries(value)) {
    if (isRecord(node) && typeof node.class_type === 'string') {
      graph[id] = { class_type: node.class_type, inputs: isRecord(node.inputs) ? node.inputs : {} };
    }
  }
  return Object.keys(graph).length > 0 ? graph : undefined;
}

/**
 * A sampler is a node that takes a latent and the conditioning or a guider: KSampler,
 * KSamplerAdvanced, SamplerCustom, SamplerCustomAdvanced and custom look-alikes ("KSampler
 * (Efficient)"), but not helpers such as KSamplerSelect.
 */
const isSampler = (n: Node) =>
  'latent_image' in n.inputs && ('positive' in n.inputs || 'guider' in n.inputs);

class Walker {
  constructor(readonly graph: Graph) {}

  node(link: unknown): Node | undefined {
    return isLink(link) ? this.graph[String(link[0])] : undefined;
  }

  /** A literal input, or the value of a primitive-style node (PrimitiveInt, seed nodes...). */
  value(v: unknown, depth = 0): unknown {
    if (!isLink(v)) return v;
    const node = this.node(v);
    if (!node || depth > MAX_DEPTH) return undefined;
    for (const key of ['value', 'seed', 'noise_seed', 'int', 'float', 'number', 'string', 'text']) {
      if (key in node.inputs) return this.value(node.inputs[key], depth + 1);
    }
    return undefined;
  }

  /** Prompt texts reached from a conditioning link, in graph order, without duplicates. */
  texts(link: unknown, seen = new Set<string>(), depth = 0): string[] {
    if (!isLink(link) || depth > MAX_DEPTH) return [];
    const key = `${link[0]}:${link[1]}`;
    if (seen.has(key)) return [];
    seen.add(key);
    const node = this.graph[String(link[0])];
    if (!node) return [];
    const inputs = node.inputs;
    // Text encoders: CLIPTextEncode `text`; SDXL `text_g`/`text_l`; SD3 and Flux `clip_l`/`t5xxl`.
    const own = ['text', 'text_g', 'text_l', 'clip_g', 'clip_l', 't5xxl']
      .filter((k) => k in inputs)
      .map((k) => this.value(inputs[k]))
      .filter((t): t is string => typeof t === 'string');
    if (own.length > 0) return [...new Set(own)];
    // Nodes with both branches (ControlNetApplyAdvanced...) output positive on 0, negative on 1.
    if (isLink(inputs.positive) && isLink(inputs.negative)) {
      return this.texts(link[1] === 1 ? inputs.negative : inputs.positive, seen, depth + 1);
    }
    const out: string[] = [];
    for (const [k, v] of Object.entries(inputs)) {
      if (/conditioning/.test(k)) out.push(...this.texts(v, seen, depth + 1));
    }
    return [...new Set(out)];
  }

  /** Follows `model` links back to a loader's file name. */
  model(link: unknown, depth = 0): string | undefined {
    const node = this.node(link);
    if (!node || depth > MAX_DEPTH) return undefined;
    for (const key of ['ckpt_name', 'unet_name', 'model_name']) {
      const name = this.value(node.inputs[key]);
      if (typeof name === 'string') return name;
    }
    return this.model(node.inputs.model, depth + 1);
  }

  /** Follows latent links back to an empty-latent node's size. */
  size(link: unknown, depth = 0): { width?: number; height?: number } {
    const node = this.node(link);
    if (!node || depth > MAX_DEPTH) return {};
    const width = toNumber(this.value(node.inputs.width));
    const height = toNumber(this.value(node.inputs.height));
    if (width !== undefined && height !== undefined) return { width, height };
    for (const key of ['samples', 'latent', 'latent_image']) {
      if (isLink(node.inputs[key])) return this.size(node.inputs[key], depth + 1);
    }
    return {};
  }

  /** True when a sampler node is reachable upstream of `link`. */
  fedBySampler(link: unknown, seen = new Set<string>(), depth = 0): boolean {
    if (!isLink(link) || depth > MAX_DEPTH || seen.has(String(link[0]))) return false;
    seen.add(String(link[0]));
    const node = this.graph[String(link[0])];
    if (!node) return false;
    if (isSampler(node)) return true;
    return Object.values(node.inputs).some((v) => this.fedBySampler(v, seen, depth + 1));
  }
}

interface SamplerFields {
  seed?: unknown;
  steps?: unknown;
  cfg?: unknown;
  sampler?: unknown;
  scheduler?: unknown;
  denoise?: unknown;
  positive?: unknown;
  negative?: unknown;
  model?: unknown;
}

/** Reads one sampler node, resolving the helper nodes of the custom-sampling family. */
function samplerFields(w: Walker, node: Node): SamplerFields {
  const i = node.inputs;
  const f: SamplerFields = {
    seed: w.value(i.seed ?? i.noise_seed),
    steps: w.value(i.steps),
    cfg: w.value(i.cfg),
    sampler: w.value(i.sampler_name),
    scheduler: w.value(i.scheduler),
    denoise: w.value(i.denoise),
    positive: i.positive,
    negative: i.negative,
    model: i.model,
  };
  const noise = w.node(i.noise);
  if (noise) f.seed = w.value(noise.inputs.noise_seed ?? noise.inputs.seed);
  const guider = w.node(i.guider);
  if (guider) {
    f.cfg = w.value(guider.inputs.cfg);
    f.positive = guider.inputs.positive ?? guider.inputs.conditioning;
    f.negative = guider.inputs.negative;
    f.model = guider.inputs.model;
  }
  const sampler = w.node(i.sampler);
  if (sampler) f.sampler = w.value(sampler.inputs.sampler_name) ?? sampler.class_type;
  const sigmas = w.node(i.sigmas);
  if (sigmas) {
    f.steps = w.value(sigmas.inputs.steps);
    f.denoise = w.value(sigmas.inputs.denoise);
    // BasicScheduler names its schedule; KarrasScheduler, ExponentialScheduler... are the schedule.
    f.scheduler =
      w.value(sigmas.inputs.scheduler) ?? sigmas.class_type.replace(/Scheduler$/, '').toLowerCase();
    f.model ??= sigmas.inputs.model;
  }
  return f;
}

export interface ComfyRead {
  settings?: ImageSettings;
  warnings: string[];
}

/** Settings from a parsed `prompt` graph; no settings (with a reason) when it has no sampler. */
export function comfyPromptToSettings(prompt: unknown): ComfyRead {
  const graph = asGraph(prompt);
  if (!graph) return { warnings: ['The ComfyUI "prompt" chunk is not a node graph.'] };
  const w = new Walker(graph);
  const ids = Object.keys(graph)
    .filter((id) => isSampler(graph[id]))
    .sort((a, b) => Number(a) - Number(b) || a.localeCompare(b));
  if (ids.length === 0) return { warnings: ['The ComfyUI graph has no sampler node.'] };
  const firstPass = ids.filter((id) => !w.fedBySampler(graph[id].inputs.latent_image));
  const id = firstPass[0] ?? ids[0];
  const warnings: string[] = [];
  if (ids.length > 1) {
    warnings.push(
      `The ComfyUI graph has ${ids.length} sampler nodes (${ids.join(', ')}); ` +
        `settings come from node ${id} (${graph[id].class_type}), the first pass.`,
    );
  }
  const f = samplerFields(w, graph[id]);
  const positive = w.texts(f.positive);
  const negative = w.texts(f.negative);
  if (positive.length > 1 || negative.length > 1) {
    warnings.push('Several text encoders feed the sampler; their texts are joined by new lines.');
  }
  const s = emptySettings();
  s.prompt = positive.join('\n');
  s.negativePrompt = negative.join('\n');
  s.seed = toNumber(f.seed);
  s.steps = toNumber(f.steps);
  s.cfg = toNumber(f.cfg);
  s.sampler = toText(f.sampler);
  s.scheduleType = toText(f.scheduler);
  const denoise = toNumber(f.denoise);
  if (denoise !== undefined && denoise < 1) s.denoisingStrength = denoise;
  const model = w.model(f.model);
  if (model) s.model = { name: model };
  Object.assign(s, w.size(graph[id].inputs.latent_image));
  s.generator = 'ComfyUI';
  s.extra = { comfyNode: id, comfyClass: graph[id].class_type };
  return { settings: compact(s), warnings };
}
