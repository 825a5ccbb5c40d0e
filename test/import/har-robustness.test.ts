/**
 * Whatever JSON it is given, the HAR import never throws: input that is not a HAR gets one sentence naming
 * the bad field, entries it cannot use are skipped with a warning, and every event it does produce is valid.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { logEventSchema, type LogEvent } from '../../shared/events.js';
import { eventsFromHar, looksLikeHar } from '../../shared/import/har-events.js';
import { emptyTrafficState, foldEvents } from '../../shared/store/traffic-state.js';
import { analyseEvents } from '../../shared/analysis/session-report.js';

function expectValidEvents(events: LogEvent[]): void {
  events.forEach((event, i) => {
    expect(logEventSchema.safeParse(event).success, JSON.stringify(event).slice(0, 300)).toBe(true);
    expect(event.seq).toBe(i + 1);
    if (i > 0) expect(event.t).toBeGreaterThanOrEqual(events[i - 1]!.t);
  });
}

const entry = (overrides: Record<string, unknown> = {}) => ({
  startedDateTime: '2025-03-11T15:00:00.000Z',
  time: 12,
  request: { method: 'POST', url: 'https://hooks.example.dev/tool', httpVersion: 'HTTP/1.1', headers: [{ name: 'content-type', value: 'application/json' }], postData: { mimeType: 'application/json', text: '{}' } },
  response: { status: 200, statusText: 'OK', headers: [{ name: 'content-type', value: 'application/json' }], content: { size: 2, mimeType: 'application/json', text: '{}' } },
  timings: { send: 1, wait: 10, receive: 1 },
  ...overrides,
});

describe('input that is not a HAR file', () => {
  it.each([
    [{}, 'not a HAR file: it has no "log" object'],
    [{ log: {} }, 'not a HAR file: "log.entries" is missing'],
    [{ log: { entries: {} } }, 'not a HAR file: "log.entries" is an object, not a list'],
    [{ log: [] }, 'not a HAR file: "log" is an array, not an object'],
    [{ log: null }, 'not a HAR file: "log" is null, not an object'],
    [[], 'not a HAR file: the JSON is an array, not an object with a "log"'],
    [null, 'not a HAR file: the JSON is null, not an object with a "log"'],
    [42, 'not a HAR file: the JSON is a number, not an object with a "log"'],
    ['log', 'not a HAR file: the JSON is a string, not an object with a "log"'],
  ])('%j: %s', (json, error) => {
    expect(eventsFromHar(json)).toEqual({ events: [], error, warnings: [], stats: { entries: 0, http: 0, webSocket: 0 } });
  });

  it('looksLikeHar only for an object with a "log" object', () => {
    expect(looksLikeHar({ log: {} })).toBe(true);
    expect(looksLikeHar({ log: [] })).toBe(false);
    expect(looksLikeHar({})).toBe(false);
    expect(looksLikeHar('{"log":{}}')).toBe(false);
  });

  it('an empty entry list is a HAR with nothing in it', () => {
    expect(eventsFromHar({ log: { entries: [] } })).toEqual({ events: [], error: null, warnings: ['the HAR file has no entries'], stats: { entries: 0, http: 0, webSocket: 0 } });
  });
});

describe('entries with missing or wrong fields', () => {
  it('skips entries without a request URL or method, naming them and the field', () => {
    const result = eventsFromHar({
      log: {
        entries: [
          'nope',
          {},
          { request: {} },
          { request: { url: 'https://a.example/x' } },
          { request: { url: 42, method: 'GET' } },
          { request: { url: 'https://a.example/x', method: 7 } },
          { request: { url: 'https://a.example/ok', method: 'GET' } },
        ],
      },
    });
    expect(result.error).toBeNull();
    expect(result.stats).toEqual({ entries: 7, http: 1, webSocket: 0 });
    expect(result.warnings.slice(0, 6)).toEqual([
      'entry 1 skipped: it is a string, not an object',
      'entry 2 skipped: "request" is missing',
      'entry 3 skipped: "request.url" is missing',
      'entry 4 skipped: "request.method" is missing',
      'entry 5 skipped: "request.url" is not a text',
      '1 more entry skipped',
    ]);
    expect(result.warnings).toContain('no "response" (entry 7): read as requests without an answer');
    expect(result.warnings).toContain('no valid "startedDateTime" (entry 7): placed after the entry before');
    expectValidEvents(result.events);
    // No response: the request is shown as one that got no answer.
    expect(result.events.map((e) => e.kind)).toEqual(['http.request', 'http.request.body', 'http.error']);
  });

  it('reads odd types the way exporters write them and never lets time run backwards', () => {
    const result = eventsFromHar({
      log: {
        entries: [
          entry({ startedDateTime: 'yesterday', timings: { blocked: -1, dns: -1, send: -5, wait: -1, receive: Number.NaN } }),
          entry({
            request: { method: 'GET', url: 'https://a.example/h', headers: { not: 'a list' } },
            response: { status: '200', headers: [{ name: 'content-length', value: 2 }, { value: 'no name' }, null], content: { text: '{}', encoding: 'base64' } },
          }),
          entry({ request: { method: 'GET', url: '/relative/path?q=1#frag' }, time: 7, timings: undefined }),
        ],
      },
    });
    expectValidEvents(result.events);
    expect(result.warnings).toEqual([
      'no valid "startedDateTime" (entry 1): placed after the entry before',
      'headers that are not a list (entry 2): ignored',
      'headers without a name or value (entry 2): left out',
      'bodies marked base64 that are not base64 (entry 2): kept as text',
    ]);
    const requests = result.events.filter((e) => e.kind === 'http.request');
    expect(requests.map((r) => [r.routeId, r.url, r.upstreamUrl])).toEqual([
      ['https://hooks.example.dev', '/tool', 'https://hooks.example.dev/tool'],
      ['https://a.example', '/h', 'https://a.example/h'],
      ['imported', '/relative/path?q=1', '/relative/path?q=1'],
    ]);
    // A status that is not a number is no answer at all.
    expect(result.events.filter((e) => e.kind === 'http.error')).toHaveLength(1);
  });

  it('WebSocket messages: ping and pong are dropped, a close frame closes, unknown opcodes are left out with a warning', () => {
    const closeFrame = Buffer.concat([Buffer.from([0x03, 0xe8]), Buffer.from('bye')]).toString('base64');
    const t = Date.UTC(2025, 2, 11, 15, 0, 1) / 1000;
    const result = eventsFromHar({
      log: {
        entries: [
          {
            startedDateTime: '2025-03-11T15:00:00.000Z',
            _resourceType: 'websocket',
            request: { method: 'GET', url: 'wss://rt.example/v1', headers: [] },
            response: { status: 101, statusText: 'Switching Protocols', headers: [] },
            _webSocketMessages: [
              { type: 'send', time: t, opcode: 1, data: '{"type":"session.update"}' },
              { type: 'send', time: t + 0.1, opcode: 9, data: '' },
              { type: 'receive', time: t + 0.2, opcode: 10, data: '' },
              { type: 'receive', time: t + 0.3, opcode: 3, data: 'reserved' },
              { type: 'sideways', time: t + 0.4, opcode: 1, data: 'x' },
              { type: 'receive', time: 'later', opcode: 2, data: 'AAH/' },
              { type: 'send', time: t + 0.5, opcode: 8, data: closeFrame },
              { type: 'receive', time: t + 0.6, opcode: 8, data: '' },
              'junk',
            ],
          },
        ],
      },
    });
    expectValidEvents(result.events);
    expect(result.events.map((e) => e.kind)).toEqual(['ws.open', 'ws.frame', 'ws.frame', 'ws.close']);
    expect(result.events[2]).toMatchObject({ opcode: 'binary', encoding: 'base64', data: 'AAH/', size: 3 });
    expect(result.events[3]).toMatchObject({ code: 1000, reason: 'bye', by: 'client' });
    expect(result.warnings).toEqual([
      'WebSocket messages with an unknown opcode (entry 1): left out',
      'WebSocket messages whose "type" is neither send nor receive (entry 1): left out',
      'WebSocket messages without a usable "time" (entry 1): placed after the message before',
      'WebSocket messages that are not objects (entry 1): left out',
    ]);
  });

  it('a refused WebSocket upgrade is a failed connection, not an open one', () => {
    const result = eventsFromHar({
      log: {
        entries: [
          { startedDateTime: '2025-03-11T15:00:00.000Z', _resourceType: 'websocket', request: { method: 'GET', url: 'wss://rt.example/v1' }, response: { status: 401, statusText: 'Unauthorized' } },
          { startedDateTime: '2025-03-11T15:00:01.000Z', request: { method: 'GET', url: 'ws://rt.example/v2' }, response: { status: 0, _error: 'net::ERR_CONNECTION_REFUSED' } },
        ],
      },
    });
    expect(result.events).toMatchObject([
      { kind: 'ws.upgrade-failed', status: 401, message: 'the upstream answered 401 Unauthorized' },
      { kind: 'ws.upgrade-failed', status: null, message: 'net::ERR_CONNECTION_REFUSED' },
    ]);
  });

  it("Chrome's _error names the cause of a failed request", () => {
    const result = eventsFromHar({ log: { entries: [entry({ response: { status: 0, _error: 'net::ERR_NAME_NOT_RESOLVED' } })] } });
    expect(result.events.at(-1)).toMatchObject({ kind: 'http.error', cause: 'dns', code: 'ERR_NAME_NOT_RESOLVED', message: 'net::ERR_NAME_NOT_RESOLVED', statusSent: null });
  });

  it('a response that broke off keeps the part the file has, then says how it ended', () => {
    const sse = { status: 200, headers: [{ name: 'content-type', value: 'text/event-stream' }], content: { text: 'data: one\n\ndata: tw' } };
    const result = eventsFromHar({
      log: {
        entries: [
          entry({ response: { ...sse, _error: 'net::ERR_ABORTED' } }),
          entry({ response: { ...sse, _error: 'net::ERR_INCOMPLETE_CHUNKED_ENCODING' } }),
          entry({ response: { status: 0, _error: 'net::ERR_ABORTED' } }),
        ],
      },
    });
    expectValidEvents(result.events);
    const traffic = foldEvents(emptyTrafficState(), result.events);
    expect([...traffic.exchanges.values()].map((x) => [x.state, x.aborted?.by, x.aborted?.phase, x.sse.length, x.sseEnd?.complete, x.sseEnd?.leftover])).toEqual([
      ['aborted', 'client', 'response', 1, false, 'data: tw'],
      ['aborted', 'upstream', 'response', 1, false, 'data: tw'],
      ['aborted', 'client', 'request', 0, undefined, undefined],
    ]);
  });

  it('a gzip answer is marked decoded, with its size on the wire', () => {
    const result = eventsFromHar({
      log: {
        entries: [
          entry({
            response: { status: 200, headers: [{ name: 'Content-Encoding', value: 'gzip' }], content: { size: 2, text: '{}' }, bodySize: 22 },
          }),
        ],
      },
    });
    expect(result.events.at(-1)).toMatchObject({ kind: 'http.response.body', body: { data: '{}', size: 22, decoded: true, decodedSize: 2, contentEncoding: 'gzip' } });
  });
});

describe('any JSON at all', () => {
  const check = (json: unknown) => {
    const result = eventsFromHar(json);
    if (result.error !== null) {
      expect(result.events).toEqual([]);
      expect(result.error).toMatch(/^not a HAR file: /);
      return;
    }
    expectValidEvents(result.events);
    // The UI folds and analyses whatever the import made.
    foldEvents(emptyTrafficState(), result.events);
    analyseEvents(result.events);
  };

  it('random JSON values never throw', () => {
    fc.assert(fc.property(fc.jsonValue(), check), { numRuns: 300 });
  });

  it('HAR-shaped JSON with random fields never throws and gives valid events', () => {
    const anyValue = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant(undefined));
    const maybe = <T>(arb: fc.Arbitrary<T>) => fc.oneof(arb, anyValue);
    const header = maybe(fc.record({ name: maybe(fc.string()), value: maybe(fc.string()) }));
    const message = maybe(
      fc.record({
        type: maybe(fc.constantFrom('send', 'receive')),
        time: maybe(fc.double({ min: -1e12, max: 2e12 })),
        opcode: maybe(fc.integer({ min: 0, max: 12 })),
        data: maybe(fc.oneof(fc.string(), fc.base64String())),
      }),
    );
    const harEntry = fc.record(
      {
        startedDateTime: maybe(fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), fc.string())),
        time: maybe(fc.double()),
        _resourceType: maybe(fc.constantFrom('websocket', 'fetch')),
        request: maybe(
          fc.record({
            method: maybe(fc.constantFrom('GET', 'POST', '')),
            url: maybe(fc.oneof(fc.webUrl(), fc.constantFrom('wss://rt.example/v1?x=1', 'ws://[::1]:9/x', '/path', ''))),
            httpVersion: maybe(fc.constantFrom('HTTP/1.1', 'http/2.0', 'h3', 'x')),
            headers: maybe(fc.array(header, { maxLength: 4 })),
            postData: maybe(fc.record({ text: maybe(fc.string()), encoding: maybe(fc.constant('base64')), mimeType: maybe(fc.constant('application/x-www-form-urlencoded')), params: maybe(fc.array(anyValue, { maxLength: 3 })) })),
            bodySize: maybe(fc.integer({ min: -1, max: 100 })),
          }),
        ),
        response: maybe(
          fc.record({
            status: maybe(fc.integer({ min: -1, max: 600 })),
            headers: maybe(fc.array(maybe(fc.constantFrom({ name: 'content-type', value: 'text/event-stream' }, { name: 'content-encoding', value: 'br' })), { maxLength: 3 })),
            content: maybe(fc.record({ text: maybe(fc.oneof(fc.string(), fc.constant('data: x\n\nevent: y\ndata'))), encoding: maybe(fc.constant('base64')), size: maybe(fc.integer()) })),
            _error: maybe(fc.string()),
          }),
        ),
        timings: maybe(fc.dictionary(fc.constantFrom('blocked', 'dns', 'connect', 'send', 'wait', 'receive'), fc.oneof(fc.double(), fc.integer({ min: -1, max: 5000 })))),
        _webSocketMessages: maybe(fc.array(message, { maxLength: 5 })),
        _webSocketClose: maybe(fc.oneof(fc.constant('aborted'), fc.record({ code: maybe(fc.integer()), reason: maybe(fc.string()), timestamp: maybe(fc.double()) }))),
        _toolscope: maybe(fc.record({ url: maybe(fc.string()), syntheticResponse: maybe(fc.boolean()), requestBody: maybe(fc.record({ truncated: maybe(fc.boolean()), size: maybe(fc.integer()), encoding: maybe(fc.constant('base64')) })) })),
      },
      { requiredKeys: [] },
    );
    fc.assert(fc.property(fc.record({ log: fc.record({ entries: fc.array(maybe(harEntry), { maxLength: 6 }) }) }), check), { numRuns: 400 });
  });
});
