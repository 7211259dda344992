/**
 * Electron main entry: single-instance lock, logging to the logs folder, hardened session and
 * window, the engine in a worker thread, the studio's IPC handlers, the image protocol and menu.
 * Everything that can be tested without Electron lives in the modules this file wires together.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, session, shell } from 'electron';
import { EmulsionError } from '../../common/errors.ts';
import { IMAGE_SCHEME } from '../../common/ipc.ts';
// The client only: importing the engine barrel would load onnxruntime-node in the main process.
import { createEngineClient } from '../engine/worker/client.ts';
import { createLogger, setLogLevel, setLogSink } from '../engine/log.ts';
// Where the demo models are, after pointEngineAtBundledModels set it for a packaged app.
import { defaultModelsDir } from '../demo-model/index.ts';
import { createDispatch } from './dispatch.ts';
import { openStudioGallery } from './gallery-service.ts';
import { eventSender, jobEventSender, registerIpcHandlers } from './ipc.ts';
import { createFileLogSink, logLevelFromEnv } from './logging.ts';
import { menuTemplate } from './menu.ts';
import { createImageHandler, IMAGE_SCHEME_PRIVILEGES } from './protocol.ts';
import { catalogSchedulers } from './schedulers.ts';
import { createAppUrlCheck, hardenContents, hardenSession, isTrustedFrame } from './security.ts';
import { bundledSafetyTermsDir, pointEngineAtBundledModels } from './resources.ts';
import { openSettingsStore } from './settings.ts';
import { createStudio } from './studio.ts';
import { createMainWindow } from './window.ts';

const log = createLogger('app');
const HERE = path.dirname(fileURLToPath(import.meta.url));
/** out/main → out/preload and out/renderer, as electron.vite.config.ts lays them out. */
const PRELOAD = path.join(HERE, '../preload/index.cjs');
const RENDERER = path.join(HERE, '../renderer/index.html');
const DEV_URL = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;

// Must happen before `ready`: the scheme is standard and secure, so CSP and fetch accept it.
protocol.registerSchemesAsPrivileged([IMAGE_SCHEME_PRIVILEGES]);

let mainWindow: BrowserWindow | null = null;

async function start(): Promise<void> {
  setLogSink(createFileLogSink(path.join(app.getPath('logs'), 'main.log')));
  setLogLevel(logLevelFromEnv(process.env.EMULSION_LOG_LEVEL));
  log.info(`Emulsion ${app.getVersion()} starting (Electron ${process.versions.electron})`);

  const isAppUrl = createAppUrlCheck({ file: RENDERER, devUrl: DEV_URL });
  hardenSession(session.defaultSession, DEV_URL ? 'development' : 'production');
  app.on('web-contents-created', (_event, contents) => hardenContents(contents, isAppUrl));

  const defaults = {
    modelsFolder: path.join(app.getPath('userData'), 'models'),
    outputFolder: path.join(app.getPath('pictures'), 'Emulsion'),
    provider: 'auto' as const,
  };
  await fs.mkdir(defaults.modelsFolder, { recursive: true });
  await fs.mkdir(defaults.outputFolder, { recursive: true });
  const settings = await openSettingsStore(
    path.join(app.getPath('userData'), 'settings.json'),
    defaults,
  );

  // Before the engine worker starts: it reads the bundled models folder from the environment.
  const bundled = pointEngineAtBundledModels(process.env, app.isPackaged, process.resourcesPath);
  if (bundled) log.info(`Bundled models: ${bundled}`);
  // Opening reconciles in the background: PNGs of a save interrupted by a crash get indexed.
  const studioGallery = await openStudioGallery({
    appDataDir: app.getPath('userData'),
    outputFolder: settings.get().outputFolder,
  });

  const userData = app.getPath('userData');
  const userTermsDir = path.join(userData, 'safety-terms');
  await fs.mkdir(userTermsDir, { recursive: true });
  // The classifier is converted on first use; a packaged app's own folder is read-only.
  const classifierCacheDir = path.join(userData, 'cache', 'safety');
  const termsDir = bundledSafetyTermsDir(app.isPackaged, process.resourcesPath);
  const engine = createEngineClient({
    safety: { classifierCacheDir, ...(termsDir ? { termsDir } : {}) },
  });
  const studio = createStudio({
    bundledModelsDir: defaultModelsDir(),
    userTermsDir,
    evalFolder: path.join(userData, 'eval'),
    classifierCacheDir,
    engine,
    settings,
    gallery: studioGallery.gallery,
    hashes: studioGallery.hashes,
    galleryReady: studioGallery.ready,
    schedulers: catalogSchedulers,
    extraRoots: [app.getPath('logs')],
    async pickFolder(title, current) {
      const options = {
        title,
        defaultPath: current,
        properties: ['openDirectory', 'createDirectory'] as const,
      };
      const result = mainWindow
        ? await dialog.showOpenDialog(mainWindow, {
            ...options,
            properties: [...options.properties],
          })
        : await dialog.showOpenDialog({ ...options, properties: [...options.properties] });
      return result.canceled || result.filePaths.length === 0 ? null : result.filePaths[0];
    },
    revealInOs: (target) => shell.showItemInFolder(target),
    async openInOs(target) {
      const failure = await shell.openPath(target);
      if (failure)
        throw new EmulsionError('IO_ERROR', `Could not open ${target}: ${failure}`, {
          file: target,
        });
    },
  });

  registerIpcHandlers(ipcMain, createDispatch(studio.handlers), (event) =>
    isTrustedFrame(event.senderFrame, isAppUrl),
  );
  studio.onEvent(jobEventSender(() => mainWindow?.webContents ?? null));
  studio.onEvalJobEvent(eventSender('evalJobEvent', () => mainWindow?.webContents ?? null));
  protocol.handle(IMAGE_SCHEME, createImageHandler(studio.roots, studioGallery.thumbnails));

  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      menuTemplate(
        { isMac: process.platform === 'darwin', appName: app.name, dev: Boolean(DEV_URL) },
        {
          openOutputFolder: () => void shell.openPath(settings.get().outputFolder),
          openLogsFolder: () => void shell.openPath(app.getPath('logs')),
          reloadModels: () => void studio.handlers.reloadModels().catch(() => undefined),
        },
      ),
    ),
  );

  const openWindow = async () => {
    mainWindow = await createMainWindow(BrowserWindow, PRELOAD, {
      file: RENDERER,
      devUrl: DEV_URL,
    });
    mainWindow.on('closed', () => (mainWindow = null));
  };
  await openWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) void openWindow();
  });

  let closing = false;
  app.on('before-quit', (event) => {
    if (closing) return;
    closing = true;
    event.preventDefault();
    studio.dispose();
    void engine
      .close()
      .finally(() => studioGallery.close())
      .finally(() => app.quit());
  });
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app
    .whenReady()
    .then(start)
    .catch((err: unknown) => {
      const message = err instanceof Error ? err.message : String(err);
      log.error(`Startup failed: ${message}`);
      dialog.showErrorBox(
        'Emulsion could not start',
        `${message}\n\nDetails are in ${app.getPath('logs')}.`,
      );
      app.exit(1);
    });
  process.on('unhandledRejection', (reason) => log.error(`Unhandled rejection: ${String(reason)}`));
}
