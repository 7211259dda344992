/**
 * A new blind A/B session: a PartiPrompts subset (category, challenge, count), fixed seeds, and two
 * or more variants (model, scheduler, steps, CFG). Main renders every variant for every (prompt,
 * seed) as one eval job; when it is done the folder is a session and `onCreated` opens it.
 */
import { useEffect, useState } from 'react';
import type { AuditVariantDto, BenchmarkOptionsDto } from './api.ts';
import { useEval, useEvalApi } from './context.tsx';

/** What a variant may be set to: the models list and the scheduler names users know. */
export interface VariantChoices {
  models: { path: string; name: string }[];
  schedulers: string[];
}

interface VariantForm {
  model: string;
  scheduler: string;
  steps: number;
  cfg: number;
}

const MAX_VARIANTS = 8;

/** A cleared number field holds NaN; show it empty rather than "NaN". */
const shown = (n: number) => (Number.isNaN(n) ? '' : n);
const LETTERS = 'abcdefgh';

/** "1, 2 3" → [1, 2, 3]; undefined when any entry is not a whole number. */
export function parseSeeds(text: string): number[] | undefined {
  const parts = text.split(/[\s,]+/).filter(Boolean);
  if (parts.length === 0 || parts.some((p) => !/^\d+$/.test(p))) return undefined;
  return parts.map(Number);
}

function variantLabel(v: VariantForm, models: VariantChoices['models']): string {
  const model = models.find((m) => m.path === v.model)?.name;
  return [model, v.scheduler, `${v.steps} steps`, `CFG ${v.cfg}`].filter(Boolean).join(' · ');
}

