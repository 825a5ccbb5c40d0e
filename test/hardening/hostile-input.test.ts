/**
 * Hostile input (issue 8): markup, huge single-line JSON, 100,000 SSE events in one response, JSON nested
 * 100,000 levels deep, invalid UTF-8 and NUL bytes, in webhook bodies, SSE data and WebSocket frames. Through
 * the real proxy where it makes sense, and through the analysis fold (`analyseEvents`, `foldEvents`) that the
 * core, the CLI and the UI all run: nothing throws, the proxy keeps serving, every event is recorded.
 * Plus a static check that the renderer never turns captured text into HTML.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { analyseEvents } from '../../shared/analysis/session-report.js';
import { emptyTrafficState, foldEvents } from '../../shared/store/traffic-state.js';
import type { LogEvent } from '../../shared/events.js';
import { Cleanup, eventsOf, LOOPBACK, request, sha256, startBackend, startProxy, waitForEvent, type Proxy } from '../support/proxy-harness.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

const SCRIPT = '<script>window.__pwned=1</script>';
const IMG = '<img src=x onerror="window.__pwned=1">';
const DEPTH = 100_000;
const deepArray = '['.repeat(DEPTH) + ']'.repeat(DEPTH);
const deepObject = '{"a":'.repeat(DEPTH) + '1' + '}'.repeat(DEPTH);
const INVALID_UTF8 = Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80, 0x22, 0x7d]); // {"a":"<bad>"}
const NULS = Buffer.from('{"function_name":"get\u0000weather","tool_call_id":"t\u00001","arguments":{"city":"Pa\u0000ris"}}\u0000\u0000', 'utf8');

/** Daily Bots shaped webhook bodies (so the dialect detection and argument checks run) and raw ones. */
const webhookBodies: Array<{ name: string; body: Buffer }> = [
  { name: 'script tags in arguments', body: Buffer.from(JSON.stringify({ function_name: SCRIPT, tool_call_id: IMG, arguments: { city: SCRIPT, note: IMG } })) },
  { name: 'raw html', body: Buffer.from(`<!doctype html><html><body>${SCRIPT}${IMG}</body></html>`) },
  { name: 'deep array arguments', body: Buffer.from(`{"function_name":"get_weather","tool_call_id":"deep1","arguments":${deepArray}}`) },
  { name: 'deep object arguments', body: Buffer.from(`{"function_name":"get_weather","tool_call_id":"deep2","arguments":${deepObject}}`) },
  { name: 'deep arguments as a string', body: Buffer.from(JSON.stringify({ function_name: 'get_weather', tool_call_id: 'deep3', arguments: deepObject })) },
  { name: 'invalid utf-8', body: INVALID_UTF8 },
  { name: 'nul bytes', body: NULS },
  { name: '10 MiB single-line JSON', body: Buffer.from(JSON.stringify({ function_name: 'get_weather', tool_call_id: 'big', arguments: { blob: 'x'.repeat(10 * 1024 * 1024) } })) },
];

/** Analyses and folds what the core recorded: neither may throw, whatever the bytes. */
function analyseAll(events: readonly LogEvent[]): void {
  expect(() => foldEvents(emptyTrafficState(), events)).not.toThrow();
  expect(() => analyseEvents(events)).not.toThrow();
  expect(() => analyseEvents(events, { latencyBudgetMs: 1 })).not.toThrow();
  // Live, events arrive in batches (the UI folds once per animation frame): fold them that way as well. Not one
  // by one: the fold is immutable and copies the row list per batch, so per-event folding is quadratic by design.
  let traffic = emptyTrafficState();
  expect(() => {
    for (let i = 0; i < events.length; i += 1000) traffic = foldEvents(traffic, events.slice(i, i + 1000));
  }).not.toThrow();
  expect(traffic.eventCount).toBe(events.length);
}

async function stillServes(proxy: Proxy): Promise<void> {
  const reply = await request(proxy.port, { path: '/healthy' });
  expect(reply.status).toBe(200);
}

