/** React access to the evaluation store and API. */
import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { EvalApi } from './api.ts';
import type { EvalActions, EvalState, EvalStore } from './store.ts';

interface EvalContextValue {
  api: EvalApi;
  store: EvalStore;
}

const EvalContext = createContext<EvalContextValue | null>(null);

export function EvalProvider(props: { api: EvalApi; store: EvalStore; children: ReactNode }) {
  return (
    <EvalContext.Provider value={{ api: props.api, store: props.store }}>
      {props.children}
    </EvalContext.Provider>
  );
}

function useEvalContext(): EvalContextValue {
  const value = useContext(EvalContext);
  if (!value) throw new Error('Evaluation views must be rendered inside <EvalProvider>.');
  return value;
}

export function useEvalApi(): EvalApi {
  return useEvalContext().api;
}

export function useEval<T>(selector: (state: EvalState & EvalActions) => T): T {
  return useStore(useEvalContext().store, selector);
}
