/**
 * Edit and resend from the core (`resendRequest` on the bridge): a Daily Bots webhook call captured through the
 * real proxy is sent again, edited, to the real backend on loopback, and recorded as a new exchange linked to
 * the original; SSE and gzip answers are read like a route reads them; a dead port, a silent backend and bad
 * input each end the way a bot developer can act on, never with a hang.
 */
import zlib from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { handleBridgeCall } from '../../electron/core/bridge-handler.js';
import type { ToolscopeCore } from '../../electron/core/toolscope-core.js';
import { resendResultSchema, type BridgeParams, type ResendResult } from '../../shared/bridge.js';
import { analyseEvents } from '../../shared/analysis/session-report.js';
import { emptyTrafficState, foldEvents, type ExchangeView } from '../../shared/store/traffic-state.js';
import { Cleanup, deadPort, eventsOf, exchangeFor, request, startBackend, startProxy, waitForEvent, type Backend } from '../support/proxy-harness.js';
import { fixtureText, haveFixtures, whenFixtures } from '../support/protocol-fixtures.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

interface Received {
  method: string;
  url: string;
  headers: [string, string][];
  body: Buffer;
}

const SSE_ANSWER =
  'event: action\ndata: {"service":"llm","action":"function_result","arguments":[{"name":"function_name","value":"lookup_order"},{"name":"tool_call_id","value":"call_8xQm2TzL0aVnB4kR7cWd1Yp3"},{"name":"arguments","value":{"order_number":"B-777"}},{"name":"result","value":{"status":"lost"}}]}\n\n' +
  'data:close\n\n';

/** The tool backend: JSON on /orders, SSE on /stream, gzip on /gzip, nothing at all on /silent. */
async function startToolBackend(): Promise<{ backend: Backend; received: Received[] }> {
  const received: Received[] = [];
  const backend = await startBackend(cleanup, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const headers: [string, string][] = [];
      for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i]!, req.rawHeaders[i + 1]!]);
      received.push({ method: req.method ?? '', url: req.url ?? '', headers, body: Buffer.concat(chunks) });
      if (req.url === '/silent') return;
      if (req.url === '/hanging-stream') {
        // One event, then nothing: the stream never ends.
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('event: action\ndata: {"service":"tts","action":"say","arguments":[{"name":"text","value":"One moment"}]}\n\n');
        return;
      }
      if (req.url === '/stream') {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
        res.end(SSE_ANSWER);
        return;
      }
      const answer = JSON.stringify({ order_number: 'A-20931', status: 'shipped', eta: '2025-03-14' });
      if (req.url?.startsWith('/gzip')) {
        const zipped = zlib.gzipSync(answer);
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': zipped.length });
        res.end(zipped);
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(answer) });
      res.end(answer);
    });
  });
  return { backend, received };
}

/** The Daily webhook request of the fixture: its headers (but Host) and its body. */
function dailyFixture(): { headers: Record<string, string>; body: string } {
  const text = fixtureText('daily-webhook-request.http').replace(/\r\n/g, '\n');
  const [head, body] = text.split('\n\n') as [string, string];
  const headers: Record<string, string> = {};
  for (const line of head.split('\n').slice(1)) {
    const at = line.indexOf(':');
    const name = line.slice(0, at).trim();
    if (name.toLowerCase() !== 'host') headers[name] = line.slice(at + 1).trim();
  }
  return { headers, body: body.trim() };
}

function exchangeOf(core: ToolscopeCore, id: string): ExchangeView {
  const exchange = foldEvents(emptyTrafficState(), core.log.all()).exchanges.get(id);
  if (!exchange) throw new Error(`exchange ${id} is not in the log`);
  return exchange;
}

async function resend(core: ToolscopeCore, params: BridgeParams<'resendRequest'>): Promise<ResendResult> {
  // Through the bridge's parsing, and checked against the result schema as the UI's side would.
  return resendResultSchema.parse(await handleBridgeCall(core, 'resendRequest', params));
}

/** Captures the fixture's Daily call through the proxy and returns the core and the captured exchange. */
async function captureDailyCall(backend: Backend): Promise<{ core: ToolscopeCore; original: ExchangeView }> {
  const proxy = await startProxy(cleanup, backend.url);
  const { headers, body } = dailyFixture();
  const response = await request(proxy.port, { method: 'POST', path: '/orders', headers, body });
  expect(response.status).toBe(200);
  const id = await exchangeFor(proxy.core, '/orders', 'POST');
  await waitForEvent(proxy.core, 'http.response.body', (e) => e.exchangeId === id);
  return { core: proxy.core, original: exchangeOf(proxy.core, id) };
}