describe('hostile webhook bodies through the real proxy', () => {
  it('relays each body byte for byte in both directions, records it, and the analysis does not throw', async () => {
    // The backend answers with the request's own bytes, so each hostile body is a response body too.
    const backend = await startBackend(cleanup, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        res.writeHead(200, { 'content-type': req.url === '/healthy' ? 'text/plain' : 'application/json' });
        res.end(req.url === '/healthy' ? 'ok' : Buffer.concat(chunks));
      });
    });
    const proxy = await startProxy(cleanup, backend.url);
    for (const { name, body } of webhookBodies) {
      const reply = await request(proxy.port, { method: 'POST', path: `/tool/${encodeURIComponent(name)}`, headers: { 'content-type': 'application/json', 'x-note': SCRIPT }, body });
      expect(reply.status, name).toBe(200);
      expect(reply.bodySha256, name).toBe(sha256(body));
    }
    await waitForEvent(proxy.core, 'http.response.body', () => eventsOf(proxy.core, 'http.response.body').length >= webhookBodies.length);
    const requests = eventsOf(proxy.core, 'http.request.body');
    const responses = eventsOf(proxy.core, 'http.response.body');
    expect(requests.map((e) => e.body.size)).toEqual(webhookBodies.map((b) => b.body.length));
    expect(responses.map((e) => e.body.size)).toEqual(webhookBodies.map((b) => b.body.length));
    // The 10 MiB body is captured up to the cap, and says so.
    expect(requests.at(-1)!.body.truncated).toBe(true);
    analyseAll(proxy.core.log.all());
    await stillServes(proxy);
  });
});

describe('hostile SSE through the real proxy', () => {
  it('passes 100,000 events of one response to the client and records every one of them', async () => {
    const COUNT = 100_000;
    const backend = await startBackend(cleanup, (req, res) => {
      if (req.url === '/healthy') return void res.end('ok');
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      // Written in a few thousand chunks that cut events anywhere, as a network would.
      let text = '';
      for (let i = 0; i < COUNT; i++) text += `event: action\ndata: {"i":${i}}\n\n`;
      const bytes = Buffer.from(text);
      for (let at = 0; at < bytes.length; at += 1021) res.write(bytes.subarray(at, at + 1021));
      res.end();
    });
    const proxy = await startProxy(cleanup, backend.url);
    const reply = await request(proxy.port, { path: '/stream', timeoutMs: 60_000 });
    expect(reply.status).toBe(200);
    expect(reply.body.toString().split('\n\n').length - 1).toBe(COUNT);
    const exchangeId = (await waitForEvent(proxy.core, 'sse.end', () => true, 60_000)).exchangeId;
    const end = eventsOf(proxy.core, 'sse.end', exchangeId)[0]!;
    expect(end.events).toBe(COUNT);
    const events = eventsOf(proxy.core, 'sse.event', exchangeId);
    expect(events.length).toBe(COUNT);
    expect(events.every((e, i) => e.index === i && e.data === `{"i":${i}}`)).toBe(true);
    const traffic = foldEvents(emptyTrafficState(), proxy.core.log.all());
    expect(traffic.exchanges.get(exchangeId)).toBeDefined();
    analyseAll(proxy.core.log.all());
    await stillServes(proxy);
  });

  it('records markup, deep JSON, invalid UTF-8 and NUL bytes in SSE data without throwing', async () => {
    const stream = Buffer.concat([
      Buffer.from(`event: action\ndata: ${SCRIPT}\n\n`),
      Buffer.from(`event: update-config\ndata: ${IMG}\n\n`),
      Buffer.from(`event: action\ndata: ${deepArray}\n\n`),
      Buffer.from(`event: action\ndata: {"service":"llm","action":"function_result","arguments":[{"name":"result","value":${deepObject}}]}\n\n`),
      Buffer.from('event: action\ndata: '),
      INVALID_UTF8,
      Buffer.from('\n\n'),
      Buffer.from('data: \u0000\u0000nul\u0000\n\n'),
      Buffer.from('event: close\ndata: close\n\n'),
    ]);
    const backend = await startBackend(cleanup, (req, res) => {
      if (req.url === '/healthy') return void res.end('ok');
      res.writeHead(200, { 'content-type': 'text/event-stream', 'x-html': IMG });
      res.end(stream);
    });
    const proxy = await startProxy(cleanup, backend.url);
    const reply = await request(proxy.port, { method: 'POST', path: '/stream', body: JSON.stringify({ function_name: 'get_weather', tool_call_id: 's1', arguments: {} }) });
    expect(reply.bodySha256).toBe(sha256(stream));
    const end = await waitForEvent(proxy.core, 'sse.end', () => true);
    expect(eventsOf(proxy.core, 'sse.event', end.exchangeId).length).toBe(7);
    analyseAll(proxy.core.log.all());
    await stillServes(proxy);
  });
});

