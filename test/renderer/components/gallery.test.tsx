// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { GalleryQuery } from '../../../common/gallery.ts';
import { App } from '../../../renderer/App.tsx';
import { UNDO_MS } from '../../../renderer/components/gallery/GalleryView.tsx';
import { StudioProvider } from '../../../renderer/store/context.tsx';
import { PAGE_SIZE } from '../../../renderer/store/gallery.ts';
import { createStudioStore, type StudioStore } from '../../../renderer/store/store.ts';
import { installFakeGallery, type FakeGallery } from '../fakes/gallery.ts';
import { createFakeTransport, urlMaker, type FakeTransport } from '../fakes/transport.ts';
import { stubGridViewport } from '../fakes/viewport.ts';

let transport: FakeTransport;
let store: StudioStore;
let gallery: FakeGallery;
let restoreViewport: () => void;

beforeAll(() => {
  restoreViewport = stubGridViewport(1000, 600);
});
afterAll(() => restoreViewport());
afterEach(() => cleanup());

async function openGallery(options: { count?: number; desktop?: boolean } = {}) {
  transport = createFakeTransport({ desktop: options.desktop });
  gallery = installFakeGallery(transport, options.count ?? 300);
  store = createStudioStore({ transport, makeUrl: urlMaker().makeUrl });
  render(
    <StudioProvider store={store}>
      <App />
    </StudioProvider>,
  );
  await act(() => store.getState().init());
  fireEvent.click(screen.getByRole('button', { name: 'Gallery' }));
  if ((options.count ?? 300) > 0) await screen.findAllByRole('gridcell');
}

const queries = () =>
  transport.calls.filter((c) => c.name === 'galleryQuery').map((c) => c.request as GalleryQuery);
const count = () => screen.getByTestId('gallery-count').textContent;
const cell = (n: number) =>
  within(document.querySelector(`[data-index="${n}"]`) as HTMLElement).getByRole('button');

async function openDetail(n = 0) {
  fireEvent.click(cell(n));
  return screen.findByRole('dialog', { name: 'Image details' });
}

