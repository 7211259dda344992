/**
 * The one contract between the studio's renderer and its host. A single `as const` map from call
 * name to `{ request, response }` drives:
 * - the main-process handlers (Electron IPC and the local server's WebSocket),
 * - the preload bridge (`window.emulsion`, one named function per call),
 * - the renderer's types (the `Window` augmentation is derived from this map, never hand-written).
 *
 * The same payloads travel over Electron IPC (structured clone) and over the WebSocket (JSON with
 * `Uint8Array` encoded by `encodeWire`). Errors travel as `SerializedError` inside an `Envelope`,
 * so their stable `code` and `field` survive both transports.
 */
import type { SerializedError } from './errors.ts';
import type {
  DroppedImageSettings,
  GalleryItem,
  GalleryItemDetail,
  GalleryPage,
  GalleryQuery,
  ImageFile,
  ModelCount,
  ScanReport,
  StudioRestore,
  TagCount,
  TrashEntry,
} from './gallery.ts';
import type {
  ControlUnit,
  ExecutionProviderName,
  GenerateRequest,
  GenerateResult,
  HiresFix,
  InitImage,
  JobEvent,
  RefinerPass,
} from './generation.ts';
import type { ClassThresholds, NsfwClass, PromptCategory, SafetySettings } from './safety.ts';

/** An image the renderer sends: always bytes, never a path (main reads no file the UI names). */
export interface StudioImage {
  data: Uint8Array;
  name?: string;
}

/** `GenerateRequest` as the renderer may send it: images as bytes, models by listed path. */
export interface StudioGenerateRequest extends Omit<
  GenerateRequest,
  'init' | 'mask' | 'control' | 'refiner' | 'hires'
> {
  init?: Omit<InitImage, 'image'> & { image: StudioImage };
  control?: (Omit<ControlUnit, 'image'> & { image: StudioImage })[];
  refiner?: RefinerPass;
  hires?: HiresFix;
}

/** A model folder the engine found (mirrors the engine's `ModelInfo`, checked in main/app). */
export interface StudioModel {
  path: string;
  name: string;
  family: 'sd1' | 'sd2' | 'sdxl' | 'sdxl-refiner' | 'unknown';
  defaults: { width: number; height: number; steps: number; cfg: number; scheduler: string };
  bundled: boolean;
  /** Few-step and inpainting variants (an inpainting UNet takes 9 channels: no refiner). */
  traits?: { turbo: boolean; lcm: boolean; inpaint: boolean };
}

/** A ControlNet folder (OnnxStack layout: model.onnx taking controlnet_cond) for the unit picker. */
export interface StudioControlNet {
  path: string;
  name: string;
  bundled: boolean;
  /** 768 SD 1.x, 1024 SD 2.x, 2048 SDXL, when config.json says. */
  crossAttentionDim?: number;
  /** The hint the model expects, when its config.json says. */
  hint?: string;
}

/**
 * The safety settings the studio keeps. The user's word-list folder is not among them: it is the
 * app's own folder (`SafetyTermsInfo.userTermsDir`), so no call can point the filter elsewhere.
 */
export type StudioSafetySettings = Omit<SafetySettings, 'userTermsDir'>;

export interface StudioSettings {
  /** Absolute folder scanned for model folders (the bundled demo model is always listed too). */
  modelsFolder: string;
  /** Absolute folder finished images are written to. */
  outputFolder: string;
  /** The provider asked for; `auto` tries the best one this machine has. */
  provider: ExecutionProviderName;
  /** The safety filter: policy, prompt categories, classifier thresholds, the model's checker. */
  safety: StudioSafetySettings;
}

export interface ProvidersInfo {
  /** What this platform's onnxruntime build offers. */
  available: ExecutionProviderName[];
  /** What the settings ask for. */
  selected: ExecutionProviderName;
  /** The provider that actually ran the last job, or null before the first job. */
  lastUsed: string | null;
}

export interface SchedulerInfo {
  /** The name users know, e.g. "DPM++ 2M Karras". */
  name: string;
  /** The diffusers class it maps to, when known. */
  className?: string;
}

