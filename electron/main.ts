/**
 * The desktop shell: one window on the built renderer, the bridge over IPC, the same core as `toolscope serve`,
 * plus what a desktop app owes its user: the application menu, native open and save dialogs, recent documents,
 * files opened from the OS, and the window where it was left.
 * The window is locked down (context isolation, sandbox, no Node, strict CSP, no navigation or new windows)
 * because it displays bytes from the network, which must never become code.
 */
import fs from 'node:fs';
import path from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, Menu, screen, session, shell, type FileFilter, type WebContents } from 'electron';
import { z } from 'zod';
import { bridgeMethods, type BridgeMethod, type BridgeParams, type BridgeResult } from '../shared/bridge.js';
import { DESKTOP_COMMAND_CHANNEL, type DesktopCommand } from '../shared/desktop-commands.js';
import type { LogEvent } from '../shared/events.js';
import { parseRouteFlag } from '../shared/route-flag.js';
import { appVersion, defaultSessionFile, packageRoot, rendererDir } from './app-paths.js';
import { handleBridgeCall } from './core/bridge-handler.js';
import { ToolscopeCore } from './core/toolscope-core.js';
import { parseLaunchArguments, type LaunchArguments } from './desktop/launch-arguments.js';
import { buildMenuTemplate, type MenuActions } from './desktop/menu-template.js';
import { addRecentSession, loadRecentSessions, removeRecentSession, saveRecentSessions } from './desktop/recent-sessions.js';
import { loadWindowState, MIN_WINDOW_SIZE, saveWindowState, serialiseWindowState, type Rectangle } from './desktop/window-state.js';
import { WINDOW_CSP, windowWebPreferences } from './desktop/window-security.js';

const APP_NAME = 'Toolscope';

const CSP = WINDOW_CSP;

const SESSION_FILTERS: FileFilter[] = [
  { name: 'Toolscope sessions', extensions: ['ndjson'] },
  { name: 'HAR files', extensions: ['har'] },
  { name: 'All files', extensions: ['*'] },
];
const HAR_FILTERS: FileFilter[] = [
  { name: 'HAR files', extensions: ['har'] },
  { name: 'All files', extensions: ['*'] },
];

const indexHtml = path.join(rendererDir, 'index.html');
const indexUrl = new URL(`file://${indexHtml}`).href;

const launch = launchArguments(process.argv, process.cwd());
const launchArgumentsSchema = z.object({ routes: z.array(z.string()), files: z.array(z.string()) });

// A second launch (a file opened from the OS, a jump-list entry) hands its files and routes to the running app.
// They travel as `additionalData` because Chromium may reorder and extend the argv that `second-instance` sees.
if (!app.requestSingleInstanceLock(launch)) {
  app.quit();
} else {
  void main();
}

