/** React access to the vanilla store: one provider, narrow selectors. */
import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import type { StudioStore } from './store.ts';
import type { StudioState } from './types.ts';

const StoreContext = createContext<StudioStore | null>(null);

export function StudioProvider({ store, children }: { store: StudioStore; children: ReactNode }) {
  return <StoreContext.Provider value={store}>{children}</StoreContext.Provider>;
}

export function useStudioStore(): StudioStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('[emulsion] useStudio must be used inside <StudioProvider>.');
  return store;
}

/** Selects one value; re-renders only when it changes (Object.is). */
export function useStudio<T>(selector: (state: StudioState) => T): T {
  return useStore(useStudioStore(), selector);
}

/** Selects several values as an object or array, compared shallowly. */
export function useStudioShallow<T>(selector: (state: StudioState) => T): T {
  return useStore(useStudioStore(), useShallow(selector));
}
