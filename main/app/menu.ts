/** The application menu. Built as a template so it can be tested without Electron. */
import type { MenuItemConstructorOptions } from 'electron';

export interface MenuActions {
  openOutputFolder(): void;
  openLogsFolder(): void;
  reloadModels(): void;
}

export function menuTemplate(
  options: { isMac: boolean; appName: string; dev: boolean },
  actions: MenuActions,
) {
  const template: MenuItemConstructorOptions[] = [];
  if (options.isMac) {
    template.push({
      label: options.appName,
      submenu: [
        { role: 'about' },
        { type: 'separator' },
        { role: 'hide' },
        { role: 'hideOthers' },
        { role: 'unhide' },
        { type: 'separator' },
        { role: 'quit' },
      ],
    });
  }
  template.push(
    {
      label: 'File',
      submenu: [
        {
          label: 'Open Output Folder',
          accelerator: 'CmdOrCtrl+Shift+O',
          click: () => actions.openOutputFolder(),
        },
        {
          label: 'Reload Models',
          accelerator: 'CmdOrCtrl+Shift+R',
          click: () => actions.reloadModels(),
        },
        { type: 'separator' },
        options.isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        // Reload and devtools only while developing: a reload would drop the session's results.
        ...(options.dev
          ? ([
              { role: 'reload' },
              { role: 'toggleDevTools' },
              { type: 'separator' },
            ] as MenuItemConstructorOptions[])
          : []),
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [{ label: 'Open Logs Folder', click: () => actions.openLogsFolder() }],
    },
  );
  return template;
}
