// @vitest-environment happy-dom
/**
 * The Evaluate view: the evaluation views mounted as tabs in the studio (<Root />), talking to the
 * host through the contract's eval calls on a fake transport, folders built inside the workspace
 * the host named, and the Create view's settings as the base of plots and audits.
 */
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditDefinitionDto, XyzRequestDto } from '../../../common/ipc.ts';
import { Root } from '../../../renderer/Root.tsx';
import { createStudioStore, type StudioStore } from '../../../renderer/store/store.ts';
import { createFakeTransport, MODELS, WORKSPACE, type FakeTransport } from '../fakes/transport.ts';

let transport: FakeTransport;
let store: StudioStore;

async function openEvaluate() {
  transport = createFakeTransport();
  transport.handlers.evalPlanAudit = (def) => ({
    cells: 2,
    variants: def.variants.length,
    seedsPerCell: def.seeds.length,
    images: 2 * def.seeds.length,
    halfWidthAtHalf: 0.1,
  });
  transport.handlers.evalStartAudit = () => ({ jobId: 'audit-1' });
  transport.handlers.evalStartXyz = () => ({ jobId: 'xyz-1' });
  transport.handlers.evalXyzResult = ({ out }) => ({
    grid: `${out}/grid.png`,
    zGrids: [],
    cells: [
      { id: 'z0-y0-x0', file: `${out}/cells/z0-y0-x0.png`, labels: { x: '1' } },
      { id: 'z0-y0-x1', file: `${out}/cells/z0-y0-x1.png`, labels: { x: '2' } },
    ],
  });
  transport.handlers.evalLabellingQueue = ({ dir }) => ({
    attributes: [{ name: 'colour', values: ['red', 'blue'] }],
    items: [
      { image: 'base/c0/0', file: `${dir}/images/base/c0/0.png`, variant: 'base', cell: 'c0' },
      { image: 'base/c0/1', file: `${dir}/images/base/c0/1.png`, variant: 'base', cell: 'c0' },
    ],
  });
  transport.handlers.evalSaveLabel = () => null;
  transport.handlers.evalAbState = () => ({ voted: 0, total: 0, skipped: 0 });
  store = createStudioStore({ transport, random: () => 0.25 });
  render(<Root store={store} transport={transport} />);
  await act(() => store.getState().init());
  await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Evaluate' })));
  await screen.findByRole('tablist', { name: 'Evaluation' });
}

const requestsOf = (name: string) =>
  transport.calls.filter((c) => c.name === name).map((c) => c.request);

afterEach(() => cleanup());

