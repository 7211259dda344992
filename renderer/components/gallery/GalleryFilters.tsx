/** The gallery's search box and filters: model, date range, favourites, tag and order. */
import { useEffect, useId, useState } from 'react';
import { useStudio, useStudioShallow } from '../../store/context.tsx';

/** Typing pauses this long before the search runs: one query per word, not per key. */
export const SEARCH_DEBOUNCE_MS = 250;

function SearchBox() {
  const text = useStudio((s) => s.gallery.filters.text);
  const setFilters = useStudio((s) => s.setGalleryFilters);
  const [draft, setDraft] = useState(text);
  const id = useId();
  useEffect(() => setDraft(text), [text]);
  useEffect(() => {
    if (draft === text) return;
    const timer = setTimeout(() => setFilters({ text: draft }), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [draft, text, setFilters]);
  return (
    <div className="gallery-search">
      <label htmlFor={id} className="visually-hidden">
        Search prompts
      </label>
      <input
        id={id}
        type="search"
        placeholder="Search prompts"
        value={draft}
        spellCheck={false}
        onChange={(e) => setDraft(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') setFilters({ text: draft });
        }}
      />
    </div>
  );
}

export function GalleryFilters() {
  const { filters, models, tags } = useStudioShallow((s) => ({
    filters: s.gallery.filters,
    models: s.gallery.models,
    tags: s.gallery.tags,
  }));
  const setFilters = useStudio((s) => s.setGalleryFilters);
  const ids = { model: useId(), from: useId(), to: useId(), tag: useId(), order: useId() };
  const hasText = filters.text.trim() !== '';
  return (
    <div className="gallery-filters" role="search" aria-label="Search and filter images">
      <SearchBox />
      <div className="gallery-filters__field">
        <label htmlFor={ids.model}>Model</label>
        <select
          id={ids.model}
          value={filters.model}
          onChange={(e) => setFilters({ model: e.target.value })}
        >
          <option value="">All models</option>
          {models.map((m) => (
            <option key={m.model} value={m.model}>
              {m.model} ({m.count})
            </option>
          ))}
        </select>
      </div>
      <div className="gallery-filters__field">
        <label htmlFor={ids.from}>From</label>
        <input
          id={ids.from}
          type="date"
          value={filters.from}
          max={filters.to || undefined}
          onChange={(e) => setFilters({ from: e.target.value })}
        />
      </div>
      <div className="gallery-filters__field">
        <label htmlFor={ids.to}>To</label>
        <input
          id={ids.to}
          type="date"
          value={filters.to}
          min={filters.from || undefined}
          onChange={(e) => setFilters({ to: e.target.value })}
        />
      </div>
      {tags.length > 0 ? (
        <div className="gallery-filters__field">
          <label htmlFor={ids.tag}>Tag</label>
          <select
            id={ids.tag}
            value={filters.tag}
            onChange={(e) => setFilters({ tag: e.target.value })}
          >
            <option value="">Any tag</option>
            {tags.map((t) => (
              <option key={t.tag} value={t.tag}>
                {t.tag} ({t.count})
              </option>
            ))}
          </select>
        </div>
      ) : null}
      <div className="gallery-filters__field">
        <label htmlFor={ids.order}>Order</label>
        <select
          id={ids.order}
          value={filters.order === 'relevance' && !hasText ? 'newest' : filters.order}
          onChange={(e) => setFilters({ order: e.target.value as typeof filters.order })}
        >
          <option value="newest">Newest first</option>
          <option value="oldest">Oldest first</option>
          <option value="relevance" disabled={!hasText}>
            Best match
          </option>
        </select>
      </div>
      <label className="check gallery-filters__check">
        <input
          type="checkbox"
          checked={filters.favourite}
          onChange={(e) => setFilters({ favourite: e.target.checked })}
        />
        Favourites only
      </label>
    </div>
  );
}

/** True when any filter narrows the list (the empty state then offers to clear them). */
export function filtersActive(f: {
  text: string;
  model: string;
  from: string;
  to: string;
  favourite: boolean;
  tag: string;
}): boolean {
  return (
    f.text.trim() !== '' ||
    f.model !== '' ||
    f.from !== '' ||
    f.to !== '' ||
    f.favourite ||
    f.tag !== ''
  );
}
