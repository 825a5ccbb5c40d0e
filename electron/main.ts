/**
 * The desktop shell: one window on the built renderer, the bridge over IPC, the same core as `toolscope serve`.
 * The window is locked down (context isolation, sandbox, no Node, strict CSP, no navigation or new windows)
 * because it displays bytes from the network, which must never become code.
 */
import path from 'node:path';
import { app, BrowserWindow, ipcMain, session, shell, type WebContents } from 'electron';
import type { LogEvent } from '../shared/events.js';
import { parseRouteFlag } from '../shared/route-flag.js';
import { appVersion, defaultSessionFile, packageRoot, rendererDir } from './app-paths.js';
import { handleBridgeCall } from './core/bridge-handler.js';
import { ToolscopeCore } from './core/toolscope-core.js';

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const indexHtml = path.join(rendererDir, 'index.html');
const indexUrl = new URL(`file://${indexHtml}`).href;

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  void main();
}

async function main(): Promise<void> {
  const core = new ToolscopeCore({ appVersion, sessionFile: defaultSessionFile() });
  const subscriptions = new Map<number, () => void>();

  app.on('second-instance', () => {
    const [window] = BrowserWindow.getAllWindows();
    if (window) {
      if (window.isMinimized()) window.restore();
      window.focus();
    }
  });

  app.on('web-contents-created', (_event, contents) => lockDown(contents));

  ipcMain.handle('toolscope:call', (event, method: unknown, params: unknown) => {
    if (!isOurPage(event.senderFrame?.url)) throw new Error('refused: not the Toolscope window');
    if (typeof method !== 'string') throw new Error('method must be a string');
    return handleBridgeCall(core, method, params);
  });
  ipcMain.on('toolscope:subscribe', (event) => {
    if (!isOurPage(event.senderFrame?.url)) return;
    const contents = event.sender;
    subscriptions.get(contents.id)?.();
    const send = (reset: boolean, events: readonly LogEvent[]) => {
      if (!contents.isDestroyed()) contents.send('toolscope:batch', { reset, events });
    };
    const unsubscribe = core.log.subscribe(
      (snapshot) => send(true, snapshot),
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

  for (const flag of routeFlags(process.argv)) {
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

  createWindow();
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

function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    title: `Toolscope ${appVersion}`,
    show: false,
    webPreferences: {
      preload: path.join(packageRoot, 'dist', 'preload', 'electron', 'preload.js'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  window.once('ready-to-show', () => window.show());
  void window.loadFile(indexHtml);
  return window;
}

function lockDown(contents: WebContents): void {
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

function routeFlags(argv: readonly string[]): string[] {
  const flags: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--route' && argv[i + 1]) flags.push(argv[++i]!);
    else if (arg.startsWith('--route=')) flags.push(arg.slice('--route='.length));
  }
  return flags;
}
