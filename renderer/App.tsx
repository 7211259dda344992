/** The studio shell: navigation rail, notice bar, the current view, and the keyboard shortcuts. */
import { useEffect } from 'react';
import { CreateView } from './components/CreateView.tsx';
import { SettingsView } from './components/SettingsView.tsx';
import { firstFile, readImageFile } from './lib/files.ts';
import { useStudio, useStudioShallow, useStudioStore } from './store/context.tsx';

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
      <span>{notice.message}</span>
      <button type="button" className="link-button" onClick={dismiss} aria-label="Dismiss message">
        Dismiss
      </button>
    </div>
  );
}

function NavRail() {
  const view = useStudio((s) => s.view);
  const setView = useStudio((s) => s.setView);
  const busy = useStudio((s) => s.job !== null);
  return (
    <nav className="rail" aria-label="Views">
      <div className="rail__logo" aria-hidden="true">
        E
      </div>
      {(['create', 'settings'] as const).map((v) => (
        <button
          key={v}
          type="button"
          className={`rail__item${view === v ? ' is-current' : ''}`}
          aria-current={view === v ? 'page' : undefined}
          onClick={() => setView(v)}
        >
          <span className={`rail__icon rail__icon--${v}`} aria-hidden="true" />
          {v === 'create' ? 'Create' : 'Settings'}
        </button>
      ))}
      {busy ? <span className="rail__busy" aria-label="Generating" /> : null}
    </nav>
  );
}

export function App() {
  const view = useStudio((s) => s.view);
  useShortcuts();
  return (
    <div className="app">
      <NavRail />
      <main className="main">
        <NoticeBar />
        {view === 'create' ? <CreateView /> : <SettingsView />}
      </main>
    </div>
  );
}
