/**
 * The evaluation views' state: job progress, the labelling cursor, the A/B pair and the ranking.
 * A zustand vanilla store over an injected `EvalApi`; actions read with get() and set once.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type {
  AbChoiceDto,
  AbStateDto,
  AttributeDto,
  EvalApi,
  EvalJobEventDto,
  LabelItemDto,
  RankingDto,
} from './api.ts';
import { labelKey, type LabelCursor } from './labelling.ts';

export interface JobView {
  status: EvalJobEventDto['status'];
  done: number;
  total: number;
  error?: string;
}

export interface LabellingState {
  dir: string;
  annotator: string;
  attributes: AttributeDto[];
  items: LabelItemDto[];
  cursor: LabelCursor;
  saved: number;
}

export interface EvalState {
  jobs: Record<string, JobView>;
  labelling?: LabellingState;
  ab?: { dir: string; state: AbStateDto };
  ranking?: RankingDto;
  error?: string;
  busy: boolean;
}

export interface EvalActions {
  /** Follows job events; returns the unsubscribe function. */
  watchJobs(): () => void;
  startLabelling(dir: string, annotator: string): Promise<void>;
  pressLabelKey(key: string): Promise<void>;
  openAb(dir: string): Promise<void>;
  vote(choice: AbChoiceDto): Promise<void>;
  loadRanking(dir: string): Promise<void>;
  clearError(): void;
}

export type EvalStore = StoreApi<EvalState & EvalActions>;

function message(err: unknown): string {
  return err instanceof Error
    ? err.message
    : typeof err === 'object' && err && 'message' in err
      ? String(err.message)
      : String(err);
}

export function jobReducer(
  jobs: Record<string, JobView>,
  e: EvalJobEventDto,
): Record<string, JobView> {
  const prev = jobs[e.jobId] ?? { status: 'queued', done: 0, total: 0 };
  const next: JobView =
    e.status === 'progress'
      ? { ...prev, status: 'running', done: e.done, total: e.total }
      : e.status === 'error'
        ? { ...prev, status: 'error', error: e.error.message }
        : { ...prev, status: e.status };
  return { ...jobs, [e.jobId]: next };
}

export function createEvalStore(api: EvalApi): EvalStore {
  return createStore<EvalState & EvalActions>()((set, get) => {
    /** Runs an API call with the busy flag; errors land in `error`. */
    const guarded = async (run: () => Promise<void>) => {
      set({ busy: true, error: undefined });
      try {
        await run();
      } catch (err) {
        set({ error: message(err) });
      } finally {
        set({ busy: false });
      }
    };
    return {
      jobs: {},
      busy: false,
      watchJobs: () => api.onJobEvent((e) => set({ jobs: jobReducer(get().jobs, e) })),
      startLabelling: (dir, annotator) =>
        guarded(async () => {
          const queue = await api.labellingQueue(dir, annotator);
          set({
            labelling: {
              dir,
              annotator,
              attributes: queue.attributes,
              items: queue.items,
              cursor: { index: 0, attributeIndex: 0, history: [] },
              saved: 0,
            },
          });
        }),
      pressLabelKey: async (key) => {
        const l = get().labelling;
        if (!l || get().busy) return;
        const step = labelKey(
          key,
          l.cursor,
          l.items.map((i) => i.image),
          l.attributes,
        );
        if (step.type === 'none') return;
        if (step.type === 'move') return set({ labelling: { ...l, cursor: step.cursor } });
        await guarded(async () => {
          await api.saveLabel(l.dir, l.annotator, step.label);
          set({
            labelling: {
              ...l,
              cursor: step.cursor,
              saved: l.saved + (step.label.value === null ? -1 : 1),
            },
          });
        });
      },
      openAb: (dir) =>
        guarded(async () => {
          set({ ab: { dir, state: await api.abState(dir) } });
        }),
      vote: async (choice) => {
        const ab = get().ab;
        if (!ab?.state.pair || get().busy) return;
        const pairId = ab.state.pair.id;
        await guarded(async () => {
          set({ ab: { dir: ab.dir, state: await api.vote(ab.dir, pairId, choice) } });
        });
      },
      loadRanking: (dir) =>
        guarded(async () => {
          set({ ranking: await api.abRanking(dir) });
        }),
      clearError: () => set({ error: undefined }),
    };
  });
}
