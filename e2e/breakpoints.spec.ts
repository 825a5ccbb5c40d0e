/**
 * Breakpoints from the browser UI: a rule added in the Breakpoints dialog holds a webhook call before it
 * reaches the backend; the call shows as held (the bar under the header, "paused" in the timeline) while an
 * unrelated call goes through; an edit that breaks JSON is refused with its place and releases nothing; the
 * edited body released from the held item's editor is what the backend gets, and the bot's fetch resolves.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import { callWebhook, startToolBackend, type ToolBackend } from './support/backends.js';
import { startServe, type ServeProcess } from './support/toolscope-serve.js';
import { openUi, screenshots, ui } from './support/ui.js';
import { watchCspViolations } from './support/csp-violations.js';

let backend: ToolBackend;
let serve: ServeProcess;
let cspViolations: string[] = [];

test.beforeEach(async ({ page }) => {
  backend = await startToolBackend();
  serve = await startServe([backend.url]);
  cspViolations = watchCspViolations(page);
});

test.afterEach(async () => {
  await serve?.stop();
  await backend?.close();
  expect(cspViolations).toEqual([]);
});

/** Replaces the whole text of a CodeMirror editor, as a user selecting all and pasting would. */
async function setEditorText(page: Page, editor: Locator, text: string): Promise<void> {
  await editor.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.insertText(text);
}

test('a held webhook call is edited in the UI and released; the backend gets the edited body', async ({ page }) => {
  await page.setViewportSize({ width: 1360, height: 1000 });
  const u = ui(page);
  const route = serve.routes[0]!;
  await openUi(page, serve);

  // A breakpoint on get_weather, added with the dialog's form.
  await page.getByRole('button', { name: 'Breakpoints…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Breakpoints' });
  await expect(dialog).toContainText('No breakpoints yet');
  const form = dialog.getByRole('form', { name: 'Add breakpoint' });
  await form.getByRole('textbox', { name: 'Function name' }).fill('get_weather');
  await expect(form.getByRole('combobox', { name: 'Holds' })).toHaveValue('request');
  await form.getByRole('textbox', { name: 'Timeout (s)' }).fill('0');
  await form.getByRole('button', { name: 'Add breakpoint' }).click();
  await expect(form.getByRole('alert')).toContainText('Timeout: a number of seconds');
  await form.getByRole('textbox', { name: 'Timeout (s)' }).fill('60');
  await form.getByRole('button', { name: 'Add breakpoint' }).click();
  const row = dialog.getByRole('table', { name: 'Breakpoint rules' }).getByRole('row', { name: /get_weather/ });
  await expect(row).toContainText('request, before the upstream');
  await expect(row).toContainText('60 s');
  await expect(row.getByRole('checkbox', { name: /^Enable / })).toBeChecked();
  await expect(dialog.getByRole('status').filter({ hasText: 'it holds matching items from now on' })).toBeVisible();
  await screenshots(page, 'breakpoints-dialog');
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();

  // The bot's call is held: its fetch stays pending.
  let settled = false;
  const held = callWebhook(route, '/weather', { name: 'get_weather', id: 'call_1', args: { city: 'Oslo' } }).finally(() => (settled = true));
  const bar = page.getByRole('region', { name: 'Held by breakpoints' });
  const item = bar.getByRole('button', { name: /^Held: get_weather request, releases in \d+ s$/ });
  await expect(item).toBeVisible();
  await expect(page.getByRole('button', { name: 'Breakpoints…, 1 held' })).toBeVisible();
  await expect(u.calls.getByRole('option', { name: /^Call get_weather pending.*, paused at a breakpoint$/ })).toBeVisible();
  await expect(u.calls.getByRole('option', { name: /^Call get_weather pending/ }).getByText('paused')).toBeVisible();

  // An unrelated call goes through meanwhile.
  const other = await callWebhook(route, '/time', { name: 'get_time', id: 'call_2', args: { zone: 'CET' } });
  expect(other.status).toBe(200);
  await expect(u.calls.getByRole('option', { name: /^Call get_time ok/ })).toBeVisible();
  expect(settled).toBe(false);
  expect(backend.paths).toEqual(['/time']);

  // The held item's editor: the request as the bot sent it.
  await item.click();
  const editor = bar.getByRole('group', { name: 'Held item editor: get_weather request' });
  await expect(editor.getByRole('textbox', { name: 'Method' })).toHaveValue('POST');
  await expect(editor.getByRole('textbox', { name: 'URL' })).toHaveValue('/weather');
  await expect(editor.getByRole('textbox', { name: 'Headers' })).toHaveValue(/content-type: application\/json/);
  const body = editor.getByRole('textbox', { name: 'Request body' });
  await expect(body).toContainText('"city": "Oslo"');
  await expect(editor).toContainText(/Goes on as it is in \d+ s unless you act/);

  // Broken JSON is refused with its place, and nothing is released.
  await setEditorText(page, body, '{\n  "function_name": "get_weather",\n  "tool_call_id": "call_1",\n  "arguments": {"city": "Bergen",}\n}');
  await editor.getByRole('button', { name: 'Release edited' }).click();
  await expect(editor.getByRole('alert')).toContainText(/Request body: JSON syntax error at line 4, column \d+/);
  await page.waitForTimeout(300);
  expect(settled).toBe(false);
  expect(backend.paths).toEqual(['/time']);
  await expect(item).toBeVisible();
  await screenshots(page, 'breakpoint-held-invalid');

  // Fixed and released edited: the backend gets the edited body (it echoes the arguments it received).
  await setEditorText(page, body, JSON.stringify({ function_name: 'get_weather', tool_call_id: 'call_1', arguments: { city: 'Bergen' } }, null, 2));
  await screenshots(page, 'breakpoint-held-editor');
  await editor.getByRole('button', { name: 'Release edited' }).click();
  const answer = await held;
  expect(answer.status).toBe(200);
  expect(JSON.parse(answer.text)).toMatchObject({ received: { city: 'Bergen' } });
  expect(backend.paths).toEqual(['/time', '/weather']);

  await expect(bar.getByRole('status')).toContainText('Released edited: get_weather request.');
  await expect(item).toBeHidden();
  await expect(page.getByRole('button', { name: 'Breakpoints…', exact: true })).toBeVisible();
  const done = u.calls.getByRole('option', { name: /^Call get_weather ok/ });
  await expect(done).toBeVisible();
  await expect(done).not.toHaveAccessibleName(/paused/);
  await done.click();
  await u.tabs.getByRole('tab', { name: 'Call' }).click();
  const holds = u.details.getByRole('group', { name: 'Breakpoint holds' });
  await expect(holds).toContainText(/Released edited by the user after \d+(\.\d)? s\./);
  await holds.getByText('What went to the upstream instead').click();
  await expect(holds).toContainText('"city": "Bergen"');
  await screenshots(page, 'breakpoint-released');
});

