/**
 * Mocks from the browser UI: a rule written in the Mocks dialog answers a call on a route whose backend is
 * down, the call shows as mocked, the hit is counted and the rule is saved into the config file; "Mock this"
 * on a captured call makes a rule that answers the next such call the way the backend did.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { callWebhook, startToolBackend, type ToolBackend } from './support/backends.js';
import { startServe, type ServeProcess } from './support/toolscope-serve.js';
import { openUi, screenshots, ui } from './support/ui.js';
import { watchCspViolations } from './support/csp-violations.js';

interface Setup {
  backend: ToolBackend;
  serve: ServeProcess;
  configFile: string;
  /** Route 1: to a port nothing listens on. Route 2: to the real tool backend. */
  deadRoute: string;
  liveRoute: string;
}

let setup: Setup | undefined;
let cspViolations: string[] = [];

test.beforeEach(async ({ page }) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'toolscope-mocks-'));
  const configFile = path.join(dir, 'toolscope.config.json');
  writeFileSync(configFile, JSON.stringify({ mocks: [] }, null, 2));
  const backend = await startToolBackend();
  const serve = await startServe([`http://127.0.0.1:${await deadPort()}`, backend.url], ['--config', configFile]);
  setup = { backend, serve, configFile, deadRoute: serve.routes[0]!, liveRoute: serve.routes[1]! };
  // The editor must work under the page's CSP (no eval, inline styles allowed): Chromium reports violations here.
  cspViolations = watchCspViolations(page);
});

test.afterEach(async () => {
  await setup?.serve.stop();
  await setup?.backend.close();
  setup = undefined;
  expect(cspViolations).toEqual([]);
});

function current(): Setup {
  if (!setup) throw new Error('the setup is only there inside a test');
  return setup;
}

/** A port that was free a moment ago: a route to it has no backend. */
async function deadPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Replaces the editor's whole text, as a user selecting all and pasting would. */
async function setEditorText(page: Page, text: string): Promise<void> {
  const editor = page.getByRole('dialog', { name: 'Mocks' }).getByRole('textbox', { name: 'Rule JSON' });
  await editor.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.insertText(text);
}

const SUNNY_RULE = {
  id: 'sunny',
  name: 'Sunny weather',
  enabled: true,
  match: { functionName: 'get_weather' },
  handler: { kind: 'json', status: 200, body: { temperature: '{{args.city}} is sunny' } },
};