async function main(): Promise<void> {
  const core = new ToolscopeCore({ appVersion, sessionFile: defaultSessionFile() });
  const subscriptions = new Map<number, () => void>();
  const isMac = process.platform === 'darwin';

  let window: BrowserWindow | null = null;
  let pageLoaded = false;
  // Commands wait here until the window's page has loaded; the preload then holds them until the UI listens.
  const waitingCommands: DesktopCommand[] = [];
  let recentSessions: string[] = [];
  let recentFile: string | null = null;

  function sendCommand(command: DesktopCommand): void {
    if (window && !window.isDestroyed() && pageLoaded) window.webContents.send(DESKTOP_COMMAND_CHANNEL, command);
    else waitingCommands.push(command);
  }

  function showError(title: string, error: unknown): void {
    dialog.showErrorBox(title, error instanceof Error ? error.message : String(error));
  }

  async function openFile(file: string, importAsHar: boolean): Promise<void> {
    if (!importAsHar) {
      // The renderer opens it through the bridge's openSession, which also makes it a recent document.
      sendCommand({ type: 'open-session', path: file });
      return;
    }
    try {
      const text = await fs.promises.readFile(file, 'utf8');
      const imported = await callCore(core, 'importHar', { fileName: path.basename(file), text });
      sendCommand({ type: 'imported-har', path: imported.path, warnings: imported.warnings });
    } catch (error) {
      showError(`Cannot import ${path.basename(file)}`, error);
    }
  }

  function openLaunchFiles(files: readonly string[]): void {
    for (const file of files) {
      if (isFile(file)) void openFile(file, hasHarExtension(file));
      else console.error(`toolscope: not a file, not opened: ${file}`);
    }
  }

  function rememberSession(file: string): void {
    if (process.platform === 'darwin' || process.platform === 'win32') app.addRecentDocument(file);
    setRecentSessions(addRecentSession(recentSessions, file));
  }

  function setRecentSessions(list: string[]): void {
    recentSessions = list;
    if (recentFile) {
      try {
        saveRecentSessions(recentFile, list);
      } catch (error) {
        console.error(`toolscope: cannot save the recent sessions: ${(error as Error).message}`);
      }
    }
    if (app.isReady()) installMenu();
  }

  /** `importAsHar`: Import HAR… imports whatever file was picked; Open session… goes by the extension. */
  async function chooseAndOpen(title: string, filters: FileFilter[], importAsHar: boolean | 'by-extension'): Promise<void> {
    const options = { title, filters, properties: ['openFile' as const] };
    const result = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
    const [file] = result.filePaths;
    if (result.canceled || !file) return;
    await openFile(file, importAsHar === 'by-extension' ? hasHarExtension(file) : importAsHar);
  }

  async function saveSessionAs(): Promise<void> {
    const live = core.sessionFile;
    const options = {
      title: 'Save session as',
      defaultPath: path.join(app.getPath('documents'), live ? path.basename(live) : 'session.ndjson'),
      filters: [SESSION_FILTERS[0]!],
    };
    const result = window ? await dialog.showSaveDialog(window, options) : await dialog.showSaveDialog(options);
    if (result.canceled || !result.filePath) return;
    try {
      const saved = await callCore(core, 'saveSessionAs', { path: result.filePath });
      rememberSession(saved.path);
    } catch (error) {
      showError('Cannot save the session', error);
    }
  }

  const actions: MenuActions = {
    newSession: () => {
      callCore(core, 'newSession', {}).then(
        () => sendCommand({ type: 'show-live' }),
        (error: unknown) => showError('Cannot start a new session', error),
      );
    },
    openSession: () => void chooseAndOpen('Open session', SESSION_FILTERS, 'by-extension'),
    openRecent: (file) => {
      if (isFile(file)) {
        void openFile(file, hasHarExtension(file));
        return;
      }
      setRecentSessions(removeRecentSession(recentSessions, file));
      dialog.showErrorBox('Cannot open the session', `${file} no longer exists.`);
    },
    clearRecent: () => {
      if (process.platform === 'win32') app.clearRecentDocuments();
      setRecentSessions([]);
    },
    showSessions: () => sendCommand({ type: 'show-sessions' }),
    saveSessionAs: () => void saveSessionAs(),
    exportHar: () => sendCommand({ type: 'export-har' }),
    importHar: () => void chooseAndOpen('Import HAR', HAR_FILTERS, true),
    showPreferences: () => sendCommand({ type: 'show-preferences' }),
  };

  function installMenu(): void {
    const template = buildMenuTemplate({ isMac, isDevelopment: !app.isPackaged, appName: APP_NAME, recentSessions }, actions);
    Menu.setApplicationMenu(Menu.buildFromTemplate(template));
  }

  function createWindow(): BrowserWindow {
    const stateFile = path.join(app.getPath('userData'), 'window-state.json');
    const state = loadWindowState(stateFile, workAreas());
    const created = new BrowserWindow({
      x: state.x,
      y: state.y,
      width: state.width,
      height: state.height,
      minWidth: MIN_WINDOW_SIZE.width,
      minHeight: MIN_WINDOW_SIZE.height,
      title: `${APP_NAME} ${appVersion}`,
      show: false,
      webPreferences: windowWebPreferences(path.join(packageRoot, 'dist', 'preload', 'electron', 'preload.js')),
    });
    created.once('ready-to-show', () => {
      if (state.maximized) created.maximize();
      created.show();
    });
    keepWindowState(created, stateFile);
    created.webContents.on('did-start-loading', () => {
      pageLoaded = false;
    });
    created.webContents.on('did-finish-load', () => {
      pageLoaded = true;
      for (const command of waitingCommands.splice(0)) created.webContents.send(DESKTOP_COMMAND_CHANNEL, command);
    });
    created.on('closed', () => {
      if (window === created) window = null;
    });
    window = created;
    void created.loadFile(indexHtml);
    return created;
  }

  // macOS hands over files (Finder's "Open With", the dock, Open Recent) with this event, possibly before `ready`.
  app.on('open-file', (event, file) => {
    event.preventDefault();
    void openFile(file, hasHarExtension(file));
  });

  app.on('second-instance', (_event, _argv, _workingDirectory, additionalData) => {
    if (window) {
      if (window.isMinimized()) window.restore();
      window.focus();
    }
    const parsed = launchArgumentsSchema.safeParse(additionalData);
    if (!parsed.success) return;
    void addRoutes(core, parsed.data.routes);
    openLaunchFiles(parsed.data.files);
  });

  app.on('web-contents-created', (_event, contents) => lockDown(contents));

  ipcMain.handle('toolscope:call', async (event, method: unknown, params: unknown) => {
    if (!isOurPage(event.senderFrame?.url)) throw new Error('refused: not the Toolscope window');
    if (typeof method !== 'string') throw new Error('method must be a string');
    const result = await handleBridgeCall(core, method, params);
    // However the UI came to open it (the Open dialog, the Sessions list, Open recent), it is now recent.
    if (method === 'openSession') {
      const opened = bridgeMethods.openSession.result.safeParse(result);
      if (opened.success) rememberSession(opened.data.path);
    }
    return result;
  });
  ipcMain.on('toolscope:subscribe', (event) => {
    if (!isOurPage(event.senderFrame?.url)) return;
    const contents = event.sender;
    subscriptions.get(contents.id)?.();
    const send = (reset: boolean, events: readonly LogEvent[], dropped = 0) => {
      if (!contents.isDestroyed()) contents.send('toolscope:batch', dropped > 0 ? { reset, events, dropped } : { reset, events });
    };
    const unsubscribe = core.log.subscribe(
      (snapshot, { dropped }) => send(true, snapshot, dropped),
      (batch) => send(false, batch),
    );
    subscriptions.set(contents.id, unsubscribe);
    contents.once('destroyed', () => {
      subscriptions.get(contents.id)?.();
      subscriptions.delete(contents.id);
    });
  });
  ipcMain.on('toolscope:unsubscribe', (event) => {
    subscriptions.get(event.sender.id)?.();
    subscriptions.delete(event.sender.id);
  });

  await app.whenReady();
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } });
  });
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  // The UI saves exports (HAR) as downloads; without a save path Electron asks where, with these options.
  session.defaultSession.on('will-download', (_event, item) => {
    const name = item.getFilename();
    const isHar = path.extname(name).toLowerCase() === '.har';
    item.setSaveDialogOptions({
      title: isHar ? 'Export HAR' : 'Save',
      defaultPath: path.join(app.getPath('downloads'), name),
      filters: isHar ? HAR_FILTERS : [{ name: 'All files', extensions: ['*'] }],
    });
  });

  recentFile = path.join(app.getPath('userData'), 'recent-sessions.json');
  recentSessions = loadRecentSessions(recentFile);
  app.setAboutPanelOptions({
    applicationName: APP_NAME,
    applicationVersion: appVersion,
    copyright: 'Released under the MIT licence',
  });
  installMenu();

  await addRoutes(core, launch.routes);

  createWindow();
  openLaunchFiles(launch.files);
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
  app.on('window-all-closed', () => app.quit());
  let closing = false;
  app.on('will-quit', (event) => {
    if (closing) return;
    closing = true;
    event.preventDefault();
    void core.close().finally(() => app.exit(0));
  });
}

