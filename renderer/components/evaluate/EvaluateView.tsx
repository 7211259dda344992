/**
 * The Evaluate view: the evaluation views of renderer/eval as tabs (bias audit, labelling, XY/Z
 * plot, blind A/B judging, ranking), over the evaluation workspace the host keeps. Each audit,
 * plot and A/B session is a folder there; the host confines every call to it.
 */
import { useCallback, useId, useMemo, useState, type ReactNode } from 'react';
import {
  AbJudgingView,
  AbSetupView,
  AuditSetupView,
  LabellingView,
  RankingView,
  XyzView,
  useEvalApi,
} from '../../eval/index.ts';
import { folderName, joinPath, timestamp } from '../../lib/paths.ts';
import { useStudio, useStudioShallow } from '../../store/context.tsx';

const TABS = [
  ['audit', 'Bias audit'],
  ['label', 'Label'],
  ['xyz', 'XY/Z plot'],
  ['ab', 'A/B judging'],
  ['ranking', 'Ranking'],
] as const;
type Tab = (typeof TABS)[number][0];

/** The Create view's settings that an audit or a plot starts from. */
function useBase(): Record<string, unknown> {
  const { model, scheduler, steps, cfg, width, height } = useStudioShallow((s) => ({
    model: s.form.model,
    scheduler: s.form.scheduler,
    steps: s.form.steps,
    cfg: s.form.cfg,
    width: s.form.width,
    height: s.form.height,
  }));
  // Rebuilt only when a value changes, so the views do not re-plan on every render.
  return useMemo(
    () => ({ ...(model ? { model } : {}), scheduler, steps, cfg, width, height }),
    [model, scheduler, steps, cfg, width, height],
  );
}

function FolderPicker(props: {
  label: string;
  folders: { name: string; dir: string }[];
  value: string;
  onChange: (dir: string) => void;
  empty: ReactNode;
}) {
  const id = useId();
  if (props.folders.length === 0) return <p className="empty-hint">{props.empty}</p>;
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <select id={id} value={props.value} onChange={(e) => props.onChange(e.target.value)}>
        <option value="">Choose…</option>
        {props.folders.map((f) => (
          <option key={f.dir} value={f.dir}>
            {f.name}
          </option>
        ))}
      </select>
    </div>
  );
}

function AuditTab({ root }: { root: string }) {
  const [name, setName] = useState(() => `audit-${timestamp()}`);
  const base = useBase();
  const dir = joinPath(root, 'audits', folderName(name));
  return (
    <>
      <label className="field">
        Audit folder
        <input value={name} onChange={(e) => setName(e.target.value)} spellCheck={false} />
      </label>
      <p className="field__hint">
        Saved in <code>{dir}</code>. A stopped audit resumes where it stopped when run again with
        the same folder.
      </p>
      <AuditSetupView dir={dir} settings={base} />
    </>
  );
}

function LabelTab() {
  const { audits, dialogs } = useStudioShallow((s) => ({
    audits: s.evalWorkspace?.audits ?? [],
    dialogs: s.osDialogs,
  }));
  const openPath = useStudio((s) => s.openPath);
  const api = useEvalApi();
  const [dir, setDir] = useState('');
  const [annotator, setAnnotator] = useState('me');
  const [started, setStarted] = useState<{ dir: string; annotator: string } | null>(null);
  const [report, setReport] = useState<{ html?: string; error?: string } | null>(null);
  const writeReport = async () => {
    setReport(null);
    try {
      setReport(await api.writeAuditReport(dir));
    } catch (err) {
      setReport({ error: (err as Error).message });
    }
  };
  return (
    <>
      <div className="row">
        <FolderPicker
          label="Audit"
          folders={audits}
          value={dir}
          onChange={(d) => {
            setDir(d);
            setStarted(null);
            setReport(null);
          }}
          empty="No audits yet: run one in the Bias audit tab."
        />
        <label className="field">
          Annotator
          <input
            value={annotator}
            onChange={(e) => setAnnotator(e.target.value)}
            spellCheck={false}
          />
        </label>
      </div>
      <div className="button-row">
        <button
          type="button"
          className="button button--primary"
          disabled={!dir || !annotator}
          onClick={() => setStarted({ dir, annotator })}
        >
          Start labelling
        </button>
        <button type="button" className="button" disabled={!dir} onClick={() => void writeReport()}>
          Write report
        </button>
      </div>
      {report?.html ? (
        <p role="status">
          Report written: <code>{report.html}</code>{' '}
          {dialogs ? (
            <button
              type="button"
              className="link-button"
              onClick={() => void openPath(report.html!)}
            >
              Open
            </button>
          ) : null}
        </p>
      ) : null}
      {report?.error ? (
        <p className="notice notice--error" role="alert">
          {report.error}
        </p>
      ) : null}
      {started ? (
        <LabellingView
          key={`${started.dir}\u0000${started.annotator}`}
          dir={started.dir}
          annotator={started.annotator}
        />
      ) : null}
    </>
  );
}

