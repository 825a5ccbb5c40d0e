/**
 * Hostile traffic in the browser UI (issue 8): bodies, headers, SSE data and WebSocket frames that carry
 * `<script>` and `<img onerror>` markup, a 10 MiB single-line JSON body each way, and an SSE answer of 20,000
 * events. Opening the call and each exchange tab must show the markup as text, never run it
 * (`window.__pwned` stays undefined, no such element appears), and the page must keep responding.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test, type Page } from '@playwright/test';
import { WebSocket, WebSocketServer } from 'ws';
import { startServe, type ServeProcess } from './support/toolscope-serve.js';
import { openUi, screenshots, ui } from './support/ui.js';

const SCRIPT = '<script>window.__pwned=1</script>';
const IMG = '<img src=x onerror="window.__pwned=1">';
const SSE_EVENTS = 20_000;
const BIG = JSON.stringify({ function_name: 'big_blob', tool_call_id: 'big_1', arguments: { blob: 'b'.repeat(10 * 1024 * 1024), html: SCRIPT } });
const BIG_ANSWER = JSON.stringify({ blob: 'a'.repeat(10 * 1024 * 1024), html: IMG });

interface Setup {
  server: http.Server;
  sockets: WebSocketServer;
  serve: ServeProcess;
  route: string;
}
let setup: Setup | undefined;

test.beforeAll(async () => {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url === '/hostile') {
        res.writeHead(200, { 'content-type': 'application/json', 'x-html': IMG, 'x-script': SCRIPT });
        res.end(JSON.stringify({ result: `${SCRIPT} and ${IMG}`, [SCRIPT]: IMG }));
      } else if (req.url === '/big') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(BIG_ANSWER);
      } else if (req.url === '/stream') {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'x-html': IMG });
        let text = '';
        for (let i = 0; i < SSE_EVENTS; i++) text += `event: action\ndata: {"i":${i},"html":${JSON.stringify(i % 2 ? SCRIPT : IMG)}}\n\n`;
        text += 'event: close\ndata: close\n\n';
        res.end(text);
      } else {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('ok');
      }
    });
  });
  const sockets = new WebSocketServer({ server });
  sockets.on('connection', (socket) => socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary })));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const serve = await startServe([`http://127.0.0.1:${(server.address() as AddressInfo).port}`]);
  setup = { server, sockets, serve, route: serve.routes[0]! };
});

test.afterAll(async () => {
  await setup?.serve.stop();
  setup?.sockets.close();
  setup?.server.closeAllConnections();
  await new Promise<void>((resolve) => (setup ? setup.server.close(() => resolve()) : resolve()));
});

function current(): Setup {
  if (!setup) throw new Error('the setup is only there inside a test');
  return setup;
}

async function post(path: string, body: string, headers: Record<string, string> = {}): Promise<string> {
  const response = await fetch(`${current().route}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return response.text();
}

/** Nothing ran: no global set, no injected element, and the page still answers an evaluate. */
async function expectNotPwned(page: Page): Promise<void> {
  expect(await page.evaluate(() => (globalThis as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
  await expect(page.locator('img[src="x"]')).toHaveCount(0);
  expect(await page.locator('script').evaluateAll((scripts) => scripts.filter((s) => ((s as unknown as { textContent: string | null }).textContent ?? '').includes('__pwned')).length)).toBe(0);
}

test('markup in bodies, headers, SSE data and frames is shown as text and never runs; big bodies and 20,000 SSE events keep the page responsive', async ({ page }) => {
  test.setTimeout(180_000);
  const { route } = current();
  const { traffic, details, tabs, trafficView, calls, callsView, filter } = ui(page);
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await openUi(page, current().serve);

  // The traffic: a hostile webhook call, a 10 MiB single-line JSON each way, an SSE answer of 20,000 events,
  // and WebSocket frames carrying the same markup.
  await post('/hostile', JSON.stringify({ function_name: 'get_weather', tool_call_id: 'call_html', arguments: { city: SCRIPT, note: IMG } }), { 'x-note': SCRIPT });
  expect((await post('/big', BIG)).length).toBe(BIG_ANSWER.length);
  const streamed = await post('/stream', JSON.stringify({ function_name: 'stream_tool', tool_call_id: 'call_sse', arguments: { html: IMG } }));
  expect(streamed.split('\n\n').length - 1).toBe(SSE_EVENTS + 1);
  const socket = new WebSocket(`${route.replace('http://', 'ws://')}/realtime`);
  await new Promise<void>((resolve, reject) => socket.once('open', () => resolve()).once('error', reject));
  const echoes = new Promise<void>((resolve) => {
    let n = 0;
    socket.on('message', () => ++n === 3 && resolve());
  });
  socket.send(SCRIPT);
  socket.send(JSON.stringify({ type: 'response.function_call_arguments.done', call_id: IMG, name: 'get_weather', arguments: JSON.stringify({ city: SCRIPT }) }));
  socket.send(IMG);
  await echoes;

  // The call: its arguments show the markup as text.
  await expect(callsView).toBeChecked();
  const hostileCall = calls.getByRole('option', { name: /^Call get_weather/ }).first();
  await hostileCall.click();
  await expect(hostileCall).toHaveAttribute('aria-selected', 'true');
  await tabs.getByRole('tab', { name: 'Call' }).click();
  await expect(details.getByRole('tabpanel')).toContainText(SCRIPT);
  await expectNotPwned(page);
  await screenshots(page, 'hostile-call');

  // The exchange that carried it (the list is virtual and 20,000 rows long, so rows are found through the
  // filter): Response (body and headers) and Request tabs.
  await trafficView.click();
  const exchange = traffic.getByRole('option', { name: 'POST /hostile 200' });
  await filter.fill('/hostile');
  await exchange.click();
  await expect(exchange).toHaveAttribute('aria-selected', 'true');
  await tabs.getByRole('tab', { name: 'Response' }).click();
  await expect(details.getByRole('tabpanel')).toContainText('window.__pwned=1');
  await expect(details.getByRole('tabpanel')).toContainText('onerror');
  await expectNotPwned(page);
  await screenshots(page, 'hostile-response');
  await tabs.getByRole('tab', { name: 'Request' }).click();
  await expect(details.getByRole('tabpanel')).toContainText('<script>');
  await expectNotPwned(page);

  // The 10 MiB bodies (captured up to the 1 MiB cap): both tabs open and the page still answers.
  const big = traffic.getByRole('option', { name: 'POST /big 200' });
  await filter.fill('/big');
  await big.click();
  await expect(big).toHaveAttribute('aria-selected', 'true');
  await tabs.getByRole('tab', { name: 'Response' }).click();
  await expect(details.getByRole('tabpanel')).toBeVisible();
  await tabs.getByRole('tab', { name: 'Request' }).click();
  await expect(details.getByRole('tabpanel')).toBeVisible();
  await expectNotPwned(page);
  await screenshots(page, 'hostile-big-body');

  // The SSE answer of 20,000 events: its SSE events tab.
  const stream = traffic.getByRole('option', { name: 'POST /stream 200' });
  await filter.fill('/stream');
  await stream.click();
  await expect(stream).toHaveAttribute('aria-selected', 'true');
  await tabs.getByRole('tab', { name: 'SSE events' }).click();
  const table = details.getByRole('table', { name: 'SSE events' });
  await expect(table).toBeVisible();
  await expect(table).toContainText('window.__pwned=1');
  await expectNotPwned(page);
  await screenshots(page, 'hostile-sse');

  // The WebSocket: its Frames tab.
  const connection = traffic.getByRole('option', { name: /^WebSocket \/realtime/ });
  await filter.fill('/realtime');
  await connection.click();
  await expect(connection).toHaveAttribute('aria-selected', 'true');
  await tabs.getByRole('tab', { name: 'Frames' }).click();
  await expect(details.getByRole('tabpanel')).toContainText('window.__pwned=1');
  await details.getByRole('row').filter({ hasText: '<img src=x' }).first().click();
  await expect(details.getByRole('tabpanel')).toContainText(IMG);
  await expectNotPwned(page);
  await screenshots(page, 'hostile-frames');

  // Still responsive: with the whole list back (20,000 rows), clicking another row selects it at once.
  await filter.fill('');
  const lastFrame = traffic.getByRole('option').last();
  await lastFrame.click();
  await expect(lastFrame).toHaveAttribute('aria-selected', 'true', { timeout: 5_000 });
  await filter.fill('/hostile');
  await exchange.click();
  await expect(exchange).toHaveAttribute('aria-selected', 'true', { timeout: 5_000 });
  await expect(traffic.getByRole('option', { selected: true })).toHaveCount(1);
  socket.close();
  await expectNotPwned(page);
  expect(pageErrors).toEqual([]);
});

test('a UI that connects after the memory cap was passed says the earlier events are only in the session file', async ({ page }) => {
  const { server } = current();
  const serve = await startServe([`http://127.0.0.1:${(server.address() as AddressInfo).port}`], ['--memory-mb', '3']);
  try {
    // Two exchanges with two captured 1 MiB bodies each are more than the 3 MB the core keeps in memory.
    for (let i = 0; i < 2; i++) await (await fetch(`${serve.routes[0]!}/big`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: BIG })).text();
    await (await fetch(`${serve.routes[0]!}/hostile`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).text();
    await openUi(page, serve);
    const notice = page.getByRole('region', { name: 'Earlier events' });
    await expect(notice).toContainText(/\d+ earlier events? (is|are) only in the session file/);
    await ui(page).trafficView.click();
    await expect(ui(page).traffic.getByRole('option', { name: 'POST /hostile 200' })).toBeVisible();
    await screenshots(page, 'hostile-retention-notice');
    await notice.getByRole('button', { name: 'Sessions…' }).click();
    await expect(page.getByRole('dialog', { name: /Sessions/ })).toBeVisible();
  } finally {
    await serve.stop();
  }
});

test('a UI connected all along lets go of what the core no longer keeps, and says so', async ({ page }) => {
  const { server } = current();
  const serve = await startServe([`http://127.0.0.1:${(server.address() as AddressInfo).port}`], ['--memory-mb', '3']);
  try {
    await openUi(page, serve);
    await ui(page).trafficView.click();
    // Four exchanges with two captured 1 MiB bodies each: more than the UI's budget (one and a half times the
    // 3 MB the core keeps), received live by this page.
    await (await fetch(`${serve.routes[0]!}/first`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).text();
    // The user is looking at the first exchange when it goes.
    await ui(page).traffic.getByRole('option', { name: 'POST /first 200' }).click();
    for (let i = 0; i < 4; i++) await (await fetch(`${serve.routes[0]!}/big`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: BIG })).text();
    await (await fetch(`${serve.routes[0]!}/hostile`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).text();
    const notice = page.getByRole('region', { name: 'Earlier events' });
    const details = page.getByRole('region', { name: 'Details' });
    await expect(details).toContainText('This exchange is not in the current view.');
    await expect(details).toContainText('Toolscope no longer keeps it in memory: it is in the session file');
    await expect(ui(page).traffic.getByRole('option', { name: 'POST /first 200' })).toHaveCount(0);
    await expect(notice).toContainText(/\d+ earlier events? (is|are) only in the session file/);
    await expect(ui(page).traffic.getByRole('option', { name: 'POST /hostile 200' })).toBeVisible();
    // The page took the core's fresh snapshot: the oldest exchanges are no longer held here.
    await expect.poll(() => ui(page).traffic.getByRole('option', { name: 'POST /big 200' }).count()).toBeLessThan(4);
    // The notice moved the list down under the pointer, whose hover would look like a row cursor in the picture.
    await page.mouse.move(0, 0);
    await screenshots(page, 'hostile-live-retention');
  } finally {
    await serve.stop();
  }
});
