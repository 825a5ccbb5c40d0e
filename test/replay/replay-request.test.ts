import { describe, expect, it } from 'vitest';
import type { LogEvent } from '../../shared/events.js';
import type { OutgoingRequest, ResendResult } from '../../shared/bridge.js';
import { emptyTrafficState, foldEvents, type ExchangeView } from '../../shared/store/traffic-state.js';
import {
  capturedAnswer,
  changedPaths,
  compareReplay,
  expectsJson,
  headersToText,
  parseBaseUrl,
  parseHeadersText,
  pathKey,
  readableLines,
  replayRequestOf,
  replaySkipReason,
  requestChanges,
  targetUrl,
  withoutFramingHeaders,
} from '../../shared/replay/replay-request.js';
import { diffAnswers } from '../../shared/replay/result-diff.js';

const BODY = '{"function_name":"get_weather","tool_call_id":"call_1","arguments":{"city":"Paris"}}';

/** One captured exchange, folded from its events as the UI holds it. */
function exchange(options: { answer?: string; status?: number; synthetic?: boolean; truncated?: boolean; mock?: string; sse?: { type: string; data: string }[] } = {}): ExchangeView {
  let seq = 0;
  const base = () => ({ seq: ++seq, t: 1000 + seq });
  const events: LogEvent[] = [
    {
      ...base(),
      kind: 'http.request',
      exchangeId: 'x1',
      routeId: 'r1',
      method: 'POST',
      url: '/weather?units=metric',
      httpVersion: '1.1',
      headers: [
        ['Host', '127.0.0.1:7801'],
        ['Content-Type', 'application/json'],
        ['Content-Length', String(BODY.length)],
        ['Connection', 'keep-alive'],
        ['X-Trace', 'abc'],
      ],
      remoteAddress: '127.0.0.1',
      upstreamUrl: 'http://127.0.0.1:8000/weather?units=metric',
    },
    {
      ...base(),
      kind: 'http.request.body',
      exchangeId: 'x1',
      body: { encoding: 'utf8', data: BODY, size: BODY.length, truncated: options.truncated ?? false, cap: options.truncated ? 10 : 1_000_000 },
    } as LogEvent,
  ];
  if (options.mock) events.push({ ...base(), kind: 'mock.hit', ruleId: 'm1', ruleName: 'Sunny', handler: options.mock, exchangeId: 'x1' } as LogEvent);
  events.push({
    ...base(),
    kind: 'http.response',
    exchangeId: 'x1',
    status: options.status ?? 200,
    statusMessage: 'OK',
    headers: [['content-type', options.sse ? 'text/event-stream' : 'application/json']],
    ...(options.synthetic ? { synthetic: true } : {}),
  });
  const answer = options.answer ?? '{"temperature":21,"unit":"C"}';
  events.push({ ...base(), kind: 'http.response.body', exchangeId: 'x1', body: { encoding: 'utf8', data: answer, size: answer.length, truncated: false, cap: 1_000_000 } } as LogEvent);
  const state = foldEvents(emptyTrafficState(), events);
  return state.exchanges.get('x1')!;
}

function result(answer: string | null, status = 200, sse: { type: string; data: string }[] = []): ResendResult {
  return {
    exchangeId: 'x2',
    response:
      answer === null
        ? null
        : { status, statusMessage: 'OK', headers: [['content-type', sse.length ? 'text/event-stream' : 'application/json']], body: { encoding: 'utf8', data: answer, size: answer.length, truncated: false, cap: 1_000_000 }, sse },
    error: answer === null ? 'connection refused (connect ECONNREFUSED 127.0.0.1:9)' : null,
    durationMs: 3,
  };
}

