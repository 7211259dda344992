/**
 * Keyboard labelling, one cell at a time: the image, the attribute being labelled, and its
 * values with their keys (1–9, 0; c can't tell; s skip; u undo). The prompt is not shown, to
 * reduce anchoring (evaluation.md B3).
 */
import { useCallback, useEffect } from 'react';
import { useEval, useEvalApi } from './context.tsx';
import { CANT_TELL, keyLabel } from './labelling.ts';
import { useKeys } from './useKeys.ts';

export function LabellingView(props: { dir: string; annotator: string }) {
  const api = useEvalApi();
  const labelling = useEval((s) => s.labelling);
  const error = useEval((s) => s.error);
  const start = useEval((s) => s.startLabelling);
  const press = useEval((s) => s.pressLabelKey);
  useEffect(() => {
    void start(props.dir, props.annotator);
  }, [start, props.dir, props.annotator]);
  const onKey = useCallback((key: string) => void press(key), [press]);
  useKeys(onKey, Boolean(labelling));

  if (!labelling)
    return (
      <section className="section" aria-label="Labelling">
        {error ?? 'Loading…'}
      </section>
    );
  const { items, cursor, attributes } = labelling;
  const item = items[cursor.index];
  if (!item)
    return (
      <section className="section" aria-label="Labelling">
        <p role="status">
          All {items.length} images in this queue are labelled ({labelling.saved} labels saved).
        </p>
      </section>
    );
  const attribute = attributes[cursor.attributeIndex];
  const cells = [...new Set(items.map((i) => `${i.variant}/${i.cell}`))];
  const cellNumber = cells.indexOf(`${item.variant}/${item.cell}`) + 1;
  const inCell = items.filter((i) => i.variant === item.variant && i.cell === item.cell);
  const positionInCell = inCell.indexOf(item) + 1;
  return (
    <section className="section eval-label" aria-label="Labelling">
      <p className="hint">
        Cell {cellNumber} of {cells.length} · image {positionInCell} of {inCell.length} ·{' '}
        {labelling.annotator}
      </p>
      <img
        className="eval-label__image"
        src={api.imageUrl(item.file)}
        alt={`image ${cursor.index + 1} of ${items.length}`}
      />
      <h3>{attribute.name}</h3>
      <div className="eval-keys" role="group" aria-label={`Values of ${attribute.name}`}>
        {attribute.values.map((v, i) => (
          <button key={v} type="button" className="button" onClick={() => void press(keyLabel(i))}>
            {attribute.swatches?.[i] && (
              <span
                className="eval-swatch"
                style={{ background: attribute.swatches[i] }}
                aria-hidden="true"
              />
            )}
            <kbd>{keyLabel(i)}</kbd> {v}
          </button>
        ))}
        <button type="button" className="button" onClick={() => void press('c')}>
          <kbd>c</kbd> {CANT_TELL}
        </button>
        <button type="button" className="button button--ghost" onClick={() => void press('s')}>
          <kbd>s</kbd> skip
        </button>
        <button
          type="button"
          className="button button--ghost"
          onClick={() => void press('u')}
          disabled={cursor.history.length === 0}
        >
          <kbd>u</kbd> undo
        </button>
      </div>
      {error && (
        <p className="notice notice--error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
