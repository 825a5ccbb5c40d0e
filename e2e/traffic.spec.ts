/**
 * The browser UI against the real `toolscope serve`: traffic sent through a route by real clients appears
 * live in the traffic view (request, JSON bodies, SSE events while the stream is still open, WebSocket
 * frames), and the UI and the CLI keep their guarantees (token, SIGTERM).
 */
import { expect, test } from '@playwright/test';
import { callWebhook, closeSocket, nextMessage, openSocket } from './support/backends.js';
import { proxiedToolBackend } from './support/proxied-tool-backend.js';
import { openUi, screenshots, ui } from './support/ui.js';

const env = proxiedToolBackend();

test('shows a webhook call, its JSON body, SSE events live and WebSocket frames', async ({ page }) => {
  const route = env.serve.routes[0]!;
  const { traffic, details, tabs, trafficView, calls, callsView } = ui(page);
  await openUi(page, env.serve);
  await expect(page.getByRole('note', { name: 'No traffic yet' })).toContainText(route.replace('http://', ''));

  // A Daily Bots style webhook call through the route.
  const answer = await callWebhook(route, '/weather', { name: 'get_weather', id: 'call_7', args: { city: 'Paris' } });
  expect(JSON.parse(answer.text)).toMatchObject({ temperature: 21 });
  await trafficView.click();
  await expect(trafficView).toBeChecked();
  await expect(page).toHaveURL(/#view=traffic$/);
  const exchange = traffic.getByRole('option', { name: 'POST /weather 200' });
  await exchange.click();
  await expect(exchange).toHaveAttribute('aria-selected', 'true');
  await expect(details.getByRole('article', { name: 'Exchange POST /weather' })).toBeVisible();
  // An answered exchange opens on its response; both bodies are pretty-printed.
  await expect(tabs.getByRole('tab', { name: 'Response' })).toHaveAttribute('aria-selected', 'true');
  await expect(details.getByRole('tabpanel')).toContainText('"temperature": 21');
  await tabs.getByRole('tab', { name: 'Request' }).click();
  await expect(details.getByRole('tabpanel')).toContainText('"city": "Paris"');

  // An SSE answer: the first event must appear while the stream is still open.
  const stream = callWebhook(route, '/held-stream', { name: 'get_weather', id: 'call_8', args: { city: 'Paris' } });
  await expect(traffic.getByRole('option', { name: /^SSE action / })).toBeVisible();
  await expect(traffic.getByRole('option', { name: /^SSE update-config/ })).toHaveCount(0);
  env.backend.releaseStream();
  expect((await stream).text).toContain('data:close');
  await expect(traffic.getByRole('option', { name: /^SSE update-config/ })).toBeVisible();
  await traffic.getByRole('option', { name: 'POST /held-stream 200' }).click();
  await tabs.getByRole('tab', { name: 'SSE events' }).click();
  // A header row and the three events: action, update-config, data:close.
  await expect(details.getByRole('table', { name: 'SSE events' }).getByRole('row')).toHaveCount(4);
  await tabs.getByRole('tab', { name: 'Findings' }).click();
  await expect(details.getByRole('list', { name: 'Findings' }).getByRole('listitem', { name: /^error rtvi\// })).toBeVisible();

  // The analysis: both webhook calls are in the calls view, the malformed update-config is a finding.
  await callsView.click();
  await expect(calls.getByRole('option', { name: /^Call get_weather ok/ })).toHaveCount(2);
  await expect(calls.getByRole('option', { name: /^Call get_weather ok .*, 1 finding$/ })).toHaveCount(1);

  // A realtime WebSocket through the same route (the backend echoes every frame).
  await trafficView.click();
  const socket = await openSocket(route, '/v1/realtime');
  const echoed = nextMessage(socket, (m) => m.type === 'session.update');
  socket.send(JSON.stringify({ type: 'session.update', session: { type: 'realtime' } }));
  await echoed;
  await expect(traffic.getByRole('option', { name: 'Frame to upstream session.update' })).toBeVisible();
  await expect(traffic.getByRole('option', { name: 'Frame to client session.update' })).toBeVisible();
  await closeSocket(socket, 1000);
  await expect(traffic.getByRole('option', { name: 'WebSocket /v1/realtime closed 1000' })).toBeVisible();

  await traffic.getByRole('option', { name: 'POST /weather 200' }).click();
  await expect(details.getByRole('article', { name: 'Exchange POST /weather' })).toBeVisible();
  await tabs.getByRole('tab', { name: 'Response' }).click();
  await expect(details.getByRole('tabpanel')).toContainText('"temperature": 21');
  await screenshots(page, 'traffic');
});

test('refuses the UI without its token', async ({ page }) => {
  const bare = env.serve.uiUrl.split('?')[0]!;
  const response = await page.goto(bare);
  expect(response?.status()).toBe(401);
  await expect(page.locator('body')).toContainText('access token');
});

test('serve exits 0 on SIGTERM and keeps the session', async () => {
  await fetch(`${env.serve.routes[0]!}/weather`, { method: 'POST', body: '{"a":1}' });
  expect(await env.serve.stop()).toBe(0);
  expect(env.serve.output()).toContain('stopped; session saved');
});
