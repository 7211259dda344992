/** A scriptable Transport for store and component tests. */
import { EmulsionError } from '../../../common/errors.ts';
import { imageUrl } from '../../../common/ipc.ts';
import type {
  CallName,
  CallRequest,
  CallResponse,
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

export const SETTINGS: StudioSettings = {
  modelsFolder: '/home/ana/models',
  outputFolder: '/home/ana/Pictures/Emulsion',
  provider: 'auto',
};

type Handler<K extends CallName> = (
  request: CallRequest<K>,
) => CallResponse<K> | Promise<CallResponse<K>>;

export interface FakeTransport extends Transport {
  calls: { name: CallName; request: unknown }[];
  handlers: { [K in CallName]?: Handler<K> };
  emit(event: StudioJobEvent): void;
  setConnection(state: ConnectionState): void;
}

export function createFakeTransport(options: { desktop?: boolean } = {}): FakeTransport {
  const jobListeners = new Set<(e: StudioJobEvent) => void>();
  const connListeners = new Set<(s: ConnectionState) => void>();
  let jobs = 0;
  const fake: FakeTransport = {
    mode: options.desktop ? 'desktop' : 'server',
    canUseOsDialogs: options.desktop ?? false,
    calls: [],
    handlers: {
      getSettings: () => ({ ...SETTINGS }),
      listModels: () => MODELS,
      reloadModels: () => MODELS,
      listSchedulers: () => [{ name: 'Euler a' }, { name: 'DPM++ 2M Karras' }, { name: 'DDIM' }],
      getProviders: () => ({ available: ['cpu', 'webgpu'], selected: 'auto', lastUsed: null }),
      generate: () => ({ jobId: `job-${++jobs}` }),
      cancel: () => null,
      setSettings: (patch) => ({ ...SETTINGS, ...patch }),
      openPath: () => null,
      readImageSettings: () => ({
        source: 'none',
        format: 'png',
        settings: null,
        message: 'No settings found. The image can still be used as an init or control image.',
        warnings: [],
        restore: null,
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
    imageUrl: (p, width) => imageUrl(p, width),
    onConnection(listener) {
      connListeners.add(listener);
      listener('open');
      return () => connListeners.delete(listener);
    },
    emit(event) {
      for (const l of jobListeners) l(event);
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
