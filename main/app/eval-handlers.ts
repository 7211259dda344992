/**
 * The evaluation calls: thin handlers over main/eval/service.ts. Every folder a call names must
 * lie inside the evaluation workspace (`<app data>/eval`, with audits/, xyz/ and ab/ below it),
 * and every model an audit or a plot names must be one from the models list, so a renderer can
 * neither write outside the workspace nor point the engine at an arbitrary folder.
 */
import { mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { invalidArgument } from '../../common/errors.ts';
import type {
  AuditDefinitionDto,
  AxisDto,
  EvalFolder,
  RankingDto,
  StudioModel,
} from '../../common/ipc.ts';
import type { AuditDefinition } from '../eval/audit/definition.ts';
import type { BenchmarkSpec } from '../eval/bench/spec.ts';
import type { EvalService } from '../eval/service.ts';
import { parseAxis } from '../eval/xyz/axes.ts';
import { resolveInside, resolveInsideOrNew } from './paths.ts';
import type { StudioHandlers } from './studio.ts';

export const EVAL_SUBFOLDERS = ['audits', 'xyz', 'ab'] as const;

export interface EvalHandlerDeps {
  service: EvalService;
  /** The evaluation workspace; created with its subfolders when missing. */
  root: string;
  models: () => Promise<StudioModel[]>;
}

const WHERE = 'a folder inside the evaluation folder';

/** Lists the folders directly inside `<root>/<sub>`, newest name last. */
function listFolders(root: string, sub: string): EvalFolder[] {
  const dir = path.join(root, sub);
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
      .map((e) => ({ name: e.name, dir: path.join(dir, e.name) }))
      .sort((a, b) => a.name.localeCompare(b.name));
  } catch {
    return [];
  }
}

/** A1111-style CSV of values, quoted so a path with a comma survives parseAxis. */
const csv = (values: (string | number)[]) =>
  values.map((v) => `"${String(v).replaceAll('"', '""')}"`).join(', ');

export function createEvalHandlers(deps: EvalHandlerDeps) {
  const { service, root } = deps;
  for (const sub of EVAL_SUBFOLDERS) mkdirSync(path.join(root, sub), { recursive: true });

  const existing = (field: string, dir: string) =>
    resolveInside(field, dir, [root]).catch(() => {
      throw invalidArgument(field, dir, `an existing ${WHERE}`);
    });
  const creatable = (field: string, dir: string) =>
    resolveInsideOrNew(field, dir, [root]).catch(() => {
      throw invalidArgument(field, dir, WHERE);
    });

  async function checkModel(field: string, model: unknown): Promise<void> {
    if (model === undefined) return;
    const models = await deps.models();
    if (!models.some((m) => m.path === model)) {
      throw invalidArgument(field, model, 'a model from the models list');
    }
  }

  async function checkDefinition(def: AuditDefinitionDto): Promise<AuditDefinition> {
    await checkModel('settings.model', def.settings.model);
    for (const v of def.variants) await checkModel(`variants.${v.id}.model`, v.settings.model);
    return def as AuditDefinition;
  }

  /** A model axis may name listed models by folder or by name; main sends the engine paths. */
  async function modelAxis(axis: AxisDto | undefined, field: string) {
    if (axis?.kind !== 'model') return axis;
    const models = await deps.models();
    const values = parseAxis(axis.kind, axis.values, field).values.map((v) => {
      const model = models.find((m) => m.path === v || m.name === v);
      if (!model) {
        throw invalidArgument(
          `${field} values`,
          v,
          models.filter((m) => m.family !== 'unknown').map((m) => m.name),
        );
      }
      return model.path;
    });
    return { kind: axis.kind, values: csv(values) };
  }

  const handlers: Pick<
    StudioHandlers,
    | 'evalWorkspace'
    | 'evalCancelJob'
    | 'evalPlanAudit'
    | 'evalStartAudit'
    | 'evalLabellingQueue'
    | 'evalSaveLabel'
    | 'evalWriteAuditReport'
    | 'evalStartXyz'
    | 'evalXyzResult'
    | 'evalBenchmarkOptions'
    | 'evalStartBenchmark'
    | 'evalAbState'
    | 'evalVote'
    | 'evalAbRanking'
  > = {
    evalWorkspace: async () => ({
      root,
      audits: listFolders(root, 'audits'),
      xyz: listFolders(root, 'xyz'),
      ab: listFolders(root, 'ab'),
    }),
    async evalCancelJob({ jobId }) {
      await service.cancelJob(jobId);
      return null;
    },
    async evalPlanAudit(definition) {
      return service.planAudit(await checkDefinition(definition));
    },
    async evalStartAudit({ dir, definition }) {
      const def = await checkDefinition(definition);
      // Plan first: an invalid definition must not leave a new folder behind.
      await service.planAudit(def);
      return service.startAudit(await creatable('dir', dir), def);
    },
    async evalLabellingQueue({ dir, annotator }) {
      return service.labellingQueue(await existing('dir', dir), annotator);
    },
    async evalSaveLabel({ dir, annotator, label }) {
      await service.saveLabel(await existing('dir', dir), annotator, label);
      return null;
    },
    async evalWriteAuditReport({ dir }) {
      return service.writeAuditReport(await existing('dir', dir));
    },
    async evalStartXyz(request) {
      await checkModel('base.model', request.base.model);
      const x = (await modelAxis(request.x, 'x'))!;
      const y = await modelAxis(request.y, 'y');
      const z = await modelAxis(request.z, 'z');
      const out = await creatable('out', request.out);
      return service.startXyz({
        base: request.base as Parameters<EvalService['startXyz']>[0]['base'],
        x,
        y,
        z,
        out,
      });
    },
    async evalXyzResult({ out }) {
      return service.xyzResult(await existing('out', out));
    },
    evalBenchmarkOptions: () => service.benchmarkOptions(),
    async evalStartBenchmark(request) {
      await checkModel('settings.model', request.settings.model);
      for (const v of request.variants) {
        await checkModel(`variants.${v.id}.model`, v.settings.model);
      }
      // A/B sessions live in ab/, where the A/B tabs list them.
      const dir = await resolveInsideOrNew('dir', request.dir, [path.join(root, 'ab')]).catch(
        () => {
          throw invalidArgument('dir', request.dir, 'a folder inside the evaluation ab folder');
        },
      );
      const { count, sampleSeed, ...filter } = request.prompts;
      const spec = {
        version: 1,
        name: request.name,
        prompts: { ...filter, limit: count, sampleSeed: sampleSeed ?? 0 },
        seeds: request.seeds,
        settings: request.settings,
        variants: request.variants,
      } as BenchmarkSpec;
      const { jobId } = await service.startAbBenchmark(dir, spec, request.annotator);
      return { jobId };
    },
    async evalAbState({ dir }) {
      return service.abState(await existing('dir', dir));
    },
    async evalVote({ dir, pairId, choice }) {
      return service.vote(await existing('dir', dir), pairId, choice);
    },
    async evalAbRanking({ dir }) {
      const ranking: RankingDto = await service.abRanking(await existing('dir', dir));
      return ranking;
    },
  };
  return handlers;
}