describe('<GalleryView />', () => {
  it('says there are no images yet and offers the Create view', async () => {
    await openGallery({ count: 0 });
    expect(await screen.findByText('No images yet')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Create an image' }));
    expect(store.getState().view).toBe('create');
  });

  it('loads the first page, then the next one when the grid scrolls near the end of it', async () => {
    await openGallery();
    expect(count()).toBe('300 images');
    expect(queries()).toEqual([{ offset: 0, limit: PAGE_SIZE, order: 'newest' }]);
    // 5 columns, rows 246 px apart (190 px cells + 44 px caption + 12 px gap); scrolling to
    // row 10 renders up to row 15, item 75: within half a page of the 120 loaded.
    const scroller = screen.getByTestId('virtual-grid');
    act(() => {
      scroller.scrollTop = 10 * 246;
      fireEvent.scroll(scroller);
    });
    await waitFor(() => expect(queries().at(-1)).toMatchObject({ offset: PAGE_SIZE }));
    await waitFor(() => expect(store.getState().gallery.items).toHaveLength(2 * PAGE_SIZE));
    expect(store.getState().gallery.items.map((i) => i.id)).toEqual(
      Array.from({ length: 2 * PAGE_SIZE }, (_, i) => i + 1),
    );
  });

  it('searches prompts once typing pauses', async () => {
    await openGallery();
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Search prompts'), 'castle');
    await waitFor(() => expect(count()).toBe('150 images'));
    const searches = queries().filter((q) => q.text !== undefined);
    expect(searches).toEqual([{ offset: 0, limit: PAGE_SIZE, text: 'castle', order: 'newest' }]);
    expect(within(cell(0)).getByText('a castle number 0')).toBeTruthy();
  });

  it('filters by model, date and favourites, and offers to clear filters that match nothing', async () => {
    await openGallery();
    fireEvent.change(screen.getByLabelText('Model'), { target: { value: 'sd15' } });
    await waitFor(() => expect(count()).toBe('100 images'));
    expect(queries().at(-1)).toMatchObject({ model: 'sd15' });

    fireEvent.change(screen.getByLabelText('From'), { target: { value: '2025-01-03' } });
    await waitFor(() => expect(queries().at(-1)?.from).toBe(new Date(2025, 0, 3).getTime()));
    fireEvent.change(screen.getByLabelText('From'), { target: { value: '' } });

    fireEvent.click(screen.getByLabelText('Favourites only'));
    await screen.findByText('No images match');
    expect(queries().at(-1)).toMatchObject({ model: 'sd15', favourite: true });
    fireEvent.click(screen.getByRole('button', { name: 'Clear filters' }));
    await waitFor(() => expect(count()).toBe('300 images'));
  });

  it('shows the prompt, negative prompt and settings of an image in the detail view', async () => {
    await openGallery();
    const dialog = await openDetail(0);
    expect(within(dialog).getByTestId('detail-prompt').textContent).toBe('a castle number 0');
    expect(within(dialog).getByTestId('detail-negative').textContent).toBe('blurry');
    const value = (key: string) =>
      dialog.querySelector(`dd[data-key="${key}"]`)?.textContent ?? null;
    expect([value('Source'), value('Steps'), value('Sampler'), value('Seed')]).toEqual([
      'Emulsion',
      '30',
      'DPM++ 2M Karras',
      '1000',
    ]);
    fireEvent.keyDown(dialog, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('puts the settings of an image into the Create view with "Use settings"', async () => {
    await openGallery();
    const dialog = await openDetail(0);
    await act(async () => {
      fireEvent.click(within(dialog).getByRole('button', { name: 'Use settings' }));
    });
    expect(store.getState().view).toBe('create');
    const field = (label: string) => (screen.getByLabelText(label) as HTMLInputElement).value;
    expect(field('Prompt')).toBe('a castle number 0');
    expect(field('Negative prompt')).toBe('blurry');
    expect(field('Steps value')).toBe('30');
    expect(field('CFG scale value')).toBe('6.5');
    expect(field('Sampler')).toBe('DPM++ 2M Karras');
    expect(field('Seed value')).toBe('1000');
    expect(field('Model')).toBe('/models/sd15');
    expect(store.getState().form).toMatchObject({ seedChoice: 'fixed', width: 512, height: 768 });
    expect(
      screen.getByText('The image used GPU noise; the same seed gives a different image.'),
    ).toBeTruthy();
  });

  it('uses a gallery image as the init image, and another as a control image', async () => {
    await openGallery();
    let dialog = await openDetail(0);
    await act(async () => {
      fireEvent.click(within(dialog).getByRole('button', { name: 'Use as init image' }));
    });
    expect(await screen.findByAltText('Init image 00000-1000.png')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Gallery' }));
    dialog = await openDetail(1);
    await act(async () => {
      fireEvent.click(within(dialog).getByRole('button', { name: 'Use as control image' }));
    });
    expect(await screen.findByAltText('Control image of unit 1')).toBeTruthy();
    expect(store.getState().form.control[0].image?.name).toBe('00001-1001.png');
  });

  it('favourites an image, copies its prompt, and reveals it in the desktop app only', async () => {
    await openGallery({ desktop: true });
    const writeText = vi.fn(async () => undefined);
    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText } });
    const dialog = await openDetail(0);
    const star = within(dialog).getByRole('button', { name: /Favourite/ });
    expect(star.getAttribute('aria-pressed')).toBe('false');
    await act(async () => fireEvent.click(star));
    expect(star.getAttribute('aria-pressed')).toBe('true');
    expect(gallery.items[0].favourite).toBe(true);
    await act(async () => {
      fireEvent.click(within(dialog).getByRole('button', { name: 'Copy prompt' }));
    });
    expect(writeText).toHaveBeenCalledWith('a castle number 0');
    await act(async () => {
      fireEvent.click(within(dialog).getByRole('button', { name: 'Reveal in folder' }));
    });
    expect(transport.calls.at(-1)).toEqual({
      name: 'revealInFolder',
      request: { path: gallery.items[0].path },
    });
    cleanup();
    await openGallery({ desktop: false });
    expect(
      within(await openDetail(0)).queryByRole('button', { name: 'Reveal in folder' }),
    ).toBeNull();
  });

  it('moves an image to the trash and brings it back with Undo', async () => {
    await openGallery();
    const dialog = await openDetail(0);
    await act(async () => {
      fireEvent.click(within(dialog).getByRole('button', { name: 'Delete' }));
    });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(count()).toBe('299 images');
    expect(within(cell(0)).getByText('a boat number 1')).toBeTruthy();
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Undo' }));
    });
    expect(transport.calls.find((c) => c.name === 'galleryRestore')?.request).toEqual({
      trashIds: [1],
    });
    await waitFor(() => expect(count()).toBe('300 images'));
    expect(screen.getByText('Image restored.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Undo' })).toBeNull();
  });

  it('takes the Undo offer away after ten seconds', async () => {
    await openGallery();
    vi.useFakeTimers();
    try {
      await act(() => store.getState().deleteImages([1]));
      expect(screen.getByRole('button', { name: 'Undo' })).toBeTruthy();
      act(() => vi.advanceTimersByTime(UNDO_MS - 1));
      expect(screen.getByRole('button', { name: 'Undo' })).toBeTruthy();
      act(() => vi.advanceTimersByTime(1));
      expect(screen.queryByRole('button', { name: 'Undo' })).toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });

  it('lists the trash, restores from it, and empties it only after a confirmation', async () => {
    await openGallery();
    await act(() => store.getState().deleteImages([1, 2]));
    fireEvent.click(screen.getByRole('button', { name: 'Trash' }));
    const restoreButtons = await screen.findAllByRole('button', { name: /^Restore / });
    expect(restoreButtons).toHaveLength(2);
    await act(async () => fireEvent.click(restoreButtons[0]));
    expect(screen.getAllByRole('button', { name: /^Restore / })).toHaveLength(1);

    fireEvent.click(screen.getByRole('button', { name: 'Empty trash' }));
    expect(screen.getByText(/Delete this image for good\?/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Keep them' }));
    expect(transport.calls.some((c) => c.name === 'galleryEmptyTrash')).toBe(false);
    fireEvent.click(screen.getByRole('button', { name: 'Empty trash' }));
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Delete for good' }));
    });
    expect(screen.getByText('The trash is empty')).toBeTruthy();
    expect(screen.getByText('Deleted 1 image for good.')).toBeTruthy();
    expect(gallery.trash).toEqual([]);
  });
});
