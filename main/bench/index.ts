/**
 * `npm run bench`: speed figures, measured rather than asserted in tests. Each benchmark prints
 * one line of JSON so results can be compared across machines and commits.
 */
import type { CliIo } from '../cli/generate.ts';
import { benchGallerySearch } from '../gallery/bench.ts';
import { benchSafetyClassifier } from '../safety/bench.ts';
import { benchDemoGeneration } from './generation.ts';

export interface BenchResult {
  name: string;
  [figure: string]: unknown;
}

type Bench = { name: string; run: () => Promise<BenchResult> };

/** Other modules add their benchmarks here (gallery search, safety classifier, tokenizer...). */
export const BENCHMARKS: Bench[] = [
  {
    name: 'safety-classifier',
    run: async () => ({ ...(await benchSafetyClassifier()), name: 'safety-classifier' }),
  },
  { name: 'demo-generation', run: benchDemoGeneration },
  {
    name: 'gallery-search',
    run: async () => {
      const r = await benchGallerySearch();
      return {
        name: 'gallery-search',
        rows: r.rows,
        indexMs: r.indexMs,
        worstMedianMs: r.worstMedianMs,
        targetMs: r.targetMs,
        pass: r.pass,
        queries: r.queries.map((q) => ({ name: q.name, medianMs: q.medianMs, p95Ms: q.p95Ms })),
      };
    },
  },
];

export async function runBenchmarks(argv: string[], io: CliIo): Promise<number> {
  const only = argv.filter((a) => !a.startsWith('--'));
  const selected = only.length ? BENCHMARKS.filter((b) => only.includes(b.name)) : BENCHMARKS;
  if (only.length && selected.length !== only.length) {
    io.stderr(`emulsion bench: known benchmarks are ${BENCHMARKS.map((b) => b.name).join(', ')}\n`);
    return 2;
  }
  for (const bench of selected) io.stdout(JSON.stringify(await bench.run()) + '\n');
  return 0;
}