describe.skipIf(!haveFixtures)(whenFixtures('resendRequest'), () => {
  it('sends an edited Daily call byte-exact, records it as a new exchange linked to the original, and the analysis links the call', async () => {
    const { backend, received } = await startToolBackend();
    const { core, original } = await captureDailyCall(backend);
    received.length = 0;

    // The user edits the arguments in the captured body (keys and spacing as captured, one value changed).
    const captured = original.requestBody!.data;
    const edited = captured.replace('"order_number":"A-20931"', '"order_number":"B-777","rush":true');
    expect(edited).not.toBe(captured);
    const result = await resend(core, {
      request: { method: 'POST', url: original.request.upstreamUrl, headers: original.request.headers, body: { encoding: 'utf8', data: edited } },
      replayOf: original.id,
      routeId: original.routeId,
      edited: true,
    });

    // The backend got exactly the edited bytes, framed for them, addressed to itself, without the old hop's headers.
    expect(received).toHaveLength(1);
    const got = received[0]!;
    expect(got.method).toBe('POST');
    expect(got.url).toBe('/orders');
    expect(got.body.equals(Buffer.from(edited, 'utf8'))).toBe(true);
    const header = (name: string) => got.headers.filter(([key]) => key.toLowerCase() === name).map(([, value]) => value);
    expect(header('content-length')).toEqual([String(Buffer.byteLength(edited))]);
    expect(header('host')).toEqual([`127.0.0.1:${backend.port}`]);
    expect(header('authorization')).toEqual(['Bearer whk_test_3f9a']);
    expect(header('x-conversation-id')).toEqual(['c0ffee42-7d1e-4b9a-9a51-2f6f3c0d8e11']);

    expect(result.error).toBeNull();
    expect(result.exchangeId).not.toBe(original.id);
    expect(result.response).toMatchObject({ status: 200, statusMessage: 'OK', sse: [] });
    expect(JSON.parse(result.response!.body.data)).toEqual({ order_number: 'A-20931', status: 'shipped', eta: '2025-03-14' });
    expect(result.durationMs).toBeGreaterThanOrEqual(0);

    // The log holds it as a route records one: request, its body, response, its body; no client, so no address.
    const kinds = core.log.all().filter((e) => 'exchangeId' in e && e.exchangeId === result.exchangeId).map((e) => e.kind);
    expect(kinds).toEqual(['http.request', 'http.request.body', 'http.response', 'http.response.body']);
    const [requestEvent] = eventsOf(core, 'http.request', result.exchangeId);
    expect(requestEvent).toMatchObject({
      routeId: original.routeId,
      method: 'POST',
      url: '/orders',
      upstreamUrl: `${backend.url}/orders`,
      remoteAddress: '',
      replayOf: original.id,
      edited: true,
    });
    expect(result.exchangeId).toMatch(/^x\d+$/);
    const resent = exchangeOf(core, result.exchangeId);
    expect(resent.requestBody!.data).toBe(edited);
    expect(resent.state).toBe('complete');
    expect(resent.responseBody).toEqual(result.response!.body);

    // The analysis sees a second lookup_order call, with the edited arguments, linked to the first.
    const { analysis } = analyseEvents(core.log.all());
    const calls = [...analysis.calls.values()].filter((c) => c.name === 'lookup_order');
    expect(calls).toHaveLength(2);
    const first = calls.find((c) => c.source.id === original.id)!;
    const second = calls.find((c) => c.source.id === result.exchangeId)!;
    expect(first.replayOf).toBeUndefined();
    expect(second).toMatchObject({ protocol: 'daily', replayOf: original.id, edited: true, args: { order_number: 'B-777', rush: true }, status: 'ok' });
  });

  it('reads an SSE answer into events (in the result and the log), and decodes a gzip answer', async () => {
    const { backend, received } = await startToolBackend();
    const { core, original } = await captureDailyCall(backend);
    const headers = original.request.headers;

    const streamed = await resend(core, {
      request: { method: 'POST', url: `${backend.url}/stream`, headers, body: { encoding: 'utf8', data: original.requestBody!.data } },
      replayOf: original.id,
      routeId: null,
      edited: false,
    });
    expect(streamed.error).toBeNull();
    expect(streamed.response!.sse).toEqual([
      { type: 'action', data: SSE_ANSWER.split('\n')[1]!.slice('data: '.length) },
      { type: 'message', data: 'close' },
    ]);
    expect(streamed.response!.body.data).toBe(SSE_ANSWER);
    const sseEvents = eventsOf(core, 'sse.event', streamed.exchangeId);
    expect(sseEvents.map((e) => [e.type, e.dispatched])).toEqual([
      ['action', true],
      ['message', true],
    ]);
    expect(eventsOf(core, 'sse.end', streamed.exchangeId)).toMatchObject([{ events: 2, complete: true, leftover: null }]);
    // Not edited: no `edited` mark. No route given: listed under the route whose upstream it went to.
    const [streamRequest] = eventsOf(core, 'http.request', streamed.exchangeId);
    expect(streamRequest!.edited).toBeUndefined();
    expect(streamRequest!.replayOf).toBe(original.id);
    expect(streamRequest!.routeId).toBe(original.routeId);
    // The SSE answer's function_result is the resent call's result.
    const { analysis } = analyseEvents(core.log.all());
    const call = [...analysis.calls.values()].find((c) => c.source.id === streamed.exchangeId)!;
    expect(call).toMatchObject({ replayOf: original.id, status: 'ok', result: { status: 'lost' } });
    expect(call.edited).toBeUndefined();

    const zipped = await resend(core, {
      request: { method: 'GET', url: `${backend.url}/gzip?x=1`, headers: [['Accept-Encoding', 'gzip']], body: null },
      replayOf: null,
      routeId: 'r-other',
      edited: false,
    });
    expect(zipped.error).toBeNull();
    expect(zipped.response!.body).toMatchObject({ contentEncoding: 'gzip', decoded: true, encoding: 'utf8' });
    expect(JSON.parse(zipped.response!.body.data)).toMatchObject({ status: 'shipped' });
    expect(eventsOf(core, 'http.request', zipped.exchangeId)).toMatchObject([{ routeId: 'r-other', url: '/gzip?x=1', method: 'GET' }]);
    expect(eventsOf(core, 'http.request', zipped.exchangeId)[0]!.replayOf).toBeUndefined();
    // A GET without a body goes out without one, and without a Content-Length.
    const get = received.at(-1)!;
    expect(get.body.length).toBe(0);
    expect(get.headers.some(([key]) => /^(content-length|transfer-encoding)$/i.test(key))).toBe(false);
  });

  it('returns an error (and records http.error) for a dead port and for a silent backend, within the timeout, without throwing', async () => {
    const { backend } = await startToolBackend();
    const { core, original } = await captureDailyCall(backend);
    const body = { encoding: 'utf8' as const, data: original.requestBody!.data };

    const port = await deadPort();
    const refused = await resend(core, {
      request: { method: 'POST', url: `http://127.0.0.1:${port}/orders`, headers: original.request.headers, body },
      replayOf: original.id,
      routeId: original.routeId,
      edited: false,
    });
    expect(refused.response).toBeNull();
    expect(refused.error).toMatch(/^connection refused \(.*ECONNREFUSED.*\)$/);
    expect(eventsOf(core, 'http.error', refused.exchangeId)).toMatchObject([{ cause: 'refused', code: 'ECONNREFUSED', statusSent: null }]);
    expect(exchangeOf(core, refused.exchangeId).state).toBe('error');

    const started = Date.now();
    const silent = await resend(core, {
      request: { method: 'POST', url: `${backend.url}/silent`, headers: original.request.headers, body },
      replayOf: original.id,
      routeId: original.routeId,
      edited: false,
      timeoutMs: 300,
    });
    // Not before its timeout: a lower bound, which a slow machine cannot break.
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(silent.response).toBeNull();
    expect(silent.error).toBe('timed out: no complete answer within 300 ms');
    expect(eventsOf(core, 'http.error', silent.exchangeId)).toMatchObject([{ cause: 'timeout', statusSent: null }]);
    // A stream that starts and then stalls: the events so far come back with the error.
    const stalled = await resend(core, {
      request: { method: 'POST', url: `${backend.url}/hanging-stream`, headers: original.request.headers, body },
      replayOf: original.id,
      routeId: original.routeId,
      edited: false,
      timeoutMs: 300,
    });
    expect(stalled.error).toBe('timed out: no complete answer within 300 ms');
    expect(stalled.response).toMatchObject({ status: 200, sse: [{ type: 'action' }] });
    expect(eventsOf(core, 'sse.end', stalled.exchangeId)).toMatchObject([{ events: 1, complete: false }]);
    expect(eventsOf(core, 'http.error', stalled.exchangeId)).toMatchObject([{ cause: 'timeout', statusSent: null }]);

    // The analysis ends both calls as errors instead of leaving them pending.
    const { analysis } = analyseEvents(core.log.all());
    for (const id of [refused.exchangeId, silent.exchangeId]) {
      const call = [...analysis.calls.values()].find((c) => c.source.id === id)!;
      expect(call).toMatchObject({ replayOf: original.id });
      expect(call.status).not.toBe('pending');
    }
  });

  it('ends a resend in flight when the core closes, recorded as cut by Toolscope', async () => {
    const { backend } = await startToolBackend();
    const { core, original } = await captureDailyCall(backend);
    const pending = resend(core, {
      request: { method: 'POST', url: `${backend.url}/silent`, headers: [], body: { encoding: 'utf8', data: original.requestBody!.data } },
      replayOf: original.id,
      routeId: null,
      edited: false,
      timeoutMs: 60_000,
    });
    await waitForEvent(core, 'http.request', (e) => e.url === '/silent');
    await core.close();
    // Ended by the close, not by its 60 s timeout (which the test's own timeout would not wait for).
    const result = await pending;
    expect(result).toMatchObject({ response: null, error: 'Toolscope was closed while the request was being sent' });
    expect(eventsOf(core, 'http.aborted', result.exchangeId)).toMatchObject([{ by: 'proxy', phase: 'request' }]);
    await expect(handleBridgeCall(core, 'resendRequest', { request: { method: 'GET', url: backend.url, headers: [], body: null }, replayOf: null, routeId: null, edited: false })).rejects.toThrow(
      'the core is shutting down',
    );
  });

  it('refuses bad input at the bridge with a sentence, and records nothing', async () => {
    const { backend } = await startToolBackend();
    const { core } = await captureDailyCall(backend);
    const before = core.log.size;
    const base = { replayOf: null, routeId: null, edited: false };
    const ok = { method: 'POST', url: `${backend.url}/orders`, headers: [] as [string, string][], body: null };

    await expect(handleBridgeCall(core, 'resendRequest', { ...base })).rejects.toThrow(/^invalid parameters for resendRequest: request: /);
    await expect(handleBridgeCall(core, 'resendRequest', { ...base, request: { ...ok, url: '/orders' } })).rejects.toThrow(/invalid parameters for resendRequest: request\.url/);
    await expect(handleBridgeCall(core, 'resendRequest', { ...base, request: ok, timeoutMs: 0 })).rejects.toThrow(/invalid parameters for resendRequest: timeoutMs/);
    await expect(handleBridgeCall(core, 'resendRequest', { ...base, request: { ...ok, url: 'ws://127.0.0.1:1/x' } })).rejects.toThrow(
      'only http and https requests can be sent; "ws://127.0.0.1:1/x" is ws',
    );
    await expect(handleBridgeCall(core, 'resendRequest', { ...base, request: { ...ok, body: { encoding: 'base64', data: 'not base64!' } } })).rejects.toThrow(
      'the body is marked base64 but is not valid base64',
    );
    await expect(handleBridgeCall(core, 'resendRequest', { ...base, request: { ...ok, method: 'PO ST' } })).rejects.toThrow('"PO ST" is not a valid HTTP method');
    await expect(handleBridgeCall(core, 'resendRequest', { ...base, request: { ...ok, headers: [['x-bad', 'a\nb']] } })).rejects.toThrow(/the header "x-bad" cannot be sent/);
    expect(core.log.size).toBe(before);

    // base64 bodies are sent as their bytes.
    const bytes = Buffer.from([0xff, 0x00, 0x7b, 0x22]);
    const sent = await resend(core, { ...base, request: { ...ok, headers: [['content-type', 'application/octet-stream']], body: { encoding: 'base64', data: bytes.toString('base64') } } });
    expect(sent.error).toBeNull();
    expect(exchangeOf(core, sent.exchangeId).requestBody).toMatchObject({ encoding: 'base64', data: bytes.toString('base64'), size: 4 });
  });
});
