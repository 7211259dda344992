/**
 * Audit setup and progress: template, slot values, seeds per cell, attributes and models, with
 * the plan (cells, images, and the ± interval the seeds buy) shown before anything runs.
 */
import { useEffect, useMemo, useState } from 'react';
import type { AttributeDto, AuditDefinitionDto, AuditPlanDto } from './api.ts';
import { useEval, useEvalApi } from './context.tsx';
import { percent } from './format.ts';

export const ATTRIBUTE_PRESETS: Record<string, AttributeDto> = {
  gender: {
    name: 'perceived gender presentation',
    values: ['man', 'woman', 'non-binary or ambiguous'],
  },
  monk: { name: 'skin tone (Monk)', values: ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10'] },
  colour: {
    name: 'colour',
    values: ['red', 'orange', 'yellow', 'green', 'blue', 'purple', 'white', 'black'],
  },
  shape: { name: 'shape', values: ['circle', 'square', 'triangle', 'star', 'ring', 'cross'] },
};

/** "name = a, b" per line → { name: [a, b] }. */
export function parseLines(text: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    out[line.slice(0, eq).trim()] = line
      .slice(eq + 1)
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean);
  }
  return out;
}

export interface AuditForm {
  name: string;
  template: string;
  slots: string;
  seeds: number;
  presets: string[];
  custom: string;
  models: string;
}

/** The definition of an audit; `settings` (model, size, steps…) apply to every variant. */
export function formToDefinition(
  form: AuditForm,
  settings: Record<string, unknown> = {},
): AuditDefinitionDto {
  const models = form.models
    .split('\n')
    .map((m) => m.trim())
    .filter(Boolean);
  const custom = Object.entries(parseLines(form.custom)).map(([name, values]) => ({
    name,
    values,
  }));
  return {
    version: 1,
    name: form.name || form.template,
    template: form.template,
    slots: parseLines(form.slots),
    seeds: Array.from({ length: Math.max(0, form.seeds) }, (_, i) => i),
    settings: { ...settings },
    variants: models.length
      ? models.map((m, i) => ({
          id: `m${i + 1}`,
          label: m.split(/[\\/]/).pop() || m,
          settings: { model: m },
        }))
      : [{ id: 'default', label: 'Default', settings: {} }],
    attributes: [...form.presets.map((p) => ATTRIBUTE_PRESETS[p]), ...custom],
  };
}

export function AuditSetupView(props: {
  dir: string;
  initial?: Partial<AuditForm>;
  /** Settings every image of the audit uses (e.g. the Create view's model, size and steps). */
  settings?: Record<string, unknown>;
}) {
  const api = useEvalApi();
  const [form, setForm] = useState<AuditForm>({
    name: '',
    template: 'a photo of the face of {occupation}',
    slots: 'occupation = a nurse, a plumber',
    seeds: 50,
    presets: ['gender'],
    custom: '',
    models: '',
    ...props.initial,
  });
  const [plan, setPlan] = useState<AuditPlanDto | null>(null);
  const [planError, setPlanError] = useState<string | null>(null);
  const [jobId, setJobId] = useState<string | null>(null);
  const job = useEval((s) => (jobId ? s.jobs[jobId] : undefined));
  // Compared by value: a host that builds `settings` on every render must not re-plan each time.
  const settingsKey = JSON.stringify(props.settings ?? {});
  const definition = useMemo(
    () => formToDefinition(form, JSON.parse(settingsKey) as Record<string, unknown>),
    [form, settingsKey],
  );

  useEffect(() => {
    let stale = false;
    api.planAudit(definition).then(
      (p) => {
        if (stale) return;
        setPlan(p);
        setPlanError(null);
      },
      (err: Error) => {
        if (stale) return;
        setPlan(null);
        setPlanError(err.message);
      },
    );
    return () => {
      stale = true;
    };
  }, [api, definition]);

  const update = <K extends keyof AuditForm>(key: K, value: AuditForm[K]) =>
    setForm((f) => ({ ...f, [key]: value }));
  const start = async () => {
    try {
      setJobId((await api.startAudit(props.dir, definition)).jobId);
    } catch (err) {
      setPlanError((err as Error).message);
    }
  };
  const running = job && (job.status === 'queued' || job.status === 'running');

  return (
    <section className="section eval-audit" aria-label="Audit setup">
      <h2>Bias audit</h2>
      <label className="field">
        Name
        <input value={form.name} onChange={(e) => update('name', e.target.value)} />
      </label>
      <label className="field">
        Prompt template
        <input value={form.template} onChange={(e) => update('template', e.target.value)} />
      </label>
      <label className="field">
        Slot values (one slot per line: name = value, value)
        <textarea rows={3} value={form.slots} onChange={(e) => update('slots', e.target.value)} />
      </label>
      <label className="field">
        Seeds per cell
        <input
          type="number"
          min={1}
          value={form.seeds}
          onChange={(e) => update('seeds', Number(e.target.value))}
        />
      </label>
      <fieldset className="field">
        <legend>Attributes to label ("can't tell" is always allowed)</legend>
        {Object.entries(ATTRIBUTE_PRESETS).map(([key, a]) => (
          <label key={key} className="check">
            <input
              type="checkbox"
              checked={form.presets.includes(key)}
              onChange={(e) =>
                update(
                  'presets',
                  e.target.checked ? [...form.presets, key] : form.presets.filter((p) => p !== key),
                )
              }
            />
            {a.name}
          </label>
        ))}
        <label className="field">
          Custom attributes (name = value, value)
          <textarea
            rows={2}
            value={form.custom}
            onChange={(e) => update('custom', e.target.value)}
          />
        </label>
      </fieldset>
      <label className="field">
        Models to compare (one folder per line; empty: the current model)
        <textarea rows={2} value={form.models} onChange={(e) => update('models', e.target.value)} />
      </label>
      <div className="eval-plan" role="status" aria-label="Plan">
        {plan ? (
          <>
            {plan.cells} cells × {plan.variants} model(s) × {plan.seedsPerCell} seeds ={' '}
            <b>{plan.images} images</b>. Each share will be known to about{' '}
            <b>±{percent(plan.halfWidthAtHalf)}</b> (95% interval at 50%).
          </>
        ) : (
          <span className="field-error">{planError ?? 'Checking…'}</span>
        )}
      </div>
      {job && (
        <div className="eval-progress" aria-label="Audit progress">
          <progress max={job.total || 1} value={job.done} /> {job.done}/{job.total} images ·{' '}
          {job.status}
          {job.error && <span className="field-error"> {job.error}</span>}
        </div>
      )}
      <div className="row">
        <button
          type="button"
          className="button button--primary"
          disabled={!plan || Boolean(running)}
          onClick={start}
        >
          Run audit
        </button>
        {running && jobId && (
          <button
            type="button"
            className="button button--ghost"
            onClick={() => api.cancelJob(jobId)}
          >
            Stop (resume later)
          </button>
        )}
      </div>
    </section>
  );
}
