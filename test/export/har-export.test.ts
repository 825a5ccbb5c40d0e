/**
 * buildHar on event logs shaped as the proxy writes them: every HAR it produces is checked against the HAR 1.2
 * schema (har-validator), and read back through the HAR importer to the same exchanges, bodies and frames.
 */
import { describe, expect, it } from 'vitest';
import type { CapturedBody, LogEvent, NewEvent } from '../../shared/events.js';
import { buildHar, harFileName, type HarExportOptions } from '../../shared/export/har-export.js';
import type { Har, HarEntry } from '../../shared/export/har-types.js';
import { eventsFromHar } from '../../shared/import/har-events.js';
import { SyntheticLog, textBody } from '../../shared/import/synthetic-log.js';
import { SseStreamReader } from '../../shared/sse/sse-stream-reader.js';
import { emptyTrafficState, foldEvents, type TrafficState } from '../../shared/store/traffic-state.js';
import { utf8ByteLength } from '../../shared/text-bytes.js';
import { expectValidHar } from './har-validation.js';

const T0 = Date.UTC(2026, 10, 23, 15, 57, 3, 250);
const OPTIONS: HarExportOptions = { creator: { name: 'Toolscope', version: 'test' } };

/** A log that starts with one route, as a live session does. */
function sessionLog(): SyntheticLog {
  const log = new SyntheticLog(T0);
  log.append({ kind: 'route.up', routeId: 'r1', listen: { host: '127.0.0.1', port: 7801 }, upstream: 'http://127.0.0.1:9000', timeoutMs: 30_000 }, T0);
  return log;
}

function request(exchangeId: string, method: string, url: string, headers: [string, string][] = []): NewEvent {
  return { kind: 'http.request', exchangeId, routeId: 'r1', method, url, httpVersion: '1.1', headers, remoteAddress: '127.0.0.1', upstreamUrl: `http://127.0.0.1:9000${url}` };
}

function body(text: string, extra: Partial<CapturedBody> = {}): CapturedBody {
  return { ...textBody(text), ...extra };
}

/** The SSE events the proxy logs for a stream, cut by the same reader. */
function sseEvents(exchangeId: string, stream: string): NewEvent[] {
  const reader = new SseStreamReader();
  const blocks = reader.push(stream);
  const end = reader.end();
  const all = [...blocks, ...end.blocks];
  return [
    ...all.map((block): NewEvent => ({ kind: 'sse.event', exchangeId, ...block })),
    { kind: 'sse.end', exchangeId, events: all.length, leftover: end.leftover, leftoverOffset: end.leftoverOffset, complete: true },
  ];
}

function fold(events: readonly LogEvent[]): TrafficState {
  return foldEvents(emptyTrafficState(), events);
}

async function exported(log: SyntheticLog, options: HarExportOptions = OPTIONS): Promise<Har> {
  const har = buildHar(fold(log.events), options);
  await expectValidHar(har);
  return har;
}

function only(har: Har): HarEntry {
  expect(har.log.entries).toHaveLength(1);
  return har.log.entries[0]!;
}

const SSE_STREAM =
  'event: action\ndata: {"service":"tts","action":"say","arguments":[{"name":"text","value":"One moment"}]}\n\n' +
  ': keep-alive\r\n\r\n' +
  'event: action\ndata: {"service":"llm","action":"function_result","arguments":[{"name":"result","value":{"ok":true}}]}\n\n' +
  'data:close';

