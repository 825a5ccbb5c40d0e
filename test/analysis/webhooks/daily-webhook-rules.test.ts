/**
 * The Daily dialect's rules beyond the fixtures: request variants, JSON answers, and stream endings, each
 * with the exact rule set.
 */
import { describe, expect, it } from 'vitest';
import { createDailyWebhookDialect } from '../../../shared/analysis/webhooks/daily-webhook.js';
import type { WebhookAnalysis } from '../../../shared/analysis/model.js';
import { exchange, rules, type ExchangeSpec } from './webhook-input.js';

const daily = createDailyWebhookDialect();
const REQUEST = { function_name: 'get_weather', tool_call_id: 'call_d1', arguments: { city: 'Paris' } };

function read(spec: ExchangeSpec): WebhookAnalysis {
  const reading = daily.analyze(exchange(spec));
  expect(reading).not.toBeNull();
  return reading!;
}

function action(name: string, args: [string, unknown][]): string {
  const [service, act] = name.split(':');
  return `event: action\ndata: ${JSON.stringify({ service, action: act, arguments: args.map(([n, value]) => ({ name: n, value })) })}\n\n`;
}

function functionResult(overrides: Partial<Record<'function_name' | 'tool_call_id', string>> = {}, result: unknown = { temperature: 21 }): string {
  return action('llm:function_result', [
    ['function_name', overrides.function_name ?? 'get_weather'],
    ['tool_call_id', overrides.tool_call_id ?? 'call_d1'],
    ['arguments', { city: 'Paris' }],
    ['result', result],
  ]);
}

const stream = (body: string | string[], extra: Partial<ExchangeSpec> = {}): ExchangeSpec => ({
  body: REQUEST,
  response: { contentType: 'text/event-stream', body },
  ...extra,
});

describe('Daily requests', () => {
  it('is not Daily without function_name, or with function_name alone', () => {
    expect(daily.analyze(exchange({ body: { name: 'x', args: {} } }))).toBeNull();
    expect(daily.analyze(exchange({ body: { function_name: 'x' } }))).toBeNull();
    expect(daily.analyze(exchange({ body: { function_name: 7, tool_call_id: 'c' } }))).toBeNull();
    expect(daily.analyze(exchange({ body: '{"function_name": "x", "tool_call_id": ' }))).toBeNull();
    expect(daily.analyze(exchange({ body: [REQUEST] }))).toBeNull();
  });

  it('reads a GET with the call in its query (inferred), arguments as JSON or as the other parameters', () => {
    const json = read({ method: 'GET', url: `/weather?function_name=get_weather&tool_call_id=call_d1&arguments=${encodeURIComponent('{"city":"Paris"}')}` });
    expect(json.calls[0]).toMatchObject({ name: 'get_weather', callId: 'call_d1', args: { city: 'Paris' }, argsRaw: '{"city":"Paris"}' });
    expect(rules(json.findings)).toEqual(['daily/query-call']);
    expect(json.findings[0]!.severity).toBe('info');

    const flat = read({ method: 'GET', url: '/weather?function_name=get_weather&tool_call_id=call_d1&city=New+York&days=3' });
    expect(flat.calls[0]).toMatchObject({ args: { city: 'New York', days: '3' } });

    const broken = read({ method: 'GET', url: '/weather?function_name=get_weather&tool_call_id=call_d1&arguments=%7B' });
    expect(broken.calls[0]!.argsError).toBeTruthy();
    expect(daily.analyze(exchange({ method: 'GET', url: '/weather?function_name=get_weather' }))).toBeNull();
  });

  it('reads arguments sent as a JSON string, with a warning', () => {
    const reading = read({ body: { ...REQUEST, arguments: '{"city":"Paris"}' } });
    expect(reading.calls[0]).toMatchObject({ args: { city: 'Paris' }, argsRaw: '{"city":"Paris"}' });
    expect(rules(reading.findings)).toEqual(['daily/arguments-as-string']);
  });

  it('keeps a string inside the string a string, and reports unparseable arguments for the analyzer', () => {
    const twice = read({ body: { ...REQUEST, arguments: JSON.stringify(JSON.stringify({ city: 'Paris' })) } });
    expect(twice.calls[0]!.args).toBe('{"city":"Paris"}');
    const broken = read({ body: { ...REQUEST, arguments: '{"city": Par' } });
    expect(broken.calls[0]).toMatchObject({ args: undefined, argsRaw: '{"city": Par' });
    expect(broken.calls[0]!.argsError).toMatch(/JSON/);
    expect(rules(broken.findings)).toEqual([]);
  });

  it('warns about a missing call id or non-object arguments', () => {
    const noId = read({ body: { function_name: 'f', arguments: {} } });
    expect(noId.calls[0]!.callId).toBeNull();
    expect(noId.findings.map((f) => [f.rule, f.path, f.callId])).toEqual([['daily/request-shape', 'tool_call_id', null]]);
    const listArgs = read({ body: { function_name: 'f', tool_call_id: 'c', arguments: [1] } });
    expect(listArgs.calls[0]!.args).toEqual([1]);
    expect(rules(listArgs.findings)).toEqual(['daily/request-shape']);
  });
});