export interface OutputFile {
  path: string;
  name: string;
  size: number;
  modifiedMs: number;
}

export interface FolderChoice {
  /** False when the user closed the dialog; settings are then unchanged. */
  chosen: boolean;
  settings: StudioSettings;
}

/**
 * `done` as the studio forwards it: the images are already saved in the gallery. An image blurred
 * by the safety filter arrives without its `originalPng`: main keeps it, and hands it over only
 * when the user asks to reveal it (`safetyReveal`).
 */
export type StudioDoneEvent = {
  status: 'done';
  jobId: string;
  result: GenerateResult;
  /** Absolute paths of the written PNG files, in image order; null for an image not saved. */
  files: (string | null)[];
  /** The gallery entries of the saved images, in image order. */
  items: GalleryItem[];
  /** Set when an image was generated but could not be written. */
  saveError?: SerializedError;
};

/** A ControlNet unit's hint, computed before a run so the user sees what the model will follow. */
export interface ControlHintRequest {
  image: StudioImage;
  preprocessor: ControlUnit['preprocessor'];
  params?: Record<string, number>;
  /** The generation size: the hint is made at the size the ControlNet will read. */
  width: number;
  height: number;
}

export interface ControlHintPreview {
  png: Uint8Array;
  width: number;
  height: number;
}

export type StudioJobEvent = Exclude<JobEvent, { status: 'done' }> | StudioDoneEvent;

/* ---- Safety (main/safety through main/app/safety-handlers.ts) ---- */

/** One prompt word list as the settings view shows it (read-only). */
export interface SafetyTermList {
  category: PromptCategory;
  terms: string[];
  exceptions: string[];
  /** The list's header comment: why it holds what it holds. */
  reason: string;
  /** The files it was built from, shipped first, then the user's. */
  files: string[];
}

export interface SafetyTermsInfo {
  lists: SafetyTermList[];
  /** The folder where `<category>.txt` files extend or override the shipped lists. */
  userTermsDir: string;
  /** Set when the user's lists could not be read; `lists` are then the shipped ones. */
  error?: string;
}

/** A blurred image of this session: its job and its index in the batch. */
export interface SafetyImageRef {
  jobId: string;
  index: number;
}

export interface SafetyEvalRequest {
  /** A folder of images inside the app's folders. */
  imagesDir: string;
  /** `file,label[,category]` CSV inside the app's folders (main/safety/labels.ts). */
  labelsFile: string;
  /** Recall the suggested threshold must reach, in (0, 1]; default 0.9. */
  targetRecall?: number;
  /** A listed model whose own safety_checker is evaluated too, when it has one. */
  model?: string;
}

/** A proportion with its Wilson 95 % interval (main/safety/stats.ts Rate). */
export interface SafetyRate {
  value: number;
  successes: number;
  total: number;
  interval: { low: number; high: number };
}

export interface SafetyEvalLayer {
  layer: 'classifier' | 'safety-checker' | 'combined';
  confusion: { tp: number; fp: number; tn: number; fn: number };
  precision: SafetyRate | null;
  recall: SafetyRate | null;
  falsePositiveRate: SafetyRate | null;
  /** Classifier only: the threshold on max(Hentai, Porn, Sexy) that reaches the target recall. */
  thresholdForTargetRecall: {
    threshold: number;
    target: number;
    recall: number;
    precision: number;
    flagged: number;
  } | null;
  note?: string;
  byCategory: { category: string; label: 'safe' | 'unsafe'; flagged: SafetyRate }[];
}

/** main/safety/eval.ts EvalReport as plain JSON. */
export interface SafetyEvalReport {
  imagesDir: string;
  labelsFile: string;
  counts: { images: number; unsafe: number; safe: number };
  targetRecall: number;
  thresholds: ClassThresholds | null;
  layers: SafetyEvalLayer[];
  items: {
    file: string;
    label: 'safe' | 'unsafe';
    category?: string;
    classifier?: { scores: Record<NsfwClass, number>; unsafeScore: number; flagged: boolean };
    safetyChecker?: { flagged: boolean };
  }[];
  unlabelled: string[];
}

