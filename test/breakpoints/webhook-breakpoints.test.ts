/**
 * Webhook breakpoints end to end: a real backend and a real client on loopback, the rules set and the items
 * released through the bridge. Order is asserted by what the backend received and by events, never by clocks.
 */
import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { handleBridgeCall } from '../../electron/core/bridge-handler.js';
import type { BreakpointsState, ReleasePauseParams } from '../../shared/bridge.js';
import type { BreakpointRuleInput } from '../../shared/breakpoints/breakpoint-rule.js';
import type { EventOf } from '../../shared/events.js';
import { Cleanup, eventsOf, request, requestSettled, startBackend, startProxy, waitForEvent, within, type Proxy } from '../support/proxy-harness.js';
import type { ToolscopeCore } from '../../electron/core/toolscope-core.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

const daily = (name: string, args: Record<string, unknown>, id = `call_${name}`) =>
  JSON.stringify({ function_name: name, tool_call_id: id, arguments: args });
const JSON_HEADERS = { 'content-type': 'application/json' };

interface Received {
  url: string;
  method: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A backend that records each request (in arrival order) and answers `{"echo": <body>}`. */
async function echoBackend(): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  const backend = await startBackend(cleanup, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ url: req.url ?? '', method: req.method ?? '', headers: req.headers, body });
      const payload = JSON.stringify({ echo: body, url: req.url });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
      res.end(payload);
    });
  });
  return { url: backend.url, received };
}

async function setRules(core: ToolscopeCore, rules: BreakpointRuleInput[]): Promise<BreakpointsState> {
  return (await handleBridgeCall(core, 'setBreakpoints', { rules })) as BreakpointsState;
}

function release(core: ToolscopeCore, params: ReleasePauseParams): Promise<unknown> {
  return handleBridgeCall(core, 'releasePause', params);
}

async function pauseOf(proxy: Proxy, functionName: string): Promise<EventOf<'pause.start'>> {
  return waitForEvent(proxy.core, 'pause.start', (e) => e.functionName === functionName);
}

function post(proxy: Proxy, body: string, path = '/tools') {
  return requestSettled(proxy.port, { method: 'POST', path, headers: JSON_HEADERS, body });
}

