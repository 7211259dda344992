/** img2img, ControlNet, refiner and hires-fix panels. */
import { useId, useMemo, useRef } from 'react';
import type { StudioModel } from '../../common/ipc.ts';
import { firstFile, readImageFile } from '../lib/files.ts';
import { FAMILY_LABELS, refinerChoices } from '../lib/refiners.ts';
import { useStudio, useStudioShallow } from '../store/context.tsx';
import { PREVIEWABLE } from '../store/store.ts';
import type { ControlUnitForm, Preprocessor } from '../store/types.ts';
import { Field, FieldError, Section, SliderField } from './Field.tsx';
import { useImageDrop } from './useImageDrop.ts';

const percent = (v: number) => `${Math.round(v * 100)}%`;

/** A hidden file input behind a visible button, for people who do not drag and drop. */
function PickImageButton(props: { label: string; onPick: (file: File) => void }) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button type="button" className="button button--ghost" onClick={() => input.current?.click()}>
        {props.label}
      </button>
      <input
        ref={input}
        type="file"
        accept="image/png,image/jpeg,image/webp"
        hidden
        tabIndex={-1}
        aria-hidden="true"
        onChange={(e) => {
          const file = firstFile(e.target.files);
          if (file) props.onPick(file);
          e.target.value = '';
        }}
      />
    </>
  );
}

export function InitImagePanel() {
  const init = useStudio((s) => s.form.init);
  const { setInitImage, clearInitImage, setInit } = useStudioShallow((s) => ({
    setInitImage: s.setInitImage,
    clearInitImage: s.clearInitImage,
    setInit: s.setInit,
  }));
  const drop = useImageDrop(setInitImage);
  return (
    <Section
      title="Image to image"
      open={init !== null}
      badge={init ? <span className="badge">on</span> : null}
    >
      {init ? (
        <div className="init" aria-label="Init image">
          <img className="thumb" src={init.image.url} alt={`Init image ${init.image.name}`} />
          <div className="init__meta">
            <span className="init__name" title={init.image.name}>
              {init.image.name}
            </span>
            <button type="button" className="button button--ghost" onClick={clearInitImage}>
              Remove
            </button>
          </div>
        </div>
      ) : (
        <div className={`dropzone${drop.dragging ? ' is-dragging' : ''}`} {...drop.handlers}>
          <p>Drop an image here or on the canvas, or paste one.</p>
          <PickImageButton
            label="Choose image…"
            onPick={(f) => void readImageFile(f).then(setInitImage)}
          />
        </div>
      )}
      <FieldError field="init" exact />
      {init ? (
        <>
          <SliderField
            label="Strength"
            field="init.strength"
            value={init.strength}
            min={0}
            max={1}
            step={0.01}
            format={percent}
            hint="0 keeps the image, 1 ignores it."
            onChange={(v) => setInit({ strength: v })}
          />
          <Field label="Resize" field="init.resize">
            {({ id }) => (
              <select
                id={id}
                value={init.resize}
                onChange={(e) => setInit({ resize: e.target.value as typeof init.resize })}
              >
                <option value="crop">Crop to fill</option>
                <option value="fit">Fit inside</option>
                <option value="stretch">Stretch</option>
              </select>
            )}
          </Field>
          <FieldError field="init.image" />
        </>
      ) : null}
    </Section>
  );
}

const PREPROCESSORS: { value: Preprocessor; label: string }[] = [
  { value: 'canny', label: 'Canny edges' },
  { value: 'scribble', label: 'Scribble' },
  { value: 'threshold', label: 'Threshold' },
  { value: 'invert', label: 'Invert' },
  { value: 'depth', label: 'Depth' },
  { value: 'pose', label: 'Pose' },
  { value: 'none', label: 'None (image is the hint)' },
];

