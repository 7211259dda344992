/**
 * The prompt check's word lists, read-only, with the folder where the user's own lists extend
 * or override them (resources/safety/README.md describes the file format). Lists stay folded:
 * they hold slurs and explicit terms, which nobody should meet unasked.
 */
import { useStudio, useStudioShallow } from '../../store/context.tsx';
import { CATEGORY_LABELS } from './SafetySettings.tsx';

export function WordLists() {
  const { info, dialogs } = useStudioShallow((s) => ({
    info: s.safetyTerms,
    dialogs: s.osDialogs,
  }));
  const reload = useStudio((s) => s.reloadSafetyTerms);
  const openPath = useStudio((s) => s.openPath);
  if (!info) {
    return (
      <section className="settings__group" aria-labelledby="settings-terms">
        <h3 id="settings-terms">Prompt word lists</h3>
        <p className="empty-hint">Loading the word lists…</p>
      </section>
    );
  }
  return (
    <section className="settings__group safety" aria-labelledby="settings-terms">
      <h3 id="settings-terms">Prompt word lists</h3>
      <p className="field__hint">
        To change a list, put <code>&lt;category&gt;.txt</code> files in this folder: a line adds a
        term, <code>-term</code> removes a shipped one, <code>!phrase</code> adds an exception, and{' '}
        <code>@replace</code> ignores the shipped list. Then reload.
      </p>
      <div className="folder">
        <input
          type="text"
          readOnly
          value={info.userTermsDir}
          aria-label="Your word-list folder"
          spellCheck={false}
        />
        {dialogs ? (
          <button
            type="button"
            className="button button--ghost"
            onClick={() => void openPath(info.userTermsDir)}
          >
            Open folder
          </button>
        ) : null}
        <button type="button" className="button button--ghost" onClick={() => void reload()}>
          Reload lists
        </button>
      </div>
      {info.error ? (
        <p className="notice notice--error" role="alert">
          {info.error}
        </p>
      ) : null}
      {info.lists.map((list) => (
        <details
          key={list.category}
          className="safety__list"
          data-testid={`terms-${list.category}`}
        >
          <summary>
            {CATEGORY_LABELS[list.category]}: {list.terms.length} terms, {list.exceptions.length}{' '}
            exceptions
          </summary>
          <p className="safety__reason">{list.reason}</p>
          <ul className="chips" aria-label={`${CATEGORY_LABELS[list.category]} terms`}>
            {list.terms.map((t) => (
              <li key={t} className="chip">
                {t}
              </li>
            ))}
          </ul>
          {list.exceptions.length > 0 ? (
            <p className="safety__reason">Exceptions: {list.exceptions.join(', ')}</p>
          ) : null}
          <p className="field__hint">From {list.files.join(' and ')}</p>
        </details>
      ))}
    </section>
  );
}
