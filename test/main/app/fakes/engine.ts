/**
 * A hand-written EngineClient for host tests: it runs queued → started → step×n → decoding → done
 * on timers, with a real PNG per image, honours cancel between steps, and records every call.
 */
import { EmulsionError } from '../../../../common/errors.ts';
import {
  DEFAULT_REQUEST,
  type ExecutionProviderName,
  type GenerateRequest,
  type GenerateResult,
  type JobEvent,
} from '../../../../common/generation.ts';
import type {
  EngineClient,
  GenerateInput,
  ModelInfo,
} from '../../../../main/engine/worker/types.ts';
import { makePng } from './png.ts';

export const DEMO_MODEL: ModelInfo = {
  path: '/opt/emulsion/resources/models/emulsion-shapes',
  name: 'emulsion-shapes',
  family: 'sd1',
  defaults: { width: 64, height: 64, steps: 8, cfg: 5, scheduler: 'Euler a' },
  bundled: true,
};

export interface FakeEngine extends EngineClient {
  generated: GenerateInput[];
  cancelled: string[];
  unloads: number;
  listedDirectories: string[][];
  /** Events emitted so far, in order. */
  events: JobEvent[];
  closed: boolean;
}

export function createFakeEngine(
  options: { stepMs?: number; models?: ModelInfo[]; providers?: ExecutionProviderName[] } = {},
): FakeEngine {
  const stepMs = options.stepMs ?? 5;
  const listeners = new Set<(event: JobEvent) => void>();
  const cancelRequests = new Set<string>();
  let counter = 0;

  const emit = (event: JobEvent) => {
    fake.events.push(event);
    for (const l of listeners) l(event);
  };
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  async function run(jobId: string, input: GenerateInput): Promise<GenerateResult> {
    const request = {
      ...DEFAULT_REQUEST,
      ...input,
      model: input.model ?? DEMO_MODEL.path,
    } as GenerateRequest & {
      model: string;
    };
    emit({ status: 'queued', jobId, position: 0 });
    await sleep(stepMs);
    emit({ status: 'started', jobId, totalSteps: request.steps, provider: 'cpu' });
    const t0 = Date.now();
    for (let step = 1; step <= request.steps; step++) {
      await sleep(stepMs);
      if (cancelRequests.has(jobId)) {
        emit({ status: 'cancelled', jobId });
        throw new EmulsionError('CANCELLED', `Job ${jobId} was cancelled.`);
      }
      const elapsedMs = Date.now() - t0;
      emit({
        status: 'step',
        jobId,
        step,
        totalSteps: request.steps,
        elapsedMs,
        msPerStep: elapsedMs / step,
      });
    }
    emit({ status: 'decoding', jobId });
    const images = Array.from({ length: request.batch }, (_, index) => ({
      png: makePng(request.width, request.height, [200, 40 + index * 30, 90]),
      width: request.width,
      height: request.height,
      seed: request.seed + index,
      index,
    }));
    const result: GenerateResult = {
      images,
      request,
      scheduler: { className: 'EulerAncestralDiscreteScheduler', displayName: request.scheduler },
      provider: 'cpu',
      modelName: DEMO_MODEL.name,
      timings: {
        totalMs: Date.now() - t0,
        sessionRunMs: 0,
        loadMs: 0,
        stages: { tokenize: 0, textEncoder: 0, unet: [], vaeDecode: 0, postprocess: 0 },
      },
      warnings: [],
    };
    emit({ status: 'done', jobId, result });
    return result;
  }

  const fake: FakeEngine = {
    generated: [],
    cancelled: [],
    unloads: 0,
    listedDirectories: [],
    events: [],
    closed: false,
    generate(input) {
      fake.generated.push(input);
      const jobId = `job-${++counter}`;
      const result = run(jobId, input);
      return { jobId, result };
    },
    cancel(jobId) {
      fake.cancelled.push(jobId);
      cancelRequests.add(jobId);
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async listModels(directories) {
      fake.listedDirectories.push(directories);
      return options.models ?? [DEMO_MODEL];
    },
    async unloadModels() {
      fake.unloads++;
    },
    async providers() {
      return options.providers ?? ['cpu', 'webgpu'];
    },
    async close() {
      fake.closed = true;
    },
  };
  return fake;
}
