import { describe, expect, it } from 'vitest';
import type { LogEvent } from '../../shared/events.js';
import type { FunctionCall } from '../../shared/analysis/model.js';
import { analyseEvents } from '../../shared/analysis/session-report.js';
import { appendExchange, SyntheticLog, textBody } from '../../shared/import/synthetic-log.js';
import { ruleFromCall, uniqueRuleId } from '../../shared/mocks/mock-from-call.js';
import { mockRuleSchema, type MockRule } from '../../shared/mocks/mock-rule.js';
import { emptyTrafficState, foldEvents, type TrafficState } from '../../shared/store/traffic-state.js';
import { utf8ByteLength } from '../../shared/text-bytes.js';
import { callDone, callOutput } from '../support/realtime-messages.js';

const json = [['content-type', 'application/json']] as [string, string][];

function analysed(events: LogEvent[]): { calls: FunctionCall[]; traffic: TrafficState } {
  const { analysis } = analyseEvents(events);
  return { calls: analysis.callOrder.map((key) => analysis.calls.get(key)!), traffic: foldEvents(emptyTrafficState(), events) };
}

/** The rule, checked to be one the schema accepts as it is (what the UI sends with setMocks). */
function rule(call: FunctionCall, traffic: TrafficState, existing: string[] = []): MockRule {
  const result = ruleFromCall(call, traffic, existing);
  if ('error' in result) throw new Error(result.error);
  expect(mockRuleSchema.parse(result)).toEqual(result);
  return result;
}

function dailyCall(log: SyntheticLog, exchangeId: string, response: { status: number; body: string; contentType?: string } | null): void {
  appendExchange(log, {
    exchangeId,
    method: 'POST',
    url: '/tools',
    requestHeaders: json,
    requestBody: JSON.stringify({ function_name: 'get_weather', tool_call_id: `call_${exchangeId}`, arguments: { city: 'Paris' } }),
    status: response?.status ?? null,
    responseHeaders: [['content-type', response?.contentType ?? 'application/json']],
    responseBody: response?.body ?? null,
    waitMs: 20,
  });
}

