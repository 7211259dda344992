/** Seed: random each run, or fixed; "Reuse last" fixes the seed of the last result. */
import { useId } from 'react';
import { useStudio, useStudioShallow } from '../store/context.tsx';
import { FieldError } from './Field.tsx';

export function SeedControl() {
  const id = useId();
  const { choice, seed, lastSeed, seedMode } = useStudioShallow((s) => ({
    choice: s.form.seedChoice,
    seed: s.form.seed,
    lastSeed: s.lastSeed,
    seedMode: s.form.seedMode,
  }));
  const setForm = useStudio((s) => s.setForm);
  const reuseLast = useStudio((s) => s.reuseLastSeed);
  return (
    <fieldset className="field seed">
      <legend>Seed</legend>
      <div className="seed__row">
        <div className="segmented" role="radiogroup" aria-label="Seed choice">
          {(['random', 'fixed'] as const).map((value) => (
            <label key={value} className={choice === value ? 'is-on' : ''}>
              <input
                type="radio"
                name={`${id}-choice`}
                value={value}
                checked={choice === value}
                onChange={() => setForm({ seedChoice: value })}
              />
              {value === 'random' ? 'Random' : 'Fixed'}
            </label>
          ))}
        </div>
        <input
          type="number"
          aria-label="Seed value"
          className="seed__value"
          min={0}
          max={4294967295}
          step={1}
          value={choice === 'fixed' ? seed : ''}
          placeholder="random"
          disabled={choice !== 'fixed'}
          onChange={(e) =>
            setForm({ seed: e.target.value === '' ? Number.NaN : Number(e.target.value) })
          }
        />
        <button
          type="button"
          className="button button--ghost"
          disabled={lastSeed === null}
          onClick={reuseLast}
        >
          Reuse last
        </button>
      </div>
      <label className="inline-select">
        <span>Noise</span>
        <select
          value={seedMode}
          onChange={(e) => setForm({ seedMode: e.target.value as typeof seedMode })}
        >
          <option value="emulsion">Emulsion (per-image seeds)</option>
          <option value="torch-cpu">PyTorch CPU (matches diffusers)</option>
        </select>
      </label>
      <FieldError field="seed" />
    </fieldset>
  );
}
