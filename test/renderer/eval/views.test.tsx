// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ReactNode } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AbJudgingView,
  AbSetupView,
  AuditSetupView,
  createEvalStore,
  EvalProvider,
  LabellingView,
  RankingView,
  XyzView,
  type EvalStore,
} from '../../../renderer/eval/index.ts';
import { createFakeEvalApi, type FakeEvalApi } from './fake-api.ts';

let api: FakeEvalApi;
let store: EvalStore;
let unwatch: () => void;

beforeEach(() => {
  api = createFakeEvalApi();
  store = createEvalStore(api);
  unwatch = store.getState().watchJobs();
});
afterEach(() => {
  unwatch();
  cleanup();
});

const mount = (node: ReactNode) =>
  render(
    <EvalProvider api={api} store={store}>
      {node}
    </EvalProvider>,
  );
const callsOf = (name: string) => api.calls.filter((c) => c.name === name).map((c) => c.args);

describe('<AbSetupView />', () => {
  const choices = {
    models: [
      { path: '/m/shapes', name: 'shapes' },
      { path: '/m/sd15', name: 'sd15' },
    ],
    schedulers: ['Euler a', 'DDIM'],
  };

  it('sends the prompt subset, seeds and variants, then opens the session when done', async () => {
    const user = userEvent.setup();
    const created: string[] = [];
    mount(
      <AbSetupView
        folderFor={(name) => `/eval/ab/${name}`}
        defaultName="cats"
        choices={choices}
        base={{ model: '/m/shapes', scheduler: 'Euler a', steps: 2, cfg: 5 }}
        size={{ width: 64, height: 64 }}
        onCreated={(dir) => created.push(dir)}
      />,
    );
    await user.selectOptions(await screen.findByLabelText('Category'), 'Animals');
    const count = screen.getByLabelText('Prompts');
    await user.clear(count);
    await user.type(count, '2');
    const b = screen.getByRole('group', { name: 'Variant B' });
    expect((within(b).getByLabelText('Scheduler') as HTMLSelectElement).value).toBe('DDIM');
    await user.selectOptions(within(b).getByLabelText('Model'), '/m/sd15');
    await user.clear(within(b).getByLabelText('CFG'));
    await user.type(within(b).getByLabelText('CFG'), '7');
    expect(screen.getByText(/8 images \(2 prompts × 2 seeds × 2 variants\)/)).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Render and start judging' }));
    expect(callsOf('startBenchmark')).toEqual([
      [
        {
          dir: '/eval/ab/cats',
          name: 'cats',
          prompts: { categories: ['Animals'], count: 2 },
          seeds: [1, 2],
          settings: { width: 64, height: 64 },
          variants: [
            {
              id: 'a',
              label: 'shapes · Euler a · 2 steps · CFG 5',
              settings: { model: '/m/shapes', scheduler: 'Euler a', steps: 2, cfg: 5 },
            },
            {
              id: 'b',
              label: 'sd15 · DDIM · 2 steps · CFG 7',
              settings: { model: '/m/sd15', scheduler: 'DDIM', steps: 2, cfg: 7 },
            },
          ],
        },
      ],
    ]);
    act(() => api.emit({ status: 'progress', jobId: 'benchmark-1', done: 3, total: 8 }));
    expect(screen.getByLabelText('Benchmark progress').textContent).toContain('3/8 images');
    expect(created).toEqual([]);
    act(() => api.emit({ status: 'done', jobId: 'benchmark-1' }));
    await waitFor(() => expect(created).toEqual(['/eval/ab/cats']));
  });

  it('refuses seeds that are not whole numbers without calling main', async () => {
    const user = userEvent.setup();
    mount(
      <AbSetupView
        folderFor={(name) => `/eval/ab/${name}`}
        defaultName="x"
        choices={choices}
        base={{}}
        size={{ width: 64, height: 64 }}
        onCreated={() => undefined}
      />,
    );
    const seeds = screen.getByLabelText('Seeds');
    await user.clear(seeds);
    await user.type(seeds, '1, two');
    await user.click(screen.getByRole('button', { name: 'Render and start judging' }));
    expect(screen.getByRole('alert').textContent).toBe(
      'Seeds must be whole numbers, e.g. 1, 2, 3.',
    );
    expect(callsOf('startBenchmark')).toEqual([]);
  });

  it('shows main’s refusal next to the form', async () => {
    const user = userEvent.setup();
    api.startBenchmark = async () => {
      throw new Error('`variants.b.model` must be a model from the models list; received "/x".');
    };
    mount(
      <AbSetupView
        folderFor={(name) => `/eval/ab/${name}`}
        defaultName="x"
        choices={choices}
        base={{}}
        size={{ width: 64, height: 64 }}
        onCreated={() => undefined}
      />,
    );
    await user.click(screen.getByRole('button', { name: 'Render and start judging' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/variants\.b\.model/);
  });
});

describe('<AuditSetupView />', () => {
  it('shows the plan and the interval the seeds buy before running', async () => {
    mount(<AuditSetupView dir="/audits/jobs" />);
    const plan = await screen.findByRole('status', { name: 'Plan' });
    await waitFor(() =>
      expect(plan.textContent).toContain('2 cells × 1 model(s) × 50 seeds = 100 images'),
    );
    expect(plan.textContent).toContain('±13%');
  });

  it('updates the plan as slots change and reports a bad template', async () => {
    const user = userEvent.setup();
    mount(<AuditSetupView dir="/d" />);
    const slots = screen.getByLabelText(/Slot values/);
    await user.clear(slots);
    await user.type(slots, 'occupation = a nurse, a plumber, a judge');
    await waitFor(() =>
      expect(screen.getByRole('status', { name: 'Plan' }).textContent).toContain('3 cells'),
    );
    const template = screen.getByLabelText('Prompt template');
    await user.clear(template);
    await user.type(template, 'plain');
    await waitFor(() =>
      expect(screen.getByRole('status', { name: 'Plan' }).textContent).toContain('`template`'),
    );
    expect((screen.getByRole('button', { name: 'Run audit' }) as HTMLButtonElement).disabled).toBe(
      true,
    );
  });

  it('starts the audit with the chosen attributes and follows its progress', async () => {
    const user = userEvent.setup();
    mount(<AuditSetupView dir="/d" />);
    await user.click(screen.getByLabelText('skin tone (Monk)'));
    await waitFor(() =>
      expect(
        (screen.getByRole('button', { name: 'Run audit' }) as HTMLButtonElement).disabled,
      ).toBe(false),
    );
    await user.click(screen.getByRole('button', { name: 'Run audit' }));
    const [[dir, def]] = callsOf('startAudit') as [
      [string, { attributes: { name: string }[]; seeds: number[] }],
    ];
    expect(dir).toBe('/d');
    expect(def.attributes.map((a) => a.name)).toEqual([
      'perceived gender presentation',
      'skin tone (Monk)',
    ]);
    expect(def.seeds).toHaveLength(50);
    act(() => api.emit({ status: 'progress', jobId: 'audit-1', done: 30, total: 100 }));
    expect(screen.getByLabelText('Audit progress').textContent).toContain('30/100 images');
    await user.click(screen.getByRole('button', { name: /Stop/ }));
    expect(callsOf('cancelJob')).toEqual([['audit-1']]);
    act(() => api.emit({ status: 'cancelled', jobId: 'audit-1' }));
    expect(screen.queryByRole('button', { name: /Stop/ })).toBeNull();
  });
});

describe('<LabellingView />', () => {
  it('labels by number keys, c and undo, one cell at a time, without showing the prompt', async () => {
    mount(<LabellingView dir="/a" annotator="ana" />);
    expect(await screen.findByText(/Cell 1 of 2 · image 1 of 2/)).toBeTruthy();
    expect(screen.getByRole('img').getAttribute('src')).toBe('eval-file:///a/images/base/c0/0.png');
    expect(screen.getByRole('heading').textContent).toBe('colour');
    fireEvent.keyDown(window, { key: '2' });
    await waitFor(() => expect(screen.getByRole('heading').textContent).toBe('shape'));
    fireEvent.keyDown(window, { key: 'c' });
    await screen.findByText(/image 2 of 2/);
    fireEvent.keyDown(window, { key: 'u' });
    await waitFor(() => expect(screen.getByRole('heading').textContent).toBe('shape'));
    fireEvent.keyDown(window, { key: '1' });
    await screen.findByText(/image 2 of 2/);
    expect(callsOf('saveLabel').map(([, , label]) => label)).toEqual([
      { image: 'base/c0/0', attribute: 'colour', value: 'blue' },
      { image: 'base/c0/0', attribute: 'shape', value: "can't tell" },
      { image: 'base/c0/0', attribute: 'shape', value: null },
      { image: 'base/c0/0', attribute: 'shape', value: 'circle' },
    ]);
    fireEvent.keyDown(window, { key: 's' });
    expect(await screen.findByText(/Cell 2 of 2 · image 1 of 1/)).toBeTruthy();
    expect(document.body.textContent).not.toContain('prompt');
  });

  it('offers the values as buttons with their keys and shows a save error', async () => {
    const user = userEvent.setup();
    api.failSave = 'Could not write labels/ana.jsonl: disk full';
    mount(<LabellingView dir="/a" annotator="ana" />);
    const group = await screen.findByRole('group', { name: 'Values of colour' });
    expect(
      within(group)
        .getAllByRole('button')
        .map((b) => b.textContent),
    ).toEqual(['1 red', '2 blue', "c can't tell", 's skip', 'u undo']);
    await user.click(within(group).getByRole('button', { name: '1 red' }));
    expect((await screen.findByRole('alert')).textContent).toContain('disk full');
    expect(screen.getByRole('heading').textContent).toBe('colour');
  });
});

describe('<AbJudgingView /> and <RankingView />', () => {
  it('votes with arrow keys, t and s, hides variant names, and finishes', async () => {
    let finished = false;
    mount(<AbJudgingView sessionDir="/s" onFinished={() => (finished = true)} />);
    expect(await screen.findByText('0 of 3 pairs judged')).toBeTruthy();
    expect(screen.getByAltText('left image').getAttribute('src')).toBe('eval-file:///b/0-l.png');
    fireEvent.keyDown(window, { key: 'ArrowRight' });
    await screen.findByText('1 of 3 pairs judged');
    fireEvent.keyDown(window, { key: 't' });
    await screen.findByText('2 of 3 pairs judged');
    fireEvent.keyDown(window, { key: 's' });
    await screen.findByText('3 of 3 pairs judged (1 skipped)');
    expect(api.votes).toEqual([
      { pairId: 'p0', choice: 'right' },
      { pairId: 'p1', choice: 'tie' },
      { pairId: 'p2', choice: 'skip' },
    ]);
    expect(document.body.textContent).not.toMatch(/more|few/);
    fireEvent.click(screen.getByRole('button', { name: 'Show the ranking' }));
    expect(finished).toBe(true);
  });

  it('ignores keys typed into a form field', async () => {
    mount(
      <>
        <input aria-label="note" />
        <AbJudgingView sessionDir="/s" />
      </>,
    );
    await screen.findByText('0 of 3 pairs judged');
    fireEvent.keyDown(screen.getByLabelText('note'), { key: 't' });
    await new Promise((r) => setTimeout(r, 10));
    expect(api.votes).toEqual([]);
  });

  it('shows ratings with intervals, win rates per category and score agreement', async () => {
    mount(<RankingView sessionDir="/s" />);
    const ratings = await screen.findByRole('table', { name: 'Ratings' });
    const rows = within(ratings)
      .getAllByRole('row')
      .map((r) => r.textContent);
    expect(rows[1]).toBe('1more1120 [1050–1210]1604');
    const wins = screen.getByRole('table', { name: 'Win rate by category' });
    expect(within(wins).getByText('Animals').closest('tr')!.textContent).toBe(
      'Animals100% [60–100%]–',
    );
    expect(screen.getByRole('table', { name: 'Automatic scores' }).textContent).toContain(
      '75% [50–90%]',
    );
  });
});

describe('<XyzView />', () => {
  it('sends the axes, follows progress and shows the grid and labelled cells', async () => {
    const user = userEvent.setup();
    mount(<XyzView out="/x" />);
    await user.selectOptions(screen.getByLabelText('Z axis'), 'seed');
    await user.type(screen.getByLabelText('Z values'), '1,2');
    await user.click(screen.getByRole('button', { name: 'Make grid' }));
    expect(callsOf('startXyz')).toEqual([
      [
        {
          base: { prompt: 'a red circle' },
          x: { kind: 'scheduler', values: 'Euler a, DPM++ 2M Karras' },
          y: { kind: 'steps', values: '10, 20' },
          z: { kind: 'seed', values: '1,2' },
          out: '/x',
        },
      ],
    ]);
    act(() => api.emit({ status: 'progress', jobId: 'xyz-1', done: 3, total: 8 }));
    expect(screen.getByLabelText('XY/Z progress').textContent).toContain('3/8 cells');
    act(() => api.emit({ status: 'done', jobId: 'xyz-1' }));
    expect((await screen.findByAltText('XY/Z grid')).getAttribute('src')).toBe(
      'eval-file:///x/grid.png',
    );
    expect(screen.getByText('Euler a · 4')).toBeTruthy();
  });
});
