/**
 * The detail view of one gallery image: the image large, its prompt, negative prompt and every
 * setting read from the file, and what can be done with it (use its settings, use it as an init
 * or control image, reveal, copy the prompt, favourite, tags, delete to the trash).
 *
 * It is a modal dialog over the grid: focus moves into it, Esc closes it, and focus goes back to
 * where it was.
 */
import { useEffect, useId, useRef, useState } from 'react';
import { formatDateTime } from '../../lib/dates.ts';
import { settingsRows } from '../../lib/settings-table.ts';
import { useStudio, useStudioShallow } from '../../store/context.tsx';

function TagEditor({ id, tags }: { id: number; tags: string[] }) {
  const setTags = useStudio((s) => s.setImageTags);
  const [draft, setDraft] = useState(tags.join(', '));
  const inputId = useId();
  useEffect(() => setDraft(tags.join(', ')), [tags]);
  const parsed = [
    ...new Set(
      draft
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean),
    ),
  ];
  const changed = parsed.join('\u0000') !== tags.join('\u0000');
  return (
    <form
      className="detail__tags"
      onSubmit={(e) => {
        e.preventDefault();
        if (changed) void setTags(id, parsed);
      }}
    >
      <label htmlFor={inputId}>Tags</label>
      <div className="folder">
        <input
          id={inputId}
          type="text"
          value={draft}
          placeholder="portrait, keep"
          onChange={(e) => setDraft(e.target.value)}
        />
        <button type="submit" className="button button--ghost" disabled={!changed}>
          Save tags
        </button>
      </div>
    </form>
  );
}

const FOCUSABLE = 'button:not(:disabled), input:not(:disabled), [tabindex="0"]';

/** Keeps Tab inside the dialog: past the last control it wraps to the first, and back. */
function trapTab(dialog: HTMLElement, e: { shiftKey: boolean; preventDefault(): void }) {
  const focusable = [...dialog.querySelectorAll<HTMLElement>(FOCUSABLE)];
  if (focusable.length === 0) return;
  const first = focusable[0];
  const last = focusable[focusable.length - 1];
  if (!e.shiftKey && document.activeElement === last) {
    e.preventDefault();
    first.focus();
  } else if (e.shiftKey && document.activeElement === first) {
    e.preventDefault();
    last.focus();
  }
}

