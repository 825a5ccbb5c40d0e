/**
 * HAR files as Chrome DevTools, Firefox and HTTP Toolkit write them (test/fixtures/har/) become the events the
 * proxy would have logged, and the analysis finds the same function calls in them as in live traffic.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { logEventSchema, type EventOf, type LogEvent } from '../../shared/events.js';
import { analyseEvents } from '../../shared/analysis/session-report.js';
import { eventsFromHar, type HarImport } from '../../shared/import/har-events.js';
import { emptyTrafficState, foldEvents } from '../../shared/store/traffic-state.js';
import { base64ToBytes } from '../../shared/base64-utf8.js';
import { repoRoot } from '../support/core-process.js';

const fixtureDir = path.join(repoRoot, 'test', 'fixtures', 'har');

function fixtureJson(name: string): unknown {
  return JSON.parse(fs.readFileSync(path.join(fixtureDir, name), 'utf8')) as unknown;
}

function load(name: string): HarImport {
  const result = eventsFromHar(fixtureJson(name));
  expect(result.error).toBeNull();
  return result;
}

function ofKind<K extends LogEvent['kind']>(events: LogEvent[], kind: K): EventOf<K>[] {
  return events.filter((e): e is EventOf<K> => e.kind === kind);
}

/** Every event is valid for the session format, numbered from 1 without gaps, and never goes back in time. */
function expectWellFormed(events: LogEvent[]): void {
  events.forEach((event, i) => {
    const parsed = logEventSchema.safeParse(event);
    expect(parsed.success, `${event.kind} #${event.seq}: ${parsed.error?.issues[0]?.message ?? ''}`).toBe(true);
    expect(event.seq).toBe(i + 1);
    if (i > 0) expect(event.t).toBeGreaterThanOrEqual(events[i - 1]!.t);
  });
}

interface HarValidator {
  har(data: unknown): Promise<unknown>;
}

describe('the HAR fixtures', () => {
  it('are HAR 1.2 apart from the serverIPAddress values real browsers write', async () => {
    const validator = createRequire(import.meta.url)('har-validator') as HarValidator;
    for (const name of fs.readdirSync(fixtureDir)) {
      expect(fs.statSync(path.join(fixtureDir, name)).size, name).toBeLessThan(40 * 1024);
      const har = fixtureJson(name) as { log: { entries: { serverIPAddress?: string }[] } };
      // Chrome writes "[::1]" and Firefox "" where the schema wants a bare address; nothing else may fail.
      for (const entry of har.log.entries) {
        if (entry.serverIPAddress === '') delete entry.serverIPAddress;
        if (entry.serverIPAddress === '[::1]') entry.serverIPAddress = '::1';
      }
      await expect(validator.har(har), name).resolves.toBeTruthy();
    }
  });
});

