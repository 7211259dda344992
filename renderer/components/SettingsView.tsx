/**
 * Settings: execution provider (with the one actually used), models folder, output folder, and
 * the safety filter (policy, thresholds, word lists, and safety-eval).
 */
import { useEffect, useState } from 'react';
import type { ExecutionProviderName } from '../../common/generation.ts';
import { useStudio, useStudioShallow } from '../store/context.tsx';
import { Field } from './Field.tsx';
import { SafetyEval } from './safety/SafetyEval.tsx';
import { SafetySettings } from './safety/SafetySettings.tsx';
import { WordLists } from './safety/WordLists.tsx';

const PROVIDER_LABELS: Record<string, string> = {
  auto: 'Automatic (best available)',
  cpu: 'CPU',
  cuda: 'CUDA (NVIDIA)',
  dml: 'DirectML (Windows)',
  coreml: 'Core ML (Apple)',
  webgpu: 'WebGPU',
};

function FolderField(props: {
  label: string;
  field: 'modelsFolder' | 'outputFolder';
  kind: 'models' | 'output';
  dialogs: boolean;
}) {
  const value = useStudio((s) => s.settings?.[props.field] ?? '');
  const { save, choose, openPath } = useStudioShallow((s) => ({
    save: s.saveSettings,
    choose: s.chooseFolder,
    openPath: s.openPath,
  }));
  const [draft, setDraft] = useState(value);
  useEffect(() => setDraft(value), [value]);
  return (
    <Field label={props.label} field={props.field}>
      {({ id, describedBy, invalid }) => (
        <div className="folder">
          <input
            id={id}
            type="text"
            value={draft}
            readOnly={props.dialogs}
            spellCheck={false}
            aria-describedby={describedBy}
            aria-invalid={invalid || undefined}
            onChange={(e) => setDraft(e.target.value)}
          />
          {props.dialogs ? (
            <>
              <button
                type="button"
                className="button button--ghost"
                onClick={() => void choose(props.kind)}
              >
                Choose…
              </button>
              <button
                type="button"
                className="button button--ghost"
                onClick={() => void openPath(value)}
              >
                Open
              </button>
            </>
          ) : (
            <button
              type="button"
              className="button button--ghost"
              disabled={draft === value}
              onClick={() => void save({ [props.field]: draft })}
            >
              Save
            </button>
          )}
        </div>
      )}
    </Field>
  );
}

export function SettingsView() {
  const { settings, providers } = useStudioShallow((s) => ({
    settings: s.settings,
    providers: s.providers,
  }));
  const save = useStudio((s) => s.saveSettings);
  const dialogs = useStudio((s) => s.osDialogs);
  if (!settings)
    return (
      <div className="settings">
        <p className="empty-hint">Loading settings…</p>
      </div>
    );
  const options: ExecutionProviderName[] = [
    'auto',
    ...(providers?.available ?? []).filter((p) => p !== 'auto'),
  ];
  return (
    <div className="settings">
      <h2>Settings</h2>
      <section className="settings__group" aria-labelledby="settings-engine">
        <h3 id="settings-engine">Engine</h3>
        <Field label="Execution provider" field="provider" hint="Applies to the next generation.">
          {({ id, describedBy }) => (
            <select
              id={id}
              value={settings.provider}
              aria-describedby={describedBy}
              onChange={(e) => void save({ provider: e.target.value as ExecutionProviderName })}
            >
              {options.map((p) => (
                <option key={p} value={p}>
                  {PROVIDER_LABELS[p] ?? p}
                </option>
              ))}
            </select>
          )}
        </Field>
        <p className="settings__status" data-testid="provider-in-use">
          In use:{' '}
          <strong>
            {providers?.lastUsed
              ? (PROVIDER_LABELS[providers.lastUsed] ?? providers.lastUsed)
              : 'not yet known (no image generated yet)'}
          </strong>
        </p>
      </section>
      <section className="settings__group" aria-labelledby="settings-folders">
        <h3 id="settings-folders">Folders</h3>
        <FolderField label="Models folder" field="modelsFolder" kind="models" dialogs={dialogs} />
        <FolderField label="Output folder" field="outputFolder" kind="output" dialogs={dialogs} />
        {!dialogs ? (
          <p className="field__hint">
            Server mode: type a folder path on the server machine and save.
          </p>
        ) : null}
      </section>
      <SafetySettings />
      <WordLists />
      <SafetyEval />
    </div>
  );
}