describe('the request a replay sends', () => {
  it('is the captured one, to the captured upstream, without the old connection\'s headers', () => {
    const made = replayRequestOf(exchange());
    expect(made).toEqual({
      request: {
        method: 'POST',
        url: 'http://127.0.0.1:8000/weather?units=metric',
        headers: [
          ['Content-Type', 'application/json'],
          ['X-Trace', 'abc'],
        ],
        body: { encoding: 'utf8', data: BODY },
      },
      warnings: [],
    });
  });

  it('goes to another origin with the same path and query', () => {
    expect(targetUrl('http://127.0.0.1:8000/weather?units=metric', 'https://staging.example:9443/ignored?x=1')).toBe('https://staging.example:9443/weather?units=metric');
    const made = replayRequestOf(exchange(), 'http://127.0.0.1:9000');
    expect('request' in made && made.request.url).toBe('http://127.0.0.1:9000/weather?units=metric');
  });

  it('is refused when the captured body was cut short', () => {
    expect(replayRequestOf(exchange({ truncated: true }))).toEqual({ refused: 'the captured request body is truncated, so it cannot be sent exactly' });
  });

  it('reads a typed base URL, or says what is wrong with it', () => {
    expect(parseBaseUrl(' http://127.0.0.1:9000/some/path ')).toEqual({ ok: true, origin: 'http://127.0.0.1:9000' });
    expect(parseBaseUrl('127.0.0.1:9000')).toMatchObject({ ok: false });
    expect(parseBaseUrl('localhost')).toMatchObject({ ok: false, error: expect.stringContaining('http://localhost') });
    expect(parseBaseUrl('ws://127.0.0.1:9000')).toMatchObject({ ok: false, error: expect.stringContaining('http://') });
    expect(parseBaseUrl('')).toMatchObject({ ok: false });
  });
});

describe('what can be compared', () => {
  it('skips, with the reason, what `toolscope replay` skips', () => {
    expect(capturedAnswer(exchange({ status: 502, synthetic: true }))).toEqual({ reason: 'the captured answer came from the proxy (502), not from the backend' });
    expect(capturedAnswer(exchange({ mock: 'json' }))).toEqual({ reason: 'the captured answer came from mock rule Sunny, not from the backend' });
    // A rule that only delays passes the backend's answer on: that one is compared.
    expect(capturedAnswer(exchange({ mock: 'delay' }))).toMatchObject({ status: 200 });
    expect(replaySkipReason(undefined, exchange({ truncated: true }))).toContain('truncated');
    expect(replaySkipReason(undefined, undefined)).toContain('not in the view');
    expect(replaySkipReason(undefined, exchange())).toBeNull();
  });

  it('compares the answers: same, different (status first), error, or not compared', () => {
    const captured = capturedAnswer(exchange());
    expect(compareReplay(captured, result('{"unit":"C","temperature":21}'))).toEqual({ kind: 'same' });
    expect(compareReplay(captured, result('{"temperature":23,"unit":"C"}', 500))).toMatchObject({
      kind: 'different',
      lines: ['~ (status): 200 → 500', '~ temperature: 21 → 23'],
    });
    expect(compareReplay(captured, result(null))).toEqual({ kind: 'error', message: 'connection refused (connect ECONNREFUSED 127.0.0.1:9)' });
    expect(compareReplay(capturedAnswer(exchange({ status: 502, synthetic: true })), result('{}'))).toMatchObject({ kind: 'uncompared' });
  });

  it('compares SSE answers event by event', () => {
    const captured = { status: 200, answer: { kind: 'sse' as const, events: [{ type: 'action', data: '{"t":21}' }, { type: 'close', data: '' }] } };
    const verdict = compareReplay(captured, result('', 200, [{ type: 'action', data: '{"t":23}' }, { type: 'close', data: '' }]));
    expect(verdict).toMatchObject({ kind: 'different', lines: ['~ [0].data.t: 21 → 23'] });
  });

  it('names SSE events by number and type for a person, as the CLI names them by index', () => {
    const captured = { kind: 'sse' as const, events: [{ type: 'action', data: '{}' }, { type: 'close', data: '' }] };
    const replayed = { kind: 'sse' as const, events: [{ type: 'action', data: '{}' }, { type: 'update-config', data: '{}' }, { type: 'close', data: '' }] };
    expect(
      readableLines(['~ (status): 200 → 500', '~ [0].data.result.t: 21 → 23', '~ [0].data[2]: 1 → 2', '~ [1].type: "close" → "update-config"', '~ [1].data: "" → {}', '+ [2]: {"type":"close","data":""}'], captured, replayed),
    ).toEqual([
      '~ (status): 200 → 500',
      '~ event 1 (action) › result.t: 21 → 23',
      '~ event 1 (action) › [2]: 1 → 2',
      '~ event 2 (close) type: "close" → "update-config"',
      '~ event 2 (close) data: "" → {}',
      '+ event 3 (close): {"type":"close","data":""}',
    ]);
    expect(readableLines(['~ temperature: 21 → 23'], { kind: 'body', text: '{}' }, { kind: 'body', text: '{}' })).toEqual(['~ temperature: 21 → 23']);
  });
});

