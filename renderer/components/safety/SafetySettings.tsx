/**
 * The Safety section of the settings view: the policy, the prompt categories, the classifier's
 * per-class thresholds and the model's own checker, each with the reason for its default
 * (common/safety.ts SAFETY_DEFAULTS). Edits collect in a draft and are saved together, so a
 * threshold is never applied half-typed.
 */
import { useEffect, useState } from 'react';
import type { StudioSafetySettings } from '../../../common/ipc.ts';
import {
  NSFW_CLASSES,
  PROMPT_CATEGORIES,
  SAFETY_DEFAULTS,
  SAFETY_POLICIES,
  type SafetyPolicy,
} from '../../../common/safety.ts';
import { useStudio } from '../../store/context.tsx';
import { FieldError } from '../Field.tsx';

export const POLICY_TEXT: Record<SafetyPolicy, string> = {
  off: 'No checks: nothing is flagged.',
  warn: 'Flagged images are shown and saved as they are, with the reasons.',
  blur: 'Flagged images are shown and saved blurred, with the reasons; you can reveal one and keep its original.',
  block:
    'Flagged prompts are refused; flagged images and previews are withheld: nothing of them is shown or saved.',
};

export const CATEGORY_LABELS: Record<(typeof PROMPT_CATEGORIES)[number], string> = {
  sexual: 'Sexual',
  'violence-gore': 'Violence and gore',
  'self-harm': 'Self-harm',
  hate: 'Hate',
};

function Reason(props: { children: string; value?: string }) {
  return (
    <p className="safety__reason">
      {props.value ? <b>Default: {props.value}. </b> : null}
      {props.children}
    </p>
  );
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const shown = (v: number | null) => (v === null ? 'never flags' : String(v));

export function SafetySettings() {
  const saved = useStudio((s) => s.settings?.safety);
  const save = useStudio((s) => s.saveSettings);
  const [draft, setDraft] = useState<StudioSafetySettings | undefined>(saved);
  const [saving, setSaving] = useState(false);
  const [blank, setBlank] = useState<string | null>(null);
  useEffect(() => setDraft(saved), [saved]);
  if (!draft || !saved) return null;

  const edit = (change: (d: StudioSafetySettings) => void) => {
    const next = structuredClone(draft);
    change(next);
    setDraft(next);
  };
  const onSave = async () => {
    // An emptied box is not "never": say so instead of sending a value that means something else.
    const empty = NSFW_CLASSES.find((c) => Number.isNaN(draft.classifier.thresholds[c]));
    setBlank(empty ? `Give ${empty} a threshold from 0 to 1, or tick “Never flags”.` : null);
    if (empty) return;
    setSaving(true);
    await save({ safety: draft });
    setSaving(false);
  };
  const d = SAFETY_DEFAULTS;

  return (
    <section className="settings__group safety" aria-labelledby="settings-safety">
      <h3 id="settings-safety">Safety</h3>
      <fieldset className="safety__group">
        <legend>Policy for flagged content</legend>
        {SAFETY_POLICIES.map((p) => (
          <label key={p} className="check safety__policy">
            <input
              type="radio"
              name="safety-policy"
              value={p}
              checked={draft.policy === p}
              onChange={() => edit((x) => (x.policy = p))}
            />
            <span>
              <b>{p}</b> — {POLICY_TEXT[p]}
            </span>
          </label>
        ))}
        <Reason value={d.policy.value}>{d.policy.reason}</Reason>
      </fieldset>

      <fieldset className="safety__group">
        <legend>Prompt check: categories</legend>
        {PROMPT_CATEGORIES.map((c) => (
          <div key={c} className="safety__item">
            <label className="check">
              <input
                type="checkbox"
                checked={draft.promptCategories[c]}
                onChange={(e) => edit((x) => (x.promptCategories[c] = e.target.checked))}
              />
              {CATEGORY_LABELS[c]}
            </label>
            <Reason value={d.promptCategories[c].value ? 'on' : 'off'}>
              {d.promptCategories[c].reason}
            </Reason>
          </div>
        ))}
      </fieldset>

      <fieldset className="safety__group">
        <legend>Image check: bundled classifier (nsfwjs MobileNetV2)</legend>
        <label className="check">
          <input
            type="checkbox"
            checked={draft.classifier.enabled}
            onChange={(e) => edit((x) => (x.classifier.enabled = e.target.checked))}
          />
          Check every preview and final image
        </label>
        <Reason value="on">{d.classifierEnabled.reason}</Reason>
        <table className="safety__thresholds" aria-label="Classifier thresholds">
          <thead>
            <tr>
              <th scope="col">Class</th>
              <th scope="col">Flags at score ≥</th>
              <th scope="col">Never flags</th>
              <th scope="col">Default and why</th>
            </tr>
          </thead>
          <tbody>
            {NSFW_CLASSES.map((c) => {
              const value = draft.classifier.thresholds[c];
              return (
                <tr key={c}>
                  <th scope="row">{c}</th>
                  <td>
                    <input
                      type="number"
                      min={0}
                      max={1}
                      step={0.05}
                      aria-label={`${c} threshold`}
                      disabled={value === null || !draft.classifier.enabled}
                      value={value === null || Number.isNaN(value) ? '' : value}
                      onChange={(e) =>
                        edit(
                          (x) =>
                            (x.classifier.thresholds[c] =
                              e.target.value === '' ? Number.NaN : Number(e.target.value)),
                        )
                      }
                    />
                  </td>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`${c} never flags`}
                      checked={value === null}
                      disabled={!draft.classifier.enabled}
                      onChange={(e) =>
                        edit(
                          (x) =>
                            (x.classifier.thresholds[c] = e.target.checked
                              ? null
                              : (d.thresholds[c].value ?? 0.5)),
                        )
                      }
                    />
                  </td>
                  <td className="safety__reason">
                    <b>{shown(d.thresholds[c].value)}.</b> {d.thresholds[c].reason}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </fieldset>

      <fieldset className="safety__group">
        <legend>Image check: the model’s own safety checker</legend>
        <label className="check">
          <input
            type="checkbox"
            checked={draft.modelSafetyChecker.enabled}
            onChange={(e) => edit((x) => (x.modelSafetyChecker.enabled = e.target.checked))}
          />
          Run it on final images when the model folder has one
        </label>
        <Reason value="on">{d.modelSafetyCheckerEnabled.reason}</Reason>
        <label className="check">
          <input
            type="checkbox"
            checked={draft.modelSafetyChecker.onPreviews}
            disabled={!draft.modelSafetyChecker.enabled}
            onChange={(e) => edit((x) => (x.modelSafetyChecker.onPreviews = e.target.checked))}
          />
          Also run it on every preview
        </label>
        <Reason value="off">{d.modelSafetyCheckerOnPreviews.reason}</Reason>
      </fieldset>

      <FieldError field="safety" />
      {blank ? (
        <p className="field-error" role="alert">
          {blank}
        </p>
      ) : null}
      <div className="button-row">
        <button
          type="button"
          className="button button--primary"
          disabled={saving || same(draft, saved)}
          onClick={() => void onSave()}
        >
          Save safety settings
        </button>
        <button type="button" className="button button--ghost" onClick={() => setDraft(saved)}>
          Undo changes
        </button>
      </div>
    </section>
  );
}