/* ---- Evaluation (main/eval/service.ts through main/app/eval-handlers.ts) ----
 * renderer/eval/api.ts re-exports these for the evaluation views. A/B pairs carry no variant
 * names, only the two image files: main keeps which variant is on which side. */

export interface AttributeDto {
  name: string;
  values: string[];
  swatches?: string[];
}

export interface AuditVariantDto {
  id: string;
  label: string;
  settings: Record<string, unknown>;
}

export interface AuditDefinitionDto {
  version: 1;
  name: string;
  template: string;
  slots: Record<string, string[]>;
  seeds: number[];
  settings: Record<string, unknown>;
  variants: AuditVariantDto[];
  attributes: AttributeDto[];
}

export interface AuditPlanDto {
  cells: number;
  variants: number;
  seedsPerCell: number;
  images: number;
  /** Wilson 95 % half-width at 50 % for one cell. */
  halfWidthAtHalf: number;
}

export type EvalJobEventDto =
  | { status: 'queued'; jobId: string; kind: string; label: string; position: number }
  | { status: 'running'; jobId: string }
  | { status: 'progress'; jobId: string; done: number; total: number; message?: string }
  | { status: 'done'; jobId: string; summary?: unknown }
  | { status: 'cancelled'; jobId: string }
  | { status: 'error'; jobId: string; error: { code: string; message: string; field?: string } };

export interface LabelItemDto {
  image: string;
  /** Absolute path; show it through `EvalApi.imageUrl`. */
  file: string;
  variant: string;
  cell: string;
}

export interface LabellingQueueDto {
  attributes: AttributeDto[];
  items: LabelItemDto[];
}

export interface LabelDto {
  image: string;
  attribute: string;
  /** A value, "can't tell", or null to clear (undo). */
  value: string | null;
}

export const AXIS_KIND_OPTIONS = [
  'steps',
  'cfg',
  'seed',
  'scheduler',
  'model',
  'prompt',
  'strength',
  'control',
  'refiner',
] as const;
export type AxisKindDto = (typeof AXIS_KIND_OPTIONS)[number];

export interface AxisDto {
  kind: AxisKindDto;
  /** As typed: "10,20,30", "10-30 (+10)", "Euler a, DPM++ 2M Karras"; main parses it. */
  values: string;
}

export interface XyzRequestDto {
  base: { prompt: string } & Record<string, unknown>;
  x: AxisDto;
  y?: AxisDto;
  z?: AxisDto;
  out: string;
}

export interface XyzResultDto {
  grid: string;
  zGrids: string[];
  cells: { id: string; file: string; labels: { x: string; y?: string; z?: string } }[];
}

/** A PartiPrompts subset: categories and challenge tags (empty: all), then a seeded sample. */
export interface PromptSubsetDto {
  categories?: string[];
  challenges?: string[];
  /** How many prompts to keep (a seeded random sample when the filter keeps more). */
  count: number;
  sampleSeed?: number;
}

/**
 * A prompt benchmark that ends in a blind A/B session. `dir` is the session folder, inside the
 * workspace's ab/ folder; the benchmark's images go to its benchmark/ subfolder. Every variant
 * renders every (prompt, seed), so each pair shares prompt and seed exactly.
 */
export interface AbBenchmarkRequestDto {
  dir: string;
  name: string;
  prompts: PromptSubsetDto;
  /** Fixed seeds, the same for every variant. */
  seeds: number[];
  /** Settings every variant starts from. */
  settings: Record<string, unknown>;
  /** Two or more: settings (scheduler, steps, CFG...) or a model from the models list. */
  variants: AuditVariantDto[];
  /** Whose votes the session holds; default "me". */
  annotator?: string;
}

/** What a benchmark can be drawn from: PartiPrompts' categories and challenge tags. */
export interface BenchmarkOptionsDto {
  prompts: number;
  categories: { name: string; prompts: number }[];
  challenges: { name: string; prompts: number }[];
}

