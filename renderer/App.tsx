/**
 * The studio shell: navigation rail, notice bar, the dropped-image bar, the current view, the
 * keyboard shortcuts, and the app-wide drop target (an image dropped anywhere has its settings
 * read; dropping outside a drop zone must never navigate the page to the file).
 */
import { useCallback, useEffect } from 'react';
import { CreateView } from './components/CreateView.tsx';
import { DroppedImageBar } from './components/DroppedImageBar.tsx';
import { EvaluateView } from './components/evaluate/EvaluateView.tsx';
import { GalleryView } from './components/gallery/GalleryView.tsx';
import { SettingsView } from './components/SettingsView.tsx';
import { useAppDrop } from './components/useAppDrop.ts';
import { firstFile, readImageFile } from './lib/files.ts';
import { useStudio, useStudioShallow, useStudioStore } from './store/context.tsx';
import type { ImageInput, View } from './store/types.ts';

function useShortcuts() {
  const store = useStudioStore();
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const state = store.getState();
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        if (state.view === 'create') void state.generate();
      } else if (e.key === 'Escape' && state.job) {
        e.preventDefault();
        void state.cancel();
      }
    };
    const onPaste = (e: ClipboardEvent) => {
      const file = firstFile(e.clipboardData?.files);
      if (!file || !file.type.startsWith('image/') || store.getState().view !== 'create') return;
      e.preventDefault();
      void readImageFile(file).then((image) => store.getState().setInitImage(image));
    };
    window.addEventListener('keydown', onKey);
    window.addEventListener('paste', onPaste);
    return () => {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('paste', onPaste);
    };
  }, [store]);
}

function NoticeBar() {
  const { notice, connection } = useStudioShallow((s) => ({
    notice: s.notice,
    connection: s.connection,
  }));
  const dismiss = useStudio((s) => s.dismissNotice);
  if (connection === 'closed') {
    return (
      <div className="notice notice--error" role="alert">
        Lost the connection to the Emulsion server. Reconnecting…
      </div>
    );
  }
  if (!notice) return null;
  return (
    <div
      className={`notice notice--${notice.kind}`}
      role={notice.kind === 'error' ? 'alert' : 'status'}
    >
      <div className="notice__text">
        <span>{notice.message}</span>
        {notice.details ? (
          <ul className="notice__details">
            {notice.details.map((d, i) => (
              <li key={i}>{d}</li>
            ))}
          </ul>
        ) : null}
      </div>
      <button type="button" className="link-button" onClick={dismiss} aria-label="Dismiss message">
        Dismiss
      </button>
    </div>
  );
}

const VIEWS: [View, string][] = [
  ['create', 'Create'],
  ['gallery', 'Gallery'],
  ['evaluate', 'Evaluate'],
  ['settings', 'Settings'],
];

function NavRail() {
  const view = useStudio((s) => s.view);
  const setView = useStudio((s) => s.setView);
  const busy = useStudio((s) => s.job !== null);
  return (
    <nav className="rail" aria-label="Views">
      <div className="rail__logo" aria-hidden="true">
        E
      </div>
      {VIEWS.map(([v, label]) => (
        <button
          key={v}
          type="button"
          className={`rail__item${view === v ? ' is-current' : ''}`}
          aria-current={view === v ? 'page' : undefined}
          onClick={() => setView(v)}
        >
          <span className={`rail__icon rail__icon--${v}`} aria-hidden="true" />
          {label}
        </button>
      ))}
      {busy ? <span className="rail__busy" aria-label="Generating" /> : null}
    </nav>
  );
}

export function App() {
  const view = useStudio((s) => s.view);
  const inspect = useStudio((s) => s.inspectDropped);
  const onImage = useCallback((image: ImageInput) => void inspect(image), [inspect]);
  // Drop zones inside (canvas, init, control units) handle their own drops and stop them here.
  const dragging = useAppDrop(onImage);
  useShortcuts();
  return (
    <div className="app">
      <NavRail />
      <main className="main">
        <NoticeBar />
        <DroppedImageBar />
        {view === 'create' ? (
          <CreateView />
        ) : view === 'gallery' ? (
          <GalleryView />
        ) : view === 'evaluate' ? (
          <EvaluateView />
        ) : (
          <SettingsView />
        )}
      </main>
      {dragging ? (
        <div className="app__drop" aria-hidden="true">
          Drop an image to read its settings
        </div>
      ) : null}
    </div>
  );
}
