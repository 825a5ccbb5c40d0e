/**
 * The browser UI against the real `toolscope serve`: traffic sent through a route by real clients appears
 * live (request, JSON body, SSE events while the stream is still open, WebSocket frames).
 */
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { expect, test } from '@playwright/test';
import { WebSocket, WebSocketServer } from 'ws';
import { repoRoot, startServe, type ServeProcess } from './support/toolscope-serve.js';

interface Backend {
  url: string;
  /** Lets the held SSE stream finish. */
  releaseStream(): void;
  close(): Promise<void>;
}

async function startBackend(): Promise<Backend> {
  let release: () => void = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      if (req.url === '/stream') {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
        res.write(
          'event: action\ndata: {"service":"llm","action":"function_result","arguments":[{"name":"function_name","value":"get_weather"},{"name":"tool_call_id","value":"call_7"},{"name":"arguments","value":{"city":"Paris"}},{"name":"result","value":{"temperature":21}}]}\n\n',
        );
        void released.then(() => {
          // Malformed on purpose: options must be a list of {name, value}; Daily ignores this silently.
          res.write('event: update-config\ndata: {"config":[{"service":"tts","options":{"voice":"en-gb"}}]}\n\n');
          res.end('data:close\n\n');
        });
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ temperature: 21, unit: 'C', received: JSON.parse(body || '{}') }));
    });
  });
  const sockets = new WebSocketServer({ server });
  sockets.on('connection', (socket) => socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary })));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    releaseStream: () => release(),
    close: () =>
      new Promise<void>((resolve) => {
        release();
        for (const client of sockets.clients) client.terminate();
        sockets.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let backend: Backend;
let serve: ServeProcess;

test.beforeEach(async () => {
  backend = await startBackend();
  serve = await startServe([backend.url]);
});

test.afterEach(async () => {
  await serve?.stop();
  await backend?.close();
});

test('shows a webhook call, its JSON body, SSE events live and WebSocket frames', async ({ page }) => {
  const route = serve.routes[0]!;
  await page.goto(serve.uiUrl);
  await expect(page.getByRole('status', { name: 'Connection open' })).toBeVisible();
  await expect(page.getByRole('note', { name: 'No traffic yet' })).toContainText(route.replace('http://', ''));

  // A Daily Bots style webhook call through the route.
  const response = await fetch(`${route}/weather`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ function_name: 'get_weather', tool_call_id: 'call_7', arguments: { city: 'Paris' } }),
  });
  expect(await response.json()).toMatchObject({ temperature: 21 });
  const traffic = page.getByRole('listbox', { name: 'Traffic' });
  const exchange = traffic.getByRole('option', { name: 'POST /weather 200' });
  await expect(exchange).toBeVisible();
  await exchange.click();
  const details = page.getByRole('region', { name: 'Details' });
  await expect(details.getByRole('article', { name: 'Exchange POST /weather' })).toBeVisible();
  // The request body is shown pretty-printed.
  await expect(details).toContainText('"city": "Paris"');
  await expect(details).toContainText('"temperature": 21');

  // An SSE answer: the first event must appear while the stream is still open.
  const stream = fetch(`${route}/stream`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ function_name: 'get_weather', tool_call_id: 'call_7', arguments: { city: 'Paris' } }),
  });
  const firstEvent = traffic.getByRole('option', { name: /^SSE action / });
  await expect(firstEvent).toBeVisible();
  await expect(traffic.getByRole('option', { name: /^SSE update-config/ })).toHaveCount(0);
  backend.releaseStream();
  const streamed = await (await stream).text();
  expect(streamed).toContain('data:close');
  await expect(traffic.getByRole('option', { name: /^SSE update-config/ })).toBeVisible();
  await traffic.getByRole('option', { name: /^POST \/stream 200/ }).click();
  await expect(details.getByRole('listbox', { name: 'SSE events' }).getByRole('option')).toHaveCount(3);
  // The analysis: both webhook calls are listed, and the malformed update-config is a finding on the stream.
  const calls = page.getByRole('region', { name: 'Function calls' });
  await expect(calls.getByRole('button', { name: /^Call get_weather ok/ })).toHaveCount(2);
  await expect(calls.getByRole('button', { name: /^Call get_weather ok .*finding/ })).toHaveCount(1);
  await expect(details.getByRole('list', { name: 'Findings' }).getByRole('listitem', { name: /^error rtvi\// })).toBeVisible();
  await page.screenshot({ path: path.join(repoRoot, 'e2e', 'artifacts', 'stream-findings-light.png') });

  // A realtime WebSocket through the same route.
  const socket = new WebSocket(`${route.replace('http://', 'ws://')}/v1/realtime`);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const echoed = new Promise<string>((resolve) => socket.once('message', (data) => resolve(data.toString())));
  socket.send(JSON.stringify({ type: 'session.update', session: { type: 'realtime' } }));
  expect(await echoed).toContain('session.update');
  await expect(traffic.getByRole('option', { name: 'Frame to upstream session.update' })).toBeVisible();
  await expect(traffic.getByRole('option', { name: 'Frame to client session.update' })).toBeVisible();
  socket.close(1000);
  await expect(traffic.getByRole('option', { name: /^WebSocket \/v1\/realtime closed 1000/ })).toBeVisible();

  await traffic.getByRole('option', { name: 'POST /weather 200' }).click();
  await page.screenshot({ path: path.join(repoRoot, 'e2e', 'artifacts', 'traffic-light.png') });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: path.join(repoRoot, 'e2e', 'artifacts', 'traffic-dark.png') });
});

test('refuses the UI without its token', async ({ page }) => {
  const bare = serve.uiUrl.split('?')[0]!;
  const response = await page.goto(bare);
  expect(response?.status()).toBe(401);
  await expect(page.locator('body')).toContainText('access token');
});

test('serve exits 0 on SIGTERM and keeps the session', async () => {
  await fetch(`${serve.routes[0]!}/weather`, { method: 'POST', body: '{"a":1}' });
  expect(await serve.stop()).toBe(0);
  expect(serve.output()).toContain('stopped; session saved');
});
