/**
 * The main-process side of renderer/eval/api.ts: every request the evaluation views make, on top
 * of the audit, XY/Z, benchmark and A/B modules, with long runs queued on one EvalJobQueue. The
 * studio's IPC layer (or the local server) forwards calls here.
 *
 * NOTE: paths arrive from the renderer as given. The IPC layer must confine them to the app's
 * folders (main/app/paths.ts `resolveInside`) before calling in, as it does for the studio.
 */
import path from 'node:path';
import { EmulsionError, invalidArgument } from '../../common/errors.ts';
import { CANT_TELL } from './audit/attributes.ts';
import type { AbChoice } from './ab/session.ts';
import { AbSession, type AbSessionSpec } from './ab/session.ts';
import { rankVotes, scoreAgreement } from './ab/ranking.ts';
import { readScores } from './ab/scores.ts';
import { planAudit, type AuditDefinition, type AuditPlan } from './audit/definition.ts';
import { checkAnnotatorName, LabelWriter, readLabelSet } from './audit/labels.ts';
import { labellingQueue } from './audit/labelling.ts';
import { prelabelAudit } from './audit/prelabel.ts';
import { runAuditImages } from './audit/runner.ts';
import { canonicalJson, createAudit, readAudit, readImages } from './audit/store.ts';
import { createBenchmark, runBenchmark } from './bench/run.ts';
import { selectPrompts, validateBenchmark, type BenchmarkSpec } from './bench/spec.ts';
import type { GenerateFn } from './generator.ts';
import { EvalJobQueue, type EvalJobEvent } from './jobs.ts';
import type { Labeller } from './labellers/types.ts';
import { hashSeed } from './random.ts';
import { loadPartiPrompts } from './resources.ts';
import { writeAuditReport } from './report/audit-report.ts';
import { readJsonFile } from './store/files.ts';
import { parseAxis } from './xyz/axes.ts';
import { planXyz, type XyzSpec } from './xyz/plan.ts';
import { runXyzPlot } from './xyz/run.ts';

export interface AxisRequest {
  kind: string;
  values: string;
}

export interface XyzRequest {
  base: XyzSpec['base'];
  x: AxisRequest;
  y?: AxisRequest;
  z?: AxisRequest;
  out: string;
}

/** Where an A/B benchmark keeps its images, inside the session folder. */
export const AB_BENCHMARK_FOLDER = 'benchmark';