function VariantFields(props: {
  index: number;
  value: VariantForm;
  choices: VariantChoices;
  onChange: (v: VariantForm) => void;
  onRemove?: () => void;
}) {
  const { value: v, choices } = props;
  const name = `Variant ${LETTERS[props.index].toUpperCase()}`;
  const set = (patch: Partial<VariantForm>) => props.onChange({ ...v, ...patch });
  return (
    <fieldset className="eval-variant" aria-label={name}>
      <legend>{name}</legend>
      <div className="row">
        <label className="field">
          Model
          <select value={v.model} onChange={(e) => set({ model: e.target.value })}>
            {choices.models.map((m) => (
              <option key={m.path} value={m.path}>
                {m.name}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          Scheduler
          <select value={v.scheduler} onChange={(e) => set({ scheduler: e.target.value })}>
            {choices.schedulers.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          Steps
          <input
            type="number"
            min={1}
            value={shown(v.steps)}
            onChange={(e) => set({ steps: e.target.valueAsNumber })}
          />
        </label>
        <label className="field">
          CFG
          <input
            type="number"
            min={0}
            step={0.5}
            value={shown(v.cfg)}
            onChange={(e) => set({ cfg: e.target.valueAsNumber })}
          />
        </label>
        {props.onRemove ? (
          <button type="button" className="button button--ghost" onClick={props.onRemove}>
            Remove {name.toLowerCase()}
          </button>
        ) : null}
      </div>
    </fieldset>
  );
}

export function AbSetupView(props: {
  /** The session folder for a session name (inside the workspace's ab/ folder). */
  folderFor: (name: string) => string;
  defaultName: string;
  choices: VariantChoices;
  /** Where the variants start: the Create view's model, scheduler, steps, CFG and size. */
  base: { model?: string; scheduler?: string; steps?: number; cfg?: number };
  size: { width: number; height: number };
  onCreated: (dir: string) => void;
}) {
  const api = useEvalApi();
  const { choices, base } = props;
  const first: VariantForm = {
    model: base.model ?? choices.models[0]?.path ?? '',
    scheduler: base.scheduler ?? choices.schedulers[0] ?? '',
    steps: base.steps ?? 20,
    cfg: base.cfg ?? 7,
  };
  const second: VariantForm = {
    ...first,
    scheduler: choices.schedulers.find((s) => s !== first.scheduler) ?? first.scheduler,
  };
  const [options, setOptions] = useState<BenchmarkOptionsDto | null>(null);
  const [name, setName] = useState(props.defaultName);
  const [category, setCategory] = useState('');
  const [challenge, setChallenge] = useState('');
  const [count, setCount] = useState(4);
  const [seeds, setSeeds] = useState('1, 2');
  const [size, setSize] = useState(props.size);
  const [variants, setVariants] = useState<VariantForm[]>([first, second]);
  const [started, setStarted] = useState<{ jobId: string; dir: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const job = useEval((s) => (started ? s.jobs[started.jobId] : undefined));
  const { onCreated } = props;

  useEffect(() => {
    api.benchmarkOptions().then(setOptions, (err: Error) => setError(err.message));
  }, [api]);
  useEffect(() => {
    if (job?.status === 'done' && started) onCreated(started.dir);
  }, [job?.status, started, onCreated]);

  const parsedSeeds = parseSeeds(seeds);
  const images = (parsedSeeds?.length ?? 0) * count * variants.length;
  const running = job && (job.status === 'queued' || job.status === 'running');

  const start = async () => {
    if (!parsedSeeds) return setError('Seeds must be whole numbers, e.g. 1, 2, 3.');
    setError(null);
    const dir = props.folderFor(name);
    const list: AuditVariantDto[] = variants.map((v, i) => ({
      id: LETTERS[i],
      label: variantLabel(v, choices.models),
      settings: {
        ...(v.model ? { model: v.model } : {}),
        scheduler: v.scheduler,
        steps: v.steps,
        cfg: v.cfg,
      },
    }));
    try {
      const { jobId } = await api.startBenchmark({
        dir,
        name,
        prompts: {
          ...(category ? { categories: [category] } : {}),
          ...(challenge ? { challenges: [challenge] } : {}),
          count,
        },
        seeds: parsedSeeds,
        settings: size,
        variants: list,
      });
      setStarted({ jobId, dir });
    } catch (err) {
      setError((err as Error).message);
    }
  };

  return (
    <section className="section eval-ab-setup" aria-label="New A/B session">
      <h3>New A/B session</h3>
      <label className="field">
        Session name
        <input value={name} onChange={(e) => setName(e.target.value)} spellCheck={false} />
      </label>
      <div className="row">
        <CountedSelect
          label="Category"
          all="All categories"
          value={category}
          options={options?.categories}
          onChange={setCategory}
        />
        <CountedSelect
          label="Challenge"
          all="All challenges"
          value={challenge}
          options={options?.challenges}
          onChange={setChallenge}
        />
        <label className="field">
          Prompts
          <input
            type="number"
            min={1}
            value={shown(count)}
            onChange={(e) => setCount(e.target.valueAsNumber)}
          />
        </label>
        <label className="field">
          Seeds
          <input value={seeds} onChange={(e) => setSeeds(e.target.value)} spellCheck={false} />
        </label>
        <label className="field">
          Width
          <input
            type="number"
            step={8}
            value={shown(size.width)}
            onChange={(e) => setSize({ ...size, width: e.target.valueAsNumber })}
          />
        </label>
        <label className="field">
          Height
          <input
            type="number"
            step={8}
            value={shown(size.height)}
            onChange={(e) => setSize({ ...size, height: e.target.valueAsNumber })}
          />
        </label>
      </div>
      {variants.map((v, i) => (
        <VariantFields
          key={i}
          index={i}
          value={v}
          choices={choices}
          onChange={(next) => setVariants(variants.map((old, j) => (j === i ? next : old)))}
          onRemove={
            variants.length > 2 ? () => setVariants(variants.filter((_, j) => j !== i)) : undefined
          }
        />
      ))}
      <p className="hint">
        {images} images ({count} prompts × {parsedSeeds?.length ?? 0} seeds × {variants.length}{' '}
        variants); every pair of variants is judged on the same prompt and seed.
      </p>
      <div className="button-row">
        <button
          type="button"
          className="button"
          disabled={variants.length >= MAX_VARIANTS}
          onClick={() => setVariants([...variants, { ...variants[variants.length - 1] }])}
        >
          Add variant
        </button>
        <button
          type="button"
          className="button button--primary"
          disabled={Boolean(running) || !name.trim()}
          onClick={() => void start()}
        >
          Render and start judging
        </button>
      </div>
      {job && (
        <div className="eval-progress" aria-label="Benchmark progress">
          <progress max={job.total || 1} value={job.done} /> {job.done}/{job.total} images ·{' '}
          {job.status}
        </div>
      )}
      {(error ?? job?.error) && (
        <p className="notice notice--error" role="alert">
          {error ?? job?.error}
        </p>
      )}
    </section>
  );
}

/** A PartiPrompts filter: "all", or one name with its prompt count. */
function CountedSelect(props: {
  label: string;
  all: string;
  value: string;
  options: readonly { name: string; prompts: number }[] | undefined;
  onChange: (value: string) => void;
}) {
  return (
    <label className="field">
      {props.label}
      <select value={props.value} onChange={(e) => props.onChange(e.target.value)}>
        <option value="">{props.all}</option>
        {props.options?.map((c) => (
          <option key={c.name} value={c.name}>
            {c.name} ({c.prompts})
          </option>
        ))}
      </select>
    </label>
  );
}
