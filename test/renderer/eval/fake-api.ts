/** A scripted EvalApi for the view tests: records calls, answers from fixtures, emits job events. */
import type {
  AbChoiceDto,
  AbPairDto,
  AbStateDto,
  EvalApi,
  EvalJobEventDto,
  LabellingQueueDto,
  RankingDto,
  XyzResultDto,
} from '../../../renderer/eval/api.ts';

export interface FakeEvalApi extends EvalApi {
  calls: { name: string; args: unknown[] }[];
  emit(event: EvalJobEventDto): void;
  queue: LabellingQueueDto;
  pairs: AbPairDto[];
  votes: { pairId: string; choice: AbChoiceDto }[];
  ranking: RankingDto;
  xyz: XyzResultDto;
  failSave?: string;
}

export function createFakeEvalApi(): FakeEvalApi {
  const listeners = new Set<(e: EvalJobEventDto) => void>();
  const api: FakeEvalApi = {
    calls: [],
    votes: [],
    queue: {
      attributes: [
        { name: 'colour', values: ['red', 'blue'] },
        { name: 'shape', values: ['circle', 'star'] },
      ],
      items: [
        { image: 'base/c0/0', file: '/a/images/base/c0/0.png', variant: 'base', cell: 'c0' },
        { image: 'base/c0/1', file: '/a/images/base/c0/1.png', variant: 'base', cell: 'c0' },
        { image: 'base/c1/0', file: '/a/images/base/c1/0.png', variant: 'base', cell: 'c1' },
      ],
    },
    pairs: Array.from({ length: 3 }, (_, i) => ({
      id: `p${i}`,
      prompt: `prompt ${i}`,
      category: 'Animals',
      leftFile: `/b/${i}-l.png`,
      rightFile: `/b/${i}-r.png`,
    })),
    ranking: {
      ratings: [
        {
          item: 'more',
          elo: 1120.4,
          eloLow: 1050,
          eloHigh: 1210,
          wins: 16,
          losses: 0,
          ties: 4,
          comparisons: 20,
        },
        {
          item: 'few',
          elo: 879.6,
          eloLow: 790,
          eloHigh: 950,
          wins: 0,
          losses: 16,
          ties: 4,
          comparisons: 20,
        },
      ],
      winRates: [
        { category: 'all', item: 'more', rate: 0.9, low: 0.7, high: 0.97, comparisons: 20 },
        { category: 'all', item: 'few', rate: 0.1, low: 0.03, high: 0.3, comparisons: 20 },
        { category: 'Animals', item: 'more', rate: 1, low: 0.6, high: 1, comparisons: 6 },
      ],
      agreements: [{ scorer: 'clipscore', rate: 0.75, low: 0.5, high: 0.9, n: 16, undecided: 0 }],
      votes: 20,
      ties: 4,
      skips: 0,
    },
    xyz: {
      grid: '/x/grid.png',
      zGrids: [],
      cells: [
        { id: 'z0-y0-x0', file: '/x/cells/z0-y0-x0.png', labels: { x: 'Euler', y: '4' } },
        { id: 'z0-y0-x1', file: '/x/cells/z0-y0-x1.png', labels: { x: 'Euler a', y: '4' } },
      ],
    },
    emit: (e) => listeners.forEach((l) => l(e)),
    imageUrl: (file) => `eval-file://${file}`,
    onJobEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async cancelJob(jobId) {
      api.calls.push({ name: 'cancelJob', args: [jobId] });
    },
    async planAudit(def) {
      api.calls.push({ name: 'planAudit', args: [def] });
      if (!def.template.includes('{'))
        throw new Error('`template` must have a {slot}; received "plain".');
      const cells = Object.values(def.slots).reduce((n, v) => n * v.length, 1);
      return {
        cells,
        variants: def.variants.length,
        seedsPerCell: def.seeds.length,
        images: cells * def.variants.length * def.seeds.length,
        halfWidthAtHalf: 0.134,
      };
    },
    async startAudit(dir, def) {
      api.calls.push({ name: 'startAudit', args: [dir, def] });
      return { jobId: 'audit-1' };
    },
    async labellingQueue(dir, annotator) {
      api.calls.push({ name: 'labellingQueue', args: [dir, annotator] });
      return api.queue;
    },
    async saveLabel(dir, annotator, label) {
      api.calls.push({ name: 'saveLabel', args: [dir, annotator, label] });
      if (api.failSave) throw new Error(api.failSave);
    },
    async writeAuditReport(dir) {
      return { html: `${dir}/report/index.html` };
    },
    async startXyz(request) {
      api.calls.push({ name: 'startXyz', args: [request] });
      return { jobId: 'xyz-1' };
    },
    async xyzResult(out) {
      api.calls.push({ name: 'xyzResult', args: [out] });
      return api.xyz;
    },
    async benchmarkOptions() {
      return {
        prompts: 1632,
        categories: [
          { name: 'Animals', prompts: 314 },
          { name: 'Vehicles', prompts: 104 },
        ],
        challenges: [{ name: 'Basic', prompts: 100 }],
      };
    },
    async startBenchmark(request) {
      api.calls.push({ name: 'startBenchmark', args: [request] });
      return { jobId: 'benchmark-1' };
    },
    async abState(): Promise<AbStateDto> {
      const next = api.pairs.find((p) => !api.votes.some((v) => v.pairId === p.id));
      return {
        pair: next,
        voted: api.votes.length,
        total: api.pairs.length,
        skipped: api.votes.filter((v) => v.choice === 'skip').length,
      };
    },
    async vote(dir, pairId, choice) {
      api.calls.push({ name: 'vote', args: [dir, pairId, choice] });
      api.votes.push({ pairId, choice });
      return api.abState(dir);
    },
    async abRanking(dir) {
      api.calls.push({ name: 'abRanking', args: [dir] });
      return api.ranking;
    },
  };
  return api;
}
