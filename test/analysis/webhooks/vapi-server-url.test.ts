/**
 * Vapi server URL messages: every Vapi fixture (request paired with each response fixture), then the rules the
 * fixtures do not reach.
 */
import { describe, expect, it } from 'vitest';
import { createVapiServerUrlDialect } from '../../../shared/analysis/webhooks/vapi-server-url.js';
import type { WebhookAnalysis } from '../../../shared/analysis/model.js';
import { exchange, fixtureJson, fixtureText, haveFixtures, problems, rules, whenFixtures, type ExchangeSpec } from './webhook-input.js';

const vapi = createVapiServerUrlDialect();
const CALL_ID = 'call_V4p1nTq8Rk2sLm6Xw9Yz0Ab3';

function read(spec: ExchangeSpec): WebhookAnalysis {
  const reading = vapi.analyze(exchange(spec));
  expect(reading).not.toBeNull();
  return reading!;
}

function toolCalls(answer: string | null, request: unknown = fixtureJson('vapi-tool-calls-request.json')): WebhookAnalysis {
  return read({ url: '/vapi/tools', body: request, response: answer === null ? undefined : { body: answer } });
}

const LOOKUP_DEFINITION = {
  name: 'lookup_order',
  description: 'Look up an order by number',
  protocol: 'vapi',
  seq: 2,
  parameters: { type: 'object', properties: { order_number: { type: 'string' } }, required: ['order_number'] },
};

describe.skipIf(!haveFixtures)(whenFixtures('Vapi fixtures'), () => {
  it('vapi-tool-calls-request.json, still unanswered: one call, and the declared tool', () => {
    const reading = toolCalls(null);
    expect(reading).toMatchObject({ protocol: 'vapi', findings: [] });
    expect(reading.label).toBeUndefined();
    expect(reading.calls).toEqual([{ callId: CALL_ID, name: 'lookup_order', args: { order_number: 'A-20931' }, argsRaw: '{"order_number":"A-20931"}' }]);
    expect(reading.toolDefinitions).toEqual([LOOKUP_DEFINITION]);
  });

  const cases: { file: string; result: unknown; isError?: boolean; rules: string[] }[] = [
    { file: 'vapi-tool-calls-response.json', result: 'Order A-20931 shipped; expected delivery 2025-03-14.', rules: [] },
    { file: 'vapi-tool-calls-response-error.json', result: 'Order A-20931 was not found.', isError: true, rules: [] },
    { file: 'vapi-tool-calls-response-invalid-id-mismatch.json', result: undefined, rules: ['vapi/unknown-tool-call-id'] },
    { file: 'vapi-tool-calls-response-invalid-missing-results-wrapper.json', result: undefined, rules: ['vapi/missing-results'] },
    { file: 'vapi-tool-calls-response-invalid-multiline-result.json', result: 'Status: shipped\nETA: 2025-03-14\nCarrier: UPS', isError: true, rules: ['vapi/multiline-result'] },
    { file: 'vapi-tool-calls-response-invalid-object-result.json', result: { status: 'shipped', eta: '2025-03-14' }, rules: ['vapi/object-result'] },
    { file: 'vapi-tool-calls-response-invalid-snake-case-id.json', result: undefined, rules: ['vapi/snake-case-id'] },
  ];
  for (const c of cases) {
    it(`vapi-tool-calls-request.json answered by ${c.file}`, () => {
      const reading = toolCalls(fixtureText(c.file));
      expect(reading.calls).toHaveLength(1);
      expect(reading.calls[0]).toMatchObject({ callId: CALL_ID, name: 'lookup_order', args: { order_number: 'A-20931' } });
      if (c.result === undefined) expect(reading.calls[0]!.result).toBeUndefined();
      else expect(reading.calls[0]!.result).toMatchObject({ value: c.result, isError: c.isError ?? false, seq: 4 });
      expect(rules(reading.findings), JSON.stringify(reading.findings, null, 2)).toEqual(c.rules);
      for (const f of reading.findings) expect(f.callId).toBe(CALL_ID);
      expect(reading.toolDefinitions).toEqual([LOOKUP_DEFINITION]);
    });
  }

  it('names the nearest id and the fix', () => {
    const [finding] = toolCalls(fixtureText('vapi-tool-calls-response-invalid-id-mismatch.json')).findings;
    expect(finding).toMatchObject({ severity: 'error', path: 'results[0].toolCallId', seq: 4 });
    expect(finding!.message).toContain(`the nearest is "${CALL_ID}"`);
    const [snake] = toolCalls(fixtureText('vapi-tool-calls-response-invalid-snake-case-id.json')).findings;
    expect(snake).toMatchObject({ severity: 'error', path: 'results[0].tool_call_id' });
    const [wrapper] = toolCalls(fixtureText('vapi-tool-calls-response-invalid-missing-results-wrapper.json')).findings;
    expect(wrapper!.message).toContain('without the {"results": [...]} list around it');
    const [object] = toolCalls(fixtureText('vapi-tool-calls-response-invalid-object-result.json')).findings;
    expect(object).toMatchObject({ severity: 'warning', path: 'results[0].result' });
  });

  it('vapi-function-call-legacy-request.json answered by vapi-function-call-legacy-response.json', () => {
    const reading = read({ body: fixtureJson('vapi-function-call-legacy-request.json'), response: { body: fixtureText('vapi-function-call-legacy-response.json') } });
    expect(reading).toMatchObject({
      protocol: 'vapi',
      findings: [],
      calls: [{ callId: null, name: 'lookup_order', args: { order_number: 'A-20931' }, result: { value: 'Order A-20931 shipped; expected delivery 2025-03-14.', isError: false } }],
    });
    expect(reading.label).toBeUndefined();
  });

  it('vapi-transfer-destination-request.json answered by vapi-transfer-destination-response.json', () => {
    const reading = read({ body: fixtureJson('vapi-transfer-destination-request.json'), response: { body: fixtureText('vapi-transfer-destination-response.json') } });
    expect(reading).toEqual({ protocol: 'vapi', label: 'transfer-destination-request', calls: [], findings: [] });
  });

  for (const [file, label] of [
    ['vapi-status-update.json', 'status-update'],
    ['vapi-end-of-call-report.json', 'end-of-call-report'],
  ] as const) {
    it(`${file} is an event, answered or not`, () => {
      expect(read({ body: fixtureJson(file) })).toEqual({ protocol: 'vapi', label, calls: [], findings: [] });
      expect(read({ body: fixtureJson(file), response: { body: '' } })).toEqual({ protocol: 'vapi', label, calls: [], findings: [] });
    });
  }

  it('the response fixtures alone are not Vapi messages', () => {
    for (const file of ['vapi-tool-calls-response.json', 'vapi-function-call-legacy-response.json', 'vapi-transfer-destination-response.json']) {
      expect(vapi.analyze(exchange({ body: fixtureJson(file) }))).toBeNull();
    }
  });

  it('valid fixtures have no problems', () => {
    expect(problems(toolCalls(fixtureText('vapi-tool-calls-response.json')).findings)).toEqual([]);
  });
});

