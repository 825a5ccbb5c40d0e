/**
 * Injection on a live realtime WebSocket from the browser UI: a call the client leaves unanswered gets its
 * result composed in the UI (call id filled, output edited, then response.create) and sent to the server as if
 * the client had; the server records exactly that, and the frames list and the timeline mark it injected. A
 * frame typed by hand goes to the client, a captured frame is resent, broken JSON is refused with its place,
 * and once the socket has closed the actions are disabled with the reason.
 */
import { expect, test, type Page } from '@playwright/test';
import type { WebSocket } from 'ws';
import { closeSocket, nextMessage, openSocket, REALTIME_TOOLS, startRealtimeServer, type RealtimeServer } from './support/backends.js';
import { startServe, type ServeProcess } from './support/toolscope-serve.js';
import { openUi, screenshots, ui } from './support/ui.js';

const PATH = '/v1/realtime?model=gpt-realtime';

let upstream: RealtimeServer;
let serve: ServeProcess;
let client: WebSocket | undefined;

test.beforeEach(async () => {
  upstream = await startRealtimeServer({ audioDeltas: 2 });
  serve = await startServe([upstream.url.replace('http://', 'ws://')]);
});

test.afterEach(async () => {
  client?.terminate();
  await serve?.stop();
  await upstream?.close();
});

/** Replaces the whole text of a CodeMirror editor, as a user selecting all and pasting would. */
async function setEditorText(page: Page, editor: ReturnType<Page['getByRole']>, text: string): Promise<void> {
  await editor.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.insertText(text);
}

/** A client that declares its tools, asks for a response and gets two calls, which it leaves unanswered. */
async function unansweredCalls(): Promise<WebSocket> {
  const socket = await openSocket(serve.routes[0]!, PATH);
  client = socket;
  const updated = nextMessage(socket, (m) => m.type === 'session.updated');
  socket.send(JSON.stringify({ type: 'session.update', session: { type: 'realtime', tools: REALTIME_TOOLS } }));
  await updated;
  const second = nextMessage(socket, (m) => m.type === 'response.function_call_arguments.done' && (m as { call_id?: string }).call_id === 'call_2');
  socket.send(JSON.stringify({ type: 'input_audio_buffer.commit' }));
  await second;
  return socket;
}

