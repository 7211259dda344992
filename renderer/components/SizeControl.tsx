/** Size presets with a custom width and height, and the batch size. */
import { presetsFor, sizeKey } from '../lib/sizes.ts';
import { useStudio, useStudioShallow } from '../store/context.tsx';
import { Field } from './Field.tsx';
import { useState } from 'react';

export function SizeControl() {
  const { width, height, batch, model } = useStudioShallow((s) => ({
    width: s.form.width,
    height: s.form.height,
    batch: s.form.batch,
    model: s.models.find((m) => m.path === s.form.model),
  }));
  const setForm = useStudio((s) => s.setForm);
  const presets = presetsFor(model?.defaults);
  const matching = presets.some((p) => p.width === width && p.height === height);
  const [custom, setCustom] = useState(false);
  const value = custom || !matching ? 'custom' : sizeKey(width, height);
  return (
    <>
      <Field label="Size" field={value === 'custom' ? undefined : 'width'}>
        {({ id, describedBy }) => (
          <select
            id={id}
            value={value}
            aria-describedby={describedBy}
            onChange={(e) => {
              if (e.target.value === 'custom') return setCustom(true);
              const preset = presets.find((p) => sizeKey(p.width, p.height) === e.target.value)!;
              setCustom(false);
              setForm({ width: preset.width, height: preset.height });
            }}
          >
            {presets.map((p) => (
              <option key={sizeKey(p.width, p.height)} value={sizeKey(p.width, p.height)}>
                {p.label}
              </option>
            ))}
            <option value="custom">Custom…</option>
          </select>
        )}
      </Field>
      {value === 'custom' ? (
        <div className="row">
          <DimensionField label="Width" field="width" value={width} />
          <DimensionField label="Height" field="height" value={height} />
        </div>
      ) : null}
      <Field label="Batch" field="batch" hint="Images per run">
        {({ id, describedBy, invalid }) => (
          <input
            id={id}
            type="number"
            min={1}
            max={16}
            step={1}
            value={Number.isFinite(batch) ? batch : ''}
            aria-describedby={describedBy}
            aria-invalid={invalid || undefined}
            onChange={(e) => setForm({ batch: Number(e.target.value) })}
          />
        )}
      </Field>
    </>
  );
}

/** A custom width or height: a multiple of 8 that the engine validates. */
function DimensionField(props: { label: string; field: 'width' | 'height'; value: number }) {
  const setForm = useStudio((s) => s.setForm);
  return (
    <Field label={props.label} field={props.field} hint="Multiple of 8">
      {({ id, describedBy, invalid }) => (
        <input
          id={id}
          type="number"
          min={64}
          max={4096}
          step={8}
          value={Number.isFinite(props.value) ? props.value : ''}
          aria-describedby={describedBy}
          aria-invalid={invalid || undefined}
          onChange={(e) => setForm({ [props.field]: Number(e.target.value) })}
        />
      )}
    </Field>
  );
}
