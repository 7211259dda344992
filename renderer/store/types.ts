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
  ProvidersInfo,
  SchedulerInfo,
  StudioModel,
  StudioSettings,
} from '../../common/ipc.ts';
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
  /** Path of a ControlNet model folder from the models list. */
  model: string;
  preprocessor: Preprocessor;
  scale: number;
  start: number;
  end: number;
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
    upscaler: 'latent' | 'image';
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
}

export interface Notice {
  kind: 'error' | 'info';
  message: string;
}

export interface StudioData {
  ready: boolean;
  /** Folder dialogs and "open with the OS" (desktop app only). */
  osDialogs: boolean;
  view: 'create' | 'settings';
  connection: ConnectionState;
  form: StudioForm;
  models: StudioModel[];
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
}

export type StudioState = StudioData & StudioActions;
