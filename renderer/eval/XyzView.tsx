/**
 * XY/Z plot setup and result: a prompt, two or three axes (kind + values as in A1111), the run's
 * progress, then the labelled grid and each cell with its axis values.
 */
import { useEffect, useState } from 'react';
import { AXIS_KIND_OPTIONS, type AxisDto, type AxisKindDto, type XyzResultDto } from './api.ts';
import { useEval, useEvalApi } from './context.tsx';

function AxisField(props: {
  name: string;
  axis: AxisDto | undefined;
  optional?: boolean;
  onChange: (a: AxisDto | undefined) => void;
}) {
  const { axis } = props;
  return (
    <div className="row eval-axis">
      <label className="field">
        {props.name} axis
        <select
          value={axis?.kind ?? ''}
          onChange={(e) =>
            props.onChange(
              e.target.value
                ? { kind: e.target.value as AxisKindDto, values: axis?.values ?? '' }
                : undefined,
            )
          }
        >
          {props.optional && <option value="">none</option>}
          {AXIS_KIND_OPTIONS.map((k) => (
            <option key={k} value={k}>
              {k}
            </option>
          ))}
        </select>
      </label>
      {axis && (
        <label className="field">
          {props.name} values
          <input
            value={axis.values}
            onChange={(e) => props.onChange({ ...axis, values: e.target.value })}
          />
        </label>
      )}
    </div>
  );
}

export function XyzView(props: {
  /** The plot's folder, or a function giving a new one for each run (a folder holds one plot). */
  out: string | (() => string);
  initialPrompt?: string;
  /** Settings every cell starts from (model, size, steps…); the axes change them per cell. */
  base?: Record<string, unknown>;
  /** Says where `base` comes from, e.g. "the Create view". */
  baseLabel?: string;
}) {
  const api = useEvalApi();
  const [prompt, setPrompt] = useState(props.initialPrompt ?? 'a red circle');
  const [x, setX] = useState<AxisDto | undefined>({
    kind: 'scheduler',
    values: 'Euler a, DPM++ 2M Karras',
  });
  const [y, setY] = useState<AxisDto | undefined>({ kind: 'steps', values: '10, 20' });
  const [z, setZ] = useState<AxisDto | undefined>(undefined);
  const [jobId, setJobId] = useState<string | null>(null);
  const [out, setOut] = useState<string | null>(null);
  const [result, setResult] = useState<XyzResultDto | null>(null);
  const [error, setError] = useState<string | null>(null);
  const job = useEval((s) => (jobId ? s.jobs[jobId] : undefined));

  useEffect(() => {
    if (job?.status !== 'done' || !out) return;
    api.xyzResult(out).then(setResult, (err: Error) => setError(err.message));
  }, [api, job?.status, out]);

  const run = async () => {
    if (!x) return;
    setError(null);
    setResult(null);
    const folder = typeof props.out === 'function' ? props.out() : props.out;
    setOut(folder);
    try {
      const base = { ...props.base, prompt };
      setJobId((await api.startXyz({ base, x, y, z, out: folder })).jobId);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const baseText = Object.entries(props.base ?? {})
    .map(([k, v]) => `${k} ${typeof v === 'string' ? v.split(/[\\/]/).pop() : String(v)}`)
    .join(' · ');
  const running = job && (job.status === 'queued' || job.status === 'running');
  return (
    <section className="section eval-xyz" aria-label="XY/Z plot">
      <h2>XY/Z plot</h2>
      <label className="field">
        Prompt
        <input value={prompt} onChange={(e) => setPrompt(e.target.value)} />
      </label>
      {baseText ? (
        <p className="hint" data-testid="xyz-base">
          Every cell starts from {props.baseLabel ?? 'these settings'}: {baseText}
        </p>
      ) : null}
      <AxisField name="X" axis={x} onChange={setX} />
      <AxisField name="Y" axis={y} optional onChange={setY} />
      {y && <AxisField name="Z" axis={z} optional onChange={setZ} />}
      <button
        type="button"
        className="button button--primary"
        disabled={!x || Boolean(running)}
        onClick={run}
      >
        Make grid
      </button>
      {job && (
        <div className="eval-progress" aria-label="XY/Z progress">
          <progress max={job.total || 1} value={job.done} /> {job.done}/{job.total} cells ·{' '}
          {job.status}
        </div>
      )}
      {(error ?? job?.error) && (
        <p className="notice notice--error" role="alert">
          {error ?? job?.error}
        </p>
      )}
      {result && (
        <>
          <img className="eval-xyz__grid" src={api.imageUrl(result.grid)} alt="XY/Z grid" />
          <div className="strip" aria-label="Cells">
            {result.cells.map((c) => (
              <figure key={c.id} className="thumb">
                <img
                  src={api.imageUrl(c.file)}
                  alt={[c.labels.x, c.labels.y, c.labels.z].filter(Boolean).join(' · ')}
                />
                <figcaption>
                  {[c.labels.x, c.labels.y, c.labels.z].filter(Boolean).join(' · ')}
                </figcaption>
              </figure>
            ))}
          </div>
        </>
      )}
    </section>
  );
}
