/** A scriptable Transport for store and component tests. */
import { EmulsionError } from '../../../common/errors.ts';
import { imageUrl } from '../../../common/ipc.ts';
import type {
  CallName,
  CallRequest,
  CallResponse,
  EvalJobEventDto,
  EvalWorkspace,
  SafetyTermsInfo,
  StudioControlNet,
  StudioJobEvent,
  StudioModel,
  StudioSettings,
} from '../../../common/ipc.ts';
import type { ConnectionState, Transport } from '../../../renderer/transport/types.ts';

export const MODELS: StudioModel[] = [
  {
    path: '/models/emulsion-shapes',
    name: 'emulsion-shapes',
    family: 'sd1',
    defaults: { width: 64, height: 64, steps: 8, cfg: 5, scheduler: 'Euler a' },
    bundled: true,
  },
  {
    path: '/models/sd15',
    name: 'sd15',
    family: 'sd1',
    defaults: { width: 512, height: 512, steps: 25, cfg: 7, scheduler: 'DPM++ 2M Karras' },
    bundled: false,
  },
  {
    path: '/models/cn-canny',
    name: 'cn-canny',
    family: 'unknown',
    defaults: { width: 512, height: 512, steps: 20, cfg: 7, scheduler: 'Euler a' },
    bundled: false,
  },
];

export const CONTROLNETS: StudioControlNet[] = [
  { path: '/models/cn-canny', name: 'cn-canny', bundled: false, crossAttentionDim: 768 },
  {
    path: '/app/models/emulsion-shapes-controlnet',
    name: 'emulsion-shapes-controlnet',
    bundled: true,
    crossAttentionDim: 768,
    hint: 'white outline or scribble on black, RGB in [0,1]',
  },
];

export const SETTINGS: StudioSettings = {
  modelsFolder: '/home/ana/models',
  outputFolder: '/home/ana/Pictures/Emulsion',
  provider: 'auto',
  // SAFETY_DEFAULTS, written out (common/safety.ts).
  safety: {
    policy: 'blur',
    promptCategories: { sexual: true, 'violence-gore': true, 'self-harm': true, hate: true },
    classifier: {
      enabled: true,
      thresholds: { Drawing: null, Hentai: 0.5, Neutral: null, Porn: 0.5, Sexy: 0.8 },
    },
    modelSafetyChecker: { enabled: true, onPreviews: false },
  },
};

export const TERMS: SafetyTermsInfo = {
  userTermsDir: '/home/ana/.config/Emulsion/safety-terms',
  lists: [
    {
      category: 'sexual',
      terms: ['nude', 'nsfw'],
      exceptions: ['nude lipstick'],
      reason: 'Explicit sexual terms.',
      files: ['/app/resources/safety/terms/sexual.txt'],
    },
    {
      category: 'violence-gore',
      terms: ['gore'],
      exceptions: [],
      reason: 'Graphic violence.',
      files: ['/app/resources/safety/terms/violence-gore.txt'],
    },
  ],
};

export const WORKSPACE: EvalWorkspace = {
  root: '/home/ana/.config/Emulsion/eval',
  audits: [{ name: 'colours', dir: '/home/ana/.config/Emulsion/eval/audits/colours' }],
  xyz: [],
  ab: [{ name: 'turbo-vs-base', dir: '/home/ana/.config/Emulsion/eval/ab/turbo-vs-base' }],
};

type Handler<K extends CallName> = (
  request: CallRequest<K>,
) => CallResponse<K> | Promise<CallResponse<K>>;

export interface FakeTransport extends Transport {
  calls: { name: CallName; request: unknown }[];
  handlers: { [K in CallName]?: Handler<K> };
  emit(event: StudioJobEvent): void;
  emitEval(event: EvalJobEventDto): void;
  setConnection(state: ConnectionState): void;
}

export function createFakeTransport(options: { desktop?: boolean } = {}): FakeTransport {
  const jobListeners = new Set<(e: StudioJobEvent) => void>();
  const evalListeners = new Set<(e: EvalJobEventDto) => void>();
  const connListeners = new Set<(s: ConnectionState) => void>();
  let jobs = 0;
  const fake: FakeTransport = {
    mode: options.desktop ? 'desktop' : 'server',
    canUseOsDialogs: options.desktop ?? false,
    calls: [],
    handlers: {
      getSettings: () => structuredClone(SETTINGS),
      listModels: () => MODELS,
      reloadModels: () => MODELS,
      listControlNets: () => CONTROLNETS,
      listSchedulers: () => [{ name: 'Euler a' }, { name: 'DPM++ 2M Karras' }, { name: 'DDIM' }],
      getProviders: () => ({ available: ['cpu', 'webgpu'], selected: 'auto', lastUsed: null }),
      generate: () => ({ jobId: `job-${++jobs}` }),
      cancel: () => null,
      setSettings: (patch) => ({ ...structuredClone(SETTINGS), ...patch }),
      openPath: () => null,
      readImageSettings: () => ({
        source: 'none',
        format: 'png',
        settings: null,
        message: 'No settings found. The image can still be used as an init or control image.',
        warnings: [],
        restore: null,
      }),
      safetyTerms: () => TERMS,
      safetyReloadTerms: () => TERMS,
      evalWorkspace: () => structuredClone(WORKSPACE),
      evalBenchmarkOptions: () => ({
        prompts: 1632,
        categories: [{ name: 'Animals', prompts: 314 }],
        challenges: [{ name: 'Basic', prompts: 100 }],
      }),
      previewControlHint: ({ width, height }) => ({
        png: new Uint8Array([137, 80, 78, 71, 1]),
        width,
        height,
      }),
    },
    async call(name: CallName, ...request: unknown[]) {
      fake.calls.push({ name, request: request[0] });
      const handler = fake.handlers[name] as ((r: unknown) => unknown) | undefined;
      if (!handler) throw new EmulsionError('INTERNAL', `fake has no handler for ${name}`);
      return handler(request[0]);
    },
    onJobEvent(listener) {
      jobListeners.add(listener);
      return () => jobListeners.delete(listener);
    },
    onEvalJobEvent(listener) {
      evalListeners.add(listener);
      return () => evalListeners.delete(listener);
    },
    imageUrl: (p, width) => imageUrl(p, width),
    onConnection(listener) {
      connListeners.add(listener);
      listener('open');
      return () => connListeners.delete(listener);
    },
    emit(event) {
      for (const l of jobListeners) l(event);
    },
    emitEval(event) {
      for (const l of evalListeners) l(event);
    },
    setConnection(state) {
      for (const l of connListeners) l(state);
    },
  } as FakeTransport;
  return fake;
}

/** Deterministic "URLs" for bytes: `blob:test/<n>`, so tests can tell images apart. */
export function urlMaker() {
  let n = 0;
  const made: { url: string; data: Uint8Array; type: string }[] = [];
  return {
    made,
    makeUrl: (data: Uint8Array, type: string) => {
      const url = `blob:test/${++n}`;
      made.push({ url, data, type });
      return url;
    },
  };
}
