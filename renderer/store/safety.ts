/**
 * The safety filter in the studio: the word lists for the settings view, revealing and keeping a
 * blurred image's original (held by the host, fetched only when the user asks), safety-eval, and
 * the evaluation workspace listing.
 */
import type { SliceContext } from './slice.ts';
import type { SafetyActions, SessionResult } from './types.ts';

export function safetyActions(ctx: SliceContext): SafetyActions {
  const { set, get, transport, fail, makeUrl } = ctx;

  const patchResult = (id: string, patch: Partial<SessionResult>) =>
    set((s) => ({ results: s.results.map((r) => (r.id === id ? { ...r, ...patch } : r)) }));
  const find = (id: string) => get().results.find((r) => r.id === id);
  const ref = (r: SessionResult) => ({ jobId: r.jobId, index: r.index });

  return {
    async loadSafetyTerms() {
      try {
        set({ safetyTerms: await transport.call('safetyTerms') });
      } catch (err) {
        fail(err);
      }
    },

    async reloadSafetyTerms() {
      try {
        const safetyTerms = await transport.call('safetyReloadTerms');
        set({ safetyTerms, notice: { kind: 'info', message: 'Word lists reloaded.' } });
      } catch (err) {
        fail(err);
        // The lists on disk are what failed: show them, with the reason, rather than stale ones.
        await get().loadSafetyTerms();
      }
    },

    async revealOriginal(id) {
      const result = find(id);
      if (!result || result.safety?.action !== 'blur') return;
      if (result.original.url)
        return patchResult(id, { original: { ...result.original, status: 'shown' } });
      patchResult(id, { original: { status: 'loading', url: null } });
      try {
        const { png } = await transport.call('safetyReveal', ref(result));
        patchResult(id, { original: { status: 'shown', url: makeUrl(png, 'image/png') } });
      } catch (err) {
        patchResult(id, { original: { status: 'hidden', url: null } });
        fail(err);
      }
    },

    hideOriginal(id) {
      const result = find(id);
      if (result) patchResult(id, { original: { ...result.original, status: 'hidden' } });
    },

    async keepOriginal(id) {
      const result = find(id);
      if (!result?.original.url || result.kept) return;
      try {
        const item = await transport.call('safetyKeepOriginal', ref(result));
        set((s) => ({
          results: s.results.map((r) =>
            r.id === id
              ? {
                  ...r,
                  url: r.original.url!,
                  kept: true,
                  file: item.path,
                  galleryId: item.id,
                  safety: r.safety ? { ...r.safety, revealed: true } : r.safety,
                }
              : r,
          ),
          gallery: s.gallery.loaded ? { ...s.gallery, stale: true } : s.gallery,
          notice: {
            kind: 'info',
            message: 'The original replaced the blurred image in the gallery.',
          },
        }));
      } catch (err) {
        fail(err);
      }
    },

    async runSafetyEval(request) {
      if (get().safetyEval.running) return;
      const cleared = { ...get().fieldErrors };
      for (const key of ['imagesDir', 'labelsFile', 'targetRecall', 'model']) delete cleared[key];
      set({ fieldErrors: cleared, safetyEval: { running: true, report: null } });
      try {
        const report = await transport.call('safetyEval', request);
        set({ safetyEval: { running: false, report } });
      } catch (err) {
        set({ safetyEval: { running: false, report: null } });
        fail(err);
      }
    },

    async loadEvalWorkspace() {
      try {
        set({ evalWorkspace: await transport.call('evalWorkspace') });
      } catch (err) {
        fail(err);
      }
    },
  };
}
