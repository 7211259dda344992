/**
 * Command-line entry points, wired into `emulsion` by main/cli/index.ts:
 *
 *   runAudit(argv, io)   emulsion audit run|label|report ...
 *   runXyz(argv, io)     emulsion xyz ...
 *
 * Both return the exit code: 0 success, 2 bad input (the message names the flag), 1 anything else.
 */
import path from 'node:path';
import { EmulsionError, serializeError } from '../../common/errors.ts';
import { ensureDemoModels } from '../demo-model/index.ts';
import { parseFlags, stringFlag, type FlagSpec } from '../cli/args.ts';
import { createEngineClient } from '../engine/worker/client.ts';
import { planAudit } from './audit/definition.ts';
import { prelabelAudit } from './audit/prelabel.ts';
import { runAuditImages } from './audit/runner.ts';
import { createAudit, isAuditFolder, readAudit } from './audit/store.ts';
import { checkAnnotatorName } from './audit/labels.ts';
import { definitionFromFlags } from './cli/audit-flags.ts';
import { integerFlag, listFlag, SETTINGS_FLAGS, settingsFromFlags } from './cli/settings-flags.ts';
import { labelInTerminal, scriptedKeys, ttyKeys, type RawInput } from './cli/terminal-label.ts';
import { loadClipModel } from './clip/model.ts';
import { engineGenerator, type GenerateFn } from './generator.ts';
import { createClipLabeller } from './labellers/clip.ts';
import { createDemoLabeller } from './labellers/demo.ts';
import type { Labeller } from './labellers/types.ts';
import { writeAuditReport } from './report/audit-report.ts';
import { parseAxis } from './xyz/axes.ts';
import { planXyz } from './xyz/plan.ts';
import { runXyzPlot } from './xyz/run.ts';

export interface EvalCliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Keyboard input for `audit label`; defaults to process.stdin. */
  stdin?: RawInput;
}

const INPUT_CODES = new Set([
  'INVALID_ARGUMENT',
  'MODEL_INVALID',
  'MODEL_CONTRACT',
  'IMAGE_INVALID',
]);

export const AUDIT_USAGE = `Usage:
  emulsion audit run DIR [--template T --slot name=v1,v2 | --occupations all|N|"A;B"]
                         [--attribute gender|monk|colour|shape|name=v1,v2]... [--seeds 50]
                         [--seed-start 0] [--model DIR]... [--variant 'id={"cfg":3}']...
                         [--definition FILE.json] [--name NAME] [--plan] [--limit N]
                         [--prelabel demo|clip] [--clip-model DIR]
                         [--steps --cfg --scheduler --width --height --negative --provider ...]
      Creates the audit in DIR (or resumes the one there) and generates its images.
      --plan prints the cells, images and the ±interval N seeds buy, and stops.
  emulsion audit label DIR --annotator NAME [--attribute NAME]... [--keys SEQUENCE]
                         [--no-preview] [--all]
      Keyboard labelling: 1-9 and 0 pick a value, c can't tell, s skip, u undo, q quit.
  emulsion audit label DIR --auto demo|clip [--clip-model DIR]
      Automatic pre-labels from a labeller.
  emulsion audit report DIR [--source NAME] [--out DIR] [--warning-words FILE]
                         [--iterations 2000] [--seed 1]
      Writes report/index.html, cells.csv, comparisons.csv, agreement.csv and analysis.json.
`;

export const XYZ_USAGE = `Usage:
  emulsion xyz --prompt P --x KIND=VALUES [--y KIND=VALUES] [--z KIND=VALUES] --out DIR
               [--model DIR] [--seed N] [--steps --cfg --scheduler --width --height ...]
      KIND: steps, cfg, seed, scheduler, model, prompt (search/replace), strength, control,
      refiner. VALUES: "10,20,30", "10-30 (+10)", "2-8 [4]", "Euler a,DPM++ 2M Karras".
      Writes grid.png (labelled), cells/<z-y-x>.png with metadata and cells/<z-y-x>.json.
`;

