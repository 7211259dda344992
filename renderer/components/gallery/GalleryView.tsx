/**
 * The gallery view: the toolbar (images or trash, rescan), search and filters, the virtualised
 * grid with infinite paging, the detail view over it, and the undo toast after a delete.
 */
import { useCallback, useEffect } from 'react';
import type { GalleryItem } from '../../../common/gallery.ts';
import { thumbnailWidth } from '../../../common/ipc.ts';
import { useStudio, useStudioShallow } from '../../store/context.tsx';
import { PAGE_SIZE } from '../../store/gallery.ts';
import { GalleryDetail } from './GalleryDetail.tsx';
import { filtersActive, GalleryFilters } from './GalleryFilters.tsx';
import { TrashView } from './TrashView.tsx';
import { VirtualGrid, type CellProps } from './VirtualGrid.tsx';

/** Cells are about 180-260 CSS px wide: a 256 px thumbnail, twice that on a high-DPI screen. */
const CELL_THUMB = thumbnailWidth(256 * (globalThis.devicePixelRatio || 1));

/** Load the next page when the rendered cells come this close to the end of what is loaded. */
const PREFETCH_ITEMS = PAGE_SIZE / 2;

function GalleryCell({ item, cell }: { item: GalleryItem; cell: CellProps }) {
  const imageUrl = useStudio((s) => s.imageUrl);
  const open = useStudio((s) => s.openDetail);
  const title = item.prompt || 'No prompt';
  const meta = [item.model, item.seed !== null ? `seed ${item.seed}` : null]
    .filter(Boolean)
    .join(' · ');
  return (
    <button
      type="button"
      className="gallery-cell"
      aria-label={`${title}${meta ? ` (${meta})` : ''}${item.favourite ? ', favourite' : ''}`}
      onClick={() => void open(item.id)}
      {...cell}
    >
      <span className="gallery-cell__frame">
        <img
          src={imageUrl(item.path, CELL_THUMB)}
          alt=""
          loading="lazy"
          decoding="async"
          draggable={false}
        />
        {item.favourite ? (
          <span className="gallery-cell__star" aria-hidden="true">
            ★
          </span>
        ) : null}
      </span>
      <span className="gallery-cell__caption">
        <span className="gallery-cell__prompt">{title}</span>
        {meta ? <span className="gallery-cell__meta">{meta}</span> : null}
      </span>
    </button>
  );
}

function EmptyGallery({ filtered }: { filtered: boolean }) {
  const setView = useStudio((s) => s.setView);
  const setFilters = useStudio((s) => s.setGalleryFilters);
  if (filtered) {
    return (
      <div className="empty-state" data-testid="gallery-empty">
        <div className="empty-state__glyph" aria-hidden="true" />
        <h3>No images match</h3>
        <p>Try other words, or widen the filters.</p>
        <button
          type="button"
          className="button"
          onClick={() =>
            setFilters({ text: '', model: '', from: '', to: '', favourite: false, tag: '' })
          }
        >
          Clear filters
        </button>
      </div>
    );
  }
  return (
    <div className="empty-state" data-testid="gallery-empty">
      <div className="empty-state__glyph" aria-hidden="true" />
      <h3>No images yet</h3>
      <p>
        Every image you generate is saved here with its settings. Drop an image from another tool
        anywhere in the app to read its settings.
      </p>
      <button type="button" className="button button--primary" onClick={() => setView('create')}>
        Create an image
      </button>
    </div>
  );
}

function GalleryGrid() {
  const { items, total, loaded, loading, filters } = useStudioShallow((s) => ({
    items: s.gallery.items,
    total: s.gallery.total,
    loaded: s.gallery.loaded,
    loading: s.gallery.loading,
    filters: s.gallery.filters,
  }));
  const loadMore = useStudio((s) => s.loadMoreGallery);
  const onRangeChange = useCallback(
    (_first: number, last: number) => {
      if (last >= items.length - PREFETCH_ITEMS) void loadMore();
    },
    [items.length, loadMore],
  );
  if (!loaded) {
    return (
      <div className="empty-state" role="status">
        <p>{loading ? 'Loading the gallery…' : ''}</p>
      </div>
    );
  }
  if (total === 0) return <EmptyGallery filtered={filtersActive(filters)} />;
  return (
    <VirtualGrid
      label="Images"
      itemCount={items.length}
      getKey={(i) => items[i].id}
      renderCell={(i, cell) => <GalleryCell item={items[i]} cell={cell} />}
      minCellWidth={176}
      gap={12}
      aspect={1}
      extraHeight={44}
      onRangeChange={onRangeChange}
      footer={
        items.length < total ? (
          <p className="vgrid__footer" role="status">
            {loading ? 'Loading more…' : `${items.length} of ${total} loaded`}
          </p>
        ) : null
      }
    />
  );
}

/** How long Undo stays on offer after a delete (the trash keeps the image after that too). */
export const UNDO_MS = 10_000;

function UndoToast() {
  const undo = useStudio((s) => s.gallery.undo);
  const { undoDelete, dismiss } = useStudioShallow((s) => ({
    undoDelete: s.undoDelete,
    dismiss: s.dismissUndo,
  }));
  useEffect(() => {
    if (!undo) return;
    const timer = setTimeout(dismiss, UNDO_MS);
    return () => clearTimeout(timer);
  }, [undo, dismiss]);
  if (!undo) return null;
  return (
    <div className="toast" role="status">
      <span>{undo.message}</span>
      <button type="button" className="button" onClick={() => void undoDelete()}>
        Undo
      </button>
      <button type="button" className="link-button" onClick={dismiss} aria-label="Dismiss">
        Dismiss
      </button>
    </div>
  );
}

export function GalleryView() {
  const { mode, total, loaded, detail } = useStudioShallow((s) => ({
    mode: s.gallery.mode,
    total: s.gallery.total,
    loaded: s.gallery.loaded,
    detail: s.gallery.detail !== null,
  }));
  const setMode = useStudio((s) => s.setGalleryMode);
  const rescan = useStudio((s) => s.rescanGallery);
  return (
    <div className="gallery">
      <header className="gallery__bar">
        <h2>Gallery</h2>
        {mode === 'grid' && loaded ? (
          <span className="gallery__count" data-testid="gallery-count">
            {total === 1 ? '1 image' : `${total.toLocaleString()} images`}
          </span>
        ) : null}
        <div className="segmented gallery__modes" role="group" aria-label="Show">
          {(['grid', 'trash'] as const).map((m) => (
            <button
              key={m}
              type="button"
              className={mode === m ? 'is-on' : ''}
              aria-pressed={mode === m}
              onClick={() => setMode(m)}
            >
              {m === 'grid' ? 'Images' : 'Trash'}
            </button>
          ))}
        </div>
        <button type="button" className="button button--ghost" onClick={() => void rescan()}>
          Rescan folder
        </button>
      </header>
      {mode === 'grid' ? (
        <>
          <GalleryFilters />
          <GalleryGrid />
        </>
      ) : (
        <TrashView />
      )}
      {detail ? <GalleryDetail /> : null}
      <UndoToast />
    </div>
  );
}