/** Bridge calls made by main itself, with their answers parsed like any other caller's. */
async function callCore<M extends BridgeMethod>(core: ToolscopeCore, method: M, params: BridgeParams<M>): Promise<BridgeResult<M>> {
  const raw = await handleBridgeCall(core, method, params);
  return bridgeMethods[method].result.parse(raw) as BridgeResult<M>;
}

async function addRoutes(core: ToolscopeCore, flags: readonly string[]): Promise<void> {
  for (const flag of flags) {
    const parsed = parseRouteFlag(flag);
    if (!parsed.ok) {
      console.error(`toolscope: ${parsed.error}`);
      continue;
    }
    try {
      await core.addRoute(parsed.spec);
    } catch (error) {
      // Recorded as a route.error event too, so the window shows it.
      console.error(`toolscope: ${(error as Error).message}`);
    }
  }
}

/** Files made absolute here, because a second instance's working directory is not the first one's. */
function launchArguments(argv: readonly string[], cwd: string): LaunchArguments {
  const parsed = parseLaunchArguments(argv, process.defaultApp === true);
  return { routes: parsed.routes, files: parsed.files.map((file) => path.resolve(cwd, file)) };
}

function hasHarExtension(file: string): boolean {
  return path.extname(file).toLowerCase() === '.har';
}

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Each display's work area (without taskbar, dock and menu bar), the primary one first. */
function workAreas(): Rectangle[] {
  const primary = screen.getPrimaryDisplay();
  return [primary, ...screen.getAllDisplays().filter((display) => display.id !== primary.id)].map((display) => display.workArea);
}

/** Saves the window's normal bounds half a second after it stops moving, and when it closes. */
function keepWindowState(window: BrowserWindow, file: string): void {
  let written = '';
  let timer: NodeJS.Timeout | undefined;
  const save = () => {
    clearTimeout(timer);
    timer = undefined;
    if (window.isDestroyed()) return;
    const state = { ...window.getNormalBounds(), maximized: window.isMaximized() };
    const text = serialiseWindowState(state);
    if (text === written) return;
    try {
      saveWindowState(file, state);
      written = text;
    } catch (error) {
      console.error(`toolscope: cannot save the window position: ${(error as Error).message}`);
    }
  };
  const saveSoon = () => {
    clearTimeout(timer);
    timer = setTimeout(save, 500);
  };
  window.on('resize', saveSoon);
  window.on('move', saveSoon);
  window.on('maximize', saveSoon);
  window.on('unmaximize', saveSoon);
  window.on('close', save);
}

function lockDown(contents: WebContents): void {
  // Also the backstop for a file dropped before the UI's drop handler is listening: Chromium would navigate
  // to it (file:///…), which is not the index page.
  contents.on('will-navigate', (event, url) => {
    if (url !== indexUrl) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    // Links to documentation open in the user's browser, never inside the app.
    if (/^https:\/\//.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
}

function isOurPage(url: string | undefined): boolean {
  return url !== undefined && url.split('#')[0]!.split('?')[0] === indexUrl;
}
