/**
 * The studio's providers around <App />: the studio store and the evaluation views' API and
 * store, all over one transport. main.tsx renders it; tests can too, with a fake transport.
 */
import { useEffect, useMemo } from 'react';
import { App } from './App.tsx';
import { createEvalStore, createTransportEvalApi, EvalProvider } from './eval/index.ts';
import { StudioProvider } from './store/context.tsx';
import type { StudioStore } from './store/store.ts';
import type { Transport } from './transport/types.ts';

export function Root(props: { store: StudioStore; transport: Transport }) {
  const { api, evalStore } = useMemo(() => {
    const api = createTransportEvalApi(props.transport);
    return { api, evalStore: createEvalStore(api) };
  }, [props.transport]);
  useEffect(() => evalStore.getState().watchJobs(), [evalStore]);
  return (
    <StudioProvider store={props.store}>
      <EvalProvider api={api} store={evalStore}>
        <App />
      </EvalProvider>
    </StudioProvider>
  );
}