function ControlUnit({ unit, index }: { unit: ControlUnitForm; index: number }) {
  const { controlNets, update, setImage, remove } = useStudioShallow((s) => ({
    controlNets: s.controlNets,
    update: s.updateControlUnit,
    setImage: s.setControlImage,
    remove: s.removeControlUnit,
  }));
  /** The hint of this unit from the selected result, when it has one. */
  const runHint = useStudio(
    (s) => s.results.find((r) => r.id === s.selectedId)?.controlHints[index] ?? null,
  );
  const preview = unit.hint;
  const hint = preview?.url ?? runHint;
  const caption = preview
    ? preview.status === 'loading'
      ? 'Computing the hint…'
      : 'Hint preview'
    : runHint
      ? 'Hint from the last run'
      : unit.image && !PREVIEWABLE.has(unit.preprocessor)
        ? 'This hint appears after a run'
        : 'Drop an image to see its hint';
  const drop = useImageDrop((image) => setImage(unit.id, image));
  const headingId = useId();
  const prefix = `control[${index}]`;
  return (
    <section className="unit" aria-labelledby={headingId}>
      <header className="unit__head">
        <h4 id={headingId}>Unit {index + 1}</h4>
        <button type="button" className="link-button" onClick={() => remove(unit.id)}>
          Remove unit {index + 1}
        </button>
      </header>
      <div className="unit__images">
        <div
          className={`dropzone dropzone--small${drop.dragging ? ' is-dragging' : ''}`}
          {...drop.handlers}
        >
          {unit.image ? (
            <img
              className="thumb"
              src={unit.image.url}
              alt={`Control image of unit ${index + 1}`}
            />
          ) : (
            <p>Drop a control image</p>
          )}
          <PickImageButton
            label={unit.image ? 'Replace…' : 'Choose…'}
            onPick={(f) => void readImageFile(f).then((img) => setImage(unit.id, img))}
          />
        </div>
        <figure className="hint">
          {hint ? (
            <img
              className="thumb"
              src={hint}
              alt={`Hint of unit ${index + 1}`}
              data-testid={`hint-${index}`}
            />
          ) : (
            <div className="thumb thumb--empty" />
          )}
          <figcaption aria-live="polite">{caption}</figcaption>
        </figure>
      </div>
      <FieldError field={`${prefix}.image`} />
      <div className="row">
        <Field label="Preprocessor" field={`${prefix}.preprocessor`}>
          {({ id }) => (
            <select
              id={id}
              value={unit.preprocessor}
              onChange={(e) => update(unit.id, { preprocessor: e.target.value as Preprocessor })}
            >
              {PREPROCESSORS.map((p) => (
                <option key={p.value} value={p.value}>
                  {p.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="ControlNet model" field={`${prefix}.model`}>
          {({ id }) => (
            <select
              id={id}
              value={unit.model}
              onChange={(e) => update(unit.id, { model: e.target.value })}
            >
              <option value="">
                {controlNets.length ? 'Choose a ControlNet' : 'No ControlNet in the models folder'}
              </option>
              {controlNets.map((c) => (
                <option key={c.path} value={c.path} title={c.hint}>
                  {c.bundled ? `${c.name} (bundled)` : c.name}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <SliderField
        label="Scale"
        field={`${prefix}.scale`}
        value={unit.scale}
        min={0}
        max={2}
        step={0.05}
        onChange={(v) => update(unit.id, { scale: v })}
      />
      <div className="row">
        <SliderField
          label="Start"
          field={`${prefix}.start`}
          value={unit.start}
          min={0}
          max={1}
          step={0.05}
          format={percent}
          onChange={(v) => update(unit.id, { start: v })}
        />
        <SliderField
          label="End"
          field={`${prefix}.end`}
          value={unit.end}
          min={0}
          max={1}
          step={0.05}
          format={percent}
          onChange={(v) => update(unit.id, { end: v })}
        />
      </div>
      <FieldError field={prefix} />
    </section>
  );
}

export function ControlNetPanel() {
  const units = useStudio((s) => s.form.control);
  const add = useStudio((s) => s.addControlUnit);
  return (
    <Section
      title="ControlNet"
      open={units.length > 0}
      badge={units.length > 0 ? <span className="badge">{units.length}</span> : null}
    >
      {units.length === 0 ? (
        <p className="empty-hint">Guide the composition with edges, depth or a pose.</p>
      ) : null}
      {units.map((unit, i) => (
        <ControlUnit key={unit.id} unit={unit} index={i} />
      ))}
      <FieldError field="control" exact />
      <button
        type="button"
        className="button button--ghost"
        onClick={add}
        disabled={units.length >= 4}
      >
        Add unit
      </button>
    </Section>
  );
}

export function RefinerPanel() {
  const { refiner, models, base } = useStudioShallow((s) => ({
    refiner: s.form.refiner,
    models: s.models,
    base: s.form.model,
  }));
  const set = useStudio((s) => s.setRefiner);
  const choices = useMemo(() => refinerChoices(models, base), [models, base]);
  const none = choices.refiners.length === 0 && choices.others.length === 0;
  const option = (m: StudioModel) => (
    <option key={m.path} value={m.path}>
      {m.name} ({FAMILY_LABELS[m.family]})
    </option>
  );
  return (
    <Section title="Refiner" badge={refiner.enabled ? <span className="badge">on</span> : null}>
      <label className="check">
        <input
          type="checkbox"
          checked={refiner.enabled}
          onChange={(e) => set({ enabled: e.target.checked })}
        />
        Hand the last steps to a refiner model
      </label>
      {refiner.enabled ? (
        <>
          <Field
            label="Refiner model"
            field="refiner.model"
            hint={
              none
                ? 'No other model in the models folder shares this model’s latent space.'
                : `Models that share the base’s ${choices.space} latent space can take over its latents.`
            }
          >
            {({ id, describedBy }) => (
              <select
                id={id}
                value={refiner.model}
                aria-describedby={describedBy}
                onChange={(e) => set({ model: e.target.value })}
              >
                <option value="">Choose a refiner</option>
                {choices.refiners.length > 0 ? (
                  <optgroup label="Refiner models">{choices.refiners.map(option)}</optgroup>
                ) : null}
                {choices.others.length > 0 ? (
                  <optgroup label={`Other models in the same latent space (${choices.space})`}>
                    {choices.others.map(option)}
                  </optgroup>
                ) : null}
              </select>
            )}
          </Field>
          <SliderField
            label="Switch at"
            field="refiner.start"
            value={refiner.start}
            min={0}
            max={1}
            step={0.05}
            format={percent}
            onChange={(v) => set({ start: v })}
          />
        </>
      ) : null}
      <FieldError field="refiner" exact />
    </Section>
  );
}

export function HiresPanel() {
  const hires = useStudio((s) => s.form.hires);
  const set = useStudio((s) => s.setHires);
  return (
    <Section title="Hires fix" badge={hires.enabled ? <span className="badge">on</span> : null}>
      <label className="check">
        <input
          type="checkbox"
          checked={hires.enabled}
          onChange={(e) => set({ enabled: e.target.checked })}
        />
        Upscale and refine in a second pass
      </label>
      {hires.enabled ? (
        <>
          <div className="row">
            <SliderField
              label="Upscale by"
              field="hires.scale"
              value={hires.scale}
              min={1}
              max={4}
              step={0.05}
              onChange={(v) => set({ scale: v })}
            />
            <SliderField
              label="Denoise"
              field="hires.strength"
              value={hires.strength}
              min={0}
              max={1}
              step={0.01}
              format={percent}
              onChange={(v) => set({ strength: v })}
            />
          </div>
          <div className="row">
            <SliderField
              label="Hires steps"
              field="hires.steps"
              value={hires.steps}
              min={1}
              max={150}
              step={1}
              onChange={(v) => set({ steps: v })}
            />
            <Field label="Upscaler" field="hires.upscaler">
              {({ id }) => (
                <select
                  id={id}
                  value={hires.upscaler}
                  onChange={(e) =>
                    set({ upscaler: e.target.value as 'latent' | 'latent-nearest' | 'image' })
                  }
                >
                  <option value="latent">Latent</option>
                  <option value="latent-nearest">Latent (nearest)</option>
                  <option value="image">Image (Lanczos)</option>
                </select>
              )}
            </Field>
          </div>
        </>
      ) : null}
      <FieldError field="hires" exact />
    </Section>
  );
}
