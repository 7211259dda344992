// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { EmulsionError } from '../../../common/errors.ts';
import type { StudioGenerateRequest } from '../../../common/ipc.ts';
import { App } from '../../../renderer/App.tsx';
import { StudioProvider } from '../../../renderer/store/context.tsx';
import { createStudioStore, type StudioStore } from '../../../renderer/store/store.ts';
import { doneEvent } from '../fakes/events.ts';
import { createFakeTransport, urlMaker, type FakeTransport } from '../fakes/transport.ts';

let transport: FakeTransport;
let store: StudioStore;

async function renderStudio(options: { desktop?: boolean } = {}) {
  transport = createFakeTransport(options);
  store = createStudioStore({ transport, makeUrl: urlMaker().makeUrl, random: () => 0.25 });
  render(
    <StudioProvider store={store}>
      <App />
    </StudioProvider>,
  );
  await act(() => store.getState().init());
}

const generateCalls = () =>
  transport.calls
    .filter((c) => c.name === 'generate')
    .map((c) => c.request as StudioGenerateRequest);
const pngFile = (name = 'cat.png') =>
  new File([new Uint8Array([137, 80, 78, 71, 13, 10])], name, { type: 'image/png' });

afterEach(() => cleanup());

describe('<App /> create view', () => {
  it('starts with labelled controls and empty states for the canvas and the results', async () => {
    await renderStudio();
    for (const label of [
      'Prompt',
      'Negative prompt',
      'Model',
      'Sampler',
      'Steps',
      'CFG scale',
      'Size',
      'Batch',
      'Seed value',
    ]) {
      expect(screen.getByLabelText(label, { exact: true })).toBeTruthy();
    }
    expect(screen.getByText('Your images appear here')).toBeTruthy();
    expect(screen.getByText('Results of this session collect here.')).toBeTruthy();
    expect(document.activeElement).toBe(screen.getByLabelText('Prompt', { exact: true }));
  });

  it('lists the scheduler names users know', async () => {
    await renderStudio();
    const options = within(screen.getByLabelText('Sampler')).getAllByRole('option');
    expect(options.map((o) => o.textContent)).toEqual(['Euler a', 'DPM++ 2M Karras', 'DDIM']);
  });

  it('shows the weighting of the prompt as it is typed', async () => {
    await renderStudio();
    fireEvent.change(screen.getByLabelText('Prompt', { exact: true }), {
      target: { value: 'a (red:1.5) [circle]' },
    });
    const chips = screen.getByRole('list', { name: 'Weighted phrases in the prompt' });
    expect(
      within(chips)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(['red ×1.5', 'circle ×0.91']);
  });

  it('generates on Ctrl+Enter with the typed settings', async () => {
    await renderStudio();
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Prompt', { exact: true }), 'a lighthouse');
    await user.selectOptions(screen.getByLabelText('Sampler'), 'DDIM');
    fireEvent.change(screen.getByLabelText('CFG scale'), { target: { value: '9.5' } });
    fireEvent.change(screen.getByLabelText('Steps value'), { target: { value: '12' } });
    await act(async () => {
      fireEvent.keyDown(window, { key: 'Enter', ctrlKey: true });
    });
    expect(generateCalls()).toHaveLength(1);
    expect(generateCalls()[0]).toMatchObject({
      prompt: 'a lighthouse',
      scheduler: 'DDIM',
      cfg: 9.5,
      steps: 12,
    });
  });

  it('shows step i of n with an ETA, and Esc cancels', async () => {
    await renderStudio();
    await act(() => store.getState().generate());
    act(() => {
      transport.emit({ status: 'started', jobId: 'job-1', totalSteps: 8, provider: 'cpu' });
      transport.emit({
        status: 'step',
        jobId: 'job-1',
        step: 3,
        totalSteps: 8,
        elapsedMs: 1500,
        msPerStep: 500,
      });
    });
    const bar = screen.getByRole('progressbar', { name: 'Generation progress' });
    expect(bar.getAttribute('aria-valuenow')).toBe('3');
    expect(bar.getAttribute('aria-valuemax')).toBe('8');
    expect(screen.getByText('Step 3 of 8')).toBeTruthy();
    expect(screen.getByText('about 3 s left')).toBeTruthy(); // 5 steps × 0.5 s
    await act(async () => {
      fireEvent.keyDown(window, { key: 'Escape' });
    });
    expect(transport.calls.at(-1)).toEqual({ name: 'cancel', request: { jobId: 'job-1' } });
    act(() => transport.emit({ status: 'cancelled', jobId: 'job-1' }));
    expect(screen.queryByRole('progressbar')).toBeNull();
    expect(screen.getByText('Your images appear here')).toBeTruthy();
  });

  it('shows the finished image large, its settings, and a strip item that reuses them', async () => {
    await renderStudio();
    await act(() => store.getState().generate());
    act(() =>
      transport.emit(
        doneEvent('job-1', { seed: 1234, batch: 2, scheduler: 'DDIM', steps: 12, cfg: 3.5 }),
      ),
    );
    expect(screen.getByAltText('Result, seed 1234')).toBeTruthy();
    const meta = screen.getByTestId('result-meta');
    expect(within(meta).getByText('DDIM')).toBeTruthy();
    expect(within(meta).getByText('12')).toBeTruthy();
    expect(within(meta).getByText('3.5')).toBeTruthy();
    const strip = screen.getByRole('navigation', { name: 'Results of this session' });
    fireEvent.click(within(strip).getByRole('button', { name: /Result seed 1235/ }));
    expect(screen.getByAltText('Result, seed 1235')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Reuse settings' }));
    expect((screen.getByLabelText('Prompt', { exact: true }) as HTMLTextAreaElement).value).toBe(
      'a red circle',
    );
    expect((screen.getByLabelText('Seed value') as HTMLInputElement).value).toBe('1235');
    expect((screen.getByLabelText('Sampler') as HTMLSelectElement).value).toBe('DDIM');
  });

  it('takes an image dropped on the canvas as the init image, with a strength slider', async () => {
    await renderStudio();
    const canvas = screen.getByTestId('canvas');
    await act(async () => {
      fireEvent.drop(canvas, { dataTransfer: { files: [pngFile()], types: ['Files'] } });
    });
    await waitFor(() => expect(screen.getByAltText('Init image cat.png')).toBeTruthy());
    const strength = screen.getByLabelText('Strength') as HTMLInputElement;
    expect(strength.value).toBe('0.75');
    fireEvent.change(strength, { target: { value: '0.4' } });
    await act(() => store.getState().generate());
    expect(generateCalls()[0].init).toMatchObject({ strength: 0.4, image: { name: 'cat.png' } });
  });

  it('takes a pasted image as the init image', async () => {
    await renderStudio();
    await act(async () => {
      fireEvent.paste(window, { clipboardData: { files: [pngFile('pasted.png')] } });
    });
    await waitFor(() => expect(screen.getByAltText('Init image pasted.png')).toBeTruthy());
  });

  it('shows an engine error next to the field it concerns', async () => {
    await renderStudio();
    transport.handlers.generate = () => {
      throw new EmulsionError(
        'INVALID_ARGUMENT',
        '`steps` must be an integer from 1 to 1000; received 0.',
        { field: 'steps' },
      );
    };
    await act(() => store.getState().generate());
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toBe('`steps` must be an integer from 1 to 1000; received 0.');
    expect(alert.closest('.field')?.querySelector('label')?.textContent).toBe('Steps');
    expect(screen.getByLabelText('Steps').getAttribute('aria-describedby')).toBe(alert.id);
  });

  it('adds and removes ControlNet units', async () => {
    await renderStudio();
    fireEvent.click(screen.getByText('ControlNet'));
    fireEvent.click(screen.getByRole('button', { name: 'Add unit' }));
    fireEvent.click(screen.getByRole('button', { name: 'Add unit' }));
    expect(screen.getAllByRole('heading', { name: /Unit \d/ }).map((h) => h.textContent)).toEqual([
      'Unit 1',
      'Unit 2',
    ]);
    expect(screen.getAllByLabelText('Preprocessor')).toHaveLength(2);
    fireEvent.click(screen.getByRole('button', { name: 'Remove unit 1' }));
    expect(screen.getAllByRole('heading', { name: /Unit \d/ }).map((h) => h.textContent)).toEqual([
      'Unit 1',
    ]);
  });

  it('offers the listed ControlNets, not the models, in a unit’s model picker', async () => {
    await renderStudio();
    fireEvent.click(screen.getByText('ControlNet'));
    fireEvent.click(screen.getByRole('button', { name: 'Add unit' }));
    const picker = screen.getByLabelText('ControlNet model') as HTMLSelectElement;
    expect(
      within(picker)
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toEqual(['Choose a ControlNet', 'cn-canny', 'emulsion-shapes-controlnet (bundled)']);
    expect(picker.value).toBe('/models/cn-canny');
  });

  it('shows refiner and hires settings only when switched on', async () => {
    await renderStudio();
    expect(screen.queryByLabelText('Upscale by')).toBeNull();
    fireEvent.click(screen.getByLabelText('Upscale and refine in a second pass'));
    expect(screen.getByLabelText('Upscale by')).toBeTruthy();
    fireEvent.click(screen.getByLabelText('Hand the last steps to a refiner model'));
    expect(screen.getByLabelText('Refiner model')).toBeTruthy();
  });

  it('offers every model in the base’s latent space as a refiner, labelled with its family', async () => {
    await renderStudio();
    fireEvent.click(screen.getByLabelText('Hand the last steps to a refiner model'));
    const picker = screen.getByLabelText('Refiner model');
    const group = within(picker).getByRole('group', {
      name: 'Other models in the same latent space (SD 1.x/2.x)',
    });
    // The base itself and the ControlNet are not offered.
    expect(
      within(group)
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toEqual(['sd15 (SD 1.x)']);
  });
});

describe('<App /> settings view', () => {
  it('shows the provider actually used once a job has run', async () => {
    await renderStudio();
    fireEvent.click(screen.getByRole('button', { name: 'Settings' }));
    expect(screen.getByTestId('provider-in-use').textContent).toMatch(/not yet known/);
    await act(() => store.getState().generate());
    act(() =>
      transport.emit({ status: 'started', jobId: 'job-1', totalSteps: 8, provider: 'cpu' }),
    );
    expect(screen.getByTestId('provider-in-use').textContent).toBe('In use: CPU');
    const provider = screen.getByLabelText('Execution provider');
    expect(
      within(provider)
        .getAllByRole('option')
        .map((o) => (o as HTMLOptionElement).value),
    ).toEqual(['auto', 'cpu', 'webgpu']);
  });

  it('offers folder dialogs in the desktop app and typed paths in server mode', async () => {
    await renderStudio({ desktop: true });
    fireEvent.click(screen.getByRole('button', { name: 'Settings' }));
    expect(screen.getAllByRole('button', { name: 'Choose…' })).toHaveLength(2);
    cleanup();
    await renderStudio({ desktop: false });
    fireEvent.click(screen.getByRole('button', { name: 'Settings' }));
    const output = screen.getByLabelText('Output folder') as HTMLInputElement;
    fireEvent.change(output, { target: { value: '/srv/images' } });
    const saves = screen.getAllByRole('button', { name: 'Save' });
    await act(async () => {
      fireEvent.click(saves[1]);
    });
    expect(transport.calls.at(-1)).toEqual({
      name: 'setSettings',
      request: { outputFolder: '/srv/images' },
    });
  });
});
