/** What the store's parts (gallery.ts, dropped.ts, safety.ts) share with store.ts. */
import type { StoreApi } from 'zustand/vanilla';
import type { Transport } from '../transport/types.ts';
import type { ImageInput, LocalImage, StudioState } from './types.ts';

export interface SliceContext {
  set: StoreApi<StudioState>['setState'];
  get: () => StudioState;
  transport: Transport;
  /** Shows an error next to its field, or in the notice bar. */
  fail: (err: unknown, fallbackField?: string) => void;
  /** A dropped or loaded image with a URL the page can show; null for a type we cannot use. */
  toLocal: (image: ImageInput) => LocalImage | null;
  /** Turns bytes into a URL an <img> can show. */
  makeUrl: (data: Uint8Array, type: string) => string;
}