test('Send result answers an unanswered realtime call on the server; frames are marked injected', async ({ page }) => {
  await page.setViewportSize({ width: 1360, height: 1000 });
  const u = ui(page);
  await openUi(page, serve);
  const socket = await unansweredCalls();

  const weather = u.calls.getByRole('option', { name: /^Call get_weather pending/ });
  await weather.click();
  await u.tabs.getByRole('tab', { name: 'Call' }).click();
  await u.details.getByRole('button', { name: 'Send result…' }).click();

  const dialog = page.getByRole('dialog', { name: 'Send result' });
  const editor = dialog.getByRole('textbox', { name: 'Result message' });
  // Composed in the dialect with the call's id, and an empty output: the call has no result yet.
  await expect(editor).toContainText('"type": "conversation.item.create"');
  await expect(editor).toContainText('"call_id": "call_1"');
  await expect(editor).toContainText('"output": ""');
  await expect(dialog).toContainText('The call has no result yet');
  const responseCreate = dialog.getByRole('checkbox', { name: /Then send response\.create/ });
  await expect(responseCreate).toBeChecked();

  // Broken JSON is refused with its place, and nothing reaches the server.
  await setEditorText(page, editor, '{\n  "type": "conversation.item.create",\n  "item": {"type": "function_call_output" "call_id": "call_1"}\n}');
  await dialog.getByRole('button', { name: 'Send to server' }).click();
  await expect(dialog.getByRole('alert')).toContainText(/JSON syntax error at line 3, column \d+/);
  const outputs = () => upstream.received.filter((m) => (m as { type?: string }).type === 'conversation.item.create');
  expect(outputs()).toHaveLength(0);

  const edited = { type: 'conversation.item.create', item: { type: 'function_call_output', call_id: 'call_1', output: '{"temperature":-3,"sky":"snow"}' } };
  await setEditorText(page, editor, JSON.stringify(edited, null, 2));
  await dialog.getByRole('button', { name: 'Send to server' }).click();
  await expect(dialog.getByRole('status')).toContainText('Sent 2 frames to the server');

  // What the fake server got: the output with the call's id, then response.create, in that order.
  await expect.poll(() => upstream.received.slice(-2)).toEqual([edited, { type: 'response.create' }]);
  await screenshots(page, 'inject-result-dialog');
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();

  // The call is answered now, by an injected result; the other one is still waiting.
  await expect(u.calls.getByRole('option', { name: /^Call get_weather ok.*, result injected$/ })).toBeVisible();
  await expect(u.calls.getByRole('option', { name: /^Call get_weather ok/ }).getByText('injected', { exact: true })).toBeVisible();
  await expect(u.calls.getByRole('option', { name: /^Call get_time pending/ })).toBeVisible();
  await u.calls.getByRole('option', { name: /^Call get_weather ok/ }).click();
  await expect(u.details.getByRole('group', { name: 'Result' })).toContainText('snow');

  // The frames list marks both frames injected.
  await u.tabs.getByRole('tab', { name: 'Frames' }).click();
  const frames = u.details.getByRole('table', { name: 'Frames' });
  await expect(frames.getByRole('row').filter({ hasText: 'injected' })).toHaveCount(2);
  await expect(frames.getByRole('row').filter({ hasText: 'injected' }).filter({ hasText: 'conversation.item.create' })).toHaveCount(1);
  await expect(frames.getByRole('row').filter({ hasText: 'injected' }).filter({ hasText: 'response.create' })).toHaveCount(1);
  await screenshots(page, 'inject-frames-marked');

  // A frame typed by hand, to the client as if the server had sent it.
  await u.details.getByRole('button', { name: 'Send frame…' }).click();
  const frameDialog = page.getByRole('dialog', { name: 'Send frame' });
  await frameDialog.getByRole('radio', { name: 'To the client, as the server' }).check();
  const toClient = nextMessage(socket, (m) => m.type === 'toolscope.test');
  await setEditorText(page, frameDialog.getByRole('textbox', { name: 'Frame data' }), '{"type": "toolscope.test", "n": 1}');
  await frameDialog.getByRole('button', { name: 'Send frame' }).click();
  await expect(frameDialog.getByRole('status')).toContainText('Sent the frame to the client');
  expect(await toClient).toEqual({ type: 'toolscope.test', n: 1 });
  await page.keyboard.press('Escape');

  // Resend a captured frame: the client's commit goes to the server again, marked as a resend of the original.
  await frames.getByRole('row').filter({ hasText: 'input_audio_buffer.commit' }).click();
  const commits = () => upstream.received.filter((m) => (m as { type?: string }).type === 'input_audio_buffer.commit').length;
  expect(commits()).toBe(1);
  await u.details.getByRole('group', { name: 'Send this frame again' }).getByRole('button', { name: 'Resend' }).click();
  await expect(u.details.getByRole('status').filter({ hasText: /Sent again as event #\d+ to the server/ })).toBeVisible();
  await expect.poll(commits).toBe(2);
  await expect(frames.getByRole('row').filter({ hasText: 'resent' }).filter({ hasText: 'input_audio_buffer.commit' })).toHaveCount(1);
  await u.trafficView.click();
  await expect(u.traffic.getByRole('option', { name: 'Frame to upstream input_audio_buffer.commit, injected' })).toBeVisible();
  await expect(u.traffic.getByRole('option', { name: 'Frame to upstream input_audio_buffer.commit, injected' })).toContainText(/injected \(resend of #\d+\)/);
  await expect(u.traffic.getByRole('option', { name: 'Frame to upstream conversation.item.create, injected' })).toBeVisible();
  await screenshots(page, 'inject-traffic-marked');
  await u.callsView.click();

  // Once the socket has closed, nothing can be sent on it, and the UI says why.
  await closeSocket(socket);
  await u.calls.getByRole('option', { name: /^Call get_weather ok/ }).click();
  await u.tabs.getByRole('tab', { name: 'Connection' }).click();
  const send = u.details.getByRole('button', { name: 'Send frame…' });
  await expect(send).toBeDisabled();
  await expect(u.details.getByText(/The connection is closed \(by the client, code 1000\): nothing can be sent on it\./)).toBeVisible();
  await u.calls.getByRole('option', { name: /^Call get_time unanswered/ }).click();
  await u.tabs.getByRole('tab', { name: 'Call' }).click();
  await expect(u.details.getByRole('button', { name: 'Send result…' })).toBeDisabled();
});

test('a result sent after the socket closed is refused by the core, and the refusal is shown', async ({ page }) => {
  const u = ui(page);
  await openUi(page, serve);
  const socket = await unansweredCalls();
  await u.calls.getByRole('option', { name: /^Call get_weather pending/ }).click();
  await u.tabs.getByRole('tab', { name: 'Call' }).click();
  // A paused view does not learn of the close, so Send stays enabled and the core is the one to refuse.
  await u.pause.click();
  await u.details.getByRole('button', { name: 'Send result…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Send result' });
  await expect(dialog.getByRole('textbox', { name: 'Result message' })).toContainText('call_1');
  await closeSocket(socket);
  const before = upstream.received.length;
  // The proxy ends its side of the relay right after the client's close; give it a moment.
  await page.waitForTimeout(300);
  await dialog.getByRole('button', { name: 'Send to server' }).click();
  await expect(dialog.getByRole('alert')).toContainText(/^Not sent: .*(closed|not open)/);
  expect(upstream.received.length).toBe(before);
  await screenshots(page, 'inject-refused-closed');
});
