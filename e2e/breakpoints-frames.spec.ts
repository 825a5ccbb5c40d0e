/**
 * Breakpoints on what a realtime bot and a webhook's answer go through, from the browser UI:
 * - a frame-stage rule added in the Breakpoints dialog (by frame type and function) holds the server's
 *   `response.function_call_arguments.done` for get_weather: the frames the server sends after it wait behind it
 *   (the client gets nothing of them meanwhile), the client's frames still reach the server; broken JSON in the
 *   frame editor is refused with line and column; the edited frame released goes to the client first, then the
 *   queued ones, in order, and the frames list shows what was sent;
 * - a frame dropped at a breakpoint (rule from "Pause calls of get_weather") never reaches the client and the
 *   frames list marks it dropped;
 * - a webhook's answer held before the bot: the editor shows the backend's status, headers and body; the edited
 *   body released is what the bot's fetch gets, and the Call tab shows it.
 */
import path from 'node:path';
import { expect, test, type Locator, type Page } from '@playwright/test';
import type { WebSocket } from 'ws';
import { callWebhook, nextMessage, openSocket, REALTIME_TOOLS, startRealtimeServer, startToolBackend, type RealtimeServer, type ToolBackend } from './support/backends.js';
import { startServe, type ServeProcess } from './support/toolscope-serve.js';
import { artifactsDir, openUi, ui } from './support/ui.js';

const PATH = '/v1/realtime?model=gpt-realtime';
const CALL_FRAME = 'response.function_call_arguments.done';

let upstream: RealtimeServer | undefined;
let backend: ToolBackend | undefined;
let serve: ServeProcess | undefined;
let client: WebSocket | undefined;

test.afterEach(async () => {
  client?.terminate();
  client = undefined;
  await serve?.stop();
  serve = undefined;
  await upstream?.close();
  upstream = undefined;
  await backend?.close();
  backend = undefined;
});

/** Replaces the whole text of a CodeMirror editor, as a user selecting all and pasting would. */
async function setEditorText(page: Page, editor: Locator, text: string): Promise<void> {
  await editor.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.insertText(text);
}

/** One light screenshot of the window, to e2e/artifacts/<name>.png. */
async function screenshot(page: Page, name: string): Promise<void> {
  await page.emulateMedia({ colorScheme: 'light' });
  await page.evaluate(() => {
    const raf = (globalThis as unknown as { requestAnimationFrame(callback: () => void): number }).requestAnimationFrame;
    return new Promise<void>((resolve) => raf(() => raf(resolve)));
  });
  await page.screenshot({ path: path.join(artifactsDir, `${name}.png`) });
}

interface Received {
  type?: string;
  call_id?: string;
  name?: string;
  arguments?: string;
}

/** A raw realtime client through the route that keeps every message it gets, parsed, in order; its session is set up. */
async function realtimeClient(): Promise<{ socket: WebSocket; got: Received[] }> {
  const socket = await openSocket(serve!.routes[0]!, PATH);
  client = socket;
  const got: Received[] = [];
  socket.on('message', (data: Buffer) => got.push(JSON.parse(data.toString()) as Received));
  const updated = nextMessage(socket, (m) => m.type === 'session.updated');
  socket.send(JSON.stringify({ type: 'session.update', session: { type: 'realtime', tools: REALTIME_TOOLS } }));
  await updated;
  return { socket, got };
}

/** What the client got after its session was set up, as "type call_id". */
function afterSession(got: readonly Received[]): string[] {
  return got.filter((m) => m.type !== 'session.updated' && m.type !== 'response.output_audio.delta').map((m) => [m.type, m.call_id].filter(Boolean).join(' '));
}

const appended = (server: RealtimeServer) => server.received.filter((m) => (m as Received).type === 'input_audio_buffer.append').length;