describe('Chrome DevTools export with a realtime WebSocket', () => {
  const name = 'chrome-devtools-websocket.har';

  it('becomes six exchanges and one connection with every frame, in one time order', () => {
    const { events, warnings, stats } = load(name);
    expect(stats).toEqual({ entries: 7, http: 6, webSocket: 1 });
    expect(warnings).toEqual([]);
    expectWellFormed(events);

    const [open] = ofKind(events, 'ws.open');
    expect(open).toMatchObject({
      routeId: 'https://api.openai.com',
      url: '/v1/realtime?model=gpt-realtime',
      upstreamUrl: 'wss://api.openai.com/v1/realtime?model=gpt-realtime',
      requestedProtocols: ['realtime', 'openai-insecure-api-key.ek_68d1e0f3c2a94b7f9e11'],
      protocol: 'realtime',
    });
    const har = fixtureJson(name) as { log: { entries: { _webSocketMessages?: { time: number; opcode: number; data: string }[] }[] } };
    const messages = har.log.entries.find((e) => e._webSocketMessages)!._webSocketMessages!;
    const frames = ofKind(events, 'ws.frame');
    expect(frames).toHaveLength(messages.length);
    frames.forEach((frame, i) => expect(frame.t).toBeCloseTo(messages[i]!.time * 1000, 3));

    // The one binary frame keeps its bytes, NUL and 0xFF included.
    const binary = frames.filter((f) => f.opcode === 'binary');
    expect(binary).toHaveLength(1);
    expect(binary[0]).toMatchObject({ encoding: 'base64', size: 12 });
    expect([...base64ToBytes(binary[0]!.data)!]).toEqual([0x00, 0xff, 0x10, 0x00, 0x7f, 0x80, 0xfe, 0x01, 0x00, 0x00, 0x3c, 0xc3]);

    // The tool webhook the page fetched sits between the call and its answer, as it happened.
    const done = frames.find((f) => f.data.includes('"response.function_call_arguments.done"'))!;
    const answer = frames.find((f) => f.data.includes('"function_call_output"'))!;
    const tool = ofKind(events, 'http.request').find((r) => r.url === '/tools/lookup_order')!;
    expect(tool.seq).toBeGreaterThan(done.seq);
    expect(tool.seq).toBeLessThan(answer.seq);
    expect(tool).toMatchObject({ routeId: 'http://localhost:8787', upstreamUrl: 'http://localhost:8787/tools/lookup_order', httpVersion: '1.1' });
  });

  it('keeps binary bodies as base64, HTTP/2 heads and the SSE stream cut into its blocks', () => {
    const { events } = load(name);
    const traffic = foldEvents(emptyTrafficState(), events);
    const byUrl = (url: string) => [...traffic.exchanges.values()].find((x) => x.request.url === url)!;

    const favicon = byUrl('/favicon.png');
    expect(favicon.responseBody).toMatchObject({ encoding: 'base64', truncated: false });
    expect(base64ToBytes(favicon.responseBody!.data)!.slice(0, 4)).toEqual(Uint8Array.from([0x89, 0x50, 0x4e, 0x47]));

    const cdn = byUrl('/npm/@ricky0123/vad-web@0.0.22/dist/bundle.min.js');
    expect(cdn.request.httpVersion).toBe('2.0');
    expect(cdn.request.headers[0]).toEqual([':authority', 'cdn.jsdelivr.net']);
    expect(cdn.response?.status).toBe(304);
    expect(cdn.responseBody).toMatchObject({ data: '', size: 0, truncated: false });

    const stream = byUrl('/logs/stream');
    expect(stream.state).toBe('complete');
    expect(stream.sse).toHaveLength(5);
    expect(stream.sse.filter((e) => e.dispatched).map((e) => [e.type, e.id])).toEqual([
      ['log', '41'],
      ['log', '42'],
      ['log', '43'],
    ]);
    expect(stream.sse.map((e) => e.raw).join('')).toBe(stream.responseBody!.data);
    expect(stream.sseEnd).toMatchObject({ events: 5, leftover: null, complete: true });
    // The blocks are spread over the time the body took to arrive.
    expect(stream.sse[4]!.t - stream.sse[0]!.t).toBeGreaterThan(1000);
  });

  it('finds the realtime function call with its call id, arguments and the result the page sent', () => {
    const { report } = analyseEvents(load(name).events);
    expect(report.calls).toHaveLength(1);
    expect(report.calls[0]).toMatchObject({
      protocol: 'openai-realtime',
      name: 'lookup_order',
      callId: 'call_Js0w3d5Ad8ZFmaKc',
      args: { order_number: 'A-20931' },
      result: { status: 'shipped', eta: '2025-03-14' },
      status: 'ok',
    });
    expect(report.calls[0]!.latencyMs).toBeGreaterThan(150);
    expect(report.calls[0]!.latencyMs).toBeLessThan(400);
    expect(report.findings).toEqual([]);
  });
});