describe('Mock this: a rule from a captured webhook call', () => {
  it('answers the function with the captured status and JSON body', () => {
    const log = new SyntheticLog(1000);
    dailyCall(log, 'x1', { status: 200, body: '{"temp": 21, "sky": "clear"}' });
    const { calls, traffic } = analysed(log.events);
    expect(calls.map((c) => c.name)).toEqual(['get_weather']);
    expect(rule(calls[0]!, traffic)).toEqual({
      id: 'mock-get_weather-1',
      name: 'get_weather: captured answer',
      enabled: true,
      // Imported traffic has no route of this run: the rule is not tied to one.
      match: { functionName: 'get_weather' },
      handler: { kind: 'json', status: 200, body: { temp: 21, sky: 'clear' } },
    });
  });

  it('matches the route too when the call came through one, and keeps an error status', () => {
    const log = new SyntheticLog(1000);
    log.append({ kind: 'route.up', routeId: 'r2', listen: { host: '127.0.0.1', port: 7801 }, upstream: 'http://127.0.0.1:8000/', timeoutMs: 30000 });
    dailyCall(log, 'x1', { status: 500, body: '{"error": "db down"}' });
    const events = log.events.map((e) => (e.kind === 'http.request' ? { ...e, routeId: 'r2' } : e));
    const { calls, traffic } = analysed(events);
    const made = rule(calls[0]!, traffic);
    expect(made.match).toEqual({ functionName: 'get_weather', routeId: 'r2' });
    expect(made.handler).toEqual({ kind: 'json', status: 500, body: { error: 'db down' } });
  });

  it('gives an id no existing rule has', () => {
    const log = new SyntheticLog(1000);
    dailyCall(log, 'x1', { status: 200, body: '{}' });
    const { calls, traffic } = analysed(log.events);
    expect(rule(calls[0]!, traffic, ['mock-get_weather-1', 'mock-get_weather-2', 'other']).id).toBe('mock-get_weather-3');
    expect(uniqueRuleId('look up/order', [])).toBe('mock-look_up_order-1');
  });

  it('keeps the result of a Vapi call, not the envelope, which the mock writes for each call', () => {
    const log = new SyntheticLog(1000);
    const request = {
      message: {
        type: 'tool-calls',
        toolCallList: [
          { id: 't1', type: 'function', function: { name: 'book_table', arguments: { people: 2 } } },
          { id: 't2', type: 'function', function: { name: 'get_weather', arguments: { city: 'Oslo' } } },
        ],
      },
    };
    appendExchange(log, {
      exchangeId: 'x1',
      method: 'POST',
      url: '/vapi',
      requestHeaders: json,
      requestBody: JSON.stringify(request),
      status: 200,
      responseHeaders: json,
      responseBody: JSON.stringify({ results: [{ toolCallId: 't1', result: 'Booked for 2' }, { toolCallId: 't2', result: '{"sky":"rain"}' }] }),
    });
    const { calls, traffic } = analysed(log.events);
    expect(calls.map((c) => [c.protocol, c.name])).toEqual([
      ['vapi', 'book_table'],
      ['vapi', 'get_weather'],
    ]);
    expect(rule(calls[0]!, traffic).handler).toEqual({ kind: 'json', status: 200, body: 'Booked for 2' });
    // The result string stays a string: Vapi gets exactly what it got before.
    expect(rule(calls[1]!, traffic).handler).toEqual({ kind: 'json', status: 200, body: '{"sky":"rain"}' });
  });

  it('scripts a streamed answer byte for byte, with the captured gaps and the leftover after the last blank line', () => {
    const blocks = [
      ': keep-alive\r\n\r\n',
      'event: action\ndata: {"service":"llm","action":"function_result","arguments":[{"name":"function_name","value":"get_weather"},{"name":"tool_call_id","value":"call_x1"},{"name":"arguments","value":{}},{"name":"result","value":{"temp":21}}]}\n\n',
      'event: update-config\ndata: {"config": [\n\n',
    ];
    const leftover = 'data:close';
    const log = new SyntheticLog(1000);
    log.append({ kind: 'http.request', exchangeId: 'x1', routeId: 'imported', method: 'POST', url: '/tools', httpVersion: '1.1', headers: json, remoteAddress: '', upstreamUrl: '/tools' });
    log.append({ kind: 'http.request.body', exchangeId: 'x1', body: textBody(JSON.stringify({ function_name: 'get_weather', tool_call_id: 'call_x1', arguments: {} })) });
    log.append({ kind: 'http.response', exchangeId: 'x1', status: 200, statusMessage: 'OK', headers: [['content-type', 'text/event-stream']] }, 1040);
    let offset = 0;
    const times = [1100.4, 1350, 1400];
    blocks.forEach((raw, index) => {
      log.append({ kind: 'sse.event', exchangeId: 'x1', index, raw, byteOffset: offset, byteLength: utf8ByteLength(raw), dispatched: index > 0 }, times[index]);
      offset += utf8ByteLength(raw);
    });
    log.append({ kind: 'sse.end', exchangeId: 'x1', events: 3, leftover, leftoverOffset: offset, complete: true }, 1500);
    log.append({ kind: 'http.response.body', exchangeId: 'x1', body: textBody(blocks.join('') + leftover) });

    const { calls, traffic } = analysed(log.events);
    const made = rule(calls[0]!, traffic);
    expect(made.handler).toEqual({
      kind: 'sse',
      status: 200,
      events: [
        // The first waits from the request, as the backend made the bot wait.
        { delayMs: 100, raw: blocks[0] },
        { delayMs: 250, raw: blocks[1] },
        { delayMs: 50, raw: blocks[2] },
        { delayMs: 100, raw: leftover },
      ],
    });
    if (made.handler.kind !== 'sse') throw new Error('not sse');
    expect(made.handler.events.map((e) => e.raw).join('')).toBe(blocks.join('') + leftover);
  });

  it('leaves a call the backend never answered to be filled in', () => {
    const log = new SyntheticLog(1000);
    dailyCall(log, 'x1', null);
    const { calls, traffic } = analysed(log.events);
    expect(rule(calls[0]!, traffic).handler).toEqual({ kind: 'json', status: 200, body: null });

    // Toolscope's own 502 for an unreachable upstream is not the backend's answer either.
    const down = new SyntheticLog(1000);
    dailyCall(down, 'x2', null);
    down.append({ kind: 'http.response', exchangeId: 'x2', status: 502, statusMessage: 'Bad Gateway', headers: json, synthetic: true });
    down.append({ kind: 'http.error', exchangeId: 'x2', cause: 'refused', code: 'ECONNREFUSED', message: 'refused', statusSent: 502 });
    const second = analysed(down.events);
    expect(rule(second.calls[0]!, second.traffic).handler).toEqual({ kind: 'json', status: 200, body: null });
  });

  it('refuses a success that is not JSON, and keeps an error with a text body as a failure', () => {
    const log = new SyntheticLog(1000);
    dailyCall(log, 'x1', { status: 200, body: 'sunny', contentType: 'text/plain' });
    dailyCall(log, 'x2', { status: 503, body: 'maintenance', contentType: 'text/plain' });
    const { calls, traffic } = analysed(log.events);
    const first = ruleFromCall(calls[0]!, traffic, []);
    expect('error' in first && first.error).toMatch(/not JSON/);
    expect(rule(calls[1]!, traffic).handler).toEqual({ kind: 'fail', status: 503, body: 'maintenance' });
  });
});