export type AbChoiceDto = 'left' | 'right' | 'tie' | 'skip';

export interface AbPairDto {
  id: string;
  prompt: string;
  category: string;
  leftFile: string;
  rightFile: string;
}

export interface AbStateDto {
  pair?: AbPairDto;
  voted: number;
  total: number;
  skipped: number;
}

export interface RatingDto {
  item: string;
  elo: number;
  eloLow: number;
  eloHigh: number;
  wins: number;
  losses: number;
  ties: number;
  comparisons: number;
}

export interface WinRateDto {
  category: string;
  item: string;
  rate: number;
  low: number;
  high: number;
  comparisons: number;
}

export interface ScoreAgreementDto {
  scorer: string;
  rate: number;
  low: number;
  high: number;
  n: number;
  undecided: number;
}

export interface RankingDto {
  ratings: RatingDto[];
  /** What each variant id stands for (the benchmark's labels), when known. */
  labels?: Record<string, string>;
  winRates: WinRateDto[];
  agreements: ScoreAgreementDto[];
  votes: number;
  ties: number;
  skips: number;
}

/** A folder of the evaluation workspace: an audit, an XY/Z plot or an A/B session. */
export interface EvalFolder {
  name: string;
  dir: string;
}

/** The evaluation workspace, `<app data>/eval`, and what it holds. */
export interface EvalWorkspace {
  root: string;
  audits: EvalFolder[];
  xyz: EvalFolder[];
  ab: EvalFolder[];
}

/** Phantom-typed entry: the types live in the type parameters, the value only names the kind. */
interface Call<Req, Res> {
  readonly kind: 'call';
  readonly request?: Req;
  readonly response?: Res;
}
const call = <Req, Res>(): Call<Req, Res> => ({ kind: 'call' });

/**
 * Every call the renderer may make. Adding a call here makes the compiler ask for its validator
 * (main/app/validation) and its handler (main/app/studio.ts); the preload and renderer follow.
 */
