/**
 * Webhook mocks end to end: a real core with one route, real clients (fetch, a raw HTTP client), and either no
 * backend at all (the route points at a dead port: the tool does not exist yet) or a real one on loopback.
 */
import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { analyseEvents } from '../../shared/analysis/session-report.js';
import type { LogEvent } from '../../shared/events.js';
import { mockRulesSchema, type MockRule, type MockRuleInput } from '../../shared/mocks/mock-rule.js';
import {
  Cleanup,
  deadPort,
  delay,
  eventsOf,
  LOOPBACK,
  request,
  requestSettled,
  sha256,
  startBackend,
  startProxy,
  waitForEvent,
  type Proxy,
} from '../support/proxy-harness.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

function rules(input: MockRuleInput[]): MockRule[] {
  return mockRulesSchema.parse(input);
}

async function proxyWithRules(input: MockRuleInput[], upstream?: string, options: { timeoutMs?: number } = {}): Promise<Proxy> {
  const proxy = await startProxy(cleanup, upstream ?? `http://${LOOPBACK}:${await deadPort()}`, options);
  proxy.core.mocks.setRules(rules(input));
  return proxy;
}

async function postJson(url: string, body: unknown): Promise<{ status: number; headers: Headers; text: string }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** Waits until the exchange has its final event (body, error or abort). */
async function settled(proxy: Proxy, exchangeId: string): Promise<readonly LogEvent[]> {
  await waitForEvent(proxy.core, 'http.request', (e) => e.exchangeId === exchangeId);
  for (let i = 0; i < 200; i++) {
    const done = proxy.core.log
      .all()
      .some((e) => (e.kind === 'http.response.body' || e.kind === 'http.error' || e.kind === 'http.aborted') && e.exchangeId === exchangeId);
    if (done) break;
    await delay(10);
  }
  // SSE end and late events land right after the body.
  await delay(20);
  return proxy.core.log.all();
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
  });
}

const dailyCall = { function_name: 'get_weather', tool_call_id: 'call_d1', arguments: { city: 'Lisbon', days: 3 } };