/** Prompts and seeds per category or challenge tag, for a benchmark form. */
function countBy(values: string[]): { name: string; prompts: number }[] {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts]
    .map(([name, prompts]) => ({ name, prompts }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

export interface EvalServiceOptions {
  generate: GenerateFn;
  queue?: EvalJobQueue;
}

export function createEvalService(options: EvalServiceOptions) {
  const queue = options.queue ?? new EvalJobQueue();
  const sessions = new Map<string, Promise<AbSession>>();
  const session = (dir: string) => {
    const key = path.resolve(dir);
    let s = sessions.get(key);
    if (!s) {
      s = AbSession.open(key);
      sessions.set(key, s);
      s.catch(() => sessions.delete(key));
    }
    return s;
  };
  const abState = async (dir: string) => {
    const s = await session(dir);
    const next = s.next();
    return {
      ...s.progress(),
      pair: next && {
        id: next.id,
        prompt: next.prompt,
        category: next.category,
        leftFile: next.left.file,
        rightFile: next.right.file,
      },
    };
  };
  const createAbSession = async (dir: string, spec: AbSessionSpec) => {
    const s = await AbSession.open(dir, spec);
    sessions.set(path.resolve(dir), Promise.resolve(s));
    return abState(dir);
  };
  const axis = (a: AxisRequest | undefined, name: string) =>
    a ? parseAxis(a.kind, a.values, name) : undefined;

  return {
    queue,
    onJobEvent: (listener: (e: EvalJobEvent) => void) => queue.onEvent(listener),
    cancelJob: async (jobId: string) => queue.cancel(jobId),

    planAudit: async (def: AuditDefinition): Promise<AuditPlan> => planAudit(def),

    async startAudit(dir: string, def: AuditDefinition) {
      await createAudit(dir, def);
      const { jobId } = queue.submit('audit', def.name, (ctx) =>
        runAuditImages(dir, {
          generate: options.generate,
          signal: ctx.signal,
          onProgress: (p) => ctx.progress(p.done, p.total),
        }),
      );
      return { jobId };
    },

    startPrelabel(dir: string, labeller: Labeller) {
      return queue.submit('prelabel', labeller.id, (ctx) =>
        prelabelAudit(dir, labeller, {
          signal: ctx.signal,
          onProgress: (d, t) => ctx.progress(d, t),
        }),
      );
    },

    async labellingQueue(dir: string, annotator: string) {
      const def = await readAudit(dir);
      const { byKey } = await readImages(dir);
      const existing = await readLabelSet(dir, annotator, 'human');
      const items = labellingQueue(def, byKey, existing, { annotator }).map((i) => ({
        ...i,
        file: path.resolve(dir, i.file),
      }));
      return { attributes: def.attributes, items };
    },

    async saveLabel(
      dir: string,
      annotator: string,
      label: { image: string; attribute: string; value: string | null },
    ) {
      const def = await readAudit(dir);
      const attribute = def.attributes.find((a) => a.name === label.attribute);
      if (!attribute)
        throw invalidArgument(
          'attribute',
          label.attribute,
          def.attributes.map((a) => a.name),
        );
      if (
        label.value !== null &&
        label.value !== CANT_TELL &&
        !attribute.values.includes(label.value)
      )
        throw invalidArgument('value', label.value, [...attribute.values, CANT_TELL]);
      checkAnnotatorName(annotator);
      const writer = await LabelWriter.open(dir, annotator, 'human');
      try {
        await writer.write(label);
      } finally {
        await writer.close();
      }
    },

    async writeAuditReport(dir: string) {
      const files = await writeAuditReport(dir);
      return { html: files.html };
    },

    async startXyz(request: XyzRequest) {
      const x = axis(request.x, 'x');
      if (!x) throw invalidArgument('x', undefined, 'an X axis');
      const spec: XyzSpec = {
        base: request.base,
        x,
        y: axis(request.y, 'y'),
        z: axis(request.z, 'z'),
      };
      planXyz(spec);
      const { jobId } = queue.submit('xyz', request.base.prompt, (ctx) =>
        runXyzPlot(spec, request.out, {
          generate: options.generate,
          signal: ctx.signal,
          onProgress: (d, t) => ctx.progress(d, t),
        }),
      );
      return { jobId };
    },

    async xyzResult(out: string) {
      const spec = await readJsonFile<XyzSpec>(path.join(out, 'xyz.json'));
      if (!spec) throw invalidArgument('out', out, 'a folder holding an XY/Z plot (xyz.json)');
      const cells = planXyz(spec).map((c) => ({
        id: c.id,
        file: path.resolve(out, 'cells', `${c.id}.png`),
        labels: c.labels,
      }));
      const zGrids = spec.z ? spec.z.values.map((_, k) => path.resolve(out, `grid-z${k}.png`)) : [];
      return { grid: path.resolve(out, 'grid.png'), zGrids, cells };
    },

    async startBenchmark(dir: string, spec: BenchmarkSpec) {
      await createBenchmark(dir, spec);
      return queue.submit('benchmark', spec.name, (ctx) =>
        runBenchmark(dir, {
          generate: options.generate,
          signal: ctx.signal,
          onProgress: (p) => ctx.progress(p.done, p.total),
        }),
      );
    },

    async benchmarkOptions() {
      const all = await loadPartiPrompts();
      return {
        prompts: all.length,
        categories: countBy(all.map((p) => p.category)),
        challenges: countBy(all.map((p) => p.challenge)),
      };
    },

    /**
     * Checks the benchmark, writes it to `<dir>/benchmark`, and queues its images; when they are
     * all there, `dir` becomes a blind A/B session over every pair of variants. Everything is
     * checked before anything is written. Called again with the same spec it resumes: journaled
     * images are not generated again.
     */
    async startAbBenchmark(dir: string, spec: BenchmarkSpec, annotator = 'me') {
      validateBenchmark(spec);
      const ids = spec.variants.map((v) => v.id);
      if (ids.length < 2) throw invalidArgument('variants', ids, 'two or more variants to compare');
      selectPrompts(await loadPartiPrompts(), spec.prompts);
      const sessionSpec: AbSessionSpec = {
        version: 1,
        benchmark: AB_BENCHMARK_FOLDER,
        variants: ids,
        // Sides and order are fixed per session, so a restart shows the same pairs the same way.
        seed: hashSeed(spec.name),
        annotator,
      };
      const existing = await readJsonFile<AbSessionSpec>(path.join(dir, 'session.json'));
      if (existing && canonicalJson(existing) !== canonicalJson(sessionSpec)) {
        throw new EmulsionError('INVALID_ARGUMENT', `${dir} holds a different judging session.`, {
          field: 'dir',
          received: dir,
          allowed: 'a new folder or one holding the same benchmark',
        });
      }
      const benchDir = path.join(dir, AB_BENCHMARK_FOLDER);
      await createBenchmark(benchDir, spec);
      return queue.submit('benchmark', spec.name, async (ctx) => {
        const run = await runBenchmark(benchDir, {
          generate: options.generate,
          signal: ctx.signal,
          onProgress: (p) => ctx.progress(p.done, p.total),
        });
        if (run.status !== 'complete') return { ...run, session: null };
        // A session opened before every image existed has fewer pairs: open it afresh.
        const key = path.resolve(dir);
        const stale = sessions.get(key);
        sessions.delete(key);
        await stale?.then((s) => s.close()).catch(() => undefined);
        const state = await createAbSession(dir, sessionSpec);
        return { ...run, session: dir, pairs: state.total };
      });
    },

    createAbSession,

    abState,

    async vote(dir: string, pairId: string, choice: AbChoice) {
      await (await session(dir)).vote(pairId, choice);
      return abState(dir);
    },

    async abRanking(dir: string) {
      const s = await session(dir);
      const votes = s.allVotes();
      const ranking = rankVotes(s.spec.variants, votes);
      const clip = await readScores(s.benchmarkDir, 'clipscore');
      const agreements = clip.size ? [scoreAgreement('CLIPScore', votes, clip)] : [];
      // Variant ids are short file-name parts; the benchmark keeps what each one means.
      const bench = await readJsonFile<BenchmarkSpec>(path.join(s.benchmarkDir, 'benchmark.json'));
      const labels = Object.fromEntries((bench?.variants ?? []).map((v) => [v.id, v.label]));
      return {
        ...ranking,
        labels,
        ratings: ranking.ratings.map((r) => ({
          ...r,
          eloLow: 1000 + (400 * r.low) / Math.LN10,
          eloHigh: 1000 + (400 * r.high) / Math.LN10,
        })),
        agreements,
      };
    },

    async close() {
      for (const s of sessions.values()) await (await s).close().catch(() => undefined);
      sessions.clear();
    },
  };
}

export type EvalService = ReturnType<typeof createEvalService>;
