import { describe, expect, it } from 'vitest';
import { menuTemplate } from '../../../main/app/menu.ts';

const noop = { openOutputFolder() {}, openLogsFolder() {}, reloadModels() {} };
type Item = { label?: string; role?: string; submenu?: Item[]; click?: () => void };

const labels = (items: Item[]) => items.map((i) => i.label ?? i.role);

describe('menuTemplate()', () => {
  it('has the app menu first on macOS only', () => {
    expect(
      labels(menuTemplate({ isMac: true, appName: 'Emulsion', dev: false }, noop) as Item[]),
    ).toEqual(['Emulsion', 'File', 'editMenu', 'View', 'windowMenu', 'help']);
    expect(
      labels(menuTemplate({ isMac: false, appName: 'Emulsion', dev: false }, noop) as Item[])[0],
    ).toBe('File');
  });

  it('offers reload and devtools only in development', () => {
    const view = (dev: boolean) =>
      (menuTemplate({ isMac: false, appName: 'E', dev }, noop) as Item[]).find(
        (i) => i.label === 'View',
      )!;
    expect(labels(view(false).submenu!)).not.toContain('toggleDevTools');
    expect(labels(view(true).submenu!)).toContain('toggleDevTools');
  });

  it('wires the File items to their actions', () => {
    const clicked: string[] = [];
    const file = (
      menuTemplate(
        { isMac: false, appName: 'E', dev: false },
        {
          openOutputFolder: () => clicked.push('output'),
          openLogsFolder: () => clicked.push('logs'),
          reloadModels: () => clicked.push('reload'),
        },
      ) as Item[]
    )[0];
    for (const item of file.submenu!) item.click?.();
    expect(clicked).toEqual(['output', 'reload']);
  });
});
