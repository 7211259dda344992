/**
 * Blind A/B judging: the prompt, two images for the same prompt and seed (sides randomised by
 * main, no names shown), and left / right / tie / skip by keyboard (← → t s) or buttons.
 */
import { useCallback, useEffect } from 'react';
import type { AbChoiceDto } from './api.ts';
import { useEval, useEvalApi } from './context.tsx';
import { useKeys } from './useKeys.ts';

const KEYS: Record<string, AbChoiceDto> = {
  ArrowLeft: 'left',
  ArrowRight: 'right',
  t: 'tie',
  s: 'skip',
};

export function AbJudgingView(props: { sessionDir: string; onFinished?: () => void }) {
  const api = useEvalApi();
  const ab = useEval((s) => s.ab);
  const error = useEval((s) => s.error);
  const open = useEval((s) => s.openAb);
  const vote = useEval((s) => s.vote);
  useEffect(() => {
    void open(props.sessionDir);
  }, [open, props.sessionDir]);
  const onKey = useCallback(
    (key: string) => {
      if (KEYS[key]) void vote(KEYS[key]);
    },
    [vote],
  );
  useKeys(onKey, Boolean(ab?.state.pair));

  if (!ab)
    return (
      <section className="section" aria-label="A/B judging">
        {error ?? 'Loading…'}
      </section>
    );
  const { pair, voted, total, skipped } = ab.state;
  return (
    <section className="section eval-ab" aria-label="A/B judging">
      <p className="hint" role="status">
        {voted} of {total} pairs judged{skipped ? ` (${skipped} skipped)` : ''}
      </p>
      {pair ? (
        <>
          <p className="eval-ab__prompt">
            <span className="chip">{pair.category}</span> {pair.prompt}
          </p>
          <div className="eval-ab__pair">
            <img src={api.imageUrl(pair.leftFile)} alt="left image" />
            <img src={api.imageUrl(pair.rightFile)} alt="right image" />
          </div>
          <div className="row">
            <button type="button" className="button" onClick={() => void vote('left')}>
              ← Left is better
            </button>
            <button type="button" className="button" onClick={() => void vote('tie')}>
              <kbd>t</kbd> Tie
            </button>
            <button
              type="button"
              className="button button--ghost"
              onClick={() => void vote('skip')}
            >
              <kbd>s</kbd> Skip
            </button>
            <button type="button" className="button" onClick={() => void vote('right')}>
              Right is better →
            </button>
          </div>
        </>
      ) : (
        <div>
          <p>Every pair has a vote.</p>
          {props.onFinished && (
            <button type="button" className="button button--primary" onClick={props.onFinished}>
              Show the ranking
            </button>
          )}
        </div>
      )}
      {error && (
        <p className="notice notice--error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