function SessionTab(props: {
  mode: 'ab' | 'ranking';
  dir: string;
  onChange: (dir: string) => void;
  onFinished?: () => void;
}) {
  const sessions = useStudio((s) => s.evalWorkspace?.ab ?? []);
  const { dir, onChange: setDir } = props;
  return (
    <>
      <FolderPicker
        label="A/B session"
        folders={sessions}
        value={dir}
        onChange={setDir}
        empty={
          <>
            No A/B sessions in the workspace yet. A session compares two or more models or settings
            on a prompt benchmark: set one up below.
          </>
        }
      />
      {dir ? (
        props.mode === 'ab' ? (
          <AbJudgingView key={dir} sessionDir={dir} onFinished={props.onFinished} />
        ) : (
          <RankingView key={dir} sessionDir={dir} />
        )
      ) : null}
    </>
  );
}

/** The A/B tab: the session picker and judging, then the form that renders a new session. */
function AbTab(props: {
  root: string;
  dir: string;
  onChange: (dir: string) => void;
  onFinished: () => void;
}) {
  const refresh = useStudio((s) => s.loadEvalWorkspace);
  const { models, schedulers, form } = useStudioShallow((s) => ({
    models: s.models,
    schedulers: s.schedulers,
    form: s.form,
  }));
  // Base models only: a refiner or a folder of unknown layout cannot render a benchmark alone.
  const choices = useMemo(
    () => ({
      models: models.filter((m) => m.family !== 'unknown' && m.family !== 'sdxl-refiner'),
      schedulers: schedulers.map((s) => s.name),
    }),
    [models, schedulers],
  );
  const { root, onChange } = props;
  const onCreated = useCallback(
    (dir: string) => {
      void refresh().then(() => onChange(dir));
    },
    [refresh, onChange],
  );
  return (
    <>
      <SessionTab mode="ab" dir={props.dir} onChange={onChange} onFinished={props.onFinished} />
      <AbSetupView
        folderFor={(name) => joinPath(root, 'ab', folderName(name))}
        defaultName={`ab-${timestamp()}`}
        choices={choices}
        base={{
          model: form.model || undefined,
          scheduler: form.scheduler,
          steps: form.steps,
          cfg: form.cfg,
        }}
        size={{ width: form.width, height: form.height }}
        onCreated={onCreated}
      />
    </>
  );
}

export function EvaluateView() {
  const workspace = useStudio((s) => s.evalWorkspace);
  const refresh = useStudio((s) => s.loadEvalWorkspace);
  const base = useBase();
  const [tab, setTab] = useState<Tab>('audit');
  const [abDir, setAbDir] = useState('');
  const choose = (next: Tab) => {
    setTab(next);
    void refresh();
  };
  if (!workspace) {
    return (
      <div className="evaluate">
        <p className="empty-hint">Loading the evaluation workspace…</p>
      </div>
    );
  }
  const root = workspace.root;
  return (
    <div className="evaluate">
      <h2>Evaluate</h2>
      <div className="evaluate__tabs" role="tablist" aria-label="Evaluation">
        {TABS.map(([id, label]) => (
          <button
            key={id}
            type="button"
            role="tab"
            id={`eval-tab-${id}`}
            aria-selected={tab === id}
            aria-controls="eval-panel"
            className={`evaluate__tab${tab === id ? ' is-current' : ''}`}
            onClick={() => choose(id)}
          >
            {label}
          </button>
        ))}
      </div>
      <div
        className="evaluate__panel"
        role="tabpanel"
        id="eval-panel"
        aria-labelledby={`eval-tab-${tab}`}
      >
        {tab === 'audit' ? <AuditTab root={root} /> : null}
        {tab === 'label' ? <LabelTab /> : null}
        {tab === 'xyz' ? (
          <XyzView
            out={() => joinPath(root, 'xyz', `xyz-${timestamp()}`)}
            base={base}
            baseLabel="the Create view"
          />
        ) : null}
        {tab === 'ab' ? (
          <AbTab root={root} dir={abDir} onChange={setAbDir} onFinished={() => choose('ranking')} />
        ) : null}
        {tab === 'ranking' ? <SessionTab mode="ranking" dir={abDir} onChange={setAbDir} /> : null}
      </div>
      <p className="field__hint">
        Workspace: <code>{root}</code>
      </p>
    </div>
  );
}