export function GalleryDetail() {
  const detail = useStudio((s) => s.gallery.detail);
  const { canReveal, imageUrl, position, total } = useStudioShallow((s) => ({
    canReveal: s.osDialogs,
    imageUrl: s.imageUrl,
    position: s.gallery.detail
      ? s.gallery.items.findIndex((i) => i.id === s.gallery.detail!.id)
      : -1,
    total: s.gallery.total,
  }));
  const hasNext = position >= 0 && position < total - 1;
  const a = useStudioShallow((s) => ({
    close: s.closeDetail,
    step: s.stepDetail,
    useSettings: s.useImageSettings,
    useImage: s.useGalleryImage,
    reveal: s.revealInFolder,
    copy: s.copyText,
    favourite: s.toggleFavourite,
    remove: s.deleteImages,
  }));
  const titleId = useId();
  const closeButton = useRef<HTMLButtonElement>(null);
  const returnFocus = useRef<Element | null>(null);

  useEffect(() => {
    returnFocus.current = document.activeElement;
    closeButton.current?.focus();
    return () => {
      const back = returnFocus.current;
      if (back instanceof HTMLElement && back.isConnected) back.focus();
    };
  }, []);

  if (!detail) return null;
  const rows = settingsRows(detail, detail.settings);
  const hasSettings = detail.settings !== null;
  return (
    <div
      className="detail"
      role="dialog"
      aria-modal="true"
      aria-labelledby={titleId}
      data-testid="gallery-detail"
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          e.stopPropagation();
          a.close();
        } else if (e.key === 'Tab') {
          trapTab(e.currentTarget, e);
        } else if (e.key === 'ArrowLeft' && e.altKey) {
          void a.step(-1);
        } else if (e.key === 'ArrowRight' && e.altKey) {
          void a.step(1);
        }
      }}
    >
      <div className="detail__stage">
        <img
          src={imageUrl(detail.path)}
          alt={detail.prompt ? `Image: ${detail.prompt}` : 'Image without a prompt'}
        />
      </div>
      <aside className="detail__panel">
        <header className="detail__head">
          <div>
            <h2 id={titleId}>Image details</h2>
            <p className="detail__when">{formatDateTime(detail.createdAt)}</p>
          </div>
          <div className="detail__nav">
            <button
              type="button"
              className="button button--ghost"
              onClick={() => void a.step(-1)}
              disabled={position <= 0}
              aria-label="Previous image"
              title="Previous image (Alt+←)"
            >
              ‹
            </button>
            <button
              type="button"
              className="button button--ghost"
              onClick={() => void a.step(1)}
              disabled={!hasNext}
              aria-label="Next image"
              title="Next image (Alt+→)"
            >
              ›
            </button>
            <button
              ref={closeButton}
              type="button"
              className="button button--ghost"
              onClick={a.close}
              aria-label="Close details"
              title="Close (Esc)"
            >
              ✕
            </button>
          </div>
        </header>

        <div className="detail__scroll">
          <section className="detail__block" aria-label="Prompt">
            <div className="detail__label-row">
              <h3>Prompt</h3>
              <button
                type="button"
                className="link-button"
                disabled={!detail.prompt}
                onClick={() => void a.copy(detail.prompt, 'Prompt')}
              >
                Copy prompt
              </button>
            </div>
            <p className="detail__prompt" data-testid="detail-prompt">
              {detail.prompt || <em>No prompt</em>}
            </p>
          </section>
          <section className="detail__block" aria-label="Negative prompt">
            <h3>Negative prompt</h3>
            <p className="detail__prompt detail__prompt--negative" data-testid="detail-negative">
              {detail.negativePrompt || <em>None</em>}
            </p>
          </section>

          <section className="detail__block" aria-label="Settings">
            <h3>Settings</h3>
            {!hasSettings ? (
              <p className="empty-hint">
                No settings found. The image can still be used as an init or control image.
              </p>
            ) : null}
            <dl className="detail__settings" data-testid="detail-settings">
              {rows.map(([label, value], i) => (
                <div key={i}>
                  <dt>{label}</dt>
                  <dd data-key={label}>{value}</dd>
                </div>
              ))}
            </dl>
            {detail.warnings.map((w, i) => (
              <p key={i} className="result-info__warning">
                {w}
              </p>
            ))}
          </section>

          <TagEditor id={detail.id} tags={detail.tags} />
          <p className="detail__path" title={detail.path}>
            {detail.relPath}
          </p>
        </div>

        <footer className="detail__actions">
          <button
            type="button"
            className="button button--primary"
            disabled={!hasSettings}
            onClick={() => void a.useSettings(detail.id)}
          >
            Use settings
          </button>
          <div className="detail__action-row">
            <button
              type="button"
              className="button"
              onClick={() => void a.useImage(detail.id, 'init')}
            >
              Use as init image
            </button>
            <button
              type="button"
              className="button"
              onClick={() => void a.useImage(detail.id, 'control')}
            >
              Use as control image
            </button>
          </div>
          <div className="detail__action-row">
            <button
              type="button"
              className={`button button--ghost${detail.favourite ? ' is-favourite' : ''}`}
              aria-pressed={detail.favourite}
              onClick={() => void a.favourite(detail.id)}
            >
              {detail.favourite ? '★ Favourite' : '☆ Favourite'}
            </button>
            {canReveal ? (
              <button
                type="button"
                className="button button--ghost"
                onClick={() => void a.reveal(detail.path)}
              >
                Reveal in folder
              </button>
            ) : null}
            <button
              type="button"
              className="button button--danger"
              onClick={() => void a.remove([detail.id])}
            >
              Delete
            </button>
          </div>
        </footer>
      </aside>
    </div>
  );
}
