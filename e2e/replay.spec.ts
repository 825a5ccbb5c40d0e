/**
 * Replay and Edit and resend from the browser UI: a captured Daily webhook call is sent again and the answers
 * are compared (the backend's temperature moved from 21 to 23, and that is the one difference shown); the
 * request is edited (arguments) and sent, which the backend receives; invalid JSON is refused with its line
 * and column and nothing is sent; several calls are replayed with progress and results, and an upstream that
 * is down gives error rows, not a hang.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { expect, test, type Page } from '@playwright/test';
import { callWebhook } from './support/backends.js';
import { startServe, type ServeProcess } from './support/toolscope-serve.js';
import { openUi, screenshots, ui } from './support/ui.js';
import { watchCspViolations } from './support/csp-violations.js';

interface WeatherBackend {
  url: string;
  /** Bodies of the requests it received, parsed, in order. */
  received: { path: string; body: { function_name?: string; tool_call_id?: string; arguments?: unknown } }[];
  close(): Promise<void>;
}

/**
 * A Daily-style tool backend whose answer changes after the first call: temperature 21, then 23. `POST /stream`
 * answers as a streaming Daily webhook (SSE) with the same change in its function_result action.
 */
async function startWeatherBackend(): Promise<WeatherBackend> {
  const received: WeatherBackend['received'] = [];
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      let body: WeatherBackend['received'][number]['body'] = {};
      try {
        body = JSON.parse(text || '{}') as typeof body;
      } catch {
        // recorded as empty
      }
      received.push({ path: req.url ?? '', body });
      const args = (body.arguments ?? {}) as { city?: string };
      const temperature = received.length === 1 ? 21 : 23;
      if (req.url === '/stream') {
        // Daily streaming: the result as an action, a config update, then close.
        const result = { service: 'llm', action: 'function_result', arguments: [{ name: 'function_name', value: body.function_name }, { name: 'tool_call_id', value: body.tool_call_id }, { name: 'arguments', value: args }, { name: 'result', value: { temperature } }] };
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(`event: action\ndata: ${JSON.stringify(result)}\n\n`);
        res.write(`event: update-config\ndata: ${JSON.stringify({ config: [{ service: 'tts', options: [{ name: 'voice', value: 'en-gb' }] }] })}\n\n`);
        res.end('event: close\ndata: {}\n\n');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ city: args.city ?? null, temperature, unit: 'C' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port that was free a moment ago: nothing answers there. */
async function deadPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

interface Setup {
  backend: WeatherBackend;
  serve: ServeProcess;
  liveRoute: string;
  deadRoute: string;
  deadUrl: string;
}

let setup: Setup | undefined;
let cspViolations: string[] = [];

test.beforeEach(async ({ page }) => {
  const backend = await startWeatherBackend();
  const deadUrl = `http://127.0.0.1:${await deadPort()}`;
  const serve = await startServe([backend.url, deadUrl]);
  setup = { backend, serve, liveRoute: serve.routes[0]!, deadRoute: serve.routes[1]!, deadUrl };
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

/** Replaces a CodeMirror editor's whole text, as a user selecting all and pasting would. */
async function setEditorText(page: Page, name: string, text: string): Promise<void> {
  const editor = page.getByRole('dialog', { name: 'Edit and resend' }).getByRole('textbox', { name });
  await editor.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.insertText(text);
}

test('Replay sends the captured call again and shows exactly the field that changed, side by side', async ({ page }) => {
  const { liveRoute, backend } = current();
  await openUi(page, current().serve);
  const u = ui(page);

  const answer = await callWebhook(liveRoute, '/weather', { name: 'get_weather', id: 'call_1', args: { city: 'Paris' } });
  expect(JSON.parse(answer.text)).toEqual({ city: 'Paris', temperature: 21, unit: 'C' });
  await u.calls.getByRole('option', { name: /get_weather ok/ }).click();
  await u.details.getByRole('button', { name: 'Replay', exact: true }).click();

  const dialog = page.getByRole('dialog', { name: 'Replay' });
  await expect(dialog.getByRole('status', { name: 'Replay result' })).toHaveText(/1 difference from the captured answer/);
  const differences = dialog.getByRole('list', { name: 'Differences' }).getByRole('listitem');
  await expect(differences).toHaveCount(1);
  await expect(differences).toHaveText('~ temperature: 21 → 23');
  // Side by side: the captured and the replayed body, the changed field marked on both sides, nothing else.
  const captured = dialog.getByRole('region', { name: 'Captured answer' });
  const replayed = dialog.getByRole('region', { name: 'Replayed answer' });
  await expect(captured.locator('.diff-line.diff-changed')).toHaveCount(1);
  await expect(captured.locator('.diff-line.diff-changed')).toContainText('"temperature": 21');
  await expect(replayed.locator('.diff-line.diff-changed')).toHaveCount(1);
  await expect(replayed.locator('.diff-line.diff-changed')).toContainText('"temperature": 23');
  await expect(replayed).toContainText('"city": "Paris"');
  await screenshots(page, 'replay-diff');

  // The backend got the captured request again, byte for byte the same body.
  expect(backend.received).toHaveLength(2);
  expect(backend.received[1]).toEqual(backend.received[0]);

  // The replay is a new call in the timeline, marked as a replay of the original exchange.
  await dialog.getByRole('button', { name: 'Show the new call' }).click();
  await expect(dialog).toBeHidden();
  const replayRow = u.calls.getByRole('option', { name: /get_weather ok .*replay of x1/ });
  await expect(replayRow).toBeVisible();
  await expect(replayRow).toContainText('↻ replay of x1');
  await expect(replayRow).toHaveAttribute('aria-selected', 'true');
  const note = u.details.getByRole('note', { name: 'Replays' });
  await expect(note).toContainText('Replay of get_weather x1');
  await screenshots(page, 'replay-call-tab');
  // Its link selects the original, which lists its replay.
  await note.getByRole('button', { name: 'get_weather x1' }).click();
  await expect(u.details.getByRole('note', { name: 'Replays' })).toContainText('Replayed once');
  await expect(u.calls.getByRole('option', { name: /get_weather ok/ }).first()).toHaveAttribute('aria-selected', 'true');
  // The "replayed" status chip keeps the calls Toolscope sent again.
  await u.statusChip('replayed').click();
  await expect(u.calls.getByRole('option')).toHaveCount(1);
  await expect(u.calls.getByRole('option')).toContainText('↻ replay of x1');
});

test('Edit and resend sends the edited arguments in the body, and refuses invalid JSON with its line and column', async ({ page }) => {
  const { liveRoute, backend } = current();
  await openUi(page, current().serve);
  const u = ui(page);

  await callWebhook(liveRoute, '/weather', { name: 'get_weather', id: 'call_1', args: { city: 'Paris' } });
  await u.calls.getByRole('option', { name: /get_weather ok/ }).click();
  await u.details.getByRole('button', { name: 'Edit and resend…' }).click();

  const dialog = page.getByRole('dialog', { name: 'Edit and resend' });
  await expect(dialog.getByRole('radio', { name: 'Arguments' })).toHaveAttribute('aria-checked', 'true');
  await expect(dialog.getByRole('textbox', { name: 'Arguments' })).toContainText('"city": "Paris"');
  await expect(dialog.getByRole('textbox', { name: 'URL' })).toHaveValue(`${backend.url}/weather`);

  // Invalid JSON in the arguments: refused with its place, the cursor there, nothing sent.
  await setEditorText(page, 'Arguments', '{\n  "city": "Oslo",\n}');
  await dialog.getByRole('button', { name: 'Send' }).click();
  await expect(dialog.getByRole('alert')).toContainText(/Arguments: JSON syntax error at line 3, column 1.*Nothing was sent/);
  await expect(dialog.getByRole('textbox', { name: 'Arguments' })).toBeFocused();
  await screenshots(page, 'resend-invalid-json');
  expect(backend.received).toHaveLength(1);

  // The whole body is checked too: a JSON body that does not parse is never sent.
  await setEditorText(page, 'Arguments', '{\n  "city": "Oslo"\n}');
  await dialog.getByRole('radio', { name: 'Whole body' }).click();
  const body = dialog.getByRole('textbox', { name: 'Request body' });
  await expect(body).toContainText('"city":"Oslo"');
  await setEditorText(page, 'Request body', '{"function_name": "get_weather" "arguments": {}}');
  await dialog.getByRole('button', { name: 'Send' }).click();
  await expect(dialog.getByRole('alert')).toContainText(/Request body: JSON syntax error at line 1, column 33/);
  expect(backend.received).toHaveLength(1);

  // Back to the arguments editor: the body's arguments are read again.
  await setEditorText(page, 'Request body', JSON.stringify({ function_name: 'get_weather', tool_call_id: 'call_1', arguments: { city: 'Paris' } }));
  await dialog.getByRole('radio', { name: 'Arguments' }).click();
  await setEditorText(page, 'Arguments', '{\n  "city": "Oslo",\n  "unit": "F"\n}');
  await screenshots(page, 'resend-editor');
  await dialog.getByRole('button', { name: 'Send' }).click();

  const result = page.getByRole('dialog', { name: 'Edit and resend: result' });
  await expect(result.getByRole('status', { name: 'Replay result' })).toHaveText(/differences? from the captured answer/);
  await expect(result.getByRole('list', { name: 'Request changes' }).getByRole('listitem')).toHaveText(['~ arguments.city: "Paris" → "Oslo"', '+ arguments.unit: "F"']);
  await expect(result.getByRole('list', { name: 'Differences' })).toContainText('~ city: "Paris" → "Oslo"');
  await screenshots(page, 'resend-result');
  // The backend received the edited arguments; the rest of the body is the captured one.
  expect(backend.received).toHaveLength(2);
  expect(backend.received[1]!.body).toEqual({ function_name: 'get_weather', tool_call_id: 'call_1', arguments: { city: 'Oslo', unit: 'F' } });

  await result.getByRole('button', { name: 'Show the new call' }).click();
  const resent = u.calls.getByRole('option', { name: /edited resend of x1/ });
  await expect(resent).toBeVisible();
  await expect(resent).toContainText('↻ edited, replay of x1');
  await expect(u.details.getByRole('note', { name: 'Replays' })).toContainText('Edited resend of get_weather x1');
});

test('Replay calls… replays all calls of a function with progress and results; a dead upstream gives error rows', async ({ page }) => {
  const { liveRoute, deadRoute, backend, deadUrl } = current();
  await openUi(page, current().serve);
  const u = ui(page);

  for (const city of ['Paris', 'Oslo', 'Rome']) await callWebhook(liveRoute, '/weather', { name: 'get_weather', id: `call_${city}`, args: { city } });
  // Captured while its backend was down: the proxy answered 502, so there is nothing of the backend's to compare.
  const down = await callWebhook(deadRoute, '/weather', { name: 'get_weather', id: 'call_down', args: { city: 'Lima' } });
  expect(down.status).toBe(502);
  await expect(u.calls.getByRole('option')).toHaveCount(4);
  await u.calls.getByRole('option').first().click();

  await page.getByRole('button', { name: 'Replay calls…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Replay calls' });
  await expect(dialog.getByRole('radio', { name: 'All calls of get_weather: 4 calls' })).toBeChecked();
  await dialog.getByRole('button', { name: 'Replay 4 calls' }).click();
  await expect(dialog.getByRole('status', { name: 'Replay progress text' })).toHaveText('Done: 4 of 4', { timeout: 15_000 });
  await expect(dialog.getByRole('progressbar', { name: 'Replay progress' })).toHaveAttribute('value', '4');
  const results = dialog.getByRole('list', { name: 'Replay results' });
  // The first call got 21, every later answer is 23: one difference, two the same, one skipped with its reason.
  await expect(results.getByRole('listitem', { name: 'get_weather call_Paris: different' })).toContainText('~ temperature: 21 → 23');
  await expect(results.getByRole('listitem', { name: 'get_weather call_Oslo: same' })).toBeVisible();
  await expect(results.getByRole('listitem', { name: 'get_weather call_Rome: same' })).toBeVisible();
  await expect(results.getByRole('listitem', { name: 'get_weather call_down: skipped' })).toContainText('came from the proxy (502)');
  await expect(dialog.getByLabel('Replay summary')).toHaveText('2 same · 1 different · 0 errors · 1 skipped');
  await screenshots(page, 'replay-calls');
  expect(backend.received).toHaveLength(6);

  // One result opens its own comparison, and leads back.
  await results.getByRole('listitem', { name: 'get_weather call_Paris: different' }).getByRole('button', { name: 'Show comparison' }).click();
  await expect(page.getByRole('dialog', { name: 'Replay' }).getByRole('list', { name: 'Differences' })).toHaveText('~ temperature: 21 → 23');
  await page.getByRole('button', { name: 'Back to the results' }).click();

  // The same calls against an upstream that is down: an error row each, refused rather than waited out.
  await dialog.getByRole('button', { name: 'Replay other calls…' }).click();
  await dialog.getByRole('textbox', { name: 'Base URL' }).fill(deadUrl);
  await dialog.getByRole('button', { name: 'Replay 4 calls' }).click();
  await expect(dialog.getByRole('status', { name: 'Replay progress text' })).toHaveText('Done: 4 of 4', { timeout: 15_000 });
  for (const city of ['Paris', 'Oslo', 'Rome']) {
    await expect(results.getByRole('listitem', { name: `get_weather call_${city}: error` })).toContainText(/refused/);
  }
  await expect(dialog.getByLabel('Replay summary')).toHaveText('0 same · 0 different · 3 errors · 1 skipped');
  await screenshots(page, 'replay-calls-dead-upstream');
  expect(backend.received).toHaveLength(6);
});

test('Replay to another base URL that is down gives a clear error, and the error is recorded as a new exchange', async ({ page }) => {
  const { liveRoute, deadUrl } = current();
  await openUi(page, current().serve);
  const u = ui(page);

  await callWebhook(liveRoute, '/weather', { name: 'get_weather', id: 'call_1', args: { city: 'Paris' } });
  await u.calls.getByRole('option', { name: /get_weather ok/ }).click();
  await u.details.getByRole('tab', { name: 'Request' }).click();
  await u.details.getByRole('button', { name: 'Replay', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Replay' });
  await expect(dialog.getByRole('status', { name: 'Replay result' })).toHaveText(/1 difference/);

  await dialog.getByRole('textbox', { name: 'Replay to another base URL' }).fill('not a url');
  await dialog.getByRole('button', { name: 'Replay there' }).click();
  await expect(dialog.getByRole('alert')).toContainText('is not a URL');
  await dialog.getByRole('textbox', { name: 'Replay to another base URL' }).fill(deadUrl);
  await dialog.getByRole('button', { name: 'Replay there' }).click();
  await expect(dialog.getByRole('status', { name: 'Replay result' })).toHaveText(/Error: .*refused/);
  await expect(dialog).toContainText(`${deadUrl}/weather`);
  await screenshots(page, 'replay-dead-upstream');
});

test('Replay from a session opened read-only takes the request from the file and records the replay in the live session', async ({ page }) => {
  const { liveRoute, backend, serve } = current();
  await openUi(page, serve);
  const u = ui(page);

  await callWebhook(liveRoute, '/weather', { name: 'get_weather', id: 'call_1', args: { city: 'Paris' } });
  await expect.poll(() => readFileSync(serve.sessionFile, 'utf8')).toContain('http.response.body');
  const copy = path.join(mkdtempSync(path.join(os.tmpdir(), 'toolscope-replay-')), 'yesterday.ndjson');
  writeFileSync(copy, readFileSync(serve.sessionFile));

  await page.getByRole('button', { name: 'Sessions…' }).click();
  await page.getByRole('dialog', { name: 'Sessions' }).getByLabel('Open file…').setInputFiles(copy);
  const banner = page.getByRole('region', { name: 'Session file' });
  await expect(banner).toContainText('Viewing yesterday.ndjson (read-only)');
  await u.calls.getByRole('option', { name: /get_weather ok/ }).click();
  await u.details.getByRole('button', { name: 'Replay', exact: true }).click();

  const dialog = page.getByRole('dialog', { name: 'Replay' });
  await expect(dialog.getByRole('status', { name: 'Replay result' })).toHaveText(/1 difference/);
  await expect(dialog.getByRole('note')).toContainText('taken from the opened session (read-only); the replay is recorded in the live session');
  await expect(dialog).toContainText('from the opened session yesterday.ndjson');
  await screenshots(page, 'replay-from-opened-session');
  expect(backend.received).toHaveLength(2);

  // The new call is in the live session: showing it leaves the opened file.
  await dialog.getByRole('button', { name: 'Show the new call' }).click();
  await expect(banner).toBeHidden();
  await expect(u.calls.getByRole('option', { name: /replay of x1/ })).toHaveAttribute('aria-selected', 'true');
});

test('Replay of a streamed (SSE) answer compares it event by event', async ({ page }) => {
  const { liveRoute } = current();
  await openUi(page, current().serve);
  const u = ui(page);

  await callWebhook(liveRoute, '/stream', { name: 'get_weather', id: 'call_1', args: { city: 'Paris' } });
  await u.calls.getByRole('option', { name: /get_weather ok/ }).click();
  await u.details.getByRole('button', { name: 'Replay', exact: true }).click();

  const dialog = page.getByRole('dialog', { name: 'Replay' });
  await expect(dialog.getByRole('status', { name: 'Replay result' })).toHaveText(/1 difference/);
  await expect(dialog.getByRole('list', { name: 'Differences' })).toHaveText('~ event 1 (action) › arguments[3].value.temperature: 21 → 23');
  for (const side of ['Captured', 'Replayed']) {
    const events = dialog.getByRole('list', { name: `${side} SSE events` }).getByRole('listitem');
    await expect(events).toHaveCount(3);
    await expect(events.nth(0)).toHaveAccessibleName('Event 1 action: changed');
    await expect(events.nth(1)).toHaveAccessibleName('Event 2 update-config: same');
    await expect(events.nth(2)).toHaveAccessibleName('Event 3 close: same');
  }
  await expect(dialog.getByRole('list', { name: 'Replayed SSE events' }).locator('.diff-line.diff-changed')).toContainText('"temperature": 23');
  await screenshots(page, 'replay-sse-diff');
});

test('Edit and resend of a Vapi request with two calls edits the arguments of the call picked, in every copy Vapi sends', async ({ page }) => {
  const { liveRoute, backend } = current();
  await openUi(page, current().serve);
  const u = ui(page);

  const calls = [
    { id: 'call_a', name: 'get_weather', args: { city: 'Paris' } },
    { id: 'call_b', name: 'get_time', args: { zone: 'CET' } },
  ];
  const message = {
    message: {
      type: 'tool-calls',
      toolCalls: calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: JSON.stringify(c.args) } })),
      toolCallList: calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.args } })),
    },
  };
  const response = await fetch(`${liveRoute}/vapi/webhook`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(message) });
  await response.text();
  await u.calls.getByRole('option', { name: /get_time/ }).click();
  await u.details.getByRole('button', { name: 'Edit and resend…' }).click();

  const dialog = page.getByRole('dialog', { name: 'Edit and resend' });
  // The editor opens on the call the user started from; the other is one pick away.
  const pick = dialog.getByRole('combobox', { name: 'Call' });
  await expect(pick).toHaveValue('1');
  await expect(dialog.getByRole('textbox', { name: 'Arguments' })).toContainText('"zone": "CET"');
  await pick.selectOption({ label: '1. get_weather (call_a)' });
  await expect(dialog.getByRole('textbox', { name: 'Arguments' })).toContainText('"city": "Paris"');
  await pick.selectOption({ label: '2. get_time (call_b)' });
  await expect(dialog.getByRole('textbox', { name: 'Arguments' })).toContainText('"zone": "CET"');
  await setEditorText(page, 'Arguments', '{"zone": "UTC"}');
  await screenshots(page, 'resend-vapi-arguments');
  await dialog.getByRole('button', { name: 'Send' }).click();

  const result = page.getByRole('dialog', { name: 'Edit and resend: result' });
  // The request changes are listed while the request is still on its way; the answer means the backend has it.
  await expect(result.getByRole('status', { name: 'Replay result' })).toHaveText(/differences? from the captured answer/);
  await expect(result.getByRole('list', { name: 'Request changes' }).getByRole('listitem')).toHaveText([
    '~ message.toolCalls[1].function.arguments: "{\\"zone\\":\\"CET\\"}" → "{\\"zone\\":\\"UTC\\"}"',
    '~ message.toolCallList[1].function.arguments.zone: "CET" → "UTC"',
  ]);
  expect(backend.received).toHaveLength(2);
  const sent = backend.received[1]!.body as unknown as typeof message;
  expect(sent.message.toolCallList[1]!.function.arguments).toEqual({ zone: 'UTC' });
  // Given as a JSON string, they stay a JSON string; the other call is untouched.
  expect(sent.message.toolCalls[1]!.function.arguments).toBe('{"zone":"UTC"}');
  expect(sent.message.toolCallList[0]).toEqual(message.message.toolCallList[0]);
  expect(sent.message.toolCalls[0]).toEqual(message.message.toolCalls[0]);
});
