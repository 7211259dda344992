/**
 * The studio store's shape, split like xyflow's: `StudioData` is plain state, `StudioActions`
 * the functions that change it; `StudioState` is both.
 */
import type {
  GenerateRequest,
  GenerateResult,
  ResizeMode,
  SeedMode,
} from '../../common/generation.ts';
import type {
  DroppedImageSettings,
  GalleryItem,
  GalleryItemDetail,
  GalleryOrder,
  ModelCount,
  StudioRestore,
  TagCount,
  TrashEntry,
} from '../../common/gallery.ts';
import type {
  EvalWorkspace,
  ProvidersInfo,
  SafetyEvalReport,
  SafetyEvalRequest,
  SafetyTermsInfo,
  SchedulerInfo,
  StudioControlNet,
  StudioModel,
  StudioSettings,
} from '../../common/ipc.ts';
import type { SafetyDecision } from '../../common/safety.ts';
import type { ConnectionState } from '../transport/types.ts';

export type Preprocessor =
  'none' | 'canny' | 'scribble' | 'threshold' | 'invert' | 'depth' | 'pose';

/** An image the user dropped, pasted or picked, with a URL the page can show. */
export interface LocalImage {
  data: Uint8Array;
  name: string;
  type: string;
  url: string;
}

export interface ControlUnitForm {
  id: string;
  image: LocalImage | null;
  /** Path of a ControlNet folder from the ControlNet list (`controlNets`). */
  model: string;
  preprocessor: Preprocessor;
  scale: number;
  start: number;
  end: number;
  /** The hint computed before a run ("Preview hint"), for this image and preprocessor. */
  hint: HintPreview | null;
}

export interface HintPreview {
  status: 'loading' | 'ready';
  url: string | null;
  /** What it was computed from: a change of either makes it stale. */
  imageUrl: string;
  preprocessor: Preprocessor;
}

export interface StudioForm {
  /** Path of the chosen model folder; '' until the models list arrives. */
  model: string;
  prompt: string;
  negativePrompt: string;
  steps: number;
  cfg: number;
  scheduler: string;
  seedChoice: 'random' | 'fixed';
  seed: number;
  seedMode: SeedMode;
  width: number;
  height: number;
  batch: number;
  init: { image: LocalImage; strength: number; resize: ResizeMode } | null;
  control: ControlUnitForm[];
  refiner: { enabled: boolean; model: string; start: number };
  hires: {
    enabled: boolean;
    scale: number;
    strength: number;
    steps: number;
    upscaler: 'latent' | 'latent-nearest' | 'image';
  };
  /** Latent previews on the canvas while denoising. */
  preview: boolean;
}

export type JobPhase = 'submitting' | 'queued' | 'loading' | 'running' | 'decoding';

export interface JobState {
  /** null while the generate call is in flight. */
  jobId: string | null;
  phase: JobPhase;
  step: number;
  totalSteps: number;
  msPerStep: number;
  queuePosition: number;
  /** What is loading, e.g. "unet". */
  component: string | null;
  previewUrl: string | null;
}

export interface SessionResult {
  id: string;
  /** The job that made it, and its index in the batch (the keys of the safety calls). */
  jobId: string;
  /** The image as shown: blurred when the safety filter blurred it; '' when withheld. */
  url: string;
  width: number;
  height: number;
  seed: number;
  index: number;
  request: GenerateRequest & { model: string };
  scheduler: GenerateResult['scheduler'];
  provider: string;
  modelName: string;
  totalMs: number;
  /** Written file, when the host saved it. */
  file: string | null;
  warnings: string[];
  /** Control hints of the run, as URLs, in unit order. */
  controlHints: string[];
  /** The image's gallery id, when the host saved it. */
  galleryId: number | null;
  /** The safety filter's decision for this image, when the filter ran. */
  safety: SafetyDecision | null;
  /** Under `block`: nothing of the image was shown or written, only its decision. */
  withheld: boolean;
  /** Under `blur`: the unblurred original, fetched from the host when the user reveals it. */
  original: { status: 'hidden' | 'loading' | 'shown'; url: string | null };
  /** The user kept the original: it replaced the saved blurred file. */
  kept: boolean;
}

export interface Notice {
  kind: 'error' | 'info';
  message: string;
  /** Further lines, e.g. what "Use settings" could not carry over. */
  details?: string[];
}

export type View = 'create' | 'gallery' | 'evaluate' | 'settings';

export interface GalleryFilters {
  /** Full-text search over prompts. */
  text: string;
  /** A model name from the gallery's list; '' for all. */
  model: string;
  /** Local dates as a date input gives them (YYYY-MM-DD); '' for no bound. */
  from: string;
  to: string;
  favourite: boolean;
  tag: string;
  order: GalleryOrder;
}

export interface GalleryData {
  filters: GalleryFilters;
  /** The pages loaded so far, in order: items[i] is match i. */
  items: GalleryItem[];
  /** Matches in all pages. */
  total: number;
  /** A page request is in flight. */
  loading: boolean;
  /** The first page has arrived at least once. */
  loaded: boolean;
  /** Something changed (a new image, a restore): reload when the view shows. */
  stale: boolean;
  models: ModelCount[];
  tags: TagCount[];
  mode: 'grid' | 'trash';
  /** The image open in the detail view. */
  detail: GalleryItemDetail | null;
  trash: TrashEntry[] | null;
  /** The last deletion, which the toast can undo. */
  undo: { message: string; trashIds: number[] } | null;
}

