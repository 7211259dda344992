// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { DroppedImageSettings } from '../../../common/gallery.ts';
import { App } from '../../../renderer/App.tsx';
import { StudioProvider } from '../../../renderer/store/context.tsx';
import { createStudioStore, type StudioStore } from '../../../renderer/store/store.ts';
import { installFakeGallery, type FakeGallery } from '../fakes/gallery.ts';
import { createFakeTransport, urlMaker, type FakeTransport } from '../fakes/transport.ts';

let transport: FakeTransport;
let store: StudioStore;
let gallery: FakeGallery;

afterEach(() => cleanup());

const A1111: DroppedImageSettings = {
  source: 'a1111',
  format: 'png',
  settings: {
    prompt: 'a castle on a hill',
    negativePrompt: 'blurry',
    steps: 28,
    cfg: 6.5,
    seed: 1234567,
    width: 512,
    height: 768,
    sampler: 'DPM++ 2M',
    scheduleType: 'Karras',
    extra: {},
  },
  message: 'Settings read from the PNG "parameters" chunk (A1111 format).',
  warnings: [],
  restore: {
    fields: {
      prompt: 'a castle on a hill',
      negativePrompt: 'blurry',
      steps: 28,
      cfg: 6.5,
      scheduler: 'DPM++ 2M Karras',
      seed: 1234567,
      width: 512,
      height: 768,
    },
    model: null,
    modelName: 'v1-5-pruned-emaonly',
    warnings: ['The model v1-5-pruned-emaonly is not installed; the current model was kept.'],
  },
};

async function renderStudio() {
  transport = createFakeTransport();
  gallery = installFakeGallery(transport, 0);
  gallery.dropped['castle.png'] = A1111;
  store = createStudioStore({ transport, makeUrl: urlMaker().makeUrl });
  render(
    <StudioProvider store={store}>
      <App />
    </StudioProvider>,
  );
  await act(() => store.getState().init());
}

const file = (name: string, type = 'image/png') =>
  new File([new Uint8Array([137, 80, 78, 71, 13, 10])], name, { type });

async function drop(target: Element | Window, f: File) {
  await act(async () => {
    fireEvent.drop(target, { dataTransfer: { files: [f], types: ['Files'] } });
  });
}

const value = (label: string) => (screen.getByLabelText(label) as HTMLInputElement).value;

describe('dropping an image on the app', () => {
  it('reads the settings of an image dropped anywhere and restores them on request', async () => {
    await renderStudio();
    fireEvent.click(screen.getByRole('button', { name: 'Settings' }));
    await drop(screen.getByRole('main'), file('castle.png'));
    const bar = await screen.findByTestId('dropped-bar');
    await within(bar).findByText(/Settings found \(A1111 format\)\./);
    const call = transport.calls.find((c) => c.name === 'readImageSettings');
    expect(call?.request).toEqual({
      data: new Uint8Array([137, 80, 78, 71, 13, 10]),
      name: 'castle.png',
    });
    // Nothing changes until the user asks.
    expect(store.getState().form.prompt).toBe('');
    fireEvent.click(within(bar).getByRole('button', { name: 'Restore settings' }));
    expect(store.getState().view).toBe('create');
    expect(value('Prompt')).toBe('a castle on a hill');
    expect(value('Steps value')).toBe('28');
    expect(value('Sampler')).toBe('DPM++ 2M Karras');
    expect(value('Seed value')).toBe('1234567');
    expect(
      screen.getByText(
        'The model v1-5-pruned-emaonly is not installed; the current model was kept.',
      ),
    ).toBeTruthy();
    expect(within(bar).getByRole('button', { name: 'Settings restored' })).toHaveProperty(
      'disabled',
      true,
    );
    // Restoring settings does not take the image as input: that is a separate choice.
    expect(store.getState().form.init).toBeNull();
    fireEvent.click(within(bar).getByRole('button', { name: 'Use as init image' }));
    expect(await screen.findByAltText('Init image castle.png')).toBeTruthy();
  });

  it('says no settings were found and still uses the image as an init image', async () => {
    await renderStudio();
    await drop(screen.getByRole('main'), file('plain.png'));
    const bar = await screen.findByTestId('dropped-bar');
    await within(bar).findByText(/No settings found\. The image can still be used/);
    expect(within(bar).queryByRole('button', { name: 'Restore settings' })).toBeNull();
    fireEvent.click(within(bar).getByRole('button', { name: 'Use as init image' }));
    expect(await screen.findByAltText('Init image plain.png')).toBeTruthy();
    expect(store.getState().form.prompt).toBe('');
  });

  it('takes an image dropped on the canvas as the init image at once and offers its settings', async () => {
    await renderStudio();
    await drop(screen.getByTestId('canvas'), file('castle.png'));
    expect(await screen.findByAltText('Init image castle.png')).toBeTruthy();
    const bar = await screen.findByTestId('dropped-bar');
    await within(bar).findByText('Used as the init image.');
    expect(within(bar).queryByRole('button', { name: 'Use as init image' })).toBeNull();
    fireEvent.click(await within(bar).findByRole('button', { name: 'Restore settings' }));
    expect(value('Prompt')).toBe('a castle on a hill');
    expect(store.getState().form.init?.image.name).toBe('castle.png');
  });

  it('puts a dropped image into a ControlNet unit', async () => {
    await renderStudio();
    await drop(screen.getByRole('main'), file('edges.png'));
    const bar = await screen.findByTestId('dropped-bar');
    fireEvent.click(within(bar).getByRole('button', { name: 'Use as control image' }));
    expect(await screen.findByAltText('Control image of unit 1')).toBeTruthy();
    expect(screen.queryByTestId('dropped-bar')).toBeNull();
  });

  it('refuses a file that is not an image, and never reads it', async () => {
    await renderStudio();
    await drop(screen.getByRole('main'), file('notes.txt', 'text/plain'));
    await waitFor(() =>
      expect(screen.getByRole('alert').textContent).toContain(
        'Only PNG, JPEG or WebP images can be used (got text/plain).',
      ),
    );
    expect(transport.calls.some((c) => c.name === 'readImageSettings')).toBe(false);
    expect(screen.queryByTestId('dropped-bar')).toBeNull();
  });

  it('clears the bar of an image in use once a generation starts', async () => {
    await renderStudio();
    await drop(screen.getByTestId('canvas'), file('castle.png'));
    await screen.findByText('Used as the init image.');
    await act(() => store.getState().generate());
    expect(screen.queryByTestId('dropped-bar')).toBeNull();
  });
});