describe('Daily JSON answers', () => {
  it('is pending until the body is complete', () => {
    expect(read({ body: REQUEST }).calls[0]!.result).toBeUndefined();
    expect(read({ body: REQUEST, response: { body: null } }).calls[0]!.result).toBeUndefined();
  });

  it('leaves HTTP errors and proxy answers to the http findings', () => {
    for (const response of [{ status: 500, body: 'oops' }, { status: 504, body: '{"error":"timeout"}', synthetic: true }]) {
      const reading = read({ body: REQUEST, response });
      expect(reading.calls[0]!.result).toBeUndefined();
      expect(reading.findings).toEqual([]);
    }
  });

  it('reports a body that is not JSON, and keeps it as an error result', () => {
    const reading = read({ body: REQUEST, response: { contentType: 'text/plain', body: 'It is sunny' } });
    expect(rules(reading.findings)).toEqual(['daily/non-json-result']);
    expect(reading.findings[0]).toMatchObject({ severity: 'error', seq: 4, callId: 'call_d1' });
    expect(reading.calls[0]!.result).toMatchObject({ value: 'It is sunny', raw: 'It is sunny', isError: true, seq: 4 });
    expect(rules(read({ body: REQUEST, response: { body: '' } }).findings)).toEqual(['daily/non-json-result']);
  });

  it('says so when the body is an SSE stream sent without text/event-stream', () => {
    const reading = read({ body: REQUEST, response: { contentType: 'application/json', body: `${functionResult()}data:close\n\n` } });
    expect(rules(reading.findings)).toEqual(['daily/non-json-result']);
    expect(reading.findings[0]!.message).toContain('Content-Type');
  });

  it('warns about JSON that is not an object, and uses it as the result', () => {
    const reading = read({ body: REQUEST, response: { body: '"sunny"' } });
    expect(rules(reading.findings)).toEqual(['daily/non-object-result']);
    expect(reading.calls[0]!.result).toMatchObject({ value: 'sunny', isError: false });
  });
});