describe('webhook request breakpoints', () => {
  it('holds a call to the function, lets an unrelated call through meanwhile, and sends an edit', async () => {
    const backend = await echoBackend();
    const proxy = await startProxy(cleanup, backend.url);
    const state = await setRules(proxy.core, [{ id: 'bp1', name: 'weather', stage: 'request', match: { functionName: 'get_weather' } }]);
    expect(state.rules).toHaveLength(1);

    const held = post(proxy, daily('get_weather', { city: 'Oslo' }));
    const start = await pauseOf(proxy, 'get_weather');
    expect(start).toMatchObject({ ruleId: 'bp1', ruleName: 'weather', stage: 'request', callId: 'call_get_weather', timeoutMs: 30_000 });
    expect(backend.received).toHaveLength(0);
    const paused = ((await handleBridgeCall(proxy.core, 'getBreakpoints', {})) as BreakpointsState).paused;
    expect(paused).toEqual([expect.objectContaining({ pauseId: start.pauseId, exchangeId: start.exchangeId, functionName: 'get_weather' })]);

    // An unrelated call on the same route is answered while the first is held.
    const other = await within(post(proxy, daily('get_time', {})), 5000, 'the unrelated call');
    expect(other.status).toBe(200);
    expect(backend.received.map((r) => JSON.parse(r.body).function_name)).toEqual(['get_time']);

    const edited = daily('get_weather', { city: 'Bergen' });
    const result = await release(proxy.core, {
      pauseId: start.pauseId,
      action: 'edit',
      request: { method: 'POST', url: '/tools?edited=1', headers: [['Content-Type', 'application/json'], ['X-Edited', 'yes'], ['Content-Length', '3']], body: { encoding: 'utf8', data: edited } },
    });
    expect(result).toEqual({ pauseId: start.pauseId, action: 'edit' });
    const answer = await within(held, 5000, 'the held call');
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body.toString())).toEqual({ echo: edited, url: '/tools?edited=1' });
    expect(backend.received.map((r) => JSON.parse(r.body).function_name)).toEqual(['get_time', 'get_weather']);
    const got = backend.received[1]!;
    expect(got.body).toBe(edited);
    expect(got.headers['content-length']).toBe(String(Buffer.byteLength(edited)));
    expect(got.headers['x-edited']).toBe('yes');

    const end = await waitForEvent(proxy.core, 'pause.end', (e) => e.pauseId === start.pauseId);
    expect(end).toMatchObject({ action: 'edit', by: 'user', exchangeId: start.exchangeId, request: { method: 'POST', url: '/tools?edited=1' } });
    expect(end.request?.body?.data).toBe(edited);
    expect(end.request?.headers).toContainEqual(['content-length', String(Buffer.byteLength(edited))]);
    // The pause ended before the answer was recorded; the held exchange's request was recorded before the other's answer.
    const response = eventsOf(proxy.core, 'http.response', start.exchangeId!)[0]!;
    expect(end.seq).toBeLessThan(response.seq);
    expect(((await handleBridgeCall(proxy.core, 'getBreakpoints', {})) as BreakpointsState).paused).toEqual([]);
  });

  it('answers a held call directly: the bot gets the answer, the backend is never called', async () => {
    const backend = await echoBackend();
    const proxy = await startProxy(cleanup, backend.url);
    await setRules(proxy.core, [{ id: 'bp', stage: 'request', match: { functionName: 'get_weather' } }]);
    const held = post(proxy, daily('get_weather', { city: 'Oslo' }));
    const start = await pauseOf(proxy, 'get_weather');
    await release(proxy.core, {
      pauseId: start.pauseId,
      action: 'answer',
      response: { status: 201, headers: [['content-type', 'application/json'], ['x-by', 'user']], body: { encoding: 'utf8', data: '{"temperature": 3}' } },
    });
    const answer = await within(held, 5000, 'the answered call');
    expect(answer.status).toBe(201);
    expect(answer.headers['x-by']).toBe('user');
    expect(answer.body.toString()).toBe('{"temperature": 3}');
    expect(backend.received).toEqual([]);
    const response = await waitForEvent(proxy.core, 'http.response', (e) => e.exchangeId === start.exchangeId);
    expect(response.status).toBe(201);
    expect(response.synthetic).toBeUndefined();
    const body = await waitForEvent(proxy.core, 'http.response.body', (e) => e.exchangeId === start.exchangeId);
    expect(body.body.data).toBe('{"temperature": 3}');
    expect(await waitForEvent(proxy.core, 'pause.end')).toMatchObject({ action: 'answer', by: 'user' });
  });

  it('drops a held call: the bot sees the connection closed, recorded as aborted by the proxy', async () => {
    const backend = await echoBackend();
    const proxy = await startProxy(cleanup, backend.url);
    await setRules(proxy.core, [{ id: 'bp', stage: 'request', match: { functionName: 'get_weather' } }]);
    const held = post(proxy, daily('get_weather', {}));
    const start = await pauseOf(proxy, 'get_weather');
    await release(proxy.core, { pauseId: start.pauseId, action: 'drop' });
    const answer = await within(held, 5000, 'the dropped call');
    expect(answer.status).toBe(0);
    expect(answer.error).not.toBeNull();
    const aborted = await waitForEvent(proxy.core, 'http.aborted', (e) => e.exchangeId === start.exchangeId);
    expect(aborted).toMatchObject({ by: 'proxy', phase: 'request' });
    expect(aborted.message).toMatch(/dropped at breakpoint/);
    expect(backend.received).toEqual([]);
    expect(await waitForEvent(proxy.core, 'pause.end')).toMatchObject({ action: 'drop', by: 'user' });
  });

  it('releases a call nobody acts on as it is after the rule timeout, even past the route timeout', async () => {
    const backend = await echoBackend();
    const proxy = await startProxy(cleanup, backend.url, { timeoutMs: 100 });
    await setRules(proxy.core, [{ id: 'bp', stage: 'request', match: { functionName: 'get_weather' }, timeoutMs: 300 }]);
    const body = daily('get_weather', { city: 'Oslo' });
    const answer = await within(post(proxy, body), 5000, 'the timed-out hold');
    expect(answer.status).toBe(200);
    expect(backend.received.map((r) => r.body)).toEqual([body]);
    const end = await waitForEvent(proxy.core, 'pause.end');
    expect(end).toMatchObject({ action: 'continue', by: 'timeout' });
    expect(eventsOf(proxy.core, 'http.error')).toEqual([]);
  });

  it('refuses an edit into invalid JSON with its line and column, keeps the item held, and refuses an unknown pause', async () => {
    const backend = await echoBackend();
    const proxy = await startProxy(cleanup, backend.url);
    await setRules(proxy.core, [{ id: 'bp', stage: 'request', match: { functionName: 'get_weather' } }]);
    const held = post(proxy, daily('get_weather', {}));
    const start = await pauseOf(proxy, 'get_weather');
    const broken = '{\n  "function_name": "get_weather",\n  "arguments": {city: 1}\n}';
    await expect(
      release(proxy.core, { pauseId: start.pauseId, action: 'edit', request: { method: 'POST', url: '/tools', headers: [['content-type', 'application/json']], body: { encoding: 'utf8', data: broken } } }),
    ).rejects.toThrow(/line 3, column 17/);
    expect(((await handleBridgeCall(proxy.core, 'getBreakpoints', {})) as BreakpointsState).paused.map((p) => p.pauseId)).toEqual([start.pauseId]);
    expect(eventsOf(proxy.core, 'pause.end')).toEqual([]);
    await expect(release(proxy.core, { pauseId: 'p999', action: 'continue' })).rejects.toThrow(/pause p999 is not held/);
    await expect(release(proxy.core, { pauseId: start.pauseId, action: 'answer' })).rejects.toThrow(/needs the response/);

    await release(proxy.core, { pauseId: start.pauseId, action: 'continue' });
    expect((await within(held, 5000, 'the released call')).status).toBe(200);
    await expect(release(proxy.core, { pauseId: start.pauseId, action: 'continue' })).rejects.toThrow(/is not held/);
  });

  it('a rule that holds everything does not deadlock 5 concurrent calls (each released by its timeout), and another route is never held', async () => {
    const backend = await echoBackend();
    const proxy = await startProxy(cleanup, backend.url);
    const second = await proxy.core.addRoute({ listenPort: 0, upstream: backend.url });
    await setRules(proxy.core, [{ id: 'all', stage: 'request', match: { routeId: proxy.route.routeId }, timeoutMs: 200 }]);
    const calls = Array.from({ length: 5 }, (_, i) => post(proxy, daily(`f${i}`, {})));
    const free = await within(request(second.listen.port, { method: 'POST', path: '/tools', headers: JSON_HEADERS, body: daily('free', {}) }), 5000, 'the other route');
    expect(free.status).toBe(200);
    expect(JSON.parse(backend.received[0]!.body).function_name).toBe('free');
    const results = await within(Promise.all(calls), 5000, 'the 5 held calls');
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    const ends = eventsOf(proxy.core, 'pause.end');
    expect(ends).toHaveLength(5);
    expect(ends.every((e) => e.by === 'timeout' && e.action === 'continue')).toBe(true);
    expect(eventsOf(proxy.core, 'pause.start').every((e) => e.exchangeId !== undefined)).toBe(true);
  });

  it('a client that leaves while its call is held ends the pause by closed', async () => {
    const backend = await echoBackend();
    const proxy = await startProxy(cleanup, backend.url);
    await setRules(proxy.core, [{ id: 'bp', stage: 'request' }]);
    const held = requestSettled(proxy.port, { method: 'POST', path: '/tools', headers: JSON_HEADERS, body: daily('x', {}), timeoutMs: 300 });
    const start = await waitForEvent(proxy.core, 'pause.start');
    expect((await held).timedOut).toBe(true);
    const end = await waitForEvent(proxy.core, 'pause.end');
    expect(end).toMatchObject({ pauseId: start.pauseId, action: 'drop', by: 'closed' });
    expect(await waitForEvent(proxy.core, 'http.aborted')).toMatchObject({ by: 'client' });
    expect(end.seq).toBeLessThan((await waitForEvent(proxy.core, 'http.aborted')).seq);
    expect(backend.received).toEqual([]);
    await expect(release(proxy.core, { pauseId: start.pauseId, action: 'continue' })).rejects.toThrow(/is not held/);
  });

  it('refuses a rule list with a bad rule, naming where and why, and keeps the old rules', async () => {
    const backend = await echoBackend();
    const proxy = await startProxy(cleanup, backend.url);
    await setRules(proxy.core, [{ id: 'ok', stage: 'request' }]);
    await expect(setRules(proxy.core, [{ id: 'a', stage: 'request' }, { id: 'b', stage: 'sometimes' } as never])).rejects.toThrow(/^rules\.1\.stage: /);
    await expect(setRules(proxy.core, [{ id: 'a', stage: 'request', timeoutMs: 0 }])).rejects.toThrow(/^rules\.0\.timeoutMs: /);
    const state = (await handleBridgeCall(proxy.core, 'getBreakpoints', {})) as BreakpointsState;
    expect(state.rules.map((r) => r.id)).toEqual(['ok']);
  });
});