describe('Vapi rules', () => {
  const message = (extra: Record<string, unknown>) => ({ message: { type: 'tool-calls', call: { id: 'c' }, ...extra } });
  const twoCalls = message({
    toolCallList: [
      { id: 'call_a', type: 'function', function: { name: 'book_table', arguments: '{"time":"19:00"}' } },
      { id: 'call_b', type: 'function', function: { name: 'send_sms', arguments: { to: '+1' } } },
    ],
  });

  it('is not Vapi without a known message type or a call', () => {
    expect(vapi.analyze(exchange({ body: { message: { type: 'hello' } } }))).toBeNull();
    expect(vapi.analyze(exchange({ body: { message: 'tool-calls' } }))).toBeNull();
    expect(vapi.analyze(exchange({ body: { message: { type: 'custom-thing', call: { id: 'c' } } } }))).toMatchObject({ label: 'custom-thing' });
  });

  it('labels a tool-calls message with no calls', () => {
    expect(read({ body: message({ toolCallList: [] }) })).toEqual({ protocol: 'vapi', label: 'tool-calls', calls: [], findings: [] });
  });

  it('reads several calls, with string and object arguments, and correlates each result', () => {
    const reading = read({
      body: twoCalls,
      response: { body: JSON.stringify({ results: [{ toolCallId: 'call_b', result: 'sent' }, { toolCallId: 'call_a', name: 'book_table', result: 'booked' }] }) },
    });
    expect(reading.calls.map((c) => [c.callId, c.name, c.args, c.result?.value])).toEqual([
      ['call_a', 'book_table', { time: '19:00' }, 'booked'],
      ['call_b', 'send_sms', { to: '+1' }, 'sent'],
    ]);
    expect(reading.findings).toEqual([]);
  });

  it('reports a call with no entry, a duplicate, a name mismatch and an empty entry', () => {
    const missing = read({ body: twoCalls, response: { body: JSON.stringify({ results: [{ toolCallId: 'call_a', result: 'booked' }] }) } });
    expect(missing.findings.map((f) => [f.rule, f.callId])).toEqual([['vapi/missing-result', 'call_b']]);

    const dup = read({ body: twoCalls, response: { body: JSON.stringify({ results: [{ toolCallId: 'call_a', result: '1' }, { toolCallId: 'call_a', result: '2' }, { toolCallId: 'call_b', name: 'book_table', result: '3' }] }) } });
    expect(dup.findings.map((f) => [f.rule, f.callId])).toEqual([
      ['vapi/duplicate-result', 'call_a'],
      ['vapi/result-name-mismatch', 'call_b'],
    ]);
    expect(dup.calls[0]!.result!.value).toBe('1');

    const empty = read({ body: twoCalls, response: { body: JSON.stringify({ results: [{ toolCallId: 'call_a' }, 'x', { id: 'call_b', result: 'y' }] }) } });
    expect(empty.findings.map((f) => [f.rule, f.path])).toEqual([
      ['vapi/invalid-result-entry', 'results[0]'],
      ['vapi/invalid-result-entry', 'results[1]'],
      ['vapi/invalid-result-entry', 'results[2]'],
    ]);
  });

  it('reports answers Vapi ignores as a whole', () => {
    const answer = (body: string, status = 200) => read({ body: twoCalls, response: { body, status } }).findings.map((f) => [f.rule, f.callId]);
    expect(answer('{"result": "booked"}')).toEqual([['vapi/missing-results', undefined]]);
    expect(answer('{"results": {"toolCallId": "call_a"}}')).toEqual([['vapi/missing-results', undefined]]);
    expect(answer('booked')).toEqual([['vapi/missing-results', undefined]]);
    expect(answer('{"results": []}', 201)).toEqual([['vapi/non-200-status', undefined]]);
    // HTTP errors have their own finding (http/error-status), from the analyzer.
    expect(answer('{"results": []}', 500)).toEqual([]);
  });

  it('reads tool calls from toolWithToolCallList or toolCalls when toolCallList is absent', () => {
    const withTools = read({
      body: message({
        toolWithToolCallList: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } }, toolCall: { id: 'call_w', function: { name: 'f', arguments: '{}' } } }],
      }),
    });
    expect(withTools.calls).toEqual([{ callId: 'call_w', name: 'f', args: {}, argsRaw: '{}' }]);
    expect(withTools.toolDefinitions).toEqual([{ name: 'f', protocol: 'vapi', seq: 2, parameters: { type: 'object' } }]);
    const legacy = read({ body: message({ toolCalls: [{ id: 'call_t', function: { name: 'g', arguments: '{"a":' } }] }) });
    expect(legacy.calls[0]).toMatchObject({ callId: 'call_t', name: 'g', args: undefined, argsRaw: '{"a":' });
    expect(legacy.calls[0]!.argsError).toBeTruthy();
  });

  it('does not expect results for built-in tools and async tools', () => {
    const reading = read({
      body: message({
        toolCallList: [
          { id: 'call_t', function: { name: 'transferCall', arguments: { destination: '+1' } } },
          { id: 'call_s', function: { name: 'log_event', arguments: {} } },
          { id: 'call_r', function: { name: 'lookup', arguments: {} } },
        ],
        toolWithToolCallList: [{ type: 'function', async: true, function: { name: 'log_event' }, toolCall: { id: 'call_s' } }],
      }),
      response: { body: JSON.stringify({ results: [{ toolCallId: 'call_r', result: 'ok' }] }) },
    });
    expect(reading.findings.map((f) => [f.rule, f.severity, f.callId])).toEqual([
      ['vapi/result-not-used', 'info', 'call_t'],
      ['vapi/result-not-used', 'info', 'call_s'],
    ]);
  });

  it('collects assistant tools from the message and from an assistant-request answer', () => {
    const assistant = { model: { tools: [{ type: 'function', function: { name: 'a', description: 'A' } }, { type: 'endCall' }], functions: [{ name: 'b', parameters: {} }] } };
    const status = read({ body: { message: { type: 'status-update', status: 'in-progress', assistant } } });
    expect(status.toolDefinitions?.map((t) => t.name)).toEqual(['a', 'b']);
    const request = read({ body: { message: { type: 'assistant-request', call: {} } }, response: { body: JSON.stringify({ assistant }) } });
    expect(request).toMatchObject({ label: 'assistant-request', findings: [] });
    expect(request.toolDefinitions?.map((t) => [t.name, t.seq])).toEqual([
      ['a', 4],
      ['b', 4],
    ]);
    const slow = read({ body: { message: { type: 'assistant-request', call: {} } }, response: { body: '{"assistantId": "x"}', t: 8000 } });
    expect(rules(slow.findings)).toEqual(['vapi/slow-assistant-request']);
  });

  it('checks legacy function-call answers', () => {
    const request = { message: { type: 'function-call', functionCall: { name: 'f', parameters: '{"a":1}' } } };
    const good = read({ body: request, response: { body: '{"result": "done"}' } });
    expect(good.calls[0]).toMatchObject({ callId: null, args: { a: 1 }, result: { value: 'done' } });
    expect(rules(read({ body: request, response: { body: '{"results": [{"toolCallId": "x", "result": "y"}]}' } }).findings)).toEqual(['vapi/missing-legacy-result']);
    expect(rules(read({ body: request, response: { body: '{"result": {"a": 1}}' } }).findings)).toEqual(['vapi/object-result']);
    expect(rules(read({ body: request, response: { body: 'done' } }).findings)).toEqual(['vapi/missing-legacy-result']);
  });

  it('checks transfer destinations', () => {
    const request = { message: { type: 'transfer-destination-request', call: {} } };
    const check = (body: string) => rules(read({ body: request, response: { body } }).findings);
    expect(check('{"destination": {"type": "sip", "sipUri": "sip:a@b"}}')).toEqual([]);
    expect(check('{"error": "no agents"}')).toEqual([]);
    expect(check('{"destination": {"type": "number"}}')).toEqual(['vapi/invalid-transfer-destination']);
    expect(check('{"destination": "+14155550100"}')).toEqual(['vapi/invalid-transfer-destination']);
    expect(check('{}')).toEqual(['vapi/invalid-transfer-destination']);
  });
});
