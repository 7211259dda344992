import { describe, expect, it } from 'vitest';
import { createMainWindow, mainWindowOptions } from '../../../main/app/window.ts';

class FakeWindow {
  static made: FakeWindow[] = [];
  loaded: string[] = [];
  onceHandlers = new Map<string, () => void>();
  shown = false;
  constructor(public options: Record<string, unknown>) {
    FakeWindow.made.push(this);
  }
  once(event: string, handler: () => void) {
    this.onceHandlers.set(event, handler);
  }
  show() {
    this.shown = true;
  }
  async loadFile(file: string) {
    this.loaded.push(`file:${file}`);
  }
  async loadURL(url: string) {
    this.loaded.push(`url:${url}`);
  }
}

describe('mainWindowOptions()', () => {
  it('uses the hardened web preferences and stays hidden until ready', () => {
    const options = mainWindowOptions('/app/out/preload/index.cjs');
    expect(options.show).toBe(false);
    expect(options.webPreferences).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
    });
  });
});

describe('createMainWindow()', () => {
  it('loads the built page, or the dev server when one is given, and shows when ready', async () => {
    const a = (await createMainWindow(FakeWindow as never, '/p.cjs', {
      file: '/r/index.html',
    })) as unknown as FakeWindow;
    expect(a.loaded).toEqual(['file:/r/index.html']);
    expect(a.shown).toBe(false);
    a.onceHandlers.get('ready-to-show')?.();
    expect(a.shown).toBe(true);
    const b = (await createMainWindow(FakeWindow as never, '/p.cjs', {
      file: '/r/index.html',
      devUrl: 'http://localhost:5173/',
    })) as unknown as FakeWindow;
    expect(b.loaded).toEqual(['url:http://localhost:5173/']);
  });
});
