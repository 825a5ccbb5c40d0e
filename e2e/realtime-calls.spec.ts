/**
 * A realtime session seen in the UI: two function calls on an OpenAI Realtime style socket, one answered
 * and one left unanswered when the client hangs up, with audio frames in between.
 */
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { expect, test } from '@playwright/test';
import { WebSocket, WebSocketServer } from 'ws';
import { repoRoot, startServe, type ServeProcess } from './support/toolscope-serve.js';

let server: http.Server;
let sockets: WebSocketServer;
let serve: ServeProcess;

test.beforeEach(async () => {
  server = http.createServer();
  sockets = new WebSocketServer({ server });
  sockets.on('connection', (socket) => {
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString()) as { type: string };
      if (message.type !== 'session.update') return;
      socket.send(JSON.stringify({ type: 'session.updated', event_id: 'e1', session: { type: 'realtime' } }));
      for (let i = 0; i < 3; i++) socket.send(JSON.stringify({ type: 'response.output_audio.delta', event_id: `a${i}`, response_id: 'r1', item_id: 'item_a', output_index: 0, content_index: 0, delta: 'AAAA'.repeat(400) }));
      socket.send(JSON.stringify({ type: 'response.function_call_arguments.done', event_id: 'e2', response_id: 'r1', item_id: 'item_1', output_index: 1, call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Oslo"}' }));
      socket.send(JSON.stringify({ type: 'response.function_call_arguments.done', event_id: 'e3', response_id: 'r1', item_id: 'item_2', output_index: 2, call_id: 'call_2', name: 'get_time', arguments: '{"zone":"CET"}' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  serve = await startServe([`ws://127.0.0.1:${(server.address() as AddressInfo).port}`]);
});

test.afterEach(async () => {
  await serve?.stop();
  for (const client of sockets.clients) client.terminate();
  sockets.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

test('shows an answered and an unanswered realtime call', async ({ page }) => {
  await page.goto(serve.uiUrl);
  await expect(page.getByRole('status', { name: 'Connection open' })).toBeVisible();
  const socket = new WebSocket(`${serve.routes[0]!.replace('http://', 'ws://')}/v1/realtime?model=gpt-realtime`);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  let calls = 0;
  const bothCalls = new Promise<void>((resolve) =>
    socket.on('message', (data) => {
      if (data.toString().includes('function_call_arguments.done') && ++calls === 2) resolve();
    }),
  );
  socket.send(JSON.stringify({ type: 'session.update', session: { type: 'realtime', tools: [{ type: 'function', name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string', description: 'City' } } } }] } }));
  for (let i = 0; i < 5; i++) socket.send(JSON.stringify({ type: 'input_audio_buffer.append', audio: 'AAAA'.repeat(800) }));
  await bothCalls;
  socket.send(JSON.stringify({ type: 'conversation.item.create', item: { type: 'function_call_output', call_id: 'call_1', output: '{"temperature":4}' } }));
  socket.send(JSON.stringify({ type: 'response.create' }));

  const panel = page.getByRole('region', { name: 'Function calls' });
  await expect(panel.getByRole('button', { name: /^Call get_weather ok/ })).toBeVisible();
  await expect(panel.getByRole('button', { name: /^Call get_time pending/ })).toBeVisible();
  socket.close(1000);
  await expect(panel.getByRole('button', { name: /^Call get_time unanswered, 1 finding$/ })).toBeVisible();

  await panel.getByRole('button', { name: /^Call get_time unanswered/ }).click();
  const details = page.getByRole('region', { name: 'Details' });
  await expect(details.getByRole('list', { name: 'Findings' }).getByRole('listitem', { name: 'error call/unanswered' })).toBeVisible();
  await page.screenshot({ path: path.join(repoRoot, 'e2e', 'artifacts', 'realtime-calls-light.png') });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: path.join(repoRoot, 'e2e', 'artifacts', 'realtime-calls-dark.png') });
});