describe('webhook mocks', () => {
  it('answers a Daily Bots call to a function with no backend, with templated arguments and call id', async () => {
    const proxy = await proxyWithRules([
      {
        id: 'weather',
        name: 'Weather stub',
        match: { functionName: 'get_weather' },
        handler: { kind: 'json', body: { summary: 'Sunny in {{args.city}}', days: '{{args.days}}', id: '{{toolCallId}}', fn: '{{functionName}}' } },
      },
    ]);
    const answer = await postJson(`${proxy.url}/tools`, dailyCall);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/json');
    const expected = { summary: 'Sunny in Lisbon', days: 3, id: 'call_d1', fn: 'get_weather' };
    expect(JSON.parse(answer.text)).toEqual(expected);

    const exchangeId = eventsOf(proxy.core, 'http.request')[0]!.exchangeId;
    const events = await settled(proxy, exchangeId);
    const kinds = events.filter((e) => 'exchangeId' in e && e.exchangeId === exchangeId).map((e) => e.kind);
    expect(kinds).toEqual(['http.request', 'http.request.body', 'mock.hit', 'http.response', 'http.response.body']);
    const hit = eventsOf(proxy.core, 'mock.hit')[0]!;
    expect(hit).toMatchObject({ ruleId: 'weather', ruleName: 'Weather stub', handler: 'json', exchangeId, callId: 'call_d1' });
    expect(hit.warnings).toBeUndefined();
    expect(eventsOf(proxy.core, 'http.response.body')[0]!.body.data).toBe(answer.text);
    expect(proxy.core.mocks.hits()).toEqual({ weather: 1 });

    const { report, analysis } = analyseEvents(events);
    expect(report.calls).toHaveLength(1);
    expect(report.calls[0]).toMatchObject({ protocol: 'daily', name: 'get_weather', callId: 'call_d1', status: 'mocked', result: expected });
    expect(analysis.calls.get(report.calls[0]!.key)!.mockedBy).toEqual({ ruleId: 'weather', ruleName: 'Weather stub', handler: 'json' });
    expect(report.findings.filter((f) => f.severity !== 'info')).toEqual([]);
  });

  it('plays a scripted SSE stream with its delays, recorded byte for byte', async () => {
    const script = [
      { delayMs: 0, event: 'action', data: { service: 'llm', action: 'function_result', arguments: [{ name: 'result', value: { city: '{{args.city}}' } }] } },
      { delayMs: 150, data: 'line one\nline two' },
      { delayMs: 300, raw: 'data:close\n\n' },
    ];
    const bytes = [
      'event: action\ndata: {"service":"llm","action":"function_result","arguments":[{"name":"result","value":{"city":"Lisbon"}}]}\n\n',
      'data: line one\ndata: line two\n\n',
      'data:close\n\n',
    ];
    const proxy = await proxyWithRules([{ id: 'stream', match: { path: '/tools/*' }, handler: { kind: 'sse', events: script } }]);

    const started = performance.now();
    const arrivals: number[] = [];
    let received = '';
    const response = await request(proxy.port, {
      method: 'POST',
      path: '/tools/weather',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(dailyCall),
      onData: (chunk) => {
        const before = received.split('\n\n').length;
        received += chunk.toString('utf8');
        const after = received.split('\n\n').length;
        for (let i = before; i < after; i++) arrivals.push(performance.now() - started);
      },
    });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/event-stream');
    expect(response.body.toString('utf8')).toBe(bytes.join(''));
    expect(arrivals).toHaveLength(3);
    // Timing with slack: each gap at least 0.8 of the script's, never a tight upper bound on a shared machine.
    expect(arrivals[1]! - arrivals[0]!).toBeGreaterThanOrEqual(0.8 * 150);
    expect(arrivals[2]! - arrivals[1]!).toBeGreaterThanOrEqual(0.8 * 300);

    const exchangeId = eventsOf(proxy.core, 'http.request')[0]!.exchangeId;
    await settled(proxy, exchangeId);
    await waitForEvent(proxy.core, 'sse.end');
    expect(eventsOf(proxy.core, 'sse.event', exchangeId).map((e) => e.raw)).toEqual(bytes);
    expect(eventsOf(proxy.core, 'sse.end', exchangeId)[0]).toMatchObject({ events: 3, complete: true, leftover: null });
    expect(eventsOf(proxy.core, 'http.response.body', exchangeId)[0]!.body.data).toBe(bytes.join(''));
  });

  it('a script with a broken raw event gets the same SSE finding as a real backend sending those bytes', async () => {
    const broken = 'event: message\ndata : {"a":1}\n\n';
    const backend = await startBackend(cleanup, (req, res) => {
      void readBody(req).then(() => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.end(broken);
      });
    });
    const real = await startProxy(cleanup, backend.url);
    const mocked = await proxyWithRules([{ id: 'broken', handler: { kind: 'sse', events: [{ raw: broken }] } }]);

    const rulesOf = async (proxy: Proxy) => {
      await request(proxy.port, { method: 'POST', path: '/sse', body: JSON.stringify({ hello: 1 }), headers: { 'content-type': 'application/json' } });
      const exchangeId = eventsOf(proxy.core, 'http.request')[0]!.exchangeId;
      await settled(proxy, exchangeId);
      await waitForEvent(proxy.core, 'sse.end');
      return analyseEvents(proxy.core.log.all()).report.findings.map((f) => f.rule).filter((rule) => rule.startsWith('sse/'));
    };
    const realRules = await rulesOf(real);
    expect(realRules.length).toBeGreaterThan(0);
    expect(await rulesOf(mocked)).toEqual(realRules);
  });

  it('answers a Vapi tool-calls message with two calls in the results envelope, one result per call id', async () => {
    const proxy = await proxyWithRules([
      { id: 'vapi', match: { functionName: 'book_table' }, handler: { kind: 'json', body: { booked: '{{args.time}}', by: '{{functionName}}' } } },
    ]);
    const message = {
      message: {
        type: 'tool-calls',
        toolCallList: [
          { id: 'call_v1', type: 'function', function: { name: 'lookup_order', arguments: { order: 'A-1' } } },
          { id: 'call_v2', type: 'function', function: { name: 'book_table', arguments: { time: '19:00' } } },
        ],
      },
    };
    const answer = await postJson(`${proxy.url}/vapi`, message);
    expect(answer.status).toBe(200);
    // Vapi needs string results: objects go as compact JSON text, one entry per call, in order.
    expect(JSON.parse(answer.text)).toEqual({
      results: [
        { name: 'lookup_order', toolCallId: 'call_v1', result: '{"booked":"","by":"lookup_order"}' },
        { name: 'book_table', toolCallId: 'call_v2', result: '{"booked":"19:00","by":"book_table"}' },
      ],
    });
    const exchangeId = eventsOf(proxy.core, 'http.request')[0]!.exchangeId;
    const { report } = analyseEvents(await settled(proxy, exchangeId));
    expect(report.calls.map((c) => [c.callId, c.status])).toEqual([
      ['call_v1', 'mocked'],
      ['call_v2', 'mocked'],
    ]);
    // The first call has no `time`: the template warning is reported, not hidden.
    expect(report.findings.map((f) => f.rule)).toContain('mock/template-missing-value');
  });

  it('a missing argument renders empty, with a warning finding on the call, and no crash', async () => {
    const proxy = await proxyWithRules([{ id: 'typo', name: 'Typo', handler: { kind: 'json', body: { city: '{{args.city}}', note: 'for {{args.city}}!' } } }]);
    const answer = await postJson(`${proxy.url}/tools`, { function_name: 'get_weather', tool_call_id: 'call_t1', arguments: { town: 'Porto' } });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({ city: '', note: 'for !' });
    const hit = await waitForEvent(proxy.core, 'mock.hit');
    expect(hit.warnings).toEqual(['template {{args.city}}: the call has no argument city']);
    const { report } = analyseEvents(await settled(proxy, hit.exchangeId!));
    const finding = report.findings.find((f) => f.rule === 'mock/template-missing-value')!;
    expect(finding).toMatchObject({ severity: 'warning', callId: 'call_t1', ref: { seq: hit.seq } });
    expect(finding.message).toContain('"Typo"');
    expect(report.calls[0]!.status).toBe('mocked');
  });

  it('a rule that does not match forwards the very same bytes, chunked or not, and the backend answers', async () => {
    const seen: string[] = [];
    const backend = await startBackend(cleanup, (req, res) => {
      void readBody(req).then((body) => {
        seen.push(sha256(body));
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ from: 'backend', size: body.length }));
      });
    });
    const proxy = await proxyWithRules([{ id: 'other', match: { functionName: 'not_this_one' }, handler: { kind: 'json', body: {} } }], backend.url);
    const body = JSON.stringify({ ...dailyCall, padding: 'é'.repeat(5000) });
    const whole = await request(proxy.port, { method: 'POST', path: '/tools', headers: { 'content-type': 'application/json' }, body });
    const chunked = await request(proxy.port, { method: 'POST', path: '/tools', headers: { 'content-type': 'application/json' }, chunks: [body.slice(0, 100), body.slice(100)] });
    expect(JSON.parse(whole.body.toString())).toEqual({ from: 'backend', size: Buffer.byteLength(body) });
    expect(JSON.parse(chunked.body.toString())).toEqual({ from: 'backend', size: Buffer.byteLength(body) });
    expect(seen).toEqual([sha256(body), sha256(body)]);
    expect(eventsOf(proxy.core, 'mock.hit')).toEqual([]);
  });

  it('a body over the capture cap is not held: it streams on to the backend intact', async () => {
    const seen: string[] = [];
    const backend = await startBackend(cleanup, (req, res) => {
      void readBody(req).then((body) => {
        seen.push(sha256(body));
        res.end('ok');
      });
    });
    const proxy = await proxyWithRules([{ id: 'by-name', match: { functionName: 'get_weather' }, handler: { kind: 'json', body: {} } }], backend.url);
    const big = Buffer.alloc(3 * 1024 * 1024, 'a');
    const response = await request(proxy.port, { method: 'POST', path: '/upload', chunks: [big.subarray(0, 1024 * 1024), big.subarray(1024 * 1024)] });
    expect(response.body.toString()).toBe('ok');
    expect(seen).toEqual([sha256(big)]);
    expect(eventsOf(proxy.core, 'mock.hit')).toEqual([]);
  });

  it('delay: waits, then the real backend answers as usual', async () => {
    const backend = await startBackend(cleanup, (req, res) => {
      void readBody(req).then((body) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ echoed: JSON.parse(body.toString()).arguments }));
      });
    });
    const proxy = await proxyWithRules([{ id: 'slow', handler: { kind: 'delay', delayMs: 250 } }], backend.url);
    const started = performance.now();
    const answer = await postJson(`${proxy.url}/tools`, dailyCall);
    expect(performance.now() - started).toBeGreaterThanOrEqual(0.8 * 250);
    expect(JSON.parse(answer.text)).toEqual({ echoed: dailyCall.arguments });
    const hit = await waitForEvent(proxy.core, 'mock.hit');
    expect(hit.handler).toBe('delay');
    const { report } = analyseEvents(await settled(proxy, hit.exchangeId!));
    // The backend answered: the call is its own, only slower.
    expect(report.calls[0]!.status).toBe('ok');
  });

  it('fail: answers the status and body, and the analysis sees an HTTP error', async () => {
    const proxy = await proxyWithRules([{ id: 'down', handler: { kind: 'fail', status: 503, body: { error: 'maintenance for {{functionName}}' } } }]);
    const answer = await postJson(`${proxy.url}/tools`, dailyCall);
    expect(answer.status).toBe(503);
    expect(JSON.parse(answer.text)).toEqual({ error: 'maintenance for get_weather' });
    const hit = await waitForEvent(proxy.core, 'mock.hit');
    const { report } = analyseEvents(await settled(proxy, hit.exchangeId!));
    expect(report.calls[0]!.status).toBe('error');
    expect(report.findings.map((f) => f.rule)).toContain('http/error-status');
  });

  it('close: the client sees the connection drop, recorded as aborted by the proxy', async () => {
    const proxy = await proxyWithRules([{ id: 'drop', name: 'Drop it', handler: { kind: 'close' } }]);
    const result = await requestSettled(proxy.port, { method: 'POST', path: '/tools', body: JSON.stringify(dailyCall), headers: { 'content-type': 'application/json' } });
    expect(result.status).toBe(0);
    expect(result.error).not.toBeNull();
    const aborted = await waitForEvent(proxy.core, 'http.aborted');
    expect(aborted).toMatchObject({ by: 'proxy', phase: 'request' });
    expect(aborted.message).toContain('"Drop it"');
    const { report } = analyseEvents(proxy.core.log.all());
    expect(report.calls[0]!.status).toBe('unanswered');
  });

  it('no-answer: holds the request until the route timeout ends it', async () => {
    const proxy = await proxyWithRules([{ id: 'silent', handler: { kind: 'no-answer' } }], undefined, { timeoutMs: 300 });
    const started = performance.now();
    const result = await requestSettled(proxy.port, { method: 'POST', path: '/tools', body: JSON.stringify(dailyCall), headers: { 'content-type': 'application/json' } });
    expect(performance.now() - started).toBeGreaterThanOrEqual(0.8 * 300);
    expect(result.status).toBe(504);
    const error = await waitForEvent(proxy.core, 'http.error');
    expect(error).toMatchObject({ cause: 'timeout', statusSent: 504 });
    expect(error.message).toContain('no-answer');
  });

  it('no-answer: a client that gives up first is recorded as the client aborting', async () => {
    const proxy = await proxyWithRules([{ id: 'silent', handler: { kind: 'no-answer' } }], undefined, { timeoutMs: 5000 });
    const result = await requestSettled(proxy.port, { method: 'POST', path: '/tools', body: JSON.stringify(dailyCall), timeoutMs: 200 });
    expect(result.timedOut).toBe(true);
    const aborted = await waitForEvent(proxy.core, 'http.aborted');
    expect(aborted).toMatchObject({ by: 'client', phase: 'request' });
  });

  it('a handler that fails gives the client a 502 naming the rule, and the log an error', async () => {
    const proxy = await startProxy(cleanup, `http://${LOOPBACK}:${await deadPort()}`);
    // Rules are schema-checked when set, so only a value no JSON holds can make a handler throw at run time.
    const poisoned = { toJSON: () => { throw new Error('cannot serialise'); } };
    proxy.core.mocks.setRules(rules([{ id: 'bad', name: 'Bad body', handler: { kind: 'json', body: null } }]).map((r) => ({ ...r, handler: { kind: 'json', status: 200, body: poisoned } })));
    const answer = await postJson(`${proxy.url}/tools`, dailyCall);
    expect(answer.status).toBe(502);
    expect(JSON.parse(answer.text)).toMatchObject({ error: 'mock_failed', rule: { id: 'bad', name: 'Bad body' } });
    const error = await waitForEvent(proxy.core, 'http.error');
    expect(error).toMatchObject({ code: 'TOOLSCOPE_MOCK_FAILED', statusSent: 502 });
    expect(error.message).toContain('"Bad body"');
  });

  it('a header Node refuses fails the rule the same way, with one response recorded', async () => {
    const proxy = await proxyWithRules([{ id: 'hdr', handler: { kind: 'json', headers: { 'bad header': 'x' }, body: {} } }]);
    const answer = await postJson(`${proxy.url}/tools`, dailyCall);
    expect(answer.status).toBe(502);
    const exchangeId = (await waitForEvent(proxy.core, 'http.error')).exchangeId;
    expect(eventsOf(proxy.core, 'http.response', exchangeId).map((e) => [e.status, e.synthetic])).toEqual([[502, true]]);
  });

  it('a client leaving mid-script ends the SSE capture and is recorded as the client aborting', async () => {
    const proxy = await proxyWithRules([
      { id: 'long', handler: { kind: 'sse', events: [{ data: 'one' }, { delayMs: 5000, data: 'never sent' }] } },
    ]);
    await requestSettled(proxy.port, { method: 'POST', path: '/tools', body: '{}', onData: (_chunk, req) => req.destroy() });
    const aborted = await waitForEvent(proxy.core, 'http.aborted');
    expect(aborted).toMatchObject({ by: 'client', phase: 'response' });
    const end = await waitForEvent(proxy.core, 'sse.end');
    expect(end).toMatchObject({ events: 1, complete: false });
  });

  it('disabled rules and realtime rules leave HTTP alone', async () => {
    const backend = await startBackend(cleanup, (_req, res) => res.end('backend'));
    const proxy = await proxyWithRules(
      [
        { id: 'off', enabled: false, handler: { kind: 'json', body: { no: true } } },
        { id: 'rt', handler: { kind: 'realtime-reply', output: 'x' } },
      ],
      backend.url,
    );
    expect(proxy.core.mocks.webhookRules()).toEqual([]);
    const response = await request(proxy.port, { path: '/' });
    expect(response.body.toString()).toBe('backend');
    expect(eventsOf(proxy.core, 'mock.hit')).toEqual([]);
  });
});