describe('buildHar', () => {
  it('writes a JSON exchange with its absolute upstream URL, query, cookies, headers in order, bodies and timings', async () => {
    const log = sessionLog();
    const requestBody = '{"function_name":"lookup_order","tool_call_id":"call_1","arguments":{"order_number":"A-1"}}';
    const responseBody = '{"status":"shipped"}';
    log.append(
      request('x1', 'POST', '/orders?lang=en&q=a%20b+c&flag', [
        ['Host', '127.0.0.1:7801'],
        ['Content-Type', 'application/json'],
        ['Cookie', 'sid=abc; theme=dark'],
        ['X-Trace', 'first'],
        ['x-trace', 'second'],
      ]),
      T0 + 1,
    );
    log.append({ kind: 'http.request.body', exchangeId: 'x1', body: body(requestBody) }, T0 + 2);
    log.append(
      {
        kind: 'http.response',
        exchangeId: 'x1',
        status: 200,
        statusMessage: 'OK',
        headers: [
          ['Content-Type', 'application/json; charset=utf-8'],
          ['Set-Cookie', 'session=s1; Path=/; Expires=Wed, 21 Oct 2026 07:28:00 GMT; HttpOnly; Secure'],
        ],
      },
      T0 + 41.5,
    );
    log.append({ kind: 'http.response.body', exchangeId: 'x1', body: body(responseBody) }, T0 + 51.5);

    const har = await exported(log);
    expect(har.log.version).toBe('1.2');
    expect(har.log.creator).toEqual({ name: 'Toolscope', version: 'test' });
    const entry = only(har);
    expect(entry.startedDateTime).toBe(new Date(T0 + 1).toISOString());
    expect(entry.request.method).toBe('POST');
    expect(entry.request.url).toBe('http://127.0.0.1:9000/orders?lang=en&q=a%20b+c&flag');
    expect(entry.request.httpVersion).toBe('HTTP/1.1');
    expect(entry.request.queryString).toEqual([
      { name: 'lang', value: 'en' },
      { name: 'q', value: 'a b c' },
      { name: 'flag', value: '' },
    ]);
    expect(entry.request.headers.map((h) => `${h.name}: ${h.value}`)).toEqual([
      'Host: 127.0.0.1:7801',
      'Content-Type: application/json',
      'Cookie: sid=abc; theme=dark',
      'X-Trace: first',
      'x-trace: second',
    ]);
    expect(entry.request.cookies).toEqual([
      { name: 'sid', value: 'abc' },
      { name: 'theme', value: 'dark' },
    ]);
    expect(entry.request.postData).toEqual({ mimeType: 'application/json', text: requestBody });
    expect(entry.request.bodySize).toBe(utf8ByteLength(requestBody));
    expect(entry.response.status).toBe(200);
    expect(entry.response.statusText).toBe('OK');
    expect(entry.response.cookies).toEqual([
      { name: 'session', value: 's1', path: '/', expires: '2026-10-21T07:28:00.000Z', httpOnly: true, secure: true },
    ]);
    expect(entry.response.content).toEqual({ size: utf8ByteLength(responseBody), mimeType: 'application/json; charset=utf-8', text: responseBody });
    expect(entry.timings).toEqual({ send: 0, wait: 40.5, receive: 10 });
    expect(entry.time).toBe(50.5);
    expect(entry._toolscope).toEqual({ routeId: 'r1', url: '/orders?lang=en&q=a%20b+c&flag', listenUrl: 'http://127.0.0.1:7801/orders?lang=en&q=a%20b+c&flag' });
    expect(entry._resourceType).toBeUndefined();
    expect(entry._webSocketMessages).toBeUndefined();
  });

  it('keeps the whole SSE stream, including a trailing partial block, when the body is whole', async () => {
    const log = sessionLog();
    log.append(request('x1', 'POST', '/language'), T0 + 1);
    log.append({ kind: 'http.response', exchangeId: 'x1', status: 200, statusMessage: 'OK', headers: [['content-type', 'text/event-stream']] }, T0 + 5);
    for (const event of sseEvents('x1', SSE_STREAM)) log.append(event, T0 + 6);
    log.append({ kind: 'http.response.body', exchangeId: 'x1', body: body(SSE_STREAM) }, T0 + 7);

    const entry = only(await exported(log));
    expect(entry.response.content.text).toBe(SSE_STREAM);
    expect(entry.response.content.size).toBe(utf8ByteLength(SSE_STREAM));
    expect(entry.response.content.comment).toBeUndefined();
  });

  it('rebuilds the whole SSE stream from its events when the body capture was cut at the cap', async () => {
    const log = sessionLog();
    log.append(request('x1', 'POST', '/language'), T0 + 1);
    log.append({ kind: 'http.response', exchangeId: 'x1', status: 200, statusMessage: 'OK', headers: [['content-type', 'text/event-stream']] }, T0 + 5);
    for (const event of sseEvents('x1', SSE_STREAM)) log.append(event, T0 + 6);
    const cut = SSE_STREAM.slice(0, 40);
    log.append({ kind: 'http.response.body', exchangeId: 'x1', body: body(cut, { size: utf8ByteLength(SSE_STREAM), truncated: true, cap: 40 }) }, T0 + 7);

    const entry = only(await exported(log));
    expect(entry.response.content.text).toBe(SSE_STREAM);
    expect(entry.response.content.text!.endsWith('data:close')).toBe(true);
    expect(entry.response.content.comment).toMatch(/rebuilt from its SSE events/);
  });

  it('rebuilds the SSE stream of an exchange that broke off (no body event), partial block included', async () => {
    const log = sessionLog();
    log.append(request('x1', 'GET', '/sse'), T0 + 1);
    log.append({ kind: 'http.response', exchangeId: 'x1', status: 200, statusMessage: 'OK', headers: [['content-type', 'text/event-stream']] }, T0 + 5);
    const broken = 'data: {"n":1}\n\ndata: {"n":2}\n\nevent: action\ndata: {"n":';
    const events = sseEvents('x1', broken).map((e) => (e.kind === 'sse.end' ? { ...e, complete: false } : e));
    for (const event of events) log.append(event, T0 + 6);
    log.append({ kind: 'http.aborted', exchangeId: 'x1', by: 'upstream', phase: 'response', message: 'upstream connection ended mid-body' }, T0 + 8);

    const entry = only(await exported(log));
    expect(entry.response.status).toBe(200);
    expect(entry.response.content.text).toBe(broken);
    expect(entry.response._error).toBe('aborted by the upstream during the response: upstream connection ended mid-body');
  });

  it('says so when an SSE stream was still open at export time', async () => {
    const log = sessionLog();
    log.append(request('x1', 'GET', '/sse'), T0 + 1);
    log.append({ kind: 'http.response', exchangeId: 'x1', status: 200, statusMessage: 'OK', headers: [['content-type', 'text/event-stream']] }, T0 + 5);
    const open = 'data: {"n":1}\n\ndata: {"n":2}\n\n';
    for (const event of sseEvents('x1', open).filter((e) => e.kind === 'sse.event')) log.append(event, T0 + 6);

    const entry = only(await exported(log));
    expect(entry.response.content.text).toBe(open);
    expect(entry.response.content.comment).toMatch(/had not ended/);
    expect(entry.timings.receive).toBe(-1);
    expect(entry.time).toBe(4);
  });

  it('writes a binary body as base64 content', async () => {
    const log = sessionLog();
    log.append(request('x1', 'GET', '/audio.wav'), T0 + 1);
    log.append({ kind: 'http.response', exchangeId: 'x1', status: 200, statusMessage: 'OK', headers: [['content-type', 'audio/wav']] }, T0 + 2);
    const data = 'UklGRiQAAABXQVZF/wD+AQ==';
    log.append({ kind: 'http.response.body', exchangeId: 'x1', body: { encoding: 'base64', data, size: 16, truncated: false, cap: 1024 } }, T0 + 3);

    const entry = only(await exported(log));
    expect(entry.response.content).toEqual({ size: 16, mimeType: 'audio/wav', text: data, encoding: 'base64' });
    expect(entry.request.postData).toBeUndefined();
  });

  it('keeps what a truncated capture holds and says it is cut, with the real size', async () => {
    const log = sessionLog();
    log.append(request('x1', 'POST', '/upload', [['content-type', 'application/json']]), T0 + 1);
    log.append({ kind: 'http.request.body', exchangeId: 'x1', body: body('{"big":"aaaa', { size: 5000, truncated: true, cap: 12 }) }, T0 + 2);
    log.append({ kind: 'http.response', exchangeId: 'x1', status: 200, statusMessage: 'OK', headers: [['content-type', 'text/plain']] }, T0 + 3);
    log.append({ kind: 'http.response.body', exchangeId: 'x1', body: body('0123456789', { size: 2_000_000, truncated: true, cap: 10 }) }, T0 + 4);

    const entry = only(await exported(log));
    expect(entry.request.postData?.text).toBe('{"big":"aaaa');
    expect(entry.request.postData?.comment).toMatch(/truncated.*12.*5000/);
    expect(entry.request.bodySize).toBe(5000);
    expect(entry.response.content.text).toBe('0123456789');
    expect(entry.response.content.size).toBe(2_000_000);
    expect(entry.response.content.comment).toMatch(/truncated/);
    expect(entry._toolscope?.requestBody).toEqual({ truncated: true, size: 5000 });
    expect(entry._toolscope?.responseBody).toEqual({ truncated: true, size: 2_000_000 });
  });

  it('writes an exchange that got no response as status 0 with the error', async () => {
    const log = sessionLog();
    log.append(request('x1', 'POST', '/refused'), T0 + 1);
    log.append({ kind: 'http.request.body', exchangeId: 'x1', body: body('') }, T0 + 1);
    log.append({ kind: 'http.error', exchangeId: 'x1', cause: 'refused', code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:9000', statusSent: null }, T0 + 3);
    log.append(request('x2', 'GET', '/gone'), T0 + 4);
    log.append({ kind: 'http.aborted', exchangeId: 'x2', by: 'client', phase: 'request', message: 'the client closed the connection' }, T0 + 5);

    const har = await exported(log);
    const [refused, gone] = har.log.entries;
    expect(refused!.response.status).toBe(0);
    expect(refused!.response._error).toBe('connect ECONNREFUSED 127.0.0.1:9000');
    expect(refused!.timings).toEqual({ send: 0, wait: -1, receive: -1 });
    expect(refused!.time).toBe(0);
    expect(refused!.request.postData).toBeUndefined();
    expect(gone!.response.status).toBe(0);
    expect(gone!.response._error).toBe('aborted by the client during the request: the client closed the connection');
    expect(gone!.request.bodySize).toBe(-1);
  });

  it('marks a response the proxy made itself', async () => {
    const log = sessionLog();
    log.append(request('x1', 'GET', '/'), T0 + 1);
    log.append({ kind: 'http.error', exchangeId: 'x1', cause: 'refused', code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:9000', statusSent: 502 }, T0 + 2);
    log.append({ kind: 'http.response', exchangeId: 'x1', status: 502, statusMessage: 'Bad Gateway', headers: [['content-type', 'application/json']], synthetic: true }, T0 + 2);

    const entry = only(await exported(log));
    expect(entry.response.status).toBe(502);
    expect(entry.response._error).toContain('ECONNREFUSED');
    expect(entry._toolscope?.syntheticResponse).toBe(true);
  });

  it('writes a WebSocket connection with text and binary frames in both directions, Chrome-style', async () => {
    const log = sessionLog();
    log.append(
      { kind: 'ws.open', connectionId: 'w1', routeId: 'r1', url: '/realtime?model=m', upstreamUrl: 'https://api.example.dev/v1/realtime?model=m', headers: [['Sec-WebSocket-Protocol', 'realtime']], requestedProtocols: ['realtime'], protocol: 'realtime', remoteAddress: '127.0.0.1' },
      T0 + 10,
    );
    log.append({ kind: 'ws.frame', connectionId: 'w1', direction: 'client-to-upstream', opcode: 'text', encoding: 'utf8', data: '{"type":"session.update"}', size: 25, truncated: false }, T0 + 20.25);
    log.append({ kind: 'ws.frame', connectionId: 'w1', direction: 'upstream-to-client', opcode: 'binary', encoding: 'base64', data: 'AAEC/w==', size: 4, truncated: false }, T0 + 30);
    log.append({ kind: 'ws.frame', connectionId: 'w1', direction: 'upstream-to-client', opcode: 'text', encoding: 'utf8', data: '{"type":"x"', size: 100, truncated: true }, T0 + 31);
    log.append({ kind: 'ws.close', connectionId: 'w1', code: 1000, reason: 'bye', by: 'client' }, T0 + 110);

    const entry = only(await exported(log));
    expect(entry._resourceType).toBe('websocket');
    expect(entry.request.url).toBe('wss://api.example.dev/v1/realtime?model=m');
    expect(entry.request.method).toBe('GET');
    expect(entry.request.queryString).toEqual([{ name: 'model', value: 'm' }]);
    expect(entry.response.status).toBe(101);
    expect(entry.response.headers).toEqual([{ name: 'Sec-WebSocket-Protocol', value: 'realtime' }]);
    expect(entry._webSocketMessages).toEqual([
      { type: 'send', time: (T0 + 20.25) / 1000, opcode: 1, data: '{"type":"session.update"}' },
      { type: 'receive', time: (T0 + 30) / 1000, opcode: 2, data: 'AAEC/w==' },
      { type: 'receive', time: (T0 + 31) / 1000, opcode: 1, data: '{"type":"x"' },
    ]);
    expect(entry.timings).toEqual({ send: 0, wait: 0, receive: 100 });
    expect(entry._webSocketClose).toEqual({ code: 1000, reason: 'bye', timestamp: (T0 + 110) / 1000 });
    expect(entry._toolscope).toEqual({
      routeId: 'r1',
      url: '/realtime?model=m',
      listenUrl: 'ws://127.0.0.1:7801/realtime?model=m',
      closedBy: 'client',
      truncatedMessages: [{ index: 2, size: 100 }],
    });
  });

  it('writes a failed WebSocket upgrade with its status and error', async () => {
    const log = sessionLog();
    log.append(
      { kind: 'ws.upgrade-failed', connectionId: 'w1', routeId: 'r1', url: '/ws', upstreamUrl: 'ws://127.0.0.1:9000/ws', headers: [], status: 403, message: 'the upstream answered the WebSocket upgrade with HTTP 403' },
      T0 + 10,
    );
    const entry = only(await exported(log));
    expect(entry._resourceType).toBe('websocket');
    expect(entry.request.url).toBe('ws://127.0.0.1:9000/ws');
    expect(entry.response.status).toBe(403);
    expect(entry.response._error).toContain('403');
    expect(entry._webSocketMessages).toEqual([]);
  });

  it('orders entries by start time and keeps only the included ones', async () => {
    const log = sessionLog();
    log.append(request('x1', 'GET', '/first'), T0 + 1);
    log.append({ kind: 'ws.open', connectionId: 'w1', routeId: 'r1', url: '/ws', upstreamUrl: 'ws://127.0.0.1:9000/ws', headers: [], requestedProtocols: [], protocol: '', remoteAddress: '' }, T0 + 2);
    log.append(request('x2', 'GET', '/third'), T0 + 3);
    log.append({ kind: 'ws.open', connectionId: 'w2', routeId: 'r1', url: '/ws2', upstreamUrl: 'ws://127.0.0.1:9000/ws2', headers: [], requestedProtocols: [], protocol: '', remoteAddress: '' }, T0 + 4);

    const all = await exported(log);
    expect(all.log.entries.map((e) => e._toolscope?.url)).toEqual(['/first', '/ws', '/third', '/ws2']);
    const some = await exported(log, { ...OPTIONS, include: { exchanges: new Set(['x2']), connections: new Set(['w1']) } });
    expect(some.log.entries.map((e) => e._toolscope?.url)).toEqual(['/ws', '/third']);
    const none = await exported(log, { ...OPTIONS, include: { exchanges: new Set(), connections: new Set() } });
    expect(none.log.entries).toEqual([]);
  });

  it('names the file after the local time it was started', () => {
    expect(harFileName(new Date(2026, 10, 23, 16, 57, 3))).toBe('toolscope-2026-11-23_16-57-03.har');
    expect(harFileName(new Date(2027, 0, 2, 3, 4, 5))).toBe('toolscope-2027-01-02_03-04-05.har');
  });

  it('reads back through the HAR importer to the same exchanges, bodies and frames', async () => {
    const log = sessionLog();
    const json = '{"function_name":"f","tool_call_id":"c1","arguments":{}}';
    log.append(request('x1', 'POST', '/hook?x=1', [['content-type', 'application/json']]), T0 + 1);
    log.append({ kind: 'http.request.body', exchangeId: 'x1', body: body(json) }, T0 + 2);
    log.append({ kind: 'http.response', exchangeId: 'x1', status: 201, statusMessage: 'Created', headers: [['content-type', 'application/json']] }, T0 + 10);
    log.append({ kind: 'http.response.body', exchangeId: 'x1', body: body('{"ok":true}') }, T0 + 12);
    log.append(request('x2', 'POST', '/stream'), T0 + 20);
    log.append({ kind: 'http.request.body', exchangeId: 'x2', body: body(json) }, T0 + 21);
    log.append({ kind: 'http.response', exchangeId: 'x2', status: 200, statusMessage: 'OK', headers: [['content-type', 'text/event-stream']] }, T0 + 25);
    for (const event of sseEvents('x2', SSE_STREAM)) log.append(event, T0 + 26);
    log.append({ kind: 'http.response.body', exchangeId: 'x2', body: body(SSE_STREAM) }, T0 + 27);
    log.append({ kind: 'ws.open', connectionId: 'w1', routeId: 'r1', url: '/rt', upstreamUrl: 'ws://127.0.0.1:9000/rt', headers: [], requestedProtocols: [], protocol: '', remoteAddress: '' }, T0 + 30);
    log.append({ kind: 'ws.frame', connectionId: 'w1', direction: 'client-to-upstream', opcode: 'text', encoding: 'utf8', data: '{"a":1}', size: 7, truncated: false }, T0 + 31);
    log.append({ kind: 'ws.frame', connectionId: 'w1', direction: 'upstream-to-client', opcode: 'binary', encoding: 'base64', data: 'AAEC/w==', size: 4, truncated: false }, T0 + 32);
    log.append({ kind: 'ws.close', connectionId: 'w1', code: 1000, reason: 'done', by: 'upstream' }, T0 + 40);
    log.append(request('x3', 'GET', '/audio'), T0 + 50);
    log.append({ kind: 'http.response', exchangeId: 'x3', status: 200, statusMessage: 'OK', headers: [['content-type', 'audio/wav']] }, T0 + 51);
    log.append({ kind: 'http.response.body', exchangeId: 'x3', body: { encoding: 'base64', data: 'UklGRv8A/gE=', size: 8, truncated: false, cap: 1024 } }, T0 + 52);
    log.append(request('x4', 'POST', '/refused'), T0 + 60);
    log.append({ kind: 'http.error', exchangeId: 'x4', cause: 'refused', code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:9000', statusSent: null }, T0 + 61);

    const original = fold(log.events);
    const har = await exported(log);
    const imported = eventsFromHar(JSON.parse(JSON.stringify(har)) as unknown);
    expect(imported.error).toBeNull();
    const back = fold(imported.events);

    const exchanges = (state: TrafficState) =>
      [...state.exchanges.values()].map((ex) => ({
        method: ex.request.method,
        url: ex.request.url,
        status: ex.response?.status ?? null,
        requestBody: ex.requestBody?.data ?? '',
        responseBody: ex.responseBody?.data ?? null,
        sse: ex.sse.map((e) => e.raw).join('') + (ex.sseEnd?.leftover ?? ''),
        error: ex.error && { code: ex.error.code, message: ex.error.message },
      }));
    const frames = (state: TrafficState) =>
      [...state.connections.values()].map((c) => ({
        url: c.open?.url,
        frames: c.frames.map((f) => [f.direction, f.opcode, f.data]),
        close: c.close && { code: c.close.code, reason: c.close.reason, t: c.close.t },
      }));
    expect(exchanges(back)).toEqual(exchanges(original));
    expect(frames(back)).toEqual(frames(original));
  });
});