test('a rule added in the Mocks dialog answers a call with no backend, counts its hit and is saved to the config file', async ({ page }) => {
  const { deadRoute, configFile } = current();
  await openUi(page, current().serve);
  const u = ui(page);

  await page.getByRole('button', { name: 'Mocks…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Mocks' });
  await expect(dialog).toContainText('No mock rules yet');
  await expect(dialog.getByRole('button', { name: 'Save to config file' })).toBeEnabled();

  await dialog.getByRole('group', { name: 'Add rule' }).getByRole('button', { name: 'JSON reply' }).click();
  const editorGroup = dialog.getByRole('group', { name: 'Rule editor' });
  await expect(editorGroup.getByRole('heading', { name: 'New rule: JSON reply' })).toBeVisible();
  await expect(editorGroup.getByRole('textbox', { name: 'Rule JSON' })).toContainText('"kind": "json"');

  // Mistakes are reported by the editor before anything reaches the core: a syntax error with its place …
  await setEditorText(page, '{\n  "id": "sunny",\n  "name": "Sunny weather"\n  "handler": {}\n}');
  await editorGroup.getByRole('button', { name: 'Apply' }).click();
  await expect(editorGroup.getByRole('alert')).toContainText(/JSON syntax error at line 4, column 3/);
  // … and a rule the schema refuses, with the field's path.
  await setEditorText(page, JSON.stringify({ ...SUNNY_RULE, handler: { ...SUNNY_RULE.handler, status: 99 } }, null, 2));
  await editorGroup.getByRole('button', { name: 'Apply' }).click();
  await expect(editorGroup.getByRole('alert')).toContainText('handler.status:');
  await setEditorText(page, JSON.stringify({ ...SUNNY_RULE, handler: { kind: 'jsn' } }, null, 2));
  await editorGroup.getByRole('button', { name: 'Apply' }).click();
  await expect(editorGroup.getByRole('alert')).toContainText('handler.kind: must be one of "json"');

  await setEditorText(page, JSON.stringify(SUNNY_RULE, null, 2));
  await screenshots(page, 'rule-editor');
  await editorGroup.getByRole('button', { name: 'Apply' }).click();
  await expect(editorGroup).toBeHidden();
  await expect(dialog.getByRole('status').filter({ hasText: 'Applied Sunny weather' })).toBeVisible();
  const row = dialog.getByRole('table', { name: 'Mock rules' }).getByRole('row', { name: /Sunny weather/ });
  await expect(row).toContainText('get_weather');
  await expect(row).toContainText('JSON 200');
  await expect(row.getByRole('cell', { name: '0 hits' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();

  // The route's backend is down; the rule answers instead, with the call's argument in its template.
  const answer = await callWebhook(deadRoute, '/weather', { name: 'get_weather', id: 'call_1', args: { city: 'Oslo' } });
  expect(answer.status).toBe(200);
  expect(JSON.parse(answer.text)).toEqual({ temperature: 'Oslo is sunny' });

  const call = u.calls.getByRole('option', { name: /get_weather/ });
  await expect(call).toHaveAccessibleName(/get_weather mocked/);
  await expect(call.getByTitle('Answered by mock rule Sunny weather')).toBeVisible();
  await call.click();
  await expect(u.details.getByRole('note')).toContainText('Answered by mock rule Sunny weather');
  await screenshots(page, 'mocked-call');

  // The hit is counted (the dialog reads it again every second while open).
  await page.getByRole('button', { name: 'Mocks…' }).click();
  await expect(row.getByRole('cell', { name: '1 hit' })).toBeVisible();
  await screenshots(page, 'mocks-dialog');

  await dialog.getByRole('button', { name: 'Save to config file' }).click();
  await expect(dialog.getByRole('status').filter({ hasText: 'Saved 1 rule to' })).toContainText(configFile);
  const saved = JSON.parse(readFileSync(configFile, 'utf8')) as { mocks: unknown[] };
  expect(saved.mocks).toHaveLength(1);
  expect(saved.mocks[0]).toMatchObject({ id: 'sunny', name: 'Sunny weather', match: { functionName: 'get_weather' }, handler: SUNNY_RULE.handler });

  // A broken edit of the file is refused with its place; the rules in use stay the last good ones.
  writeFileSync(configFile, '{ "mocks": [ { "id": "broken", "handler": { "kind": "jsn" } } ] }');
  await expect(dialog.getByRole('alert')).toContainText(/The config file's mocks were not applied: .*mocks\.0\.handler/);
  await expect(row).toBeVisible();

  // Turning the rule off sends the call to the backend again, which is down.
  await row.getByRole('checkbox', { name: 'Enable Sunny weather' }).uncheck();
  await expect(dialog.getByRole('status').filter({ hasText: 'Disabled Sunny weather' })).toBeVisible();
  const unanswered = await callWebhook(deadRoute, '/weather', { name: 'get_weather', id: 'call_2', args: { city: 'Oslo' } });
  expect(unanswered.status).toBeGreaterThanOrEqual(500);
});

test('"Mock this" on a captured call makes a rule that answers the next such call the way the backend did', async ({ page }) => {
  const { liveRoute, backend } = current();
  await openUi(page, current().serve);
  const u = ui(page);

  const real = await callWebhook(liveRoute, '/weather', { name: 'get_weather', id: 'call_1', args: { city: 'Paris' } });
  expect(real.status).toBe(200);
  const call = u.calls.getByRole('option', { name: /get_weather ok/ });
  await call.click();
  await u.details.getByRole('button', { name: 'Mock this' }).click();

  const dialog = page.getByRole('dialog', { name: 'Mocks' });
  const editorGroup = dialog.getByRole('group', { name: 'Rule editor' });
  await expect(editorGroup.getByRole('heading', { name: /^Edit rule get_weather/ })).toBeVisible();
  await expect(editorGroup.getByRole('textbox', { name: 'Rule JSON' })).toContainText('"functionName": "get_weather"');
  await screenshots(page, 'mock-this');
  const row = dialog.getByRole('table', { name: 'Mock rules' }).getByRole('row', { name: /get_weather/ });
  await expect(row.getByRole('checkbox')).toBeChecked();
  await page.keyboard.press('Escape');

  const requestsBefore = backend.paths.length;
  const mocked = await callWebhook(liveRoute, '/weather', { name: 'get_weather', id: 'call_2', args: { city: 'Paris' } });
  expect(mocked.status).toBe(real.status);
  expect(JSON.parse(mocked.text)).toEqual(JSON.parse(real.text));
  expect(backend.paths.length).toBe(requestsBefore);
  const mockedCall = u.calls.getByRole('option', { name: /get_weather mocked/ });
  await mockedCall.click();
  await expect(u.details.getByRole('note')).toContainText('Answered by mock rule get_weather');
  await expect(u.details.getByRole('button', { name: 'Mock this' })).toBeHidden();
});
