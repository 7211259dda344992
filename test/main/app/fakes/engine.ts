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
import type { SafetyDecision, SafetySettings } from '../../../../common/safety.ts';
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
  /** Every configureSafety call, in order. */
  safetyConfigs: SafetySettings[];
  /** Makes configureSafety reject with this error (a broken user word list, say). */
  safetyError: EmulsionError | null;
  /**
   * How the fake's safety filter treats every image: `pass` (the default) attaches a passing
   * decision; `blur` returns a blurred stand-in with the original kept in `originalPng`; `block`
   * withholds the image and reports its decision only.
   */
  flag: 'pass' | 'blur' | 'block';
}

/** The reason the fake's filter gives for a flag: the classifier's Porn score over its threshold. */
export const FAKE_REASON = {
  layer: 'classifier',
  class: 'Porn',
  score: 0.97,
  threshold: 0.5,
} as const;

function fakeDecision(policy: 'pass' | 'blur' | 'block'): SafetyDecision {
  return {
    policy: policy === 'pass' ? 'blur' : policy,
    action: policy,
    kind: 'final',
    reasons: policy === 'pass' ? [] : [FAKE_REASON],
    scores: [FAKE_REASON],
  };
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
    const flag = fake.flag;
    const decisions = Array.from({ length: request.batch }, () => fakeDecision(flag));
    const images = Array.from({ length: request.batch }, (_, index) => {
      const png = makePng(request.width, request.height, [200, 40 + index * 30, 90]);
      return {
        // The fake "blur" is a flat grey image: distinct bytes, so tests can tell them apart.
        png: flag === 'blur' ? makePng(request.width, request.height, [128, 128, 128]) : png,
        ...(flag === 'blur' ? { originalPng: png } : {}),
        safety: decisions[index],
        width: request.width,
        height: request.height,
        seed: request.seed + index,
        index,
      };
    }).filter(() => flag !== 'block');
    const result: GenerateResult = {
      images,
      safety: decisions,
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
    safetyConfigs: [],
    safetyError: null,
    flag: 'pass',
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
    async configureSafety(settings) {
      if (fake.safetyError) throw fake.safetyError;
      fake.safetyConfigs.push(settings);
    },
    async close() {
      fake.closed = true;
    },
  };
  return fake;
}