describe('Mock this: a rule from a captured realtime call', () => {
  function realtime(answer: string | null): { calls: FunctionCall[]; traffic: TrafficState } {
    const log = new SyntheticLog(1000);
    log.append({ kind: 'route.up', routeId: 'r1', listen: { host: '127.0.0.1', port: 7802 }, upstream: 'wss://api.openai.com/', timeoutMs: 30000 });
    log.append({ kind: 'ws.open', connectionId: 'w1', routeId: 'r1', url: '/v1/realtime', upstreamUrl: 'wss://api.openai.com/v1/realtime', headers: [], requestedProtocols: [], protocol: '', remoteAddress: '' });
    const frame = (direction: 'client-to-upstream' | 'upstream-to-client', message: unknown) => {
      const data = JSON.stringify(message);
      log.append({ kind: 'ws.frame', connectionId: 'w1', direction, opcode: 'text', encoding: 'utf8', data, size: utf8ByteLength(data), truncated: false });
    };
    frame('upstream-to-client', callDone('call_1', 'get_weather', '{"city":"Rome"}'));
    if (answer !== null) frame('client-to-upstream', callOutput('call_1', answer));
    return analysed(log.events);
  }

  it('replies with the output the client sent', () => {
    const { calls, traffic } = realtime('{"sky":"sunny"}');
    expect(calls.map((c) => [c.protocol, c.name])).toEqual([['openai-realtime', 'get_weather']]);
    expect(rule(calls[0]!, traffic)).toEqual({
      id: 'mock-get_weather-1',
      name: 'get_weather: captured answer',
      enabled: true,
      match: { functionName: 'get_weather', routeId: 'r1' },
      handler: { kind: 'realtime-reply', delayMs: 0, output: { sky: 'sunny' }, responseCreate: true },
    });
  });

  it('replies null for a call that was never answered', () => {
    const { calls, traffic } = realtime(null);
    expect(rule(calls[0]!, traffic).handler).toEqual({ kind: 'realtime-reply', delayMs: 0, output: null, responseCreate: true });
  });
});
