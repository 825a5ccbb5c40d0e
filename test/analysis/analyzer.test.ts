/**
 * The analyzer's own work: correlation across messages (results to calls by id, duplicates, unknown ids,
 * name mismatches, deltas), statuses and HTTP failures, and that live folding in batches equals folding a
 * whole session at once.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyseEvents, buildReport } from '../../shared/analysis/session-report.js';
import { Analyzer } from '../../shared/analysis/analyzer.js';
import type { LogEvent } from '../../shared/events.js';
import { appendExchange, SyntheticLog } from '../../shared/import/synthetic-log.js';
import { emptyTrafficState, foldEvents } from '../../shared/store/traffic-state.js';
import { callDone as done, callOutput as output } from '../support/realtime-messages.js';

type Direction = 'client-to-upstream' | 'upstream-to-client';

/** A realtime session: frames as [direction, message], 10 ms apart, then a close by the client. */
function realtimeSession(frames: [Direction, unknown][], close = true): LogEvent[] {
  const log = new SyntheticLog(1_000);
  log.append({ kind: 'ws.open', connectionId: 'w1', routeId: 'r1', url: '/v1/realtime', upstreamUrl: 'ws://x/v1/realtime', headers: [], requestedProtocols: [], protocol: '', remoteAddress: '127.0.0.1' });
  for (const [direction, message] of frames) {
    log.advance(10);
    const data = typeof message === 'string' ? message : JSON.stringify(message);
    log.append({ kind: 'ws.frame', connectionId: 'w1', direction, opcode: 'text', encoding: 'utf8', data, size: data.length, truncated: false });
  }
  if (close) {
    log.advance(10);
    log.append({ kind: 'ws.close', connectionId: 'w1', code: 1000, reason: '', by: 'client' });
  }
  return log.events;
}


