/**
 * A prompt textarea with the A1111 weighting syntax coloured in place: a highlighted copy of the
 * text sits under a transparent textarea with the same metrics. The chips underneath list the
 * weighted phrases with their effective weight.
 */
import { useId, useMemo, useRef } from 'react';
import { formatWeight } from '../lib/format.ts';
import { parsePromptWeights, weightedPhrases } from '../lib/prompt-weights.ts';
import { useStudio } from '../store/context.tsx';
import { FieldError } from './Field.tsx';

function weightClass(weight: number): string {
  if (weight > 1.0001) return weight >= 1.3 ? 'w-up2' : 'w-up1';
  if (weight < 0.9999) return weight <= 0.8 ? 'w-down2' : 'w-down1';
  return '';
}

export function PromptField(props: {
  field: 'prompt' | 'negativePrompt';
  label: string;
  placeholder: string;
  rows: number;
  autoFocus?: boolean;
}) {
  const id = useId();
  const value = useStudio((s) => s.form[props.field]);
  const setForm = useStudio((s) => s.setForm);
  const invalid = useStudio((s) => Boolean(s.fieldErrors[props.field]));
  const mirror = useRef<HTMLDivElement>(null);
  const runs = useMemo(() => parsePromptWeights(value), [value]);
  const phrases = useMemo(() => weightedPhrases(value), [value]);

  return (
    <div className={`field prompt${invalid ? ' field--invalid' : ''}`}>
      <div className="field__head">
        <label htmlFor={id}>{props.label}</label>
        <span className="field__aside">(word:1.3) · (word) · [word]</span>
      </div>
      <div className="prompt__box">
        <div className="prompt__mirror" aria-hidden="true" ref={mirror}>
          {runs.map((run, i) =>
            run.kind === 'text' ? (
              <span key={i} className={weightClass(run.weight)}>
                {run.text}
              </span>
            ) : (
              <span key={i} className={run.kind === 'break' ? 'w-break' : 'w-syntax'}>
                {run.text}
              </span>
            ),
          )}
          {/* A trailing newline needs a character after it to take up a line in the mirror. */}
          {'\u200b'}
        </div>
        <textarea
          id={id}
          className="prompt__input"
          rows={props.rows}
          value={value}
          placeholder={props.placeholder}
          spellCheck={false}
          style={{ minHeight: `calc(${props.rows} * 1.5em + 20px)` }}
          autoFocus={props.autoFocus}
          aria-invalid={invalid || undefined}
          aria-describedby={invalid ? `${id}-error` : undefined}
          onChange={(e) => setForm({ [props.field]: e.target.value })}
          onScroll={(e) => {
            if (mirror.current) mirror.current.scrollTop = e.currentTarget.scrollTop;
          }}
        />
      </div>
      {phrases.length > 0 ? (
        <ul className="chips" aria-label={`Weighted phrases in the ${props.label.toLowerCase()}`}>
          {phrases.map((p, i) => (
            <li key={i} className={`chip ${weightClass(p.weight)}`}>
              {p.text} <b>{formatWeight(p.weight)}</b>
            </li>
          ))}
        </ul>
      ) : null}
      <FieldError field={props.field} exact id={`${id}-error`} />
    </div>
  );
}
