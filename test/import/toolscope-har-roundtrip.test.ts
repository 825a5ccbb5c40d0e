/**
 * A session exported by Toolscope as HAR (shared/export/har-export.ts) and imported again keeps what matters:
 * the function calls, the path the client sent, failed and broken-off exchanges, cut bodies and how sockets
 * closed (from the `_toolscope` extras and `_error`).
 */
import { describe, expect, it } from 'vitest';
import type { EventOf, LogEvent, NewEvent } from '../../shared/events.js';
import { analyseEvents } from '../../shared/analysis/session-report.js';
import { buildHar } from '../../shared/export/har-export.js';
import { eventsFromHar } from '../../shared/import/har-events.js';
import { appendExchange, SyntheticLog } from '../../shared/import/synthetic-log.js';
import { emptyTrafficState, foldEvents } from '../../shared/store/traffic-state.js';
import { callDone, callOutput } from '../support/realtime-messages.js';

const UPSTREAM = 'http://127.0.0.1:8000/base';

/** A session as the proxy would log it: route r1 forwards 127.0.0.1:7801 to UPSTREAM. */
function recordedSession(): LogEvent[] {
  const log = new SyntheticLog(Date.UTC(2025, 2, 11, 15, 0, 0));
  log.append({ kind: 'route.up', routeId: 'r1', listen: { host: '127.0.0.1', port: 7801 }, upstream: UPSTREAM, timeoutMs: 30_000 });
  log.advance(5);
  appendExchange(log, {
    exchangeId: 'x1',
    method: 'POST',
    url: '/orders?bot=1',
    requestHeaders: [['content-type', 'application/json']],
    requestBody: JSON.stringify({ function_name: 'lookup_order', tool_call_id: 'call_rt1', arguments: { order_number: 'A-1' } }),
    status: 200,
    responseHeaders: [['content-type', 'text/event-stream']],
    responseBody:
      'event: action\ndata: {"service":"llm","action":"function_result","arguments":[{"name":"function_name","value":"lookup_order"},{"name":"tool_call_id","value":"call_rt1"},{"name":"arguments","value":{"order_number":"A-1"}},{"name":"result","value":{"status":"shipped"}}]}\n\ndata:close\n\n',
    waitMs: 40,
    receiveMs: 20,
  });
  // appendExchange writes the request of an imported file; this one came through route r1.
  const first = log.events.find((e): e is EventOf<'http.request'> => e.kind === 'http.request')!;
  Object.assign(first, { routeId: 'r1', upstreamUrl: `${UPSTREAM}${first.url}` });
  const add = (event: NewEvent, ms = 3) => {
    log.advance(ms);
    log.append(event);
  };
  const request = (exchangeId: string, url: string): NewEvent => ({
    kind: 'http.request',
    exchangeId,
    routeId: 'r1',
    method: 'POST',
    url,
    httpVersion: '1.1',
    headers: [['content-type', 'application/json']],
    remoteAddress: '127.0.0.1',
    upstreamUrl: `${UPSTREAM}${url}`,
  });
  // The upstream refused: the proxy logs why, then answers 502 itself.
  add(request('x2', '/down'));
  add({ kind: 'http.request.body', exchangeId: 'x2', body: { encoding: 'utf8', data: '{}', size: 2, truncated: false, cap: 2 } });
  add({ kind: 'http.error', exchangeId: 'x2', cause: 'refused', code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:8000', statusSent: 502 });
  add({ kind: 'http.response', exchangeId: 'x2', status: 502, statusMessage: 'Bad Gateway', headers: [['content-type', 'application/json']], synthetic: true });
  // The client went away before the answer; its body was cut at the capture cap.
  add(request('x3', '/slow'));
  add({ kind: 'http.request.body', exchangeId: 'x3', body: { encoding: 'utf8', data: '{"a":"0123', size: 100, truncated: true, cap: 10 } });
  add({ kind: 'http.aborted', exchangeId: 'x3', by: 'client', phase: 'request', message: 'client closed the connection before the response' });
  // A realtime socket with one call and its answer, closed by the client.
  add({ kind: 'ws.open', connectionId: 'w1', routeId: 'r1', url: '/v1/realtime', upstreamUrl: 'ws://127.0.0.1:8000/base/v1/realtime', headers: [], requestedProtocols: [], protocol: '', remoteAddress: '127.0.0.1' });
  const frame = (direction: 'client-to-upstream' | 'upstream-to-client', message: unknown): NewEvent => {
    const data = JSON.stringify(message);
    return { kind: 'ws.frame', connectionId: 'w1', direction, opcode: 'text', encoding: 'utf8', data, size: Buffer.byteLength(data), truncated: false };
  };
  add(frame('upstream-to-client', callDone('call_ws1', 'get_weather', '{"city":"Paris"}')), 10);
  add(frame('client-to-upstream', callOutput('call_ws1', '{"temperature":21}')), 120);
  add({ kind: 'ws.close', connectionId: 'w1', code: 1000, reason: 'done', by: 'client' }, 50);
  return log.events;
}

function ofKind<K extends LogEvent['kind']>(events: LogEvent[], kind: K): EventOf<K>[] {
  return events.filter((e): e is EventOf<K> => e.kind === kind);
}

describe("Toolscope's own HAR export, imported again", () => {
  const original = recordedSession();
  const har = JSON.parse(JSON.stringify(buildHar(foldEvents(emptyTrafficState(), original), { creator: { name: 'Toolscope', version: 'test' } }))) as unknown;
  const imported = eventsFromHar(har);

  it('reads without warnings, and every exchange keeps the path the client sent', () => {
    expect(imported.error).toBeNull();
    expect(imported.warnings).toEqual([]);
    expect(imported.stats).toEqual({ entries: 4, http: 3, webSocket: 1 });
    expect(ofKind(imported.events, 'http.request').map((r) => [r.routeId, r.url, r.upstreamUrl])).toEqual([
      ['http://127.0.0.1:8000', '/orders?bot=1', `${UPSTREAM}/orders?bot=1`],
      ['http://127.0.0.1:8000', '/down', `${UPSTREAM}/down`],
      ['http://127.0.0.1:8000', '/slow', `${UPSTREAM}/slow`],
    ]);
    expect(ofKind(imported.events, 'route.up')).toEqual([]);
  });

  it('finds the same calls', () => {
    const summary = (events: LogEvent[]) => analyseEvents(events).report.calls.map((c) => ({ protocol: c.protocol, name: c.name, callId: c.callId, args: c.args, result: c.result, status: c.status }));
    expect(summary(imported.events)).toEqual(summary(original));
    expect(summary(imported.events)).toHaveLength(2);
  });

  it('keeps the failure, the synthetic answer, the abort, the cut body and the close', () => {
    const traffic = foldEvents(emptyTrafficState(), imported.events);
    const down = traffic.exchanges.get('x2')!;
    expect(down.error).toMatchObject({ cause: 'refused', code: 'ECONNREFUSED', statusSent: 502 });
    expect(down.response).toMatchObject({ status: 502, synthetic: true });
    const slow = traffic.exchanges.get('x3')!;
    expect(slow.aborted).toMatchObject({ by: 'client', phase: 'request', message: 'client closed the connection before the response' });
    expect(slow.requestBody).toMatchObject({ data: '{"a":"0123', size: 100, truncated: true, cap: 10 });
    const socket = traffic.connections.get('w1')!;
    expect(socket.close).toMatchObject({ code: 1000, reason: 'done', by: 'client' });
    expect(socket.frames.map((f) => f.data)).toEqual(ofKind(original, 'ws.frame').map((f) => f.data));
  });
});