describe('realtime correlation', () => {
  it('matches a result to its call by id and times it', () => {
    const { report } = analyseEvents(realtimeSession([
      ['upstream-to-client', done('call_1', 'get_weather', '{"city":"Oslo"}')],
      ['client-to-upstream', output('call_1', '{"t":4}')],
    ]));
    expect(report.calls).toHaveLength(1);
    expect(report.calls[0]).toMatchObject({ name: 'get_weather', callId: 'call_1', args: { city: 'Oslo' }, resultRaw: '{"t":4}', status: 'ok', latencyMs: 10 });
  });

  it('reports an answer to an unknown call id, and leaves the real call unanswered when the socket closes', () => {
    const { report } = analyseEvents(realtimeSession([
      ['upstream-to-client', done('call_1', 'get_weather', '{}')],
      ['client-to-upstream', output('call_2', 'sunny')],
    ]));
    expect(report.findings.map((f) => f.rule)).toEqual(expect.arrayContaining(['call/unknown-call-id', 'call/unanswered']));
    expect(report.calls[0]!.status).toBe('unanswered');
    const unknown = report.findings.find((f) => f.rule === 'call/unknown-call-id')!;
    expect(unknown.message).toContain('call_2');
    expect(unknown.severity).toBe('error');
  });

  it('reports a duplicate answer and keeps the first result', () => {
    const { report } = analyseEvents(realtimeSession([
      ['upstream-to-client', done('call_1', 'get_weather', '{}')],
      ['client-to-upstream', output('call_1', 'first')],
      ['client-to-upstream', output('call_1', 'second')],
    ]));
    expect(report.calls[0]!.resultRaw).toBe('first');
    expect(report.calls[0]!.findings.map((f) => f.rule)).toContain('call/duplicate-result');
  });

  it('assembles argument deltas into the call before its .done arrives', () => {
    const delta = (d: string) => ({ type: 'response.function_call_arguments.delta', event_id: 'e', response_id: 'r', item_id: 'item_1', output_index: 0, call_id: 'call_1', delta: d });
    const { report, analysis } = analyseEvents(realtimeSession([
      ['upstream-to-client', delta('{"ci')],
      ['upstream-to-client', delta('ty":"Rome"}')],
      ['upstream-to-client', done('call_1', 'get_weather', '{"city":"Rome"}')],
      ['client-to-upstream', output('call_1', 'ok')],
    ]));
    expect(report.calls).toHaveLength(1);
    expect(report.calls[0]).toMatchObject({ name: 'get_weather', args: { city: 'Rome' }, status: 'ok', latencyMs: 30 });
    expect(report.findings.map((f) => f.rule)).not.toContain('call/arguments-delta-mismatch');
    expect(analysis.calls.get(report.calls[0]!.key)!.refs).toHaveLength(4);
  });

  it('reports a call unanswered once the log moves past the timeout with the socket still open, and a late answer still counts', () => {
    const log = new SyntheticLog(1_000);
    log.append({ kind: 'ws.open', connectionId: 'w1', routeId: 'r1', url: '/', upstreamUrl: 'ws://x/', headers: [], requestedProtocols: [], protocol: '', remoteAddress: '' });
    const frame = (direction: Direction, message: unknown) => {
      const data = JSON.stringify(message);
      log.append({ kind: 'ws.frame', connectionId: 'w1', direction, opcode: 'text', encoding: 'utf8', data, size: data.length, truncated: false });
    };
    frame('upstream-to-client', done('call_1', 'get_weather', '{}'));
    log.advance(2_000);
    frame('client-to-upstream', { type: 'input_audio_buffer.append', audio: 'AAAA' });
    const before = analyseEvents(log.events, { unansweredAfterMs: 5_000 }).report;
    expect(before.calls[0]!.status).toBe('pending');
    log.advance(4_000);
    frame('client-to-upstream', { type: 'input_audio_buffer.append', audio: 'AAAA' });
    const after = analyseEvents(log.events, { unansweredAfterMs: 5_000 }).report;
    expect(after.calls[0]!.status).toBe('unanswered');
    expect(after.calls[0]!.findings.map((f) => f.rule)).toEqual(['call/unanswered']);
    log.advance(100);
    frame('client-to-upstream', output('call_1', 'late'));
    const late = analyseEvents(log.events, { unansweredAfterMs: 5_000 }).report;
    expect(late.calls[0]).toMatchObject({ status: 'ok', resultRaw: 'late' });
    expect(late.calls[0]!.findings.map((f) => f.rule)).toEqual(expect.arrayContaining(['call/unanswered', 'call/slow-result']));
  });

  it('reports a result before its call as an unknown id (frames out of order), without throwing', () => {
    const { report } = analyseEvents(realtimeSession([
      ['client-to-upstream', output('call_1', 'early')],
      ['upstream-to-client', done('call_1', 'get_weather', '{}')],
    ], false));
    expect(report.findings.map((f) => f.rule)).toContain('call/unknown-call-id');
    expect(report.calls[0]!.status).toBe('pending');
  });

  it('flags an RTVI result that names another function than its call', () => {
    const { report } = analyseEvents(realtimeSession([
      ['upstream-to-client', { label: 'rtvi-ai', type: 'llm-function-call', id: 'm1', data: { function_name: 'get_weather', tool_call_id: 'call_9', args: {} } }],
      ['client-to-upstream', { label: 'rtvi-ai', type: 'llm-function-call-result', id: 'm2', data: { function_name: 'get_time', tool_call_id: 'call_9', arguments: {}, result: 'noon' } }],
    ]));
    expect(report.calls[0]!.findings.map((f) => f.rule)).toContain('call/result-name-mismatch');
  });

  it('checks arguments against the tools declared in session.update', () => {
    const { report } = analyseEvents(realtimeSession([
      ['client-to-upstream', { type: 'session.update', session: { type: 'realtime', tools: [{ type: 'function', name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string', description: 'City' } }, required: ['city'] } }] } }],
      ['upstream-to-client', done('call_1', 'get_weather', '{"town":"Oslo"}')],
      ['client-to-upstream', output('call_1', 'ok')],
    ]));
    expect(report.calls[0]!.findings.map((f) => f.rule)).toContain('call/arguments-schema');
  });

  it('never throws on garbage frames, and gives the same report in one batch as event by event', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom<Direction>('client-to-upstream', 'upstream-to-client'), fc.oneof(fc.string(), fc.json(), fc.constant('{"type":"conversation.item.create","item":{"type":"function_call_output"}}'))), { maxLength: 12 }), (frames) => {
        const events = realtimeSession(frames as [Direction, unknown][]);
        const whole = analyseEvents(events).report;
        const analyzer = new Analyzer();
        let traffic = emptyTrafficState();
        let analysis = analyzer.initialState();
        for (const event of events) {
          traffic = foldEvents(traffic, [event]);
          analysis = analyzer.fold(analysis, [event], traffic);
        }
        expect(buildReport(analysis)).toEqual(whole);
      }),
      { numRuns: 150 },
    );
  });
});