function report(io: EvalCliIo, err: unknown): number {
  const e = serializeError(err);
  io.stderr(`emulsion: ${e.message}\n`);
  return INPUT_CODES.has(e.code) ? 2 : 1;
}

/** The engine, started only when something must be generated. */
async function withGenerator<T>(
  run: (generate: GenerateFn) => Promise<T>,
  needsDemo: boolean,
): Promise<T> {
  if (needsDemo) await ensureDemoModels();
  const client = createEngineClient();
  try {
    return await run(engineGenerator(client));
  } finally {
    await client.close();
  }
}

function onSigint(controller: AbortController): () => void {
  const handler = () => controller.abort();
  process.once('SIGINT', handler);
  return () => process.off('SIGINT', handler);
}

async function labellerFor(kind: string, clipModel: string | undefined): Promise<Labeller> {
  if (kind === 'demo') return createDemoLabeller();
  if (kind === 'clip') {
    if (!clipModel)
      throw new EmulsionError('INVALID_ARGUMENT', '--auto clip needs --clip-model DIR.', {
        field: '--clip-model',
      });
    return createClipLabeller(await loadClipModel(clipModel));
  }
  throw new EmulsionError(
    'INVALID_ARGUMENT',
    `\`--auto\` must be one of demo, clip; received "${kind}".`,
    {
      field: '--auto',
      received: kind,
      allowed: ['demo', 'clip'],
    },
  );
}

const RUN_FLAGS: FlagSpec = {
  ...SETTINGS_FLAGS,
  definition: { type: 'string' },
  name: { type: 'string' },
  template: { type: 'string' },
  slot: { type: 'string', multiple: true },
  occupations: { type: 'string' },
  attribute: { type: 'string', multiple: true },
  seeds: { type: 'string' },
  'seed-start': { type: 'string' },
  model: { type: 'string', multiple: true },
  variant: { type: 'string', multiple: true },
  plan: { type: 'boolean' },
  limit: { type: 'string' },
  prelabel: { type: 'string' },
  'clip-model': { type: 'string' },
  quiet: { type: 'boolean' },
};

async function auditRun(argv: string[], io: EvalCliIo): Promise<number> {
  const { flags, positionals } = parseFlags(argv, RUN_FLAGS);
  const dir = positionals[0];
  if (!dir || positionals.length > 1)
    throw new EmulsionError(
      'INVALID_ARGUMENT',
      'audit run needs exactly one folder: emulsion audit run DIR ...',
      {
        field: 'DIR',
        received: positionals,
      },
    );
  const defining = ['definition', 'template'].some((f) => flags[f] !== undefined);
  let def;
  if (defining) def = await definitionFromFlags(flags);
  else if (await isAuditFolder(dir)) def = await readAudit(dir);
  else
    throw new EmulsionError(
      'INVALID_ARGUMENT',
      `${dir} holds no audit yet: give --template (or --definition).`,
      {
        field: '--template',
      },
    );
  const plan = planAudit(def);
  io.stdout(
    `${def.name}: ${plan.cells} cells × ${plan.variants} variant(s) × ${plan.seedsPerCell} seeds = ${plan.images} images.\n` +
      `${plan.seedsPerCell} seeds per cell give a 95% interval of ±${(plan.halfWidthAtHalf * 100).toFixed(1)} points at 50%.\n`,
  );
  if (flags.plan === true) return 0;
  await createAudit(dir, def);
  const controller = new AbortController();
  const release = onSigint(controller);
  try {
    const needsDemo = def.variants.some((v) => !(v.settings.model ?? def.settings.model));
    const result = await withGenerator(
      (generate) =>
        runAuditImages(dir, {
          generate,
          signal: controller.signal,
          limit: integerFlag(flags, 'limit'),
          onProgress: (p) => {
            if (flags.quiet !== true && p.done > p.resumedFrom)
              io.stderr(`\r${p.done}/${p.total} images`);
          },
        }),
      needsDemo,
    );
    io.stderr('\n');
    io.stdout(
      `${result.status}: ${result.done}/${result.total} images (${result.generated} generated now, ${result.recovered} recovered, ${result.resumedFrom} from earlier runs).\n`,
    );
    const prelabel = stringFlag(flags, 'prelabel');
    if (prelabel && result.status === 'complete') {
      const labeller = await labellerFor(prelabel, stringFlag(flags, 'clip-model'));
      const r = await prelabelAudit(dir, labeller, { signal: controller.signal });
      await labeller.dispose?.();
      io.stdout(
        `pre-labels (${labeller.id}): ${r.labelled} images labelled for ${r.attributes.join(', ')}.\n`,
      );
    }
    return result.status === 'cancelled' ? 1 : 0;
  } finally {
    release();
  }
}

