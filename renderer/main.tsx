/** Renderer entry: pick the transport (Electron bridge or server WebSocket), build the store, render. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Root } from './Root.tsx';
import { createStudioStore } from './store/store.ts';
import { pickTransport } from './transport/index.ts';
import './styles.css';

const transport = pickTransport(window);
const store = createStudioStore({ transport });
void store.getState().init();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Root store={store} transport={transport} />
  </StrictMode>,
);
