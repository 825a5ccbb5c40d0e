/**
 * Sessions in the browser UI: the list of recorded sessions with their counts, New session, opening an old
 * session read-only (streamed, with its banner), opening a file from this computer and by dropping it, and
 * a refused file with its reason.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { proxiedToolBackend } from './support/proxied-tool-backend.js';
import { artifactsDir, openUi, screenshots, ui } from './support/ui.js';

const setup = proxiedToolBackend();

async function callTool(route: string, name: string, callId: string): Promise<void> {
  const response = await fetch(`${route}/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ function_name: name, tool_call_id: callId, arguments: { city: 'Oslo' } }),
  });
  await response.text();
}

function sessionsDialog(page: Page) {
  return page.getByRole('dialog', { name: 'Sessions' });
}

test('lists sessions, starts a new one, and opens the old one read-only', async ({ page }) => {
  const route = setup.serve.routes[0]!;
  await openUi(page, setup.serve);
  const u = ui(page);
  await callTool(route, 'get_weather', 'call_1');
  await callTool(route, 'book_table', 'call_2');
  await expect(u.calls.getByRole('option')).toHaveCount(2);

  await page.getByRole('button', { name: 'Sessions…' }).click();
  const dialog = sessionsDialog(page);
  const table = dialog.getByRole('table', { name: 'Recorded sessions' });
  const liveRow = table.getByRole('row').filter({ hasText: 'recording now' });
  await expect(liveRow).toContainText('session.ndjson');
  // Columns: started, file, size, events, calls.
  await expect(liveRow.getByRole('cell').nth(4)).toHaveText('2');

  // "Save as" in the browser: the live session file as a download, byte for byte what the core wrote so far.
  const downloaded = page.waitForEvent('download');
  await liveRow.getByRole('button', { name: 'Download session.ndjson' }).click();
  const download = await downloaded;
  expect(download.suggestedFilename()).toBe('session.ndjson');
  const saved = path.join(artifactsDir, 'sessions-downloaded.ndjson');
  await download.saveAs(saved);
  const copy = readFileSync(saved);
  expect(copy.equals(readFileSync(setup.serve.sessionFile).subarray(0, copy.length))).toBe(true);
  expect(copy.toString()).toContain('"tool_call_id\\":\\"call_2\\"');

  await dialog.getByRole('button', { name: 'New session' }).click();
  await expect(dialog).toBeHidden();
  await expect(u.calls.getByRole('option')).toHaveCount(0);
  await callTool(route, 'after_new', 'call_3');
  await expect(u.calls.getByRole('option')).toHaveCount(1);
  await expect(u.calls.getByRole('option').first()).toContainText('after_new');

  await page.getByRole('button', { name: 'Sessions…' }).click();
  const oldRow = table.getByRole('row').filter({ hasText: 'session.ndjson' }).filter({ hasNotText: 'recording now' });
  await expect(oldRow.getByRole('cell').nth(4)).toHaveText('2');
  await expect(table.getByRole('row').filter({ hasText: 'recording now' }).getByRole('cell').nth(4)).toHaveText('1');
  await screenshots(page, 'sessions-dialog');
  await oldRow.getByRole('button', { name: /^Open / }).click();
  await expect(dialog).toBeHidden();

  const banner = page.getByRole('region', { name: 'Session file' });
  await expect(banner).toContainText('(read-only)');
  await expect(banner).toContainText('2 calls');
  await expect(banner.getByRole('progressbar', { name: 'Opening session' })).toHaveCount(0);
  await expect(u.calls.getByRole('option')).toHaveCount(2);
  await expect(u.calls.getByRole('option', { name: /get_weather/ })).toBeVisible();
  await screenshots(page, 'session-opened');

  await banner.getByRole('button', { name: 'Back to live' }).click();
  await expect(banner).toBeHidden();
  await expect(u.calls.getByRole('option')).toHaveCount(1);
});

test('opens a session file from this computer, by the file picker and by dropping it', async ({ page }) => {
  const route = setup.serve.routes[0]!;
  await openUi(page, setup.serve);
  await callTool(route, 'get_weather', 'call_1');
  const u = ui(page);
  await expect(u.calls.getByRole('option')).toHaveCount(1);
  // The file as another machine would hand it over: a copy, not a path the core knows.
  const copy = path.join(artifactsDir, 'sessions-copy.ndjson');
  await expect.poll(() => readFileSync(setup.serve.sessionFile, 'utf8')).toContain('http.response.body');
  writeFileSync(copy, readFileSync(setup.serve.sessionFile));

  await page.getByRole('button', { name: 'Sessions…' }).click();
  await sessionsDialog(page).getByLabel('Open file…').setInputFiles(copy);
  const banner = page.getByRole('region', { name: 'Session file' });
  await expect(banner).toContainText('Viewing sessions-copy.ndjson (read-only)');
  await expect(banner).toContainText('1 call');
  await banner.getByRole('button', { name: 'Back to live' }).click();

  // Drag and drop: a real DataTransfer with the file, dispatched as the browser does for a drop.
  const text = readFileSync(copy, 'utf8');
  const transfer = await page.evaluateHandle((content) => {
    // The e2e tsconfig has no DOM library: the page's classes are reached through globalThis.
    const page = globalThis as unknown as {
      DataTransfer: new () => { items: { add(file: unknown): void } };
      File: new (parts: string[], name: string, options: { type: string }) => unknown;
    };
    const data = new page.DataTransfer();
    data.items.add(new page.File([content], 'dropped.ndjson', { type: 'application/x-ndjson' }));
    return data;
  }, text);
  await page.dispatchEvent('.app', 'dragenter', { dataTransfer: transfer });
  await expect(page.getByText('Drop a session file (.ndjson) or a HAR to open it')).toBeVisible();
  await page.dispatchEvent('.app', 'drop', { dataTransfer: transfer });
  await expect(banner).toContainText('Viewing dropped.ndjson (read-only)');
  await expect(u.calls.getByRole('option', { name: /get_weather/ })).toBeVisible();
});

test('refuses a file of a newer format with the reason, and keeps the live view', async ({ page }) => {
  await openUi(page, setup.serve);
  const newer = path.join(artifactsDir, 'sessions-newer.ndjson');
  writeFileSync(newer, `${JSON.stringify({ format: 'toolscope-session', version: 99, appVersion: '9.0.0', startedAt: '2030-01-01T00:00:00Z', startTime: 1 })}\n`);
  await page.getByRole('button', { name: 'Sessions…' }).click();
  await sessionsDialog(page).getByLabel('Open file…').setInputFiles(newer);
  await expect(sessionsDialog(page).getByRole('alert')).toContainText('session format version 99 is newer than this Toolscope reads');
  await page.keyboard.press('Escape');
  await expect(sessionsDialog(page)).toBeHidden();
  await expect(page.getByRole('region', { name: 'Session file' }).getByRole('alert')).toContainText('version 99 is newer');
});