describe('<EvaluateView />', () => {
  it('mounts the evaluation views as tabs over the workspace the host named', async () => {
    await openEvaluate();
    expect(
      within(screen.getByRole('tablist'))
        .getAllByRole('tab')
        .map((t) => t.textContent),
    ).toEqual(['Bias audit', 'Label', 'XY/Z plot', 'A/B judging', 'Ranking']);
    expect(screen.getByRole('tab', { name: 'Bias audit' }).getAttribute('aria-selected')).toBe(
      'true',
    );
    expect(screen.getByRole('tabpanel').textContent).toContain(`${WORKSPACE.root}/audits/audit-`);
    expect(requestsOf('evalWorkspace').length).toBeGreaterThan(0);
  });

  it('runs an XY plot into a new workspace folder from the Create view’s settings', async () => {
    const user = userEvent.setup();
    await openEvaluate();
    await user.click(screen.getByRole('tab', { name: 'XY/Z plot' }));
    expect(screen.getByTestId('xyz-base').textContent).toContain('model emulsion-shapes');
    await user.selectOptions(screen.getByLabelText('X axis'), 'seed');
    await user.clear(screen.getByLabelText('X values'));
    await user.type(screen.getByLabelText('X values'), '1, 2');
    await user.selectOptions(screen.getByLabelText('Y axis'), '');
    await user.click(screen.getByRole('button', { name: 'Make grid' }));
    const [request] = requestsOf('evalStartXyz') as XyzRequestDto[];
    expect(request.base).toEqual({
      model: MODELS[0].path,
      scheduler: 'Euler a',
      steps: 8,
      cfg: 5,
      width: 64,
      height: 64,
      prompt: 'a red circle',
    });
    expect(request.x).toEqual({ kind: 'seed', values: '1, 2' });
    expect(request.y).toBeUndefined();
    expect(request.out).toMatch(new RegExp(`^${WORKSPACE.root}/xyz/xyz-\\d{8}-\\d{6}$`));
    act(() => transport.emitEval({ status: 'progress', jobId: 'xyz-1', done: 1, total: 2 }));
    await waitFor(() =>
      expect(screen.getByLabelText('XY/Z progress').textContent).toContain('1/2 cells'),
    );
    act(() => transport.emitEval({ status: 'done', jobId: 'xyz-1' }));
    const grid = await screen.findByAltText('XY/Z grid');
    expect(grid.getAttribute('src')).toBe(
      `emulsion-image://local/${encodeURIComponent(`${request.out}/grid.png`)}`,
    );
    expect(requestsOf('evalXyzResult')).toEqual([{ out: request.out }]);
  });

  it('plans and starts an audit in the named folder with the Create view’s model', async () => {
    const user = userEvent.setup();
    await openEvaluate();
    const name = screen.getByLabelText('Audit folder');
    await user.clear(name);
    await user.type(name, 'Nurses & judges');
    await waitFor(() => expect(requestsOf('evalPlanAudit').length).toBeGreaterThan(0));
    const plan = (requestsOf('evalPlanAudit').at(-1) as AuditDefinitionDto).settings;
    expect(plan).toMatchObject({ model: MODELS[0].path, steps: 8, width: 64 });
    await waitFor(() =>
      expect(
        (screen.getByRole('button', { name: 'Run audit' }) as HTMLButtonElement).disabled,
      ).toBe(false),
    );
    await user.click(screen.getByRole('button', { name: 'Run audit' }));
    expect(requestsOf('evalStartAudit')).toMatchObject([
      { dir: `${WORKSPACE.root}/audits/Nurses-judges` },
    ]);
    act(() => transport.emitEval({ status: 'progress', jobId: 'audit-1', done: 3, total: 100 }));
    await waitFor(() =>
      expect(screen.getByLabelText('Audit progress').textContent).toContain('3/100 images'),
    );
  });

  it('labels an audit from the workspace with number keys', async () => {
    const user = userEvent.setup();
    await openEvaluate();
    await user.click(screen.getByRole('tab', { name: 'Label' }));
    await user.selectOptions(screen.getByLabelText('Audit'), WORKSPACE.audits[0].dir);
    await user.clear(screen.getByLabelText('Annotator'));
    await user.type(screen.getByLabelText('Annotator'), 'ana');
    await user.click(screen.getByRole('button', { name: 'Start labelling' }));
    await screen.findByText(/Cell 1 of 1 · image 1 of 2 · ana/);
    fireEvent.keyDown(window, { key: '2' });
    await screen.findByText(/image 2 of 2/);
    expect(requestsOf('evalSaveLabel')).toEqual([
      {
        dir: WORKSPACE.audits[0].dir,
        annotator: 'ana',
        label: { image: 'base/c0/0', attribute: 'colour', value: 'blue' },
      },
    ]);
  });

  it('renders a new A/B session from the Create view’s settings and opens it when done', async () => {
    const user = userEvent.setup();
    await openEvaluate();
    const dir = `${WORKSPACE.root}/ab/cats`;
    transport.handlers.evalStartBenchmark = () => ({ jobId: 'benchmark-1' });
    await user.click(screen.getByRole('tab', { name: 'A/B judging' }));
    const name = screen.getByLabelText('Session name');
    await user.clear(name);
    await user.type(name, 'cats');
    // Only base models are offered for a variant (the ControlNet-like folder is not).
    const a = screen.getByRole('group', { name: 'Variant A' });
    expect(
      within(within(a).getByLabelText('Model'))
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toEqual(['emulsion-shapes', 'sd15']);
    await user.click(screen.getByRole('button', { name: 'Render and start judging' }));
    const [request] = requestsOf('evalStartBenchmark') as { dir: string; variants: unknown[] }[];
    expect(request.dir).toBe(dir);
    expect(request.variants).toHaveLength(2);
    transport.handlers.evalWorkspace = () => ({ ...WORKSPACE, ab: [{ name: 'cats', dir }] });
    act(() => transport.emitEval({ status: 'done', jobId: 'benchmark-1' }));
    await waitFor(() =>
      expect((screen.getByLabelText('A/B session') as HTMLSelectElement).value).toBe(dir),
    );
    await waitFor(() => expect(requestsOf('evalAbState')).toContainEqual({ dir }));
  });

  it('opens an A/B session from the workspace, and says how to get one when there is none', async () => {
    const user = userEvent.setup();
    await openEvaluate();
    await user.click(screen.getByRole('tab', { name: 'A/B judging' }));
    await user.selectOptions(screen.getByLabelText('A/B session'), WORKSPACE.ab[0].dir);
    await screen.findByText('0 of 0 pairs judged');
    expect(requestsOf('evalAbState')).toEqual([{ dir: WORKSPACE.ab[0].dir }]);

    cleanup();
    await openEvaluate();
    transport.handlers.evalWorkspace = () => ({ ...WORKSPACE, ab: [] });
    await user.click(screen.getByRole('tab', { name: 'Ranking' }));
    await screen.findByText(/No A\/B sessions in the workspace yet/);
  });
});