const LABEL_FLAGS: FlagSpec = {
  annotator: { type: 'string' },
  attribute: { type: 'string', multiple: true },
  keys: { type: 'string' },
  'no-preview': { type: 'boolean' },
  all: { type: 'boolean' },
  auto: { type: 'string' },
  'clip-model': { type: 'string' },
};

async function auditLabel(argv: string[], io: EvalCliIo): Promise<number> {
  const { flags, positionals } = parseFlags(argv, LABEL_FLAGS);
  const dir = positionals[0];
  if (!dir)
    throw new EmulsionError('INVALID_ARGUMENT', 'audit label needs the audit folder.', {
      field: 'DIR',
    });
  await readAudit(dir);
  const auto = stringFlag(flags, 'auto');
  if (auto !== undefined) {
    const labeller = await labellerFor(auto, stringFlag(flags, 'clip-model'));
    try {
      const r = await prelabelAudit(dir, labeller, {
        onProgress: (done, total) => io.stderr(`\r${done}/${total} images`),
      });
      io.stderr('\n');
      io.stdout(
        `pre-labels (${labeller.id}): ${r.labelled} labelled, ${r.skipped} already done, attributes ${r.attributes.join(', ')}.\n`,
      );
    } finally {
      await labeller.dispose?.();
    }
    return 0;
  }
  const annotator = stringFlag(flags, 'annotator');
  if (!annotator)
    throw new EmulsionError(
      'INVALID_ARGUMENT',
      '--annotator NAME is required (or --auto demo|clip).',
      { field: '--annotator' },
    );
  checkAnnotatorName(annotator, '--annotator');
  const scripted = stringFlag(flags, 'keys');
  const stdin = io.stdin ?? (process.stdin as unknown as RawInput);
  if (scripted === undefined && !stdin.isTTY)
    throw new EmulsionError(
      'INVALID_ARGUMENT',
      'audit label reads keys from a terminal; without one, pass them with --keys.',
      {
        field: '--keys',
      },
    );
  await labelInTerminal(dir, {
    annotator,
    attributes: listFlag(flags, 'attribute'),
    keys: scripted !== undefined ? scriptedKeys(scripted) : ttyKeys(stdin),
    io,
    preview: flags['no-preview'] !== true,
    includeLabelled: flags.all === true,
  });
  return 0;
}

const REPORT_FLAGS: FlagSpec = {
  source: { type: 'string' },
  out: { type: 'string' },
  'warning-words': { type: 'string' },
  iterations: { type: 'string' },
  seed: { type: 'string' },
};

async function auditReport(argv: string[], io: EvalCliIo): Promise<number> {
  const { flags, positionals } = parseFlags(argv, REPORT_FLAGS);
  const dir = positionals[0];
  if (!dir)
    throw new EmulsionError('INVALID_ARGUMENT', 'audit report needs the audit folder.', {
      field: 'DIR',
    });
  const files = await writeAuditReport(dir, {
    source: stringFlag(flags, 'source'),
    outDir: stringFlag(flags, 'out'),
    warningWordsFile: stringFlag(flags, 'warning-words'),
    iterations: integerFlag(flags, 'iterations'),
    seed: integerFlag(flags, 'seed'),
  });
  const a = files.analysis;
  io.stdout(
    `${a.name}: ${a.images} images, labels from ${a.source ? `${a.source.name} (${a.source.kind})` : 'nobody yet'}, ${a.warnings.length} warning word(s).\n` +
      [files.html, files.cellsCsv, files.comparisonsCsv, files.agreementCsv, files.json].join(
        '\n',
      ) +
      '\n',
  );
  return 0;
}

