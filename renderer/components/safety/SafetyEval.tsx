/**
 * safety-eval in the studio: a labelled folder in, and per layer the confusion matrix, precision,
 * recall and false-positive rate with Wilson 95 % intervals, and the classifier threshold that
 * reaches a target recall. The same report as `emulsion safety-eval` (main/safety/report-text.ts).
 */
import { useState } from 'react';
import type { SafetyEvalLayer, SafetyEvalReport, SafetyRate } from '../../../common/ipc.ts';
import { useStudio, useStudioShallow } from '../../store/context.tsx';
import { Field, FieldError } from '../Field.tsx';

const f3 = (x: number) => x.toFixed(3);

export function formatRate(r: SafetyRate | null): string {
  if (!r) return 'n/a (no images)';
  return `${f3(r.value)} [${f3(r.interval.low)}, ${f3(r.interval.high)}]`;
}

const LAYER_NAMES: Record<SafetyEvalLayer['layer'], string> = {
  classifier: 'Bundled classifier',
  'safety-checker': 'Model’s safety checker',
  combined: 'Combined (any layer flags)',
};

function Confusion({ layer }: { layer: SafetyEvalLayer }) {
  const { tp, fp, tn, fn } = layer.confusion;
  return (
    <table
      className="safety__confusion"
      aria-label={`Confusion matrix: ${LAYER_NAMES[layer.layer]}`}
    >
      <thead>
        <tr>
          <th scope="col">Labelled</th>
          <th scope="col">Flagged</th>
          <th scope="col">Passed</th>
        </tr>
      </thead>
      <tbody>
        <tr>
          <th scope="row">unsafe</th>
          <td data-cell="tp">{tp}</td>
          <td data-cell="fn">{fn}</td>
        </tr>
        <tr>
          <th scope="row">safe</th>
          <td data-cell="fp">{fp}</td>
          <td data-cell="tn">{tn}</td>
        </tr>
      </tbody>
    </table>
  );
}

export function SafetyReport({ report }: { report: SafetyEvalReport }) {
  const { counts } = report;
  return (
    <div className="safety__report" aria-label="Safety evaluation report">
      <p role="status">
        {counts.images} images ({counts.unsafe} unsafe, {counts.safe} safe) from{' '}
        <code>{report.imagesDir}</code>.
      </p>
      {report.layers.map((layer) => {
        const t = layer.thresholdForTargetRecall;
        return (
          <section
            key={layer.layer}
            className="safety__layer"
            aria-label={LAYER_NAMES[layer.layer]}
          >
            <h4>{LAYER_NAMES[layer.layer]}</h4>
            <div className="safety__layer-body">
              <Confusion layer={layer} />
              <dl className="safety__metrics">
                <dt>Precision [95% CI]</dt>
                <dd data-metric="precision">{formatRate(layer.precision)}</dd>
                <dt>Recall [95% CI]</dt>
                <dd data-metric="recall">{formatRate(layer.recall)}</dd>
                <dt>False-positive rate [95% CI]</dt>
                <dd data-metric="fpr">{formatRate(layer.falsePositiveRate)}</dd>
              </dl>
            </div>
            {t ? (
              <p data-testid={`threshold-${layer.layer}`}>
                Hentai, Porn and Sexy thresholds of <b>{f3(t.threshold)}</b> reach recall ≥{' '}
                {report.targetRecall} (recall {f3(t.recall)}, precision {f3(t.precision)},{' '}
                {t.flagged} of {counts.images} flagged).
              </p>
            ) : layer.layer === 'classifier' ? (
              <p>No unsafe image is labelled, so no threshold can be suggested.</p>
            ) : null}
            {layer.note ? <p className="field__hint">{layer.note}</p> : null}
            {layer.byCategory.length > 0 ? (
              <table aria-label={`By category: ${LAYER_NAMES[layer.layer]}`}>
                <thead>
                  <tr>
                    <th scope="col">Label / category</th>
                    <th scope="col">Flagged</th>
                    <th scope="col">Share [95% CI]</th>
                  </tr>
                </thead>
                <tbody>
                  {layer.byCategory.map((c) => (
                    <tr key={`${c.label}/${c.category}`}>
                      <td>
                        {c.label} / {c.category}
                      </td>
                      <td>
                        {c.flagged.successes} of {c.flagged.total}
                      </td>
                      <td>{formatRate(c.flagged)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : null}
          </section>
        );
      })}
      {report.unlabelled.length > 0 ? (
        <p className="field__hint">
          Not labelled, skipped: {report.unlabelled.slice(0, 5).join(', ')}
          {report.unlabelled.length > 5 ? ` and ${report.unlabelled.length - 5} more` : ''}
        </p>
      ) : null}
    </div>
  );
}

export function SafetyEval() {
  const { running, report } = useStudioShallow((s) => s.safetyEval);
  const run = useStudio((s) => s.runSafetyEval);
  const model = useStudio((s) => s.models.find((m) => m.path === s.form.model) ?? null);
  const [withChecker, setWithChecker] = useState(false);
  const [imagesDir, setImagesDir] = useState('');
  const [labelsFile, setLabelsFile] = useState('');
  const [target, setTarget] = useState(0.9);
  return (
    <section className="settings__group safety" aria-labelledby="settings-safety-eval">
      <h3 id="settings-safety-eval">Measure the image check</h3>
      <p className="field__hint">
        Label a folder of your own images as safe or unsafe in a CSV (<code>file,label</code> with
        an optional category) and see how the image layers do on them, with 95% intervals. Paths are
        on the machine running Emulsion, inside its output, models or evaluation folder.
      </p>
      <Field label="Images folder" field="imagesDir">
        {({ id, describedBy }) => (
          <input
            id={id}
            type="text"
            value={imagesDir}
            spellCheck={false}
            aria-describedby={describedBy}
            onChange={(e) => setImagesDir(e.target.value)}
          />
        )}
      </Field>
      <Field label="Labels CSV" field="labelsFile">
        {({ id, describedBy }) => (
          <input
            id={id}
            type="text"
            value={labelsFile}
            spellCheck={false}
            aria-describedby={describedBy}
            onChange={(e) => setLabelsFile(e.target.value)}
          />
        )}
      </Field>
      <Field label="Target recall" field="targetRecall" hint="The suggested threshold reaches it.">
        {({ id, describedBy }) => (
          <input
            id={id}
            type="number"
            min={0.05}
            max={1}
            step={0.05}
            value={target}
            aria-describedby={describedBy}
            onChange={(e) => setTarget(Number(e.target.value))}
          />
        )}
      </Field>
      {model ? (
        <label className="check">
          <input
            type="checkbox"
            checked={withChecker}
            onChange={(e) => setWithChecker(e.target.checked)}
          />
          Also evaluate the safety checker of {model.name} (when its folder has one), and the two
          layers combined
        </label>
      ) : null}
      <FieldError field="model" exact />
      <button
        type="button"
        className="button"
        disabled={running || !imagesDir || !labelsFile}
        onClick={() =>
          void run({
            imagesDir,
            labelsFile,
            targetRecall: target,
            ...(withChecker && model ? { model: model.path } : {}),
          })
        }
      >
        {running ? 'Evaluating…' : 'Run safety evaluation'}
      </button>
      {report ? <SafetyReport report={report} /> : null}
    </section>
  );
}