test('a held server frame waits with the frames behind it, is edited and released first; the client frames pass meanwhile', async ({ page }) => {
  await page.setViewportSize({ width: 1360, height: 1000 });
  upstream = await startRealtimeServer({ audioDeltas: 1, responseDone: true });
  serve = await startServe([upstream.url.replace('http://', 'ws://')]);
  const u = ui(page);
  await openUi(page, serve);
  const { socket, got } = await realtimeClient();

  // A frame rule from the dialog's form: the server's call frame of get_weather, on its way to the client.
  await page.getByRole('button', { name: 'Breakpoints…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Breakpoints' });
  const form = dialog.getByRole('form', { name: 'Add breakpoint' });
  await form.getByRole('combobox', { name: 'Holds' }).selectOption('frame');
  await expect(form.getByRole('textbox', { name: 'Path' })).toHaveCount(0);
  await form.getByRole('textbox', { name: 'Function name' }).fill('get_weather');
  await form.getByRole('textbox', { name: 'Frame type' }).fill(CALL_FRAME);
  await form.getByRole('combobox', { name: 'Direction' }).selectOption('upstream-to-client');
  await form.getByRole('textbox', { name: 'Timeout (s)' }).fill('120');
  await form.getByRole('button', { name: 'Add breakpoint' }).click();
  const row = dialog.getByRole('table', { name: 'Breakpoint rules' }).getByRole('row', { name: /get_weather/ });
  await expect(row).toContainText('frame to client');
  await expect(row).toContainText(CALL_FRAME);
  await expect(row).toContainText('120 s');
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();

  // The server answers a commit with audio, get_weather, get_time and response.done: get_weather is held.
  socket.send(JSON.stringify({ type: 'input_audio_buffer.commit' }));
  const bar = page.getByRole('region', { name: 'Held by breakpoints' });
  const item = bar.getByRole('button', { name: new RegExp(`^Held: get_weather frame to client ${CALL_FRAME.replace(/\./g, '\\.')}, releases in \\d+ s$`) });
  await expect(item).toBeVisible();
  await expect(page.getByRole('button', { name: 'Breakpoints…, 1 held' })).toBeVisible();
  await expect.poll(() => got.some((m) => m.type === 'response.output_audio.delta')).toBe(true);

  // The client's frames still reach the server while the server's frames wait.
  socket.send(JSON.stringify({ type: 'input_audio_buffer.append', audio: 'AAAA' }));
  await expect.poll(() => appended(upstream!)).toBe(1);
  expect(afterSession(got)).toEqual([]);

  // The held frame in the editor, as the server sent it.
  await item.click();
  const editor = bar.getByRole('group', { name: `Held item editor: get_weather frame to client ${CALL_FRAME}` });
  const data = editor.getByRole('textbox', { name: 'Frame data' });
  await expect(data).toContainText(`"type": "${CALL_FRAME}"`);
  await expect(data).toContainText('"call_id": "call_1"');
  await expect(data).toContainText('{\\"city\\":\\"Oslo\\"}');
  await expect(editor).toContainText(/Goes on as it is in \d+ s unless you act/);
  await expect(editor).toContainText('The client has not got this frame yet');

  // Broken JSON is refused with its place; nothing is released.
  await setEditorText(page, data, `{\n  "type": "${CALL_FRAME}",\n  "call_id": "call_1"\n  "name": "get_weather"\n}`);
  await editor.getByRole('button', { name: 'Release edited' }).click();
  await expect(editor.getByRole('alert')).toContainText(/^Frame: JSON syntax error at line 4, column \d+/);
  await page.waitForTimeout(300);
  expect(afterSession(got)).toEqual([]);
  await expect(item).toBeVisible();

  // Edited (Oslo → Bergen) and released: the client gets it first, then the frames that waited, in order.
  const edited = { type: CALL_FRAME, event_id: 'ev_c1', response_id: 'r1', item_id: 'item_1', output_index: 1, call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Bergen"}' };
  await setEditorText(page, data, JSON.stringify(edited, null, 2));
  await expect(editor.getByRole('alert')).toHaveCount(0);
  await screenshot(page, 'breakpoint-frame-held');
  await editor.getByRole('button', { name: 'Release edited' }).click();
  await expect(bar.getByRole('status')).toContainText(`Released edited: get_weather frame to client ${CALL_FRAME}.`);
  await expect.poll(() => afterSession(got)).toEqual([`${CALL_FRAME} call_1`, `${CALL_FRAME} call_2`, 'response.done']);
  expect(got.find((m) => m.call_id === 'call_1')).toEqual(edited);
  await expect(item).toBeHidden();

  // The call carries what the client got; the frames list shows the edited frame as sent, and marks it.
  const call = u.calls.getByRole('option', { name: /^Call get_weather/ });
  await expect(call).not.toHaveAccessibleName(/paused/);
  await call.click();
  await u.tabs.getByRole('tab', { name: 'Call' }).click();
  await expect(u.details.getByRole('group', { name: 'Breakpoint holds' })).toContainText(/Released edited by the user after \d+(\.\d)? s\./);
  await u.tabs.getByRole('tab', { name: 'Frames' }).click();
  const frames = u.details.getByRole('table', { name: 'Frames' });
  const callRows = frames.getByRole('row').filter({ hasText: CALL_FRAME });
  await expect(callRows).toHaveCount(2);
  await expect(callRows.first()).toContainText('Bergen');
  await expect(callRows.first()).not.toContainText('Oslo');
  await expect(callRows.first()).toContainText('edited');
  await expect(frames.getByRole('row').filter({ hasText: 'response.done' })).toHaveCount(1);
  await expect(frames.getByRole('row').filter({ hasText: 'dropped' })).toHaveCount(0);
  await callRows.first().click();
  await expect(u.details.getByRole('region', { name: /^Frame \d+$/ })).toContainText(/Released edited at breakpoint/);
  await screenshot(page, 'breakpoint-frame-released');
});

test('a frame dropped at a breakpoint never reaches the client; the frames list marks it dropped', async ({ page }) => {
  await page.setViewportSize({ width: 1360, height: 1000 });
  upstream = await startRealtimeServer({ audioDeltas: 1, responseDone: true });
  serve = await startServe([upstream.url.replace('http://', 'ws://')]);
  const u = ui(page);
  await openUi(page, serve);
  const { socket, got } = await realtimeClient();

  // A first turn goes through; "Pause calls of get_weather" on its call adds a frame rule.
  socket.send(JSON.stringify({ type: 'input_audio_buffer.commit' }));
  await expect.poll(() => afterSession(got).length).toBe(3);
  await u.calls.getByRole('option', { name: /^Call get_weather/ }).click();
  await u.tabs.getByRole('tab', { name: 'Call' }).click();
  await u.details.getByRole('button', { name: 'Pause calls of get_weather' }).click();
  const dialog = page.getByRole('dialog', { name: 'Breakpoints' });
  await expect(dialog.getByRole('status')).toContainText('the next get_weather call from the server is held before the client sees it');
  await expect(dialog.getByRole('table', { name: 'Breakpoint rules' }).getByRole('row', { name: /Pause get_weather/ })).toContainText('frame to client');
  await page.keyboard.press('Escape');

  // The second turn: get_weather is held, and dropped.
  got.length = 0;
  socket.send(JSON.stringify({ type: 'input_audio_buffer.commit' }));
  const bar = page.getByRole('region', { name: 'Held by breakpoints' });
  const item = bar.getByRole('button', { name: /^Held: get_weather frame to client/ });
  await item.click();
  await bar.getByRole('button', { name: 'Drop' }).click();
  await expect(bar.getByRole('status')).toContainText(`Dropped: get_weather frame to client ${CALL_FRAME}.`);
  await expect.poll(() => afterSession(got)).toEqual([`${CALL_FRAME} call_2`, 'response.done']);
  await expect(item).toBeHidden();

  // The frames list: the first turn's get_weather frame went, the second one is marked dropped.
  await u.tabs.getByRole('tab', { name: 'Frames' }).click();
  const frames = u.details.getByRole('table', { name: 'Frames' });
  const weather = frames.getByRole('row').filter({ hasText: CALL_FRAME }).filter({ hasText: 'call_1' });
  await expect(weather).toHaveCount(2);
  await expect(weather.nth(0)).not.toContainText('dropped');
  await expect(weather.nth(1)).toContainText('dropped');
  await expect(frames.getByRole('row').filter({ hasText: 'dropped' })).toHaveCount(1);
  await weather.nth(1).click();
  await expect(u.details.getByRole('region', { name: /^Frame \d+$/ })).toContainText(/Dropped at breakpoint .*: the client never got it/);
  await screenshot(page, 'breakpoint-frame-dropped');

  // The timeline says who dropped it.
  await u.trafficView.click();
  await expect(u.traffic.getByRole('option', { name: new RegExp(`^Frame to client ${CALL_FRAME.replace(/\./g, '\\.')}, dropped at a breakpoint$`) })).toHaveCount(1);
});

test('a webhook answer held before the bot is edited and released; the bot gets the edited body', async ({ page }) => {
  await page.setViewportSize({ width: 1360, height: 1000 });
  backend = await startToolBackend();
  serve = await startServe([backend.url]);
  const u = ui(page);
  const route = serve.routes[0]!;
  await openUi(page, serve);

  await page.getByRole('button', { name: 'Breakpoints…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Breakpoints' });
  const form = dialog.getByRole('form', { name: 'Add breakpoint' });
  await form.getByRole('textbox', { name: 'Function name' }).fill('get_weather');
  await form.getByRole('combobox', { name: 'Holds' }).selectOption('response');
  await form.getByRole('textbox', { name: 'Timeout (s)' }).fill('120');
  await form.getByRole('button', { name: 'Add breakpoint' }).click();
  await expect(dialog.getByRole('table', { name: 'Breakpoint rules' }).getByRole('row', { name: /get_weather/ })).toContainText('response, before the bot');
  await page.keyboard.press('Escape');

  // The backend answers at once; the answer is held before the bot.
  let settled = false;
  const answered = callWebhook(route, '/weather', { name: 'get_weather', id: 'call_1', args: { city: 'Oslo' } }).finally(() => (settled = true));
  const bar = page.getByRole('region', { name: 'Held by breakpoints' });
  const item = bar.getByRole('button', { name: /^Held: get_weather response, releases in \d+ s$/ });
  await expect(item).toBeVisible();
  await expect.poll(() => backend!.paths).toEqual(['/weather']);
  await expect(u.calls.getByRole('option', { name: /^Call get_weather pending.*, paused at a breakpoint$/ })).toBeVisible();
  expect(settled).toBe(false);

  // The editor: the backend's status, headers and body.
  await item.click();
  const editor = bar.getByRole('group', { name: 'Held item editor: get_weather response' });
  await expect(editor.getByRole('textbox', { name: 'Status' })).toHaveValue('200');
  await expect(editor.getByRole('textbox', { name: 'Headers' })).toHaveValue(/content-type: application\/json/);
  const body = editor.getByRole('textbox', { name: 'Response body' });
  await expect(body).toContainText('"temperature": 21');
  await expect(body).toContainText('"city": "Oslo"');

  // Broken JSON is refused here too, and the bot is still waiting.
  await setEditorText(page, body, '{\n  "temperature": 5,\n  "unit": "C"\n  "received": {"city": "Oslo"}\n}');
  await editor.getByRole('button', { name: 'Release edited' }).click();
  await expect(editor.getByRole('alert')).toContainText(/^Response body: JSON syntax error at line 4, column \d+/);
  await page.waitForTimeout(300);
  expect(settled).toBe(false);

  await setEditorText(page, body, JSON.stringify({ temperature: 5, unit: 'C', received: { city: 'Oslo' } }, null, 2));
  await screenshot(page, 'breakpoint-response-held');
  await editor.getByRole('button', { name: 'Release edited' }).click();
  const answer = await answered;
  expect(answer.status).toBe(200);
  expect(JSON.parse(answer.text)).toEqual({ temperature: 5, unit: 'C', received: { city: 'Oslo' } });
  await expect(bar.getByRole('status')).toContainText('Released edited: get_weather response.');
  await expect(item).toBeHidden();

  // The Call tab: the result the bot got, and how the hold ended.
  const done = u.calls.getByRole('option', { name: /^Call get_weather ok/ });
  await expect(done).toBeVisible();
  await done.click();
  await u.tabs.getByRole('tab', { name: 'Call' }).click();
  const result = u.details.getByRole('group', { name: 'Result' });
  await expect(result).toContainText('temperature: 5');
  await expect(result).not.toContainText('21');
  const holds = u.details.getByRole('group', { name: 'Breakpoint holds' });
  await expect(holds).toContainText(/get_weather response .*Released edited by the user after \d+(\.\d)? s\./);
  await holds.getByText('What the upstream answered, before the edit').click();
  await expect(holds).toContainText('"temperature":21');
  await screenshot(page, 'breakpoint-response-released');
});