/** An image dropped on the app: its settings are read, then the user picks what to do. */
export interface DroppedImage {
  image: LocalImage;
  status: 'reading' | 'done' | 'failed';
  settings: DroppedImageSettings | null;
  /** Set when it was already used as the init image (dropped on the canvas). */
  usedAsInit: boolean;
  /** Its settings were put into the Create view. */
  restored: boolean;
}

export interface StudioData {
  ready: boolean;
  /** Folder dialogs and "open with the OS" (desktop app only). */
  osDialogs: boolean;
  view: View;
  connection: ConnectionState;
  form: StudioForm;
  models: StudioModel[];
  /** ControlNet folders for the unit picker (listControlNets). */
  controlNets: StudioControlNet[];
  schedulers: SchedulerInfo[];
  providers: ProvidersInfo | null;
  settings: StudioSettings | null;
  job: JobState | null;
  results: SessionResult[];
  selectedId: string | null;
  lastSeed: number | null;
  /** Error messages by request field (`steps`, `init.strength`, `control[0].scale`, `outputFolder`). */
  fieldErrors: Record<string, string>;
  notice: Notice | null;
  gallery: GalleryData;
  dropped: DroppedImage | null;
  /** The last run's prompt check, when it matched a word list (shown next to the prompt). */
  promptSafety: SafetyDecision | null;
  /** The word lists in effect, for the settings view. */
  safetyTerms: SafetyTermsInfo | null;
  safetyEval: { running: boolean; report: SafetyEvalReport | null };
  /** The evaluation workspace (audits, plots, A/B sessions), for the Evaluate view. */
  evalWorkspace: EvalWorkspace | null;
}

export interface ImageInput {
  data: Uint8Array;
  name: string;
  type: string;
}

export interface StudioActions {
  init(): Promise<void>;
  setView(view: StudioData['view']): void;
  setForm(patch: Partial<StudioForm>): void;
  /** Picks a model and applies its default size, steps, CFG and scheduler. */
  setModel(path: string): void;
  reuseLastSeed(): void;
  setInitImage(image: ImageInput): void;
  clearInitImage(): void;
  setInit(patch: Partial<{ strength: number; resize: ResizeMode }>): void;
  addControlUnit(): void;
  updateControlUnit(id: string, patch: Partial<Omit<ControlUnitForm, 'id' | 'image'>>): void;
  setControlImage(id: string, image: ImageInput | null): void;
  removeControlUnit(id: string): void;
  setRefiner(patch: Partial<StudioForm['refiner']>): void;
  setHires(patch: Partial<StudioForm['hires']>): void;
  generate(): Promise<void>;
  cancel(): Promise<void>;
  handleJobEvent(event: import('../../common/ipc.ts').StudioJobEvent): void;
  selectResult(id: string): void;
  reuseSettings(id: string): void;
  dismissNotice(): void;
  saveSettings(patch: Partial<StudioSettings>): Promise<void>;
  chooseFolder(kind: 'models' | 'output'): Promise<void>;
  reloadModels(): Promise<void>;
  openPath(path: string): Promise<void>;
  /** A URL the page can show for an image file inside the app's folders (a thumbnail with width). */
  imageUrl(path: string, width?: number): string;
  /** Puts an image in the first ControlNet unit without one, adding a unit when needed. */
  useAsControlImage(image: ImageInput): void;
  previewHint(unitId: string): Promise<void>;
  /** Fills the Create view from an image's settings and switches to it. */
  applyRestore(restore: StudioRestore, from: string): void;
  copyText(text: string, what: string): Promise<void>;
}

export interface GalleryActions {
  loadGallery(): Promise<void>;
  /** The next page, when the grid nears the end of what is loaded. */
  loadMoreGallery(): Promise<void>;
  setGalleryFilters(patch: Partial<GalleryFilters>): void;
  setGalleryMode(mode: GalleryData['mode']): void;
  openDetail(id: number): Promise<void>;
  closeDetail(): void;
  /** The neighbour of the open image in the loaded list (-1 previous, +1 next). */
  stepDetail(delta: -1 | 1): Promise<void>;
  toggleFavourite(id: number): Promise<void>;
  setImageTags(id: number, tags: string[]): Promise<void>;
  deleteImages(ids: number[]): Promise<void>;
  undoDelete(): Promise<void>;
  dismissUndo(): void;
  loadTrash(): Promise<void>;
  restoreFromTrash(trashIds: number[]): Promise<void>;
  emptyTrash(): Promise<void>;
  rescanGallery(): Promise<void>;
  useImageSettings(id: number): Promise<void>;
  useGalleryImage(id: number, as: 'init' | 'control'): Promise<void>;
  revealInFolder(path: string): Promise<void>;
}

export interface DroppedActions {
  /** Reads a dropped image's settings; with `usedAsInit` it is already the init image. */
  inspectDropped(image: ImageInput, options?: { usedAsInit?: boolean }): Promise<void>;
  applyDropped(as: 'init' | 'control' | 'settings'): void;
  dismissDropped(): void;
}

export interface SafetyActions {
  loadSafetyTerms(): Promise<void>;
  /** After editing the word-list files: read them again and give them to the engine. */
  reloadSafetyTerms(): Promise<void>;
  /** Fetches a blurred result's original from the host and shows it. */
  revealOriginal(id: string): Promise<void>;
  hideOriginal(id: string): void;
  /** Replaces the saved blurred file with the original. */
  keepOriginal(id: string): Promise<void>;
  runSafetyEval(request: SafetyEvalRequest): Promise<void>;
  loadEvalWorkspace(): Promise<void>;
}

export type StudioState = StudioData &
  StudioActions &
  GalleryActions &
  DroppedActions &
  SafetyActions;
