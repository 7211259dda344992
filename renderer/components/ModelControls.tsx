/** Model and scheduler pickers, steps and CFG. */
import { useStudio, useStudioShallow } from '../store/context.tsx';
import { Field, SliderField } from './Field.tsx';

export function ModelPicker() {
  const { models, model, ready } = useStudioShallow((s) => ({
    models: s.models,
    model: s.form.model,
    ready: s.ready,
  }));
  const setModel = useStudio((s) => s.setModel);
  const reload = useStudio((s) => s.reloadModels);
  const main = models.filter((m) => m.family !== 'sdxl-refiner' && m.family !== 'unknown');
  return (
    <Field
      label="Model"
      field="model"
      aside={
        <button type="button" className="link-button" onClick={() => void reload()}>
          Reload
        </button>
      }
      hint={
        ready && main.length === 0 ? 'No models found. Add model folders in Settings.' : undefined
      }
    >
      {({ id, describedBy, invalid }) => (
        <select
          id={id}
          value={model}
          disabled={main.length === 0}
          aria-describedby={describedBy}
          aria-invalid={invalid || undefined}
          onChange={(e) => setModel(e.target.value)}
        >
          {main.length === 0 ? <option value="">{ready ? 'No models' : 'Loading…'}</option> : null}
          {main.map((m) => (
            <option key={m.path} value={m.path}>
              {m.name}
              {m.bundled ? ' (demo)' : ''}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

export function SchedulerPicker() {
  const { schedulers, scheduler } = useStudioShallow((s) => ({
    schedulers: s.schedulers,
    scheduler: s.form.scheduler,
  }));
  const setForm = useStudio((s) => s.setForm);
  const names = schedulers.map((s) => s.name);
  // Keep a scheduler that came from "reuse settings" visible even if the list does not have it.
  if (scheduler && !names.includes(scheduler)) names.unshift(scheduler);
  return (
    <Field label="Sampler" field="scheduler">
      {({ id, describedBy, invalid }) => (
        <select
          id={id}
          value={scheduler}
          aria-describedby={describedBy}
          aria-invalid={invalid || undefined}
          onChange={(e) => setForm({ scheduler: e.target.value })}
        >
          {names.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

export function StepsAndCfg() {
  const { steps, cfg } = useStudioShallow((s) => ({ steps: s.form.steps, cfg: s.form.cfg }));
  const setForm = useStudio((s) => s.setForm);
  return (
    <div className="row">
      <SliderField
        label="Steps"
        field="steps"
        value={steps}
        min={1}
        max={150}
        step={1}
        onChange={(v) => setForm({ steps: v })}
      />
      <SliderField
        label="CFG scale"
        field="cfg"
        value={cfg}
        min={0}
        max={30}
        step={0.5}
        onChange={(v) => setForm({ cfg: v })}
      />
    </div>
  );
}