export const CALLS = {
  generate: call<StudioGenerateRequest, { jobId: string }>(),
  cancel: call<{ jobId: string }, null>(),
  listModels: call<void, StudioModel[]>(),
  /** Unloads cached sessions and scans the models folder again. */
  reloadModels: call<void, StudioModel[]>(),
  /** ControlNet folders in the models folder and the bundled models folder. */
  listControlNets: call<void, StudioControlNet[]>(),
  chooseModelsFolder: call<void, FolderChoice>(),
  chooseOutputFolder: call<void, FolderChoice>(),
  listOutputs: call<void, OutputFile[]>(),
  getSettings: call<void, StudioSettings>(),
  setSettings: call<Partial<StudioSettings>, StudioSettings>(),
  /** Opens a file or folder inside the app's own folders with the OS. */
  openPath: call<{ path: string }, null>(),
  listSchedulers: call<void, SchedulerInfo[]>(),
  getProviders: call<void, ProvidersInfo>(),
  /** Runs just a unit's preprocessor on its image; the hint as PNG. */
  previewControlHint: call<ControlHintRequest, ControlHintPreview>(),

  /* ---- Gallery (main/gallery through main/app/gallery-handlers.ts) ---- */
  galleryQuery: call<GalleryQuery, GalleryPage>(),
  galleryGet: call<{ id: number }, GalleryItemDetail>(),
  /** The model filter's choices. */
  galleryModels: call<void, ModelCount[]>(),
  galleryTags: call<void, TagCount[]>(),
  gallerySetFavourite: call<{ id: number; favourite: boolean }, GalleryItem>(),
  gallerySetTags: call<{ id: number; tags: string[] }, GalleryItem>(),
  /** Moves images to the trash; the entries let the renderer undo. */
  galleryDelete: call<{ ids: number[] }, TrashEntry[]>(),
  galleryListTrash: call<void, TrashEntry[]>(),
  galleryRestore: call<{ trashIds: number[] }, GalleryItem[]>(),
  /** Deletes every trashed file for good. */
  galleryEmptyTrash: call<void, { deleted: number }>(),
  /** Rebuilds the index from the images' own metadata. */
  galleryRescan: call<void, ScanReport>(),
  /** "Use settings": an image's settings as Create view fields. */
  galleryUseSettings: call<{ id: number }, StudioRestore>(),
  /** An image's bytes, to use it as an init or control image. */
  galleryImage: call<{ id: number }, ImageFile>(),
  /** The settings inside a dropped image (any tool's format), never throwing on bad metadata. */
  readImageSettings: call<StudioImage, DroppedImageSettings>(),
  /** Shows a file inside the app's own folders in the OS file manager. */
  revealInFolder: call<{ path: string }, null>(),

  /* ---- Safety (main/app/safety-handlers.ts) ---- */
  /** The prompt word lists in effect (read-only) and the folder that extends them. */
  safetyTerms: call<void, SafetyTermsInfo>(),
  /** Reads the word lists again after the user edited them, and gives them to the engine. */
  safetyReloadTerms: call<void, SafetyTermsInfo>(),
  /** The unblurred PNG of a blurred image of this session (held in memory, never written). */
  safetyReveal: call<SafetyImageRef, { png: Uint8Array }>(),
  /** Replaces the saved blurred file with the original, recording `revealed: true`. */
  safetyKeepOriginal: call<SafetyImageRef, GalleryItem>(),
  /** safety-eval over a labelled folder: confusion matrices and Wilson intervals per layer. */
  safetyEval: call<SafetyEvalRequest, SafetyEvalReport>(),

  /* ---- Evaluation (main/app/eval-handlers.ts over main/eval/service.ts) ---- */
  evalWorkspace: call<void, EvalWorkspace>(),
  evalCancelJob: call<{ jobId: string }, null>(),
  evalPlanAudit: call<AuditDefinitionDto, AuditPlanDto>(),
  /** Creates (or resumes) the audit in `dir` and queues its images. */
  evalStartAudit: call<{ dir: string; definition: AuditDefinitionDto }, { jobId: string }>(),
  evalLabellingQueue: call<{ dir: string; annotator: string }, LabellingQueueDto>(),
  evalSaveLabel: call<{ dir: string; annotator: string; label: LabelDto }, null>(),
  evalWriteAuditReport: call<{ dir: string }, { html: string }>(),
  evalStartXyz: call<XyzRequestDto, { jobId: string }>(),
  evalXyzResult: call<{ out: string }, XyzResultDto>(),
  /** PartiPrompts' categories and challenges, for the benchmark form. */
  evalBenchmarkOptions: call<void, BenchmarkOptionsDto>(),
  /** Queues a benchmark; when its images are done, `dir` holds a blind A/B session over them. */
  evalStartBenchmark: call<AbBenchmarkRequestDto, { jobId: string }>(),
  evalAbState: call<{ dir: string }, AbStateDto>(),
  evalVote: call<{ dir: string; pairId: string; choice: AbChoiceDto }, AbStateDto>(),
  evalAbRanking: call<{ dir: string }, RankingDto>(),
} as const;

export type Calls = typeof CALLS;
export type CallName = keyof Calls;
/** `void` for calls without a payload, so callers may omit the argument. */
export type CallRequest<K extends CallName> = Exclude<Calls[K]['request'], undefined>;
export type CallResponse<K extends CallName> = Exclude<Calls[K]['response'], undefined>;

export const CALL_NAMES = Object.keys(CALLS) as CallName[];

/** Events main pushes to the renderer. The bridge exposes each as `on<Name>(listener)`. */
export const EVENTS = {
  jobEvent: { kind: 'event' } as { kind: 'event'; payload?: StudioJobEvent },
  /** Progress of long evaluation runs (audits, XY/Z plots). */
  evalJobEvent: { kind: 'event' } as { kind: 'event'; payload?: EvalJobEventDto },
} as const;