export async function runAudit(argv: string[], io: EvalCliIo): Promise<number> {
  const [sub, ...rest] = argv;
  try {
    switch (sub) {
      case 'run':
        return await auditRun(rest, io);
      case 'label':
        return await auditLabel(rest, io);
      case 'report':
        return await auditReport(rest, io);
      case 'help':
      case '--help':
        io.stdout(AUDIT_USAGE);
        return 0;
      default:
        io.stderr(
          `emulsion audit: unknown subcommand ${sub === undefined ? '(none)' : `"${sub}"`}; use run, label or report.\n${AUDIT_USAGE}`,
        );
        return 2;
    }
  } catch (err) {
    return report(io, err);
  }
}

const XYZ_FLAGS: FlagSpec = {
  ...SETTINGS_FLAGS,
  prompt: { type: 'string' },
  model: { type: 'string' },
  seed: { type: 'string' },
  x: { type: 'string' },
  y: { type: 'string' },
  z: { type: 'string' },
  out: { type: 'string' },
  help: { type: 'boolean' },
};

function axisFlag(flags: Record<string, unknown>, name: 'x' | 'y' | 'z') {
  const raw = flags[name];
  if (raw === undefined) return undefined;
  const text = String(raw);
  const eq = text.indexOf('=');
  if (eq <= 0)
    throw new EmulsionError(
      'INVALID_ARGUMENT',
      `--${name} must be KIND=VALUES, e.g. steps=10,20,30; received "${text}".`,
      { field: `--${name}`, received: text },
    );
  return parseAxis(text.slice(0, eq).trim(), text.slice(eq + 1), `--${name}`);
}

export async function runXyz(argv: string[], io: EvalCliIo): Promise<number> {
  try {
    const { flags, positionals } = parseFlags(argv, XYZ_FLAGS);
    if (flags.help === true) {
      io.stdout(XYZ_USAGE);
      return 0;
    }
    if (positionals.length > 0)
      throw new EmulsionError(
        'INVALID_ARGUMENT',
        `Unexpected argument "${positionals[0]}"; quote the prompt and pass it with --prompt.`,
        {
          field: '--prompt',
          received: positionals[0],
        },
      );
    const prompt = stringFlag(flags, 'prompt');
    if (!prompt)
      throw new EmulsionError('INVALID_ARGUMENT', '--prompt is required.', { field: '--prompt' });
    const out = stringFlag(flags, 'out');
    if (!out)
      throw new EmulsionError('INVALID_ARGUMENT', '--out DIR is required.', { field: '--out' });
    const x = axisFlag(flags, 'x');
    if (!x)
      throw new EmulsionError('INVALID_ARGUMENT', '--x KIND=VALUES is required.', { field: '--x' });
    const spec = {
      base: {
        ...settingsFromFlags(flags),
        prompt,
        model: stringFlag(flags, 'model'),
        seed: integerFlag(flags, 'seed') ?? 0,
      },
      x,
      y: axisFlag(flags, 'y'),
      z: axisFlag(flags, 'z'),
    };
    if (spec.base.model === undefined) delete spec.base.model;
    const cells = planXyz(spec);
    io.stdout(`${cells.length} cells.\n`);
    const needsDemo =
      spec.base.model === undefined && [x, spec.y, spec.z].every((a) => a?.kind !== 'model');
    const controller = new AbortController();
    const release = onSigint(controller);
    try {
      const result = await withGenerator(
        (generate) =>
          runXyzPlot(spec, out, {
            generate,
            signal: controller.signal,
            onProgress: (done, total) => io.stderr(`\r${done}/${total} cells`),
          }),
        needsDemo,
      );
      io.stderr('\n');
      if (result.status === 'cancelled') {
        io.stdout(`cancelled; rerun the same command to continue into ${out}.\n`);
        return 1;
      }
      io.stdout(`${result.grid}\n${path.join(out, 'cells')}\n`);
      return 0;
    } finally {
      release();
    }
  } catch (err) {
    return report(io, err);
  }
}