describe('hostile WebSocket frames through the real proxy', () => {
  it('relays and records markup, deep JSON, NUL and binary garbage; a text frame of invalid UTF-8 closes only its own connection', async () => {
    const upstream = new WebSocketServer({ host: LOOPBACK, port: 0, perMessageDeflate: false });
    await new Promise((resolve) => upstream.once('listening', resolve));
    cleanup.add(() => new Promise((resolve) => upstream.close(resolve)));
    upstream.on('connection', (socket) => {
      socket.on('error', () => {});
      socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
    });
    const port = (upstream.address() as { port: number }).port;
    const proxy = await startProxy(cleanup, `ws://${LOOPBACK}:${port}`);

    const frames: Array<{ data: string | Buffer; binary: boolean }> = [
      { data: SCRIPT, binary: false },
      { data: JSON.stringify({ type: 'response.function_call_arguments.done', call_id: IMG, name: SCRIPT, arguments: deepObject }), binary: false },
      { data: JSON.stringify({ type: 'response.function_call_arguments.done', call_id: 'c2', name: 'get_weather', arguments: deepArray }), binary: false },
      { data: `{"label":"rtvi-ai","type":"llm-function-call","data":{"function_name":"f","tool_call_id":"r1","args":${deepObject}}}`, binary: false },
      { data: 'nul\u0000inside\u0000', binary: false },
      { data: Buffer.concat([INVALID_UTF8, Buffer.from([0, 0, 0xff])]), binary: true },
    ];
    const socket = new WebSocket(`ws://${LOOPBACK}:${proxy.port}/v1/realtime`, { perMessageDeflate: false });
    cleanup.add(() => socket.terminate());
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const echoed: Buffer[] = [];
    socket.on('message', (data) => echoed.push(Buffer.from(data as Buffer)));
    for (const frame of frames) socket.send(frame.data, { binary: frame.binary });
    for (let i = 0; i < 200 && echoed.length < frames.length; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(echoed.map((b) => sha256(b))).toEqual(frames.map((f) => sha256(f.data)));
    socket.close(1000);
    await new Promise((resolve) => socket.once('close', resolve));
    const recorded = eventsOf(proxy.core, 'ws.frame');
    expect(recorded.length).toBe(2 * frames.length);

    // Invalid UTF-8 in a text frame is a protocol error (RFC 6455 §8.1): that connection ends with 1007, the
    // proxy records it and keeps serving the next one.
    const bad = new WebSocket(`ws://${LOOPBACK}:${proxy.port}/v1/realtime`, { perMessageDeflate: false });
    cleanup.add(() => bad.terminate());
    bad.on('error', () => {});
    await new Promise((resolve, reject) => bad.once('open', resolve).once('error', reject));
    bad.send(INVALID_UTF8, { binary: false });
    const code = await new Promise<number>((resolve) => bad.once('close', (c) => resolve(c)));
    expect([1002, 1006, 1007]).toContain(code);
    await waitForEvent(proxy.core, 'ws.close', () => eventsOf(proxy.core, 'ws.close').length >= 2);

    const again = new WebSocket(`ws://${LOOPBACK}:${proxy.port}/v1/realtime`, { perMessageDeflate: false });
    cleanup.add(() => again.terminate());
    await new Promise((resolve, reject) => again.once('open', resolve).once('error', reject));
    const reply = new Promise<string>((resolve) => again.once('message', (d) => resolve(d.toString())));
    again.send('still here');
    expect(await reply).toBe('still here');
    analyseAll(proxy.core.log.all());
  });
});

describe('hostile events folded directly (the session-file and UI path)', () => {
  const base = { t: 1 };
  let seq = 0;
  const body = (text: string | Buffer) => {
    const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text);
    const utf8 = bytes.toString('utf8');
    const valid = Buffer.from(utf8).equals(bytes);
    return { encoding: valid ? ('utf8' as const) : ('base64' as const), data: valid ? utf8 : bytes.toString('base64'), size: bytes.length, truncated: false, cap: 64 * 1024 * 1024 };
  };
  function exchange(id: string, request: string | Buffer, response: string | Buffer, contentType = 'application/json'): LogEvent[] {
    return [
      { ...base, seq: ++seq, kind: 'http.request', exchangeId: id, routeId: 'r1', method: 'POST', url: `/${SCRIPT}`, httpVersion: '1.1', headers: [['content-type', 'application/json'], ['x-html', IMG]], remoteAddress: '127.0.0.1', upstreamUrl: `http://127.0.0.1:1/${SCRIPT}` },
      { ...base, seq: ++seq, kind: 'http.request.body', exchangeId: id, body: body(request) },
      { ...base, seq: ++seq, kind: 'http.response', exchangeId: id, status: 200, statusMessage: IMG, headers: [['content-type', contentType]] },
      { ...base, seq: ++seq, kind: 'http.response.body', exchangeId: id, body: body(response) },
    ] as LogEvent[];
  }

  it('an untruncated 10 MiB single-line JSON body, deep JSON, invalid UTF-8 and NULs in bodies, SSE data and frames', () => {
    const big = JSON.stringify({ function_name: 'get_weather', tool_call_id: 'big', arguments: { blob: 'y'.repeat(10 * 1024 * 1024) } });
    const events: LogEvent[] = [
      ...exchange('x1', big, big),
      ...exchange('x2', `{"function_name":"f","tool_call_id":"d","arguments":${deepObject}}`, deepArray),
      ...exchange('x3', INVALID_UTF8, NULS),
      ...exchange('x4', JSON.stringify({ message: { type: 'tool-calls', toolCallList: [{ id: SCRIPT, function: { name: IMG, arguments: deepObject } }] } }), `{"results":${deepArray}}`),
      ...exchange('x5', '{}', '', 'text/event-stream'),
    ];
    const sse = [`data: ${deepObject}\n\n`, `event: update-config\ndata: {"config":${deepArray}}\n\n`, 'data: \u0000\n\n', `data: ${SCRIPT}\n\n`];
    let offset = 0;
    sse.forEach((raw, index) => {
      const data = raw.slice(raw.indexOf('data: ') + 6, -2);
      events.push({ ...base, seq: ++seq, kind: 'sse.event', exchangeId: 'x5', index, raw, byteOffset: offset, byteLength: Buffer.byteLength(raw), dispatched: true, type: raw.startsWith('event: ') ? 'update-config' : 'message', data } as LogEvent);
      offset += Buffer.byteLength(raw);
    });
    events.push({ ...base, seq: ++seq, kind: 'sse.end', exchangeId: 'x5', events: sse.length, leftover: `data: ${deepArray}`, leftoverOffset: offset, complete: true } as LogEvent);
    events.push({ ...base, seq: ++seq, kind: 'ws.open', connectionId: 'c1', routeId: 'r1', url: '/v1/realtime', headers: [], remoteAddress: '127.0.0.1', upstreamUrl: 'ws://127.0.0.1:1/v1/realtime' } as unknown as LogEvent);
    const frames = [
      JSON.stringify({ type: 'session.update', session: { tools: [{ type: 'function', name: SCRIPT, parameters: { type: 'object', properties: { city: { type: 'string' } } } }] } }),
      JSON.stringify({ type: 'response.function_call_arguments.done', call_id: 'c1', name: 'get_weather', arguments: deepArray }),
      JSON.stringify({ type: 'conversation.item.create', item: { type: 'function_call_output', call_id: 'c1', output: deepObject } }),
      deepObject,
      '\u0000\u0000',
    ];
    frames.forEach((data, i) =>
      events.push({ ...base, seq: ++seq, kind: 'ws.frame', connectionId: 'c1', direction: i % 2 ? 'upstream-to-client' : 'client-to-upstream', opcode: 'text', encoding: 'utf8', data, size: Buffer.byteLength(data), truncated: false } as LogEvent),
    );
    events.push({ ...base, seq: ++seq, kind: 'ws.frame', connectionId: 'c1', direction: 'upstream-to-client', opcode: 'binary', encoding: 'base64', data: INVALID_UTF8.toString('base64'), size: INVALID_UTF8.length, truncated: false } as LogEvent);
    analyseAll(events);
    const { report } = analyseEvents(events);
    // The deep arguments are not valid for anything, but the calls are still there.
    expect(report.calls.length).toBeGreaterThan(0);
  });
});

describe('the renderer never turns captured text into HTML', () => {
  it('has no dangerouslySetInnerHTML, innerHTML/outerHTML assignment, insertAdjacentHTML or document.write', () => {
    const root = path.resolve(__dirname, '../../renderer/src');
    const offenders: string[] = [];
    const patterns = [/dangerouslySetInnerHTML/, /\.(inner|outer)HTML\s*\+?=/, /insertAdjacentHTML/, /document\.write/, /createContextualFragment/];
    for (const file of fs.readdirSync(root, { recursive: true }) as string[]) {
      if (!/\.(tsx?|jsx?)$/.test(file)) continue;
      const lines = fs.readFileSync(path.join(root, file), 'utf8').split('\n');
      lines.forEach((line, i) => {
        if (patterns.some((p) => p.test(line))) offenders.push(`renderer/src/${file}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(
      offenders,
      `captured bytes must reach the page as text (React children, textContent, CodeMirror documents), never as HTML:\n${offenders.join('\n')}`,
    ).toEqual([]);
  });
});