describe('webhook response breakpoints', () => {
  it('holds the upstream answer before the bot gets it; pause.start carries the original; the edit reaches the bot', async () => {
    const backend = await echoBackend();
    const proxy = await startProxy(cleanup, backend.url);
    await setRules(proxy.core, [{ id: 'resp', stage: 'response', match: { functionName: 'get_weather' } }]);
    const body = daily('get_weather', { city: 'Oslo' });
    let arrived = false;
    const held = post(proxy, body).then((r) => {
      arrived = true;
      return r;
    });
    const start = await pauseOf(proxy, 'get_weather');
    expect(start.stage).toBe('response');
    expect(start.response).toMatchObject({ status: 200, statusMessage: 'OK' });
    expect(JSON.parse(start.response!.body.data)).toEqual({ echo: body, url: '/tools' });
    expect(backend.received).toHaveLength(1);
    expect(arrived).toBe(false);
    expect(eventsOf(proxy.core, 'http.response', start.exchangeId!)).toEqual([]);

    // Invalid JSON (the held answer was JSON) is refused.
    await expect(
      release(proxy.core, { pauseId: start.pauseId, action: 'edit', response: { status: 200, headers: [], body: { encoding: 'utf8', data: '{"a": 1,}' } } }),
    ).rejects.toThrow(/line 1, column 9/);
    await expect(release(proxy.core, { pauseId: start.pauseId, action: 'answer' })).rejects.toThrow(/only a held request can be answered/);

    const edited = '{"temperature":-3}';
    await release(proxy.core, {
      pauseId: start.pauseId,
      action: 'edit',
      response: { status: 202, headers: [['content-type', 'application/json'], ['content-length', '1']], body: { encoding: 'utf8', data: edited } },
    });
    const answer = await within(held, 5000, 'the released answer');
    expect(answer.status).toBe(202);
    expect(answer.body.toString()).toBe(edited);
    const response = eventsOf(proxy.core, 'http.response', start.exchangeId!);
    expect(response).toHaveLength(1);
    expect(response[0]).toMatchObject({ status: 202, statusMessage: 'Accepted' });
    expect(response[0]!.headers).toContainEqual(['content-length', String(edited.length)]);
    expect((await waitForEvent(proxy.core, 'http.response.body', (e) => e.exchangeId === start.exchangeId)).body.data).toBe(edited);
    expect(await waitForEvent(proxy.core, 'pause.end')).toMatchObject({ action: 'edit', by: 'user' });
  });

  it('continue sends the held answer as it was; drop closes the client; an SSE answer is not held', async () => {
    const backend = await startBackend(cleanup, (req, res) => {
      if (req.url === '/sse') {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.end('data: {"a":1}\n\n');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
    const proxy = await startProxy(cleanup, backend.url);
    await setRules(proxy.core, [{ id: 'resp', stage: 'response', timeoutMs: 10_000 }]);

    const first = post(proxy, daily('a', {}));
    const p1 = await waitForEvent(proxy.core, 'pause.start');
    await release(proxy.core, { pauseId: p1.pauseId, action: 'continue' });
    const one = await within(first, 5000, 'the continued answer');
    expect(one.status).toBe(200);
    expect(one.body.toString()).toBe('{"ok":true}');

    const second = post(proxy, daily('b', {}));
    const p2 = await waitForEvent(proxy.core, 'pause.start', (e) => e.pauseId !== p1.pauseId);
    await release(proxy.core, { pauseId: p2.pauseId, action: 'drop' });
    const two = await within(second, 5000, 'the dropped answer');
    expect(two.status).toBe(0);
    expect(await waitForEvent(proxy.core, 'http.aborted', (e) => e.exchangeId === p2.exchangeId)).toMatchObject({ by: 'proxy', phase: 'response' });

    const sse = await within(post(proxy, daily('c', {}), '/sse'), 5000, 'the SSE answer');
    expect(sse.body.toString()).toBe('data: {"a":1}\n\n');
    expect(eventsOf(proxy.core, 'pause.start')).toHaveLength(2);
    expect(await waitForEvent(proxy.core, 'sse.end')).toMatchObject({ events: 1, complete: true });
  });
});
