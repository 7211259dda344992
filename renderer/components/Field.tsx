/** Labelled controls with their error and hint wired up for screen readers. */
import { useId, type ReactNode } from 'react';
import { errorFor } from '../store/errors.ts';
import { useStudio } from '../store/context.tsx';

export function FieldError({
  field,
  exact = false,
  id,
}: {
  field: string;
  exact?: boolean;
  id?: string;
}) {
  const message = useStudio((s) => errorFor(s.fieldErrors, field, exact));
  if (!message) return null;
  return (
    <p className="field-error" role="alert" id={id} data-field={field}>
      {message}
    </p>
  );
}

export function Field(props: {
  label: string;
  field?: string;
  hint?: ReactNode;
  children: (ids: { id: string; describedBy: string | undefined; invalid: boolean }) => ReactNode;
  aside?: ReactNode;
}) {
  const id = useId();
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const invalid = useStudio((s) =>
    props.field ? errorFor(s.fieldErrors, props.field, true) !== null : false,
  );
  const describedBy =
    [invalid ? errorId : null, props.hint ? hintId : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${invalid ? ' field--invalid' : ''}`}>
      <div className="field__head">
        <label htmlFor={id}>{props.label}</label>
        {props.aside}
      </div>
      {props.children({ id, describedBy, invalid })}
      {props.hint ? (
        <p className="field__hint" id={hintId}>
          {props.hint}
        </p>
      ) : null}
      {props.field ? <FieldError field={props.field} exact id={errorId} /> : null}
    </div>
  );
}

/** A slider with a number box next to it; both edit the same value. */
export function SliderField(props: {
  label: string;
  field?: string;
  value: number;
  min: number;
  max: number;
  step: number;
  onChange: (value: number) => void;
  hint?: ReactNode;
  format?: (value: number) => string;
}) {
  return (
    <Field label={props.label} field={props.field} hint={props.hint}>
      {({ id, describedBy, invalid }) => (
        <div className="slider">
          <input
            id={id}
            type="range"
            min={props.min}
            max={props.max}
            step={props.step}
            value={props.value}
            aria-describedby={describedBy}
            aria-invalid={invalid || undefined}
            aria-valuetext={props.format?.(props.value)}
            onChange={(e) => props.onChange(Number(e.target.value))}
          />
          <input
            type="number"
            className="slider__number"
            aria-label={`${props.label} value`}
            min={props.min}
            max={props.max}
            step={props.step}
            value={Number.isFinite(props.value) ? props.value : ''}
            aria-invalid={invalid || undefined}
            onChange={(e) =>
              props.onChange(e.target.value === '' ? Number.NaN : Number(e.target.value))
            }
          />
        </div>
      )}
    </Field>
  );
}

export function Section(props: {
  title: string;
  children: ReactNode;
  open?: boolean;
  badge?: ReactNode;
}) {
  return (
    <details className="section" open={props.open}>
      <summary>
        <span>{props.title}</span>
        {props.badge}
      </summary>
      <div className="section__body">{props.children}</div>
    </details>
  );
}