test('"Pause calls of" on a captured call adds a breakpoint; Answer replies in place of the backend, Drop never reaches it', async ({ page }) => {
  const u = ui(page);
  const route = serve.routes[0]!;
  await openUi(page, serve);
  expect((await callWebhook(route, '/weather', { name: 'get_weather', id: 'call_0', args: { city: 'Rome' } })).status).toBe(200);
  await u.calls.getByRole('option', { name: /^Call get_weather ok/ }).click();
  await u.tabs.getByRole('tab', { name: 'Call' }).click();
  await u.details.getByRole('button', { name: 'Pause calls of get_weather' }).click();
  const dialog = page.getByRole('dialog', { name: 'Breakpoints' });
  await expect(dialog.getByRole('status')).toContainText('the next get_weather request is held before it reaches the upstream');
  await expect(dialog.getByRole('table', { name: 'Breakpoint rules' }).getByRole('row', { name: /Pause get_weather/ })).toContainText('request, before the upstream');
  await page.keyboard.press('Escape');

  // Answer: the bot gets the user's answer; the backend never sees the request.
  const answered = callWebhook(route, '/weather', { name: 'get_weather', id: 'call_1', args: { city: 'Oslo' } });
  const bar = page.getByRole('region', { name: 'Held by breakpoints' });
  await bar.getByRole('button', { name: /^Held: get_weather request/ }).click();
  const editor = bar.getByRole('group', { name: 'Held item editor: get_weather request' });
  await editor.getByRole('button', { name: 'Answer…' }).click();
  await setEditorText(page, editor.getByRole('textbox', { name: 'Answer body' }), '{"temperature": 30, "from": "the UI"}');
  await editor.getByRole('button', { name: 'Send answer' }).click();
  const answer = await answered;
  expect(answer.status).toBe(200);
  expect(JSON.parse(answer.text)).toEqual({ temperature: 30, from: 'the UI' });
  expect(backend.paths).toEqual(['/weather']);

  // Drop: the request never reaches the backend.
  const dropped = callWebhook(route, '/weather', { name: 'get_weather', id: 'call_2', args: { city: 'Oslo' } }).then(
    (r) => r.status,
    () => 'failed',
  );
  await bar.getByRole('button', { name: /^Held: get_weather request/ }).click();
  await bar.getByRole('button', { name: 'Drop' }).click();
  await expect(bar.getByRole('status')).toContainText('Dropped: get_weather request.');
  await dropped;
  expect(backend.paths).toEqual(['/weather']);

  // The Call tab of the answered call says how its hold ended.
  await u.calls.getByRole('option', { name: /^Call get_weather/ }).nth(1).click();
  await u.tabs.getByRole('tab', { name: 'Call' }).click();
  await expect(u.details.getByRole('group', { name: 'Breakpoint holds' })).toContainText('Answered by the user');
});
