/**
 * The desktop app in Electron: runs where the Electron binary is installed (it needs internet to download),
 * skips with the reason elsewhere.
 */
import http from 'node:http';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { _electron as electron, expect, test } from '@playwright/test';
import { findElectronBinary } from './support/electron-binary.js';
import { repoRoot } from './support/toolscope-serve.js';

const { binary, reason } = findElectronBinary();

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
    const home = mkdtempSync(path.join(os.tmpdir(), 'toolscope-desktop-'));
    const app = await electron.launch({
      executablePath: binary!,
      args: [repoRoot, '--route', `0=${upstream}`],
      env: { ...process.env, TOOLSCOPE_HOME: home },
    });
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
    } finally {
      await app.close();
      await new Promise<void>((resolve) => backend.close(() => resolve()));
    }
  });
});