describe('Firefox export of a webhook tester page', () => {
  const name = 'firefox-webhook.har';

  it('reads local-time dates, rebuilds a form body, marks bodies it lacks, and says what it could not read', () => {
    const { events, warnings, stats } = load(name);
    expect(stats).toEqual({ entries: 6, http: 5, webSocket: 1 });
    expectWellFormed(events);
    expect(events[0]!.t).toBe(Date.UTC(2025, 2, 11, 15, 10, 2, 118));
    expect(warnings).toEqual([
      'response bodies not in the file (entry 1): shown as not captured',
      'WebSocket connections without messages in the file (entry 2): Firefox does not export them',
      'form bodies only as "postData.params" (entry 5): rebuilt as name=value&…, whose escaping may differ from the bytes sent',
    ]);

    const traffic = foldEvents(emptyTrafficState(), events);
    const exchanges = [...traffic.exchanges.values()];
    expect(exchanges[0]!.responseBody).toEqual({ encoding: 'utf8', data: '', size: 1840, truncated: true, cap: 0 });
    const form = exchanges.find((x) => x.request.url === '/settings?tab=tools')!;
    expect(form.requestBody!.data).toBe('secret=whk_test_3f9a&note=a+b%26c');
    expect(form.response?.status).toBe(303);

    const refused = exchanges.find((x) => x.request.upstreamUrl === 'http://localhost:9999/vapi/tools')!;
    expect(refused.state).toBe('error');
    expect(refused.error).toMatchObject({ statusSent: null });
    expect(refused.routeId).toBe('http://localhost:9999');

    const [connection] = [...traffic.connections.values()];
    expect(connection).toMatchObject({ state: 'open', frames: [], routeId: 'http://localhost:8787' });
  });

  it('finds both Vapi tool calls, the second failed with HTTP 500', () => {
    const { report } = analyseEvents(load(name).events);
    expect(report.calls.map((c) => [c.protocol, c.name, c.callId, c.status])).toEqual([
      ['vapi', 'lookup_order', 'call_V4p1nTq8Rk2sLm6Xw9Yz0Ab3', 'ok'],
      ['vapi', 'check_stock', 'call_Q7n2bVx5Lp9sMk3Rt6Yw1Zc8', 'error'],
    ]);
    expect(report.calls[0]).toMatchObject({ args: { order_number: 'A-20931' }, result: 'Order A-20931 shipped; expected delivery 2025-03-14.' });
    expect(report.calls[1]!.findings.map((f) => f.rule)).toEqual(['http/error-status']);
    expect(report.findings.filter((f) => !f.callKey).map((f) => f.rule)).toEqual(['http/upstream-unreachable']);
  });
});

describe('HTTP Toolkit export of Daily Bots webhooks with SSE answers', () => {
  const name = 'http-toolkit-sse.har';

  it('reads SSE answers, a non-UTF-8 request body, a binary response and a WebSocket close', () => {
    const { events, warnings, stats } = load(name);
    expect(stats).toEqual({ entries: 6, http: 5, webSocket: 1 });
    expect(warnings).toEqual([]);
    expectWellFormed(events);
    const traffic = foldEvents(emptyTrafficState(), events);
    const byUrl = (url: string) => [...traffic.exchanges.values()].find((x) => x.request.url === url)!;

    expect(byUrl('/orders').sse.map((e) => e.type)).toEqual(['action', 'action', 'message']);
    expect(byUrl('/language?bot=order-desk').sse.map((e) => e.type)).toEqual(['update-config', 'action', 'message']);
    expect(byUrl('/orders').routeId).toBe('https://hooks.example.dev');

    const upload = byUrl('/transcribe');
    expect(upload.requestBody).toMatchObject({ encoding: 'base64', size: 42, truncated: false });
    expect(base64ToBytes(upload.requestBody!.data)![0]).toBe(0x52);
    expect(byUrl('/tts/sample.wav').responseBody).toMatchObject({ encoding: 'base64', size: 42 });
    expect(byUrl('/health').state).toBe('error');

    const [connection] = [...traffic.connections.values()];
    expect(connection!.frames.map((f) => f.direction)).toEqual(['client-to-upstream', 'upstream-to-client']);
    expect(connection!.close).toMatchObject({ code: 1000, reason: 'session ended', by: 'upstream', t: Date.UTC(2025, 2, 11, 15, 20, 1, 113) + 9120.4 });
    expect(connection!.state).toBe('closed');
  });

  it('finds both Daily calls with their arguments and streamed results', () => {
    const { report } = analyseEvents(load(name).events);
    expect(report.calls.map((c) => ({ protocol: c.protocol, name: c.name, callId: c.callId, args: c.args, result: c.result, status: c.status }))).toEqual([
      { protocol: 'daily', name: 'lookup_order', callId: 'call_5JrYh0pWq2eN8sLx3tVb6Kc1', args: { order_number: 'A-20931' }, result: { status: 'shipped', eta: '2025-03-14' }, status: 'ok' },
      { protocol: 'daily', name: 'switch_language', callId: 'call_Lg7dQ1mZ9wEr4TyU2iOp0aSx', args: { language: 'french' }, result: { language: 'french', applied: true }, status: 'ok' },
    ]);
    expect(report.calls.every((c) => c.findings.length === 0)).toBe(true);
  });
});
