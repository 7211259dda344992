/**
 * An image dropped anywhere on the app: the host reads its settings (Emulsion, A1111, InvokeAI,
 * ComfyUI), and the bar offers to restore them, or to use the image as an init or control image.
 * An image without readable settings still works as an input; the bar says no settings were found.
 */
import { toSerialized } from './errors.ts';
import type { SliceContext } from './slice.ts';
import type { DroppedActions } from './types.ts';

export function droppedActions(ctx: SliceContext): DroppedActions {
  const { set, get, transport, toLocal } = ctx;

  return {
    async inspectDropped(input, options = {}) {
      const image = toLocal(input);
      // Dropped on the canvas, setInitImage has already said what is wrong with the file.
      if (!image && options.usedAsInit) return;
      if (!image) {
        set({
          notice: {
            kind: 'error',
            message: `Only PNG, JPEG or WebP images can be used (got ${input.type || 'an unknown type'}).`,
          },
        });
        return;
      }
      const usedAsInit = options.usedAsInit === true;
      set({ dropped: { image, status: 'reading', settings: null, usedAsInit, restored: false } });
      let settings = null;
      try {
        settings = await transport.call('readImageSettings', {
          data: image.data,
          name: image.name,
        });
      } catch (err) {
        // Reading never fails on bad metadata; this is the host or the connection.
        if (get().dropped?.image !== image) return;
        set({
          dropped: { image, status: 'failed', settings: null, usedAsInit, restored: false },
          notice: { kind: 'error', message: toSerialized(err).message },
        });
        return;
      }
      if (get().dropped?.image !== image) return;
      set({ dropped: { image, status: 'done', settings, usedAsInit, restored: false } });
    },

    applyDropped(as) {
      const dropped = get().dropped;
      if (!dropped) return;
      const input = {
        data: dropped.image.data,
        name: dropped.image.name,
        type: dropped.image.type,
      };
      if (as === 'settings') {
        const restore = dropped.settings?.restore;
        if (!restore) return;
        get().applyRestore(restore, dropped.image.name);
        // The image stays on offer: restoring settings and using it as init go together.
        set({ dropped: { ...dropped, restored: true } });
        return;
      }
      if (as === 'init') {
        get().setInitImage(input);
        set({ view: 'create', dropped: { ...dropped, usedAsInit: true } });
        return;
      }
      get().useAsControlImage(input);
      set({ view: 'create', dropped: null });
    },

    dismissDropped: () => set({ dropped: null }),
  };
}
