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
}

export interface StudioSettings {
  /** Absolute folder scanned for model folders (the bundled demo model is always listed too). */
  modelsFolder: string;
  /** Absolute folder finished images are written to. */
  outputFolder: string;
  /** The provider asked for; `auto` tries the best one this machine has. */
  provider: ExecutionProviderName;
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

/** `done` as the studio forwards it: the images are already saved in the gallery. */
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
