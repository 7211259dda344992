/** The canvas (drop target, image, live progress) and the session's results strip. */
import { formatEta, formatMs } from '../lib/format.ts';
import { useStudio, useStudioShallow } from '../store/context.tsx';
import type { JobState, SessionResult } from '../store/types.ts';
import { SafetyPanel, WithheldImage } from './safety/SafetyPanels.tsx';
import { useImageDrop } from './useImageDrop.ts';

function phaseText(job: JobState): string {
  switch (job.phase) {
    case 'submitting':
      return 'Sending…';
    case 'queued':
      return job.queuePosition > 0 ? `Queued, ${job.queuePosition} ahead` : 'Queued';
    case 'loading':
      return `Loading ${job.component ?? 'model'}…`;
    case 'decoding':
      return 'Decoding image…';
    case 'running':
      return job.step > 0 ? `Step ${job.step} of ${job.totalSteps}` : 'Starting…';
  }
}

export function ProgressBar({ job }: { job: JobState }) {
  const cancel = useStudio((s) => s.cancel);
  const eta = job.phase === 'running' ? formatEta(job.step, job.totalSteps, job.msPerStep) : null;
  const label = phaseText(job);
  return (
    <div className="progress" role="status" aria-live="polite">
      <div className="progress__text">
        <span className="progress__label">{label}</span>
        {eta ? <span className="progress__eta">{eta}</span> : null}
        <button
          type="button"
          className="button button--danger"
          onClick={() => void cancel()}
          disabled={!job.jobId}
        >
          Cancel <kbd>Esc</kbd>
        </button>
      </div>
      <div
        className="progress__track"
        role="progressbar"
        aria-label="Generation progress"
        aria-valuemin={0}
        aria-valuemax={job.totalSteps}
        aria-valuenow={job.step}
        aria-valuetext={label}
      >
        <div
          className={`progress__fill${job.phase === 'decoding' ? ' is-done' : ''}`}
          style={{ width: `${job.totalSteps > 0 ? (100 * job.step) / job.totalSteps : 0}%` }}
        />
      </div>
    </div>
  );
}

function EmptyCanvas() {
  return (
    <div className="canvas__empty">
      <div className="canvas__glyph" aria-hidden="true" />
      <h2>Your images appear here</h2>
      <p>
        Describe an image and press <kbd>Ctrl</kbd>+<kbd>Enter</kbd>. Drop or paste a picture here
        to start from it.
      </p>
    </div>
  );
}

export function Canvas() {
  const { job, selected, setInitImage, inspect } = useStudioShallow((s) => ({
    job: s.job,
    selected: s.results.find((r) => r.id === s.selectedId) ?? null,
    setInitImage: s.setInitImage,
    inspect: s.inspectDropped,
  }));
  // The canvas takes the image as the init image at once, and offers its settings as well.
  const drop = useImageDrop((image) => {
    setInitImage(image);
    void inspect(image, { usedAsInit: true });
  });
  // A revealed original replaces the blurred image on the canvas only; the file stays blurred.
  const resultUrl =
    selected?.original.status === 'shown' ? selected.original.url : selected?.url || null;
  const shown = job?.previewUrl ?? resultUrl;
  const withheld = !job && selected?.withheld ? selected : null;
  return (
    <section
      className={`canvas${drop.dragging ? ' is-dragging' : ''}`}
      aria-label="Canvas"
      data-testid="canvas"
      {...drop.handlers}
    >
      {withheld ? (
        <WithheldImage result={withheld} />
      ) : shown ? (
        <img
          className={`canvas__image${job ? ' is-working' : ''}`}
          src={shown}
          alt={job ? 'Live preview of the image being generated' : resultAlt(selected!)}
          data-testid={job ? 'preview-image' : 'result-image'}
        />
      ) : (
        <EmptyCanvas />
      )}
      {!job && selected ? <SafetyPanel result={selected} /> : null}
      {drop.dragging ? <div className="canvas__drop">Drop to use as the init image</div> : null}
      {job ? <ProgressBar job={job} /> : null}
    </section>
  );
}

/** Says what the canvas shows: the image as saved, blurred, or the revealed original. */
function resultAlt(result: SessionResult): string {
  const base = `Result, seed ${result.seed}`;
  if (result.safety?.action !== 'blur' || result.kept) return base;
  return result.original.status === 'shown'
    ? `${base} (original, revealed)`
    : `${base} (blurred by the safety filter)`;
}

export function ResultInfo() {
  const { selected, canOpen } = useStudioShallow((s) => ({
    selected: s.results.find((r) => r.id === s.selectedId) ?? null,
    canOpen: s.osDialogs,
  }));
  const reuse = useStudio((s) => s.reuseSettings);
  const openPath = useStudio((s) => s.openPath);
  if (!selected) return null;
  const r = selected.request;
  const items: [string, string][] = [
    ['Seed', String(selected.seed)],
    ['Sampler', selected.scheduler.displayName],
    ['Steps', String(r.steps)],
    ['CFG', String(r.cfg)],
    ['Size', `${selected.width} × ${selected.height}`],
    ['Model', selected.modelName],
    ['Provider', selected.provider],
    ['Time', formatMs(selected.totalMs)],
  ];
  if (r.init) items.splice(5, 0, ['Init', `${Math.round(r.init.strength * 100)}% strength`]);
  return (
    <section className="result-info" aria-label="Selected result">
      <p className="result-info__prompt" title={r.prompt}>
        {r.prompt || <em>No prompt</em>}
      </p>
      <dl className="result-info__meta" data-testid="result-meta">
        {items.map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd data-key={k.toLowerCase()}>{v}</dd>
          </div>
        ))}
      </dl>
      <div className="result-info__actions">
        <button type="button" className="button" onClick={() => reuse(selected.id)}>
          Reuse settings
        </button>
        {selected.file && canOpen ? (
          <button
            type="button"
            className="button button--ghost"
            onClick={() => void openPath(selected.file!)}
          >
            Show file
          </button>
        ) : null}
      </div>
      {selected.warnings.map((w, i) => (
        <p key={i} className="result-info__warning">
          {w}
        </p>
      ))}
    </section>
  );
}

function Thumb({ result, selected }: { result: SessionResult; selected: boolean }) {
  const select = useStudio((s) => s.selectResult);
  const flagged = result.safety?.action === 'blur' && !result.kept;
  const what = result.withheld ? ' (withheld)' : flagged ? ' (blurred)' : '';
  return (
    <li>
      <button
        type="button"
        className={`strip__item${selected ? ' is-selected' : ''}`}
        aria-pressed={selected}
        aria-label={`Result seed ${result.seed}${what}: ${result.request.prompt.slice(0, 60)}`}
        onClick={() => select(result.id)}
      >
        {result.withheld ? (
          <span className="strip__withheld" aria-hidden="true">
            Withheld
          </span>
        ) : (
          <img src={result.url} alt="" />
        )}
        {flagged ? (
          <span className="strip__badge" aria-hidden="true">
            Flagged
          </span>
        ) : null}
      </button>
    </li>
  );
}

export function ResultsStrip() {
  const { results, selectedId } = useStudioShallow((s) => ({
    results: s.results,
    selectedId: s.selectedId,
  }));
  return (
    <nav className="strip" aria-label="Results of this session">
      {results.length === 0 ? (
        <p className="strip__empty">Results of this session collect here.</p>
      ) : (
        <ul>
          {results.map((r) => (
            <Thumb key={r.id} result={r} selected={r.id === selectedId} />
          ))}
        </ul>
      )}
    </nav>
  );
}