describe('Daily streams', () => {
  it('reads a result streamed in chunks split mid-event', () => {
    const text = `${action('tts:say', [['text', 'One moment']])}${functionResult()}data:close\n\n`;
    const chunks = [text.slice(0, 17), text.slice(17, 90), text.slice(90)];
    const reading = read(stream(chunks));
    expect(reading.findings).toEqual([]);
    expect(reading.calls[0]!.result).toMatchObject({ value: { temperature: 21 }, isError: false, seq: 5 });
  });

  it('says nothing about the end while the stream is still open', () => {
    const input = exchange(stream(functionResult()));
    input.sseEnd = null;
    input.response!.body = null;
    input.response!.bodySeq = null;
    const reading = daily.analyze(input)!;
    expect(reading.findings).toEqual([]);
    expect(reading.calls[0]!.result).toBeDefined();
  });

  it('leaves a cut or failed stream to the sse and http findings', () => {
    expect(read(stream(action('tts:say', [['text', 'x']]), { cut: true })).findings).toEqual([]);
    expect(read(stream(action('tts:say', [['text', 'x']]), { ended: { reason: 'socket hang up' } })).findings).toEqual([]);
  });

  it('reports a stream without close, and without any function result', () => {
    expect(rules(read(stream(functionResult())).findings)).toEqual(['daily/missing-close']);
    expect(rules(read(stream('data:close\n\n')).findings)).toEqual(['daily/no-function-result']);
    const lostClose = read(stream(`${functionResult()}data:close`));
    expect(rules(lostClose.findings)).toEqual(['daily/missing-close']);
    expect(lostClose.findings[0]!.message).toContain('no blank line');
  });

  it('reports a JSON answer declared as an event stream once', () => {
    const reading = read(stream('{"temperature": 21}'));
    expect(rules(reading.findings)).toEqual(['daily/json-as-event-stream']);
    expect(reading.findings[0]).toMatchObject({ seq: 4, byteOffset: 0, severity: 'error' });
  });

  it('reports event: close without data even when it is the unterminated last line', () => {
    expect(rules(read(stream(`${functionResult()}event: close`)).findings)).toEqual(['daily/close-without-data']);
  });

  it('notes an event named close, and accepts it as the end', () => {
    const reading = read(stream(`${functionResult()}event: close\ndata: {}\n\n`));
    expect(reading.findings.map((f) => [f.rule, f.severity])).toEqual([['daily/close-as-event-type', 'info']]);
  });

  it('reports events after the close, as an error when the result is among them', () => {
    const late = read(stream(`data:close\n\n${functionResult()}`));
    expect(late.findings.map((f) => [f.rule, f.severity])).toEqual([['daily/event-after-close', 'error']]);
    expect(late.calls[0]!.result).toBeUndefined();
    const filler = read(stream(`${functionResult()}data:close\n\n${action('tts:say', [['text', 'bye']])}`));
    expect(filler.findings.map((f) => [f.rule, f.severity])).toEqual([['daily/event-after-close', 'warning']]);
    expect(filler.calls[0]!.result).toBeDefined();
  });

  it('attaches nothing for a mismatched name, and keeps the first of two results', () => {
    const wrongName = read(stream(`${functionResult({ function_name: 'get_time' })}data:close\n\n`));
    expect(rules(wrongName.findings)).toEqual(['daily/result-name-mismatch']);
    expect(wrongName.findings[0]!.path).toBe('arguments[0].value');
    expect(wrongName.calls[0]!.result).toBeUndefined();

    const twice = read(stream(`${functionResult({}, 1)}${functionResult({}, 2)}data:close\n\n`));
    expect(rules(twice.findings)).toEqual(['daily/duplicate-function-result']);
    expect(twice.calls[0]!.result!.value).toBe(1);
  });

  it('attaches nothing for a function_result the bot rejects', () => {
    const noResult = action('llm:function_result', [
      ['function_name', 'get_weather'],
      ['tool_call_id', 'call_d1'],
      ['arguments', {}],
    ]);
    const reading = read(stream(`${noResult}data:close\n\n`));
    expect(rules(reading.findings)).toEqual(['rtvi/missing-argument']);
    expect(reading.calls[0]!.result).toBeUndefined();
  });

  it('accepts any call id when the request had none', () => {
    const reading = read({ body: { function_name: 'get_weather', arguments: {} }, response: { contentType: 'text/event-stream', body: `${functionResult()}data:close\n\n` } });
    expect(rules(reading.findings)).toEqual(['daily/request-shape']);
    expect(reading.calls[0]!.result).toBeDefined();
  });

  it('reports an action sent without its event name, and other event types', () => {
    const unnamed = read(stream(`data: ${JSON.stringify({ service: 'llm', action: 'function_result', arguments: [] })}\n\ndata:close\n\n`));
    expect(rules(unnamed.findings)).toEqual(['daily/missing-event-name', 'daily/no-function-result']);
    const config = read(stream(`data: {"config": []}\n\n${functionResult()}data:close\n\n`));
    expect(rules(config.findings)).toEqual(['daily/missing-event-name']);
    const other = read(stream(`event: llm-function-call-result\ndata: {}\n\n${functionResult()}data:close\n\n`));
    expect(rules(other.findings)).toEqual(['daily/unknown-event']);
    const text = read(stream(`data: hello\n\n${functionResult()}data:close\n\n`));
    expect(rules(text.findings)).toEqual(['daily/unknown-event']);
  });

  it('reports data that is not JSON in an update-config', () => {
    const reading = read(stream(`event: update-config\ndata: config=tts\n\n${functionResult()}data:close\n\n`));
    expect(reading.findings.map((f) => [f.rule, f.seq, f.byteOffset])).toEqual([['daily/invalid-json-payload', 4, 0]]);
  });

  it('checks update-config against the known bot config given to the dialect', () => {
    const known = createDailyWebhookDialect({ knownConfig: [{ service: 'tts', options: [{ name: 'voice', value: 'v' }] }] });
    const body = `event: update-config\ndata: {"config":[{"service":"tts","options":[{"name":"voise","value":"x"}]}]}\n\n${functionResult()}data:close\n\n`;
    const reading = known.analyze(exchange(stream(body)))!;
    expect(reading.findings.map((f) => [f.rule, f.severity, f.path])).toEqual([['rtvi/unknown-option', 'error', 'config[0].options[0].name']]);
    expect(reading.findings[0]!.message).toContain('Did you mean "voice"?');
  });

  it('reads a stream that announces text/event-stream but has no events yet', () => {
    const reading = read({ body: REQUEST, response: { contentType: 'text/event-stream; charset=utf-8', body: null } });
    expect(reading.findings).toEqual([]);
    expect(reading.calls[0]!.result).toBeUndefined();
  });
});