describe('webhook statuses', () => {
  const dailyRequest = JSON.stringify({ function_name: 'get_weather', tool_call_id: 'call_w', arguments: { city: 'Paris' } });

  it('a 500 answer makes the call an error with an http/ finding', () => {
    const log = new SyntheticLog(1_000);
    appendExchange(log, { exchangeId: 'x1', method: 'POST', url: '/weather', requestHeaders: [['content-type', 'application/json']], requestBody: dailyRequest, status: 500, responseHeaders: [['content-type', 'text/plain']], responseBody: 'boom', waitMs: 5 });
    const { report } = analyseEvents(log.events);
    expect(report.calls[0]).toMatchObject({ protocol: 'daily', name: 'get_weather', status: 'error' });
    expect(report.calls[0]!.findings.map((f) => f.rule)).toContain('http/error-status');
  });

  it('leaves the time a breakpoint held the call out of the latency budget, but not the time the backend took', () => {
    const held = (backendMs: number) => {
      const log = new SyntheticLog(1_000);
      appendExchange(log, { exchangeId: 'x1', method: 'POST', url: '/weather', requestHeaders: [['content-type', 'application/json']], requestBody: dailyRequest, status: null, responseHeaders: [], responseBody: null });
      log.append({ kind: 'pause.start', pauseId: 'p1', ruleId: 'b1', ruleName: '', stage: 'request', exchangeId: 'x1', functionName: 'get_weather', timeoutMs: 30_000 });
      log.advance(5_000);
      log.append({ kind: 'pause.end', pauseId: 'p1', exchangeId: 'x1', action: 'continue', by: 'user' });
      log.advance(backendMs);
      log.append({ kind: 'http.response', exchangeId: 'x1', status: 200, statusMessage: 'OK', headers: [['content-type', 'application/json']] });
      const body = '{"temperature":21}';
      log.append({ kind: 'http.response.body', exchangeId: 'x1', body: { encoding: 'utf8', data: body, size: body.length, truncated: false, cap: 1024 } });
      return analyseEvents(log.events).report.calls[0]!;
    };
    const quick = held(20);
    expect(quick.latencyMs).toBeGreaterThan(5_000);
    expect(quick.findings.map((f) => f.rule)).not.toContain('call/slow-result');
    expect(held(3_000).findings.map((f) => f.rule)).toContain('call/slow-result');
  });

  it('an unreachable upstream makes the call an error with http/upstream-unreachable', () => {
    const log = new SyntheticLog(1_000);
    appendExchange(log, { exchangeId: 'x1', method: 'POST', url: '/weather', requestHeaders: [['content-type', 'application/json']], requestBody: dailyRequest, status: null, responseHeaders: [], responseBody: null });
    log.append({ kind: 'http.error', exchangeId: 'x1', cause: 'refused', code: 'ECONNREFUSED', message: 'the upstream refused the connection', statusSent: 502 });
    const { report } = analyseEvents(log.events);
    expect(report.calls[0]!.status).not.toBe('ok');
    expect(report.calls[0]!.findings.map((f) => f.rule)).toContain('http/upstream-unreachable');
  });

  it('a slow non-streaming answer gets call/slow-result over the budget, not under it', () => {
    const log = new SyntheticLog(1_000);
    appendExchange(log, { exchangeId: 'x1', method: 'POST', url: '/weather', requestHeaders: [['content-type', 'application/json']], requestBody: dailyRequest, status: 200, responseHeaders: [['content-type', 'application/json']], responseBody: '{"t":1}', waitMs: 1200, receiveMs: 10 });
    expect(analyseEvents(log.events, { latencyBudgetMs: 1000 }).report.calls[0]!.findings.map((f) => f.rule)).toContain('call/slow-result');
    expect(analyseEvents(log.events, { latencyBudgetMs: 1500 }).report.calls[0]!.findings.map((f) => f.rule)).not.toContain('call/slow-result');
  });
});