describe('changedPaths', () => {
  it('marks changed fields on both sides, removed ones on the captured side, added ones on the replayed side', () => {
    const { delta } = diffAnswers({ kind: 'body', text: '{"a":1,"b":2,"list":[1,2,3]}' }, { kind: 'body', text: '{"a":5,"c":3,"list":[1,9]}' });
    const { before, after } = changedPaths(delta);
    expect(Object.fromEntries(before)).toEqual({ [pathKey(['a'])]: 'changed', [pathKey(['b'])]: 'removed', [pathKey(['list', 1])]: 'changed', [pathKey(['list', 2])]: 'removed' });
    expect(Object.fromEntries(after)).toEqual({ [pathKey(['a'])]: 'changed', [pathKey(['c'])]: 'added', [pathKey(['list', 1])]: 'changed' });
  });

  it('marks a whole answer that changed kind or type at the root', () => {
    const { delta } = diffAnswers({ kind: 'body', text: 'plain' }, { kind: 'body', text: '{"a":1}' });
    expect(changedPaths(delta).before.get(pathKey([]))).toBe('changed');
  });
});

describe('Edit and resend helpers', () => {
  it('writes headers as Name: value lines and reads them back; a bad line is named', () => {
    const headers: [string, string][] = [
      ['Content-Type', 'application/json'],
      ['X-Multi', 'a: b'],
    ];
    expect(parseHeadersText(headersToText(headers))).toEqual({ ok: true, headers });
    expect(parseHeadersText('A: 1\n\nB:2  \n')).toEqual({ ok: true, headers: [['A', '1'], ['B', '2']] });
    expect(parseHeadersText('A: 1\nno colon here')).toEqual({ ok: false, line: 2, error: 'Header line 2 is not "Name: value" (no colon)' });
    expect(parseHeadersText('Bad Name: 1')).toMatchObject({ ok: false, line: 1 });
  });

  it('leaves out the headers the sender frames itself', () => {
    expect(withoutFramingHeaders([['content-length', '3'], ['A', '1'], ['Host', 'x']])).toEqual({ headers: [['A', '1']], dropped: ['content-length', 'Host'] });
  });

  it('checks a body as JSON when its type says JSON or the captured body was JSON', () => {
    expect(expectsJson([['content-type', 'application/vnd.api+json']], null)).toBe(true);
    expect(expectsJson([], { encoding: 'utf8', data: '{"a":1}', size: 7, truncated: false, cap: 100 })).toBe(true);
    expect(expectsJson([['content-type', 'text/plain']], { encoding: 'utf8', data: 'hello', size: 5, truncated: false, cap: 100 })).toBe(false);
  });

  it('lists what an edit changed in the request', () => {
    const before: OutgoingRequest = { method: 'POST', url: 'http://a/x', headers: [['Content-Type', 'application/json'], ['X-Old', '1']], body: { encoding: 'utf8', data: BODY } };
    const after: OutgoingRequest = {
      method: 'PUT',
      url: 'http://a/x',
      headers: [['content-type', 'application/json'], ['X-New', '2']],
      body: { encoding: 'utf8', data: BODY.replace('Paris', 'Oslo') },
    };
    expect(requestChanges(before, after)).toEqual(['~ (method): POST → PUT', '- (header) X-Old: 1', '+ (header) X-New: 2', '~ arguments.city: "Paris" → "Oslo"']);
    expect(requestChanges(before, before)).toEqual([]);
  });
});
