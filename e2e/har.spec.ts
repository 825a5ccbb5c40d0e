/**
 * HAR from the browser UI: export the live session (redacted by default, or not, or only what the filter
 * shows) as a download that validates as HAR 1.2, and import HAR files (our own export and a Chrome DevTools
 * export with WebSocket messages) back into sessions whose calls show in the timeline.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { har as validateHar } from 'har-validator';
import { closeSocket, nextMessage, openSocket } from './support/backends.js';
import { proxiedToolBackend } from './support/proxied-tool-backend.js';
import { repoRoot } from './support/toolscope-serve.js';
import { artifactsDir, openUi, screenshots, ui } from './support/ui.js';

const setup = proxiedToolBackend();
const SECRET_TOKEN = 'sk-live-e2e-secret-4242';
const SECRET_QUERY = 'query-secret-9191';

interface HarFile {
  log: { entries: { request: { url: string; headers: { name: string; value: string }[] }; _webSocketMessages?: unknown[] }[] };
}

async function exportHar(page: Page, saveAs: string): Promise<{ text: string; har: HarFile }> {
  const dialog = page.getByRole('dialog', { name: 'Export HAR' });
  const downloaded = page.waitForEvent('download');
  await dialog.getByRole('button', { name: 'Export HAR' }).click();
  const download = await downloaded;
  expect(download.suggestedFilename()).toMatch(/^toolscope-.*\.har$/);
  const file = path.join(artifactsDir, saveAs);
  await download.saveAs(file);
  const text = readFileSync(file, 'utf8');
  const har = JSON.parse(text) as HarFile;
  // har-validator rejects with the list of bad fields; a valid file resolves.
  await expect(validateHar(har as never)).resolves.toBeTruthy();
  return { text, har };
}

test('exports the live session as HAR, redacted unless told otherwise, and only the filtered calls on request', async ({ page }) => {
  const route = setup.serve.routes[0]!;
  await openUi(page, setup.serve);
  const u = ui(page);

  await fetch(`${route}/weather?api_key=${SECRET_QUERY}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${SECRET_TOKEN}` },
    body: JSON.stringify({ function_name: 'get_weather', tool_call_id: 'call_1', arguments: { city: 'Paris' } }),
  }).then((r) => r.text());
  await fetch(`${route}/stream`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ function_name: 'book_table', tool_call_id: 'call_2', arguments: { seats: 2 } }),
  }).then((r) => r.text());
  const socket = await openSocket(route, '/echo');
  const echoed = nextMessage(socket, (m) => m.type === 'hello');
  socket.send(JSON.stringify({ type: 'hello' }));
  await echoed;
  await closeSocket(socket);
  await expect(u.calls.getByRole('option')).toHaveCount(2);

  await page.getByRole('button', { name: 'Export HAR…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Export HAR' });
  await expect(dialog.getByRole('checkbox', { name: 'Redact secrets' })).toBeChecked();
  await expect(dialog.getByRole('radio', { name: /Only what the filter shows/ })).toBeDisabled();
  await screenshots(page, 'export-dialog');
  const redacted = await exportHar(page, 'export-redacted.har');
  expect(redacted.har.log.entries).toHaveLength(3);
  expect(redacted.har.log.entries.filter((e) => e._webSocketMessages)).toHaveLength(1);
  expect(redacted.text).not.toContain(SECRET_TOKEN);
  expect(redacted.text).not.toContain(SECRET_QUERY);
  expect(redacted.text).toContain('[redacted]');
  await expect(dialog.getByRole('status')).toContainText(/Saved toolscope-.*\.har: 3 entries, [1-9]\d* values? redacted/);

  await dialog.getByRole('checkbox', { name: 'Redact secrets' }).uncheck();
  await expect(dialog).toContainText('Tokens, cookies and API keys will be in the file as captured');
  const plain = await exportHar(page, 'export-plain.har');
  expect(plain.text).toContain(SECRET_TOKEN);
  expect(plain.text).toContain(SECRET_QUERY);
  await page.keyboard.press('Escape');

  // Only the calls the filter shows: the weather call's exchange alone.
  await u.filter.fill('get_weather');
  await expect(u.calls.getByRole('option')).toHaveCount(1);
  await page.getByRole('button', { name: 'Export HAR…' }).click();
  await dialog.getByRole('radio', { name: /Only what the filter shows/ }).check();
  const filtered = await exportHar(page, 'export-filtered.har');
  expect(filtered.har.log.entries.map((e) => new URL(e.request.url).pathname)).toEqual(['/weather']);
});

test('imports HAR files into sessions: our own export and a Chrome DevTools export with WebSocket messages', async ({ page }) => {
  const route = setup.serve.routes[0]!;
  await openUi(page, setup.serve);
  const u = ui(page);
  await fetch(`${route}/weather`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ function_name: 'get_weather', tool_call_id: 'call_1', arguments: { city: 'Paris' } }),
  }).then((r) => r.text());
  await expect(u.calls.getByRole('option')).toHaveCount(1);
  await page.getByRole('button', { name: 'Export HAR…' }).click();
  await exportHar(page, 'export-for-import.har');
  await page.keyboard.press('Escape');

  await page.getByRole('button', { name: 'Sessions…' }).click();
  await page.getByRole('dialog', { name: 'Sessions' }).getByLabel('Open file…').setInputFiles(path.join(artifactsDir, 'export-for-import.har'));
  const banner = page.getByRole('region', { name: 'Session file' });
  await expect(banner).toContainText(/Viewing .*imported-export-for-import.*\.ndjson \(read-only\)/);
  await expect(u.calls.getByRole('option', { name: /get_weather/ })).toBeVisible();

  await page.getByRole('button', { name: 'Sessions…' }).click();
  await page
    .getByRole('dialog', { name: 'Sessions' })
    .getByLabel('Open file…')
    .setInputFiles(path.join(repoRoot, 'test', 'fixtures', 'har', 'chrome-devtools-websocket.har'));
  await expect(banner).toContainText(/imported-chrome-devtools-websocket/);
  await expect(u.calls.getByRole('option', { name: /lookup_order/ })).toBeVisible();
  // Imported traffic has no Toolscope route; its calls are filtered by the server's origin instead.
  await expect(u.route.getByRole('option', { name: /^https?:\/\// }).first()).toBeAttached();
  await screenshots(page, 'har-imported');

  // Both imports are sessions now: listed with the recorded ones.
  await page.getByRole('button', { name: 'Sessions…' }).click();
  const table = page.getByRole('dialog', { name: 'Sessions' }).getByRole('table', { name: 'Recorded sessions' });
  await expect(table.getByRole('row').filter({ hasText: 'imported-' })).toHaveCount(2);
});
