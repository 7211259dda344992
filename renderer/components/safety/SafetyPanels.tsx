/**
 * What the canvas shows of the safety filter's decision for the selected result: under `blur`,
 * the reasons with Reveal (the original comes from the host only now), then Keep original or
 * Blur again; under `warn`, the reasons; under `block`, that the image was withheld and why,
 * with no pixels at all.
 */
import { describeReason, type SafetyDecision } from '../../../common/safety.ts';
import { useStudio } from '../../store/context.tsx';
import type { SessionResult } from '../../store/types.ts';

function Reasons({ decision }: { decision: SafetyDecision }) {
  return (
    <ul className="safety__reasons" aria-label="Reasons">
      {decision.reasons.map((r, i) => (
        <li key={i}>{describeReason(r)}</li>
      ))}
    </ul>
  );
}

export function WithheldImage({ result }: { result: SessionResult }) {
  return (
    <div className="canvas__withheld" role="status" data-testid="withheld">
      <div className="canvas__glyph canvas__glyph--withheld" aria-hidden="true" />
      <h2>Image withheld</h2>
      <p>
        The safety policy is <b>block</b>: image {result.index + 1} of this batch (seed{' '}
        {result.seed}) was flagged, so nothing of it was shown or saved.
      </p>
      {result.safety ? <Reasons decision={result.safety} /> : null}
    </div>
  );
}

export function SafetyPanel({ result }: { result: SessionResult }) {
  const reveal = useStudio((s) => s.revealOriginal);
  const hide = useStudio((s) => s.hideOriginal);
  const keep = useStudio((s) => s.keepOriginal);
  const decision = result.safety;
  if (!decision || result.withheld) return null;
  if (decision.action === 'warn') {
    return (
      <div className="safety-panel safety-panel--warn" role="status" data-testid="safety-panel">
        <p>Flagged by the safety filter (policy warn, shown as made):</p>
        <Reasons decision={decision} />
      </div>
    );
  }
  if (decision.action !== 'blur') return null;
  if (result.kept) {
    return (
      <div className="safety-panel" role="status" data-testid="safety-panel">
        <p>Original kept: it replaced the blurred file, and its metadata records the reveal.</p>
      </div>
    );
  }
  const { status } = result.original;
  return (
    <div className="safety-panel" role="status" data-testid="safety-panel">
      <p>
        {status === 'shown'
          ? 'Showing the original. The saved file is still blurred.'
          : 'Blurred by the safety filter:'}
      </p>
      <Reasons decision={decision} />
      <div className="button-row">
        {status === 'shown' ? (
          <>
            <button type="button" className="button" onClick={() => void keep(result.id)}>
              Keep original
            </button>
            <button type="button" className="button button--ghost" onClick={() => hide(result.id)}>
              Blur again
            </button>
          </>
        ) : (
          <button
            type="button"
            className="button"
            disabled={status === 'loading'}
            onClick={() => void reveal(result.id)}
          >
            {status === 'loading' ? 'Revealing…' : 'Reveal'}
          </button>
        )}
      </div>
    </div>
  );
}

/** The prompt check's matches from the last run, under the prompt they concern. */
export function PromptSafetyNote() {
  const decision = useStudio((s) => s.promptSafety);
  if (!decision) return null;
  return (
    <div className="prompt-safety" role="status" data-testid="prompt-safety">
      <p>
        The last run’s prompt matched the safety word lists (policy {decision.policy}
        {decision.policy === 'blur' ? ': its images were blurred' : ''}):
      </p>
      <Reasons decision={decision} />
    </div>
  );
}
