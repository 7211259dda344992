/** The one main window: hardened preferences, shown when ready, the app page loaded. */
import type { BrowserWindow, BrowserWindowConstructorOptions } from 'electron';
import { secureWebPreferences } from './security.ts';

export interface WindowSource {
  /** Built index.html (production). */
  file: string;
  /** Vite dev server URL (`npm run dev`). */
  devUrl?: string;
}

export function mainWindowOptions(preload: string): BrowserWindowConstructorOptions {
  return {
    width: 1440,
    height: 920,
    minWidth: 960,
    minHeight: 640,
    show: false,
    title: 'Emulsion',
    backgroundColor: '#0d0f13',
    autoHideMenuBar: process.platform !== 'darwin',
    webPreferences: secureWebPreferences(preload),
  };
}

export async function createMainWindow(
  Window: new (options: BrowserWindowConstructorOptions) => BrowserWindow,
  preload: string,
  source: WindowSource,
): Promise<BrowserWindow> {
  const win = new Window(mainWindowOptions(preload));
  win.once('ready-to-show', () => win.show());
  if (source.devUrl) await win.loadURL(source.devUrl);
  else await win.loadFile(source.file);
  return win;
}
