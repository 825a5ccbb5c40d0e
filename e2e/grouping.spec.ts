/**
 * "Group by connection": the calls of a realtime connection and those of a webhook route each under a group
 * row that folds (by click, or → and ← on the focused group).
 */
import { expect, test } from '@playwright/test';
import { callWebhook, closeSocket, nextMessage, openSocket, startRealtimeServer, startToolBackend, type Server, type ToolBackend } from './support/backends.js';
import { startServe, type ServeProcess } from './support/toolscope-serve.js';
import { openUi, screenshots, ui } from './support/ui.js';

let backend: ToolBackend;
let realtime: Server;
let serve: ServeProcess;

test.beforeEach(async () => {
  backend = await startToolBackend();
  realtime = await startRealtimeServer({ audioDeltas: 0 });
  serve = await startServe([backend.url, realtime.url.replace('http://', 'ws://')]);
});

test.afterEach(async () => {
  await serve?.stop();
  await backend?.close();
  await realtime?.close();
});

/** Three webhook calls (one failing), then a realtime connection with two calls (one left unanswered). */
async function makeTraffic(): Promise<void> {
  const [webhooks, socketRoute] = serve.routes as [string, string];
  await callWebhook(webhooks, '/weather', { name: 'get_weather', id: 'w1', args: { city: 'Paris' } });
  await callWebhook(webhooks, '/weather', { name: 'get_weather', id: 'w2', args: { city: 'Rome' } });
  await callWebhook(webhooks, '/fail', { name: 'book_table', id: 'w3', args: { guests: 2 } });
  const socket = await openSocket(socketRoute, '/v1/realtime?model=gpt-realtime');
  const calledTwice = nextMessage(socket, (m) => (m as { call_id?: string }).call_id === 'call_2');
  socket.send(JSON.stringify({ type: 'input_audio_buffer.commit' }));
  await calledTwice;
  socket.send(JSON.stringify({ type: 'conversation.item.create', item: { type: 'function_call_output', call_id: 'call_1', output: '{"temperature":4}' } }));
  await closeSocket(socket);
}

test('groups calls by connection and route, and folds a group', async ({ page }) => {
  const { calls, groupByConnection, shown } = ui(page);
  const webhooks = serve.routes[0]!;
  await openUi(page, serve);
  await makeTraffic();
  await expect(shown).toHaveText('5 calls');
  await expect(calls.getByRole('option', { name: /^Call get_time unanswered/ })).toBeVisible();

  await groupByConnection.check();
  await expect(page).toHaveURL(/#group=1$/);
  const webhookGroup = calls.getByRole('option', {
    name: new RegExp(`^Webhooks via ${escape(webhooks.replace('http://', ''))} → ${escape(backend.url)}/?, 3 calls`),
  });
  const socketGroup = calls.getByRole('option', { name: /^WebSocket \/v1\/realtime\?model=gpt-realtime, 2 calls/ });
  await expect(webhookGroup).toHaveAttribute('aria-expanded', 'true');
  await expect(socketGroup).toHaveAttribute('aria-expanded', 'true');
  await expect(calls.getByRole('option', { name: /^(Webhooks|WebSocket) / })).toHaveCount(2);
  // Each group counts its calls with problems: the failed book_table, the unanswered get_time.
  await expect(webhookGroup).toHaveAccessibleName(/, 1 with problems$/);
  await expect(socketGroup).toHaveAccessibleName(/, 1 with problems$/);
  await expect(calls.getByRole('option')).toHaveCount(2 + 5);
  await screenshots(page, 'grouped-calls');

  // A click folds the webhook group: its three calls go, the realtime ones stay.
  await webhookGroup.click();
  await expect(webhookGroup).toHaveAttribute('aria-expanded', 'false');
  await expect(calls.getByRole('option', { name: /^Call (get_weather|book_table) / })).toHaveCount(1);
  await expect(calls.getByRole('option', { name: /^Call book_table/ })).toHaveCount(0);
  await expect(calls.getByRole('option', { name: /^Call get_time unanswered/ })).toBeVisible();
  await expect(calls.getByRole('option')).toHaveCount(2 + 2);
  // Folding is not filtering: all five calls are still counted as shown.
  await expect(shown).toHaveText('5 calls');
  await webhookGroup.click();
  await expect(webhookGroup).toHaveAttribute('aria-expanded', 'true');
  await expect(calls.getByRole('option')).toHaveCount(2 + 5);

  // By keyboard: ← folds the focused group, → unfolds it.
  await calls.focus();
  await page.keyboard.press('End');
  await expect(calls.getByRole('option', { name: /^Call get_time/ })).toHaveAttribute('aria-selected', 'true');
  for (let i = 0; i < 2; i++) await page.keyboard.press('k');
  await expect(socketGroup).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('ArrowLeft');
  await expect(socketGroup).toHaveAttribute('aria-expanded', 'false');
  await expect(calls.getByRole('option', { name: /^Call get_time/ })).toHaveCount(0);
  await expect(calls.getByRole('option')).toHaveCount(2 + 3);
  await page.keyboard.press('ArrowRight');
  await expect(socketGroup).toHaveAttribute('aria-expanded', 'true');
  await expect(calls.getByRole('option')).toHaveCount(2 + 5);

  // Ungrouped again, the calls are a flat list.
  await groupByConnection.uncheck();
  await expect(calls.getByRole('option')).toHaveCount(5);
  await expect(calls.getByRole('option', { name: /^(Webhooks|WebSocket) / })).toHaveCount(0);
});

// Regression (was a bug in renderer/src/ui/calls-timeline.tsx, onCursor): moving the cursor onto a group row only sets
// `selectedKey`; `selection` still holds the call the cursor left. Enter on the group then opens the details
// of that call, which is not the selected row (and an open pane keeps showing it). Enter on a group row must
// not open some other call.
test('Enter on a group row does not open the details of another call', async ({ page }) => {
  const { calls, details, groupByConnection, shown } = ui(page);
  await openUi(page, serve, '#group=1');
  await makeTraffic();
  await expect(shown).toHaveText('5 calls');
  await expect(groupByConnection).toBeChecked();
  const socketGroup = calls.getByRole('option', { name: /^WebSocket \/v1\/realtime\?model=gpt-realtime, 2 calls/ });
  await calls.focus();
  // Home is the webhook group, three steps down its last call (book_table), one more the realtime group.
  await page.keyboard.press('Home');
  for (let i = 0; i < 3; i++) await page.keyboard.press('j');
  await expect(calls.getByRole('option', { name: /^Call book_table/ })).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('j');
  await expect(socketGroup).toHaveAttribute('aria-selected', 'true');
  await expect(calls.getByRole('option', { selected: true })).toHaveCount(1);
  await page.keyboard.press('Enter');
  await expect(details.getByRole('article', { name: /^Call / })).toHaveCount(0, { timeout: 2000 });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
