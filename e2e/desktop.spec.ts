/**
 * The desktop app in Electron: runs where the Electron binary is installed (it needs internet to download),
 * skips with the reason elsewhere.
 */
import http from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { _electron as electron, expect, test, type ElectronApplication } from '@playwright/test';
import { makeSessionHeader } from '../shared/session-format.js';
import { findElectronBinary } from './support/electron-binary.js';
import { repoRoot } from './support/toolscope-serve.js';

const { binary, reason } = findElectronBinary();

/** Starts the app from the repository (as `npm start` does) with its own TOOLSCOPE_HOME. */
async function launchDesktop(args: string[]): Promise<ElectronApplication> {
  const home = mkdtempSync(path.join(os.tmpdir(), 'toolscope-desktop-'));
  return electron.launch({
    executablePath: binary!,
    args: [repoRoot, ...args],
    env: { ...process.env, TOOLSCOPE_HOME: home },
  });
}

/** A session file with a header and no events, as an empty recording leaves it. */
function emptySessionFile(name: string): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'toolscope-desktop-session-')), name);
  writeFileSync(file, `${JSON.stringify(makeSessionHeader('0.0.0-test', Date.UTC(2025, 0, 2, 3, 4, 5)))}\n`);
  return file;
}

test.describe('desktop app', () => {
  test.skip(!binary, `skipped: ${reason}`);
  test.skip(process.platform === 'linux' && !process.env.DISPLAY, 'skipped: no display for Electron (run under xvfb-run)');

  test('opens a locked-down window that shows live traffic', async () => {
    const backend = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"temperature": 21}');
    });
    await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
    const upstream = `http://127.0.0.1:${(backend.address() as AddressInfo).port}`;
    const app = await launchDesktop(['--route', `0=${upstream}`]);
    try {
      const window = await app.firstWindow();
      // No Node in the page (nodeIntegration off, sandbox on): only the bridge the preload exposed.
      const globals = await window.evaluate(() => ({
        require: typeof (globalThis as { require?: unknown }).require,
        process: typeof (globalThis as { process?: unknown }).process,
        bridge: typeof (globalThis as { toolscope?: unknown }).toolscope,
      }));
      expect(globals).toEqual({ require: 'undefined', process: 'undefined', bridge: 'object' });
      await expect(window.getByRole('list', { name: 'Routes' }).getByRole('listitem', { name: /, up$/ })).toBeVisible();
      await window.screenshot({ path: path.join(repoRoot, 'e2e', 'artifacts', 'desktop.png') });

      // What a file dropped outside the UI's drop handler would do: navigate to a file:// URL. It must not.
      const indexUrl = window.url();
      await window.evaluate(() => {
        (globalThis as unknown as { location: { href: string } }).location.href = 'file:///etc/hostname';
      });
      await window.waitForTimeout(500);
      expect(window.url()).toBe(indexUrl);
    } finally {
      await app.close();
      await new Promise<void>((resolve) => backend.close(() => resolve()));
    }
  });

  test('has an application menu with the File items and their shortcuts', async () => {
    const app = await launchDesktop([]);
    try {
      await app.firstWindow();
      const fileItems = await app.evaluate(({ Menu }) => {
        const file = Menu.getApplicationMenu()?.items.find((item) => item.label === 'File');
        return (file?.submenu?.items ?? []).map((item) => ({ label: item.label, accelerator: item.accelerator ?? null }));
      });
      expect(fileItems).toEqual(
        expect.arrayContaining([
          { label: 'New session', accelerator: 'CmdOrCtrl+N' },
          { label: 'Open session…', accelerator: 'CmdOrCtrl+O' },
          { label: 'Open recent', accelerator: null },
          { label: 'Sessions…', accelerator: null },
          { label: 'Save session as…', accelerator: 'CmdOrCtrl+Shift+S' },
          { label: 'Export HAR…', accelerator: 'CmdOrCtrl+E' },
          { label: 'Import HAR…', accelerator: 'CmdOrCtrl+I' },
        ]),
      );
      // Started from the repository, not installed: development, so the developer tools are in View.
      const hasDevTools = await app.evaluate(({ Menu }) => Boolean(Menu.getApplicationMenu()?.getMenuItemById('toggle-devtools')));
      expect(hasDevTools).toBe(true);
    } finally {
      await app.close();
    }
  });

  test('opens a session named on the command line, and one sent by the open-session command', async () => {
    const first = emptySessionFile('from-command-line.ndjson');
    const second = emptySessionFile('from-menu.ndjson');
    const app = await launchDesktop([first]);
    try {
      const window = await app.firstWindow();
      const banner = window.getByRole('region', { name: 'Session file' });
      await expect(banner).toContainText('from-command-line.ndjson');
      await expect(banner).toContainText('(read-only)');

      // What File › Open session… sends after the native dialog.
      await app.evaluate(({ BrowserWindow }, file) => {
        BrowserWindow.getAllWindows()[0]?.webContents.send('toolscope:command', { type: 'open-session', path: file });
      }, second);
      await expect(banner).toContainText('from-menu.ndjson');
    } finally {
      await app.close();
    }
  });
});