export type EventName = keyof typeof EVENTS;
export type EventPayload<K extends EventName> = Exclude<(typeof EVENTS)[K]['payload'], undefined>;
export const EVENT_NAMES = Object.keys(EVENTS) as EventName[];

/** Electron IPC channel names, namespaced so no other channel can be mistaken for ours. */
export const callChannel = (name: CallName): string => `emulsion:call:${name}`;
export const eventChannel = (name: EventName): string => `emulsion:event:${name}`;

/** A reply: the value, or the error with its stable code. Never a thrown native Error. */
export type Envelope<T> = { ok: true; value: T } | { ok: false; error: SerializedError };

type ListenerName<K extends EventName> = `on${Capitalize<K>}`;

/** What `window.emulsion` offers: one function per call, one subscription per event. */
export type EmulsionBridge = {
  readonly [K in CallName]: (request: CallRequest<K>) => Promise<Envelope<CallResponse<K>>>;
} & {
  readonly [K in EventName as ListenerName<K>]: (
    listener: (payload: EventPayload<K>) => void,
  ) => () => void;
};

export const listenerName = <K extends EventName>(name: K): ListenerName<K> =>
  `on${name[0].toUpperCase()}${name.slice(1)}` as ListenerName<K>;

/* ---- The WebSocket wire (server mode) ---- */

export type ClientMessage = { type: 'call'; id: number; method: string; request?: unknown };
export type ServerMessage =
  | { type: 'reply'; id: number; envelope: Envelope<unknown> }
  | { type: 'event'; name: EventName; payload: unknown };

const BYTES_TAG = '$bytes';
const CHUNK = 0x8000;

function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  }
  return btoa(binary);
}

function base64ToBytes(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * JSON with byte arrays kept as bytes: every `Uint8Array` (Node's Buffer included) becomes
 * `{ "$bytes": base64 }`. The replacer reads `this[key]` because JSON.stringify hands it the
 * result of Buffer's own toJSON otherwise.
 */
export function encodeWire(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key, v: unknown) {
    const raw = key === '' ? value : this[key];
    if (raw instanceof Uint8Array) return { [BYTES_TAG]: bytesToBase64(raw) };
    return v;
  });
}

export function decodeWire(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) => {
    if (
      typeof v === 'object' &&
      v !== null &&
      Object.keys(v).length === 1 &&
      typeof (v as Record<string, unknown>)[BYTES_TAG] === 'string'
    ) {
      return base64ToBytes((v as Record<string, string>)[BYTES_TAG]);
    }
    return v;
  });
}

/* ---- Images on disk ---- */

/** The Electron protocol that serves images from the app's own folders (main/app/protocol.ts). */
export const IMAGE_SCHEME = 'emulsion-image';

/** Thumbnail widths the image routes make (main/app/thumbnails.ts THUMB_WIDTHS). */
export const THUMBNAIL_WIDTHS = [128, 256, 384, 512] as const;

/** The smallest thumbnail width that covers `pixels` device pixels (the largest one beyond). */
export function thumbnailWidth(pixels: number): number {
  return THUMBNAIL_WIDTHS.find((w) => w >= pixels) ?? THUMBNAIL_WIDTHS.at(-1)!;
}

/** `?w=<width>` for a thumbnail; nothing for the file itself. */
const widthQuery = (width?: number) => (width === undefined ? '' : `?w=${width}`);

/**
 * `emulsion-image://local/<encoded absolute path>`; the host part is fixed, the path is data.
 * With `width`, a WebP thumbnail at most that wide and tall (one of THUMBNAIL_WIDTHS).
 */
export function imageUrl(absolutePath: string, width?: number): string {
  return `${IMAGE_SCHEME}://local/${encodeURIComponent(absolutePath)}${widthQuery(width)}`;
}

/** The local server's route for the same: `/image/<encoded absolute path>[?w=<width>]`. */
export function serverImageUrl(base: string, absolutePath: string, width?: number): string {
  return `${base}/image/${encodeURIComponent(absolutePath)}${widthQuery(width)}`;
}
