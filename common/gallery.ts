/**
 * The gallery's plain-JSON shapes as they cross IPC to the renderer, and what the studio makes of
 * an image's settings. Type-only: no runtime imports, so the preload and renderer can share them.
 */
import type { GenerateRequest } from './generation.ts';
import type {
  ImageFormat,
  ImageSettings,
  ReadSettingsResult,
  SettingsSource,
} from './image-settings.ts';

/** One image in the grid: what a thumbnail and its tooltip need, without the full settings. */
export interface GalleryItem {
  id: number;
  /** Absolute path of the image file. */
  path: string;
  /** Path relative to the output folder, '/' separated. */
  relPath: string;
  /** Milliseconds since the epoch: when Emulsion made it, else the file's modification time. */
  createdAt: number;
  source: SettingsSource;
  format: ImageFormat;
  width: number | null;
  height: number | null;
  prompt: string;
  negativePrompt: string;
  model: string | null;
  modelHash: string | null;
  seed: number | null;
  favourite: boolean;
  tags: string[];
}

/** The detail view: the item plus everything read from the image. */
export interface GalleryItemDetail extends GalleryItem {
  settings: ImageSettings | null;
  /** Warnings from reading the file's metadata (damaged chunks and the like). */
  warnings: string[];
}

export type GalleryOrder = 'newest' | 'oldest' | 'relevance';

export interface GalleryQuery {
  /** Words to find in the prompt; each word matches as a prefix ("cast" finds "castle"). */
  text?: string;
  /** Also search negative prompts. Default false. */
  includeNegative?: boolean;
  /** Exact model name, as listed by `models()`. */
  model?: string;
  /** createdAt bounds in ms since the epoch, inclusive. */
  from?: number;
  to?: number;
  favourite?: boolean;
  tag?: string;
  source?: SettingsSource;
  /** Default 'newest'; 'relevance' needs `text`. */
  order?: GalleryOrder;
  offset?: number;
  /** Default 100, at most 1000. */
  limit?: number;
}

export interface GalleryPage {
  items: GalleryItem[];
  /** Matches in all pages. */
  total: number;
  offset: number;
}

export interface TrashEntry {
  id: number;
  /** Absolute path of the file inside the trash folder. */
  path: string;
  /** Where it came from, relative to the output folder. */
  originalRelPath: string;
  deletedAt: number;
  prompt: string;
}

export interface ScanReport {
  /** Image files found in the output folder. */
  files: number;
  added: number;
  updated: number;
  removed: number;
  /** Temp files of interrupted saves that held a whole PNG and were given a name. */
  recovered: number;
  trash: number;
  durationMs: number;
  /** Files that could not be read (permissions and the like), with the reason. */
  errors: string[];
}

/** The model filter's choices, with how many images each holds. */
export interface ModelCount {
  model: string;
  count: number;
}

export interface TagCount {
  tag: string;
  count: number;
}

/* ---- The studio's view of an image's settings ---- */

/** The Create view's fields an image's settings can fill in. Batch, provider and previews stay. */
export type RestorableFields = Partial<
  Pick<
    GenerateRequest,
    | 'prompt'
    | 'negativePrompt'
    | 'steps'
    | 'cfg'
    | 'scheduler'
    | 'seed'
    | 'seedMode'
    | 'width'
    | 'height'
    | 'hires'
    | 'refiner'
  >
>;

/** "Use settings": what to put in the Create view, and what could not be carried over. */
export interface StudioRestore {
  fields: RestorableFields;
  /** Path of an installed model that matches the image's (hash first, then name), else null. */
  model: string | null;
  /** The image's model as the image names it, when it names one. */
  modelName: string | null;
  warnings: string[];
}

/** What a dropped image holds: the settings read from it, and the same as Create view fields. */
export interface DroppedImageSettings extends ReadSettingsResult {
  /** Null when no settings were found. */
  restore: StudioRestore | null;
}

/** An image file's bytes, for using a gallery image as an init or control image. */
export interface ImageFile {
  data: Uint8Array;
  name: string;
  /** MIME type from the file's content. */
  type: string;
}
