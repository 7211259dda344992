/** The trash: deleted images with their prompt and time, restore one by one, or empty it for good. */
import { useState } from 'react';
import { formatDateTime } from '../../lib/dates.ts';
import { useStudio, useStudioShallow } from '../../store/context.tsx';

function EmptyTrashButton({ count }: { count: number }) {
  const empty = useStudio((s) => s.emptyTrash);
  const [confirming, setConfirming] = useState(false);
  if (!confirming) {
    return (
      <button
        type="button"
        className="button button--danger"
        disabled={count === 0}
        onClick={() => setConfirming(true)}
      >
        Empty trash
      </button>
    );
  }
  return (
    <div className="trash__confirm" role="group" aria-label="Confirm emptying the trash">
      <span>
        Delete {count === 1 ? 'this image' : `these ${count} images`} for good? This cannot be
        undone.
      </span>
      <button
        type="button"
        className="button button--danger"
        autoFocus
        onClick={() => {
          setConfirming(false);
          void empty();
        }}
      >
        Delete for good
      </button>
      <button type="button" className="button button--ghost" onClick={() => setConfirming(false)}>
        Keep them
      </button>
    </div>
  );
}

export function TrashView() {
  const { trash, imageUrl } = useStudioShallow((s) => ({
    trash: s.gallery.trash,
    imageUrl: s.imageUrl,
  }));
  const restore = useStudio((s) => s.restoreFromTrash);
  if (trash === null) {
    return (
      <div className="empty-state" role="status">
        <p>Loading the trash…</p>
      </div>
    );
  }
  return (
    <section className="trash" aria-label="Trash">
      <div className="trash__bar">
        <p className="empty-hint">
          Deleted images wait here until you empty the trash. Restoring puts an image back where it
          was.
        </p>
        <EmptyTrashButton count={trash.length} />
      </div>
      {trash.length === 0 ? (
        <div className="empty-state" data-testid="trash-empty">
          <div className="empty-state__glyph" aria-hidden="true" />
          <h3>The trash is empty</h3>
          <p>Images you delete from the gallery come here first.</p>
        </div>
      ) : (
        <ul className="trash__list">
          {trash.map((entry) => (
            <li key={entry.id} className="trash__item">
              <img src={imageUrl(entry.path, 128)} alt="" loading="lazy" />
              <div className="trash__meta">
                <p className="trash__prompt" title={entry.prompt}>
                  {entry.prompt || <em>No prompt</em>}
                </p>
                <p className="trash__when">Deleted {formatDateTime(entry.deletedAt)}</p>
              </div>
              <button
                type="button"
                className="button"
                aria-label={`Restore ${entry.originalRelPath}`}
                onClick={() => void restore([entry.id])}
              >
                Restore
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
