/**
 * Bad input of every kind through every webhook reader: no reader may throw, readings stay well formed, and the
 * same input always gives the same reading. Also: which reader claims which fixture (detection order).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { WebhookAnalysis, WebhookDialect, WebhookExchangeInput } from '../../../shared/analysis/model.js';
import { lintAction, lintUpdateConfig, normaliseKnownConfig } from '../../../shared/analysis/rtvi/rtvi-payload-linter.js';
import { createMillisWebhookDialect } from '../../../shared/analysis/webhooks/millis-webhook.js';
import { readWebhookExchange, webhookDialects } from '../../../shared/analysis/webhooks/webhook-dialects.js';
import { exchange, fixtureJson, fixtureNames, fixtureText, haveFixtures, sameValue, whenFixtures } from './webhook-input.js';

const KNOWN = [
  { service: 'tts', options: [{ name: 'voice', value: 'v' }] },
  { service: 'llm', options: [{ name: 'model', value: 'm' }] },
];
const MILLIS_TOOLS = [{ name: 'lookup_order', webhook: 'https://hooks.example.dev/millis/orders' }];
const dialects = webhookDialects({ knownConfig: KNOWN, millisTools: MILLIS_TOOLS });
const PROTOCOLS = new Set(['daily', 'vapi', 'retell', 'millis']);
const RULE_PREFIX = /^(daily|rtvi|vapi|retell|millis)\/[a-z0-9-]+$/;

/** Every reader on its own, and the dialect list; checks each reading's shape and that a second read is identical. */
function readAll(input: WebhookExchangeInput): (WebhookAnalysis | null)[] {
  const readings: (WebhookAnalysis | null)[] = [];
  for (const dialect of [...dialects, { protocol: 'daily', analyze: (i: WebhookExchangeInput) => readWebhookExchange(i, dialects) } as WebhookDialect]) {
    const first = dialect.analyze(input);
    const second = dialect.analyze(input);
    expect(sameValue(second, first)).toBe(true);
    if (first) checkShape(first);
    readings.push(first);
  }
  return readings;
}

function checkShape(reading: WebhookAnalysis): void {
  expect(PROTOCOLS.has(reading.protocol)).toBe(true);
  expect(Array.isArray(reading.calls)).toBe(true);
  for (const call of reading.calls) {
    expect(typeof call.name).toBe('string');
    expect(call.callId === null || typeof call.callId === 'string').toBe(true);
    expect(typeof call.argsRaw).toBe('string');
    if (call.result) {
      expect(typeof call.result.raw).toBe('string');
      expect(Number.isFinite(call.result.seq)).toBe(true);
      expect(Number.isFinite(call.result.t)).toBe(true);
    }
  }
  for (const f of reading.findings) {
    expect(f.rule).toMatch(RULE_PREFIX);
    expect(['error', 'warning', 'info']).toContain(f.severity);
    expect(f.message.length).toBeGreaterThan(20);
    expect(f.message.length).toBeLessThan(2000);
    expect(Number.isFinite(f.seq)).toBe(true);
  }
}

const DAILY = { function_name: 'lookup_order', tool_call_id: 'call_1', arguments: { order_number: 'A-1' } };
const VAPI = { message: { type: 'tool-calls', toolCallList: [{ id: 'call_1', function: { name: 'f', arguments: '{}' } }] } };
const RETELL = { name: 'f', call: { call_id: 'c' }, args: {} };
const SSE = 'text/event-stream';

describe.skipIf(!haveFixtures)(whenFixtures('every fixture through every reader'), () => {
  const expected: Record<string, string | null> = {
    'daily-start-webhook-tools-config.json': 'daily',
    'daily-webhook-request.json': 'daily',
    'vapi-tool-calls-request.json': 'vapi',
    'vapi-function-call-legacy-request.json': 'vapi',
    'vapi-transfer-destination-request.json': 'vapi',
    'vapi-status-update.json': 'vapi',
    'vapi-end-of-call-report.json': 'vapi',
    'retell-custom-function-request.json': 'retell',
    'millis-tool-config-webhook.json': 'millis',
    'millis-function-web-form.json': 'millis',
    'millis-tool-config-invalid-json-schema-params.json': 'millis',
    'millis-function-web-form-invalid-params-array.json': 'millis',
  };

  it('claims each fixture posted as a request body by the right reader, and no other', () => {
    for (const name of fixtureNames()) {
      if (!name.endsWith('.json') || name === 'eventsource-parser-results.json') continue;
      const reading = readWebhookExchange(exchange({ url: '/hook', body: fixtureText(name) }), dialects);
      expect(reading?.protocol ?? null, name).toBe(expected[name] ?? null);
    }
  });

  it('never throws on any fixture as a request or an answer, in any dialect', () => {
    for (const name of fixtureNames()) {
      const text = fixtureText(name);
      const contentType = name.endsWith('.txt') ? SSE : 'application/json';
      for (const body of [DAILY, VAPI, RETELL, text]) {
        readAll(exchange({ body, response: { contentType, body: text } }));
        readAll(exchange({ body, response: { contentType: SSE, body: text } }));
      }
    }
  });
});

describe('bad input', () => {
  it('truncated JSON requests and answers', () => {
    const requests = [JSON.stringify(DAILY), JSON.stringify(VAPI), JSON.stringify(RETELL)];
    const answer = JSON.stringify({ results: [{ toolCallId: 'call_1', result: 'ok' }] });
    for (const text of requests) {
      for (let cut = 0; cut < text.length; cut += 3) {
        readAll(exchange({ body: text.slice(0, cut), response: { body: answer.slice(0, cut) } }));
      }
    }
    const stream = `event: action\ndata: {"service":"llm","action":"function_result","arguments":[{"name":"tool_call_id","value":"call_1"}]}\n\ndata:close\n\n`;
    for (let cut = 0; cut < stream.length; cut += 5) readAll(exchange({ body: DAILY, response: { contentType: SSE, body: stream.slice(0, cut) } }));
  });

  it('binary garbage', () => {
    let seed = 7;
    const byte = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % 256;
    for (let i = 0; i < 30; i++) {
      const garbage = String.fromCharCode(...Array.from({ length: 300 }, byte));
      readAll(exchange({ body: garbage, response: { contentType: i % 2 ? SSE : 'application/octet-stream', body: garbage } }));
      readAll(exchange({ body: DAILY, response: { contentType: SSE, body: `event: action\ndata: ${garbage}\n\n` } }));
    }
  });

  it('10 MiB strings in every place', () => {
    const huge = 'x'.repeat(10 * 1024 * 1024);
    const hugeId = `call_${huge}`;
    const results = readAll(exchange({ body: { ...DAILY, tool_call_id: hugeId, arguments: huge }, response: { body: JSON.stringify({ big: huge }) } }));
    expect(results[1]?.calls[0]?.argsError).toBeTruthy();
    readAll(
      exchange({
        body: { message: { type: 'tool-calls', toolCallList: [{ id: hugeId, function: { name: huge, arguments: huge } }] } },
        response: { body: JSON.stringify({ results: [{ toolCallId: `${hugeId}y`, result: huge }] }) },
      }),
    );
    readAll(exchange({ body: RETELL, response: { contentType: 'text/plain', body: huge } }));
    const sse = `event: update-config\ndata: {"config":[{"service":"${huge}","options":[{"name":"${huge}","value":"${huge}"}]}]}\n\nevent: action\ndata: ${huge}\n\n`;
    readAll(exchange({ body: DAILY, response: { contentType: SSE, body: sse } }));
    readAll(exchange({ method: 'GET', url: `/x?function_name=f&tool_call_id=c&arguments=${huge}`, body: null }));
    expect(lintAction({ service: huge, action: huge, arguments: [{ name: huge, value: huge }] }).length).toBeGreaterThan(0);
  }, 20_000);

  it('JSON nested 10,000 levels deep', () => {
    const deep = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
    const deepObject = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
    for (const nested of [deep, deepObject]) {
      readAll(exchange({ body: `{"function_name":"f","tool_call_id":"c","arguments":${nested}}`, response: { body: nested } }));
      readAll(exchange({ body: `{"message":{"type":"tool-calls","toolCallList":[{"id":"c","function":{"name":"f","arguments":${nested}}}]}}`, response: { body: `{"results":[{"toolCallId":"c","result":${nested}}]}` } }));
      readAll(exchange({ body: `{"message":{"type":"function-call","functionCall":{"name":"f","parameters":${nested}}}}`, response: { body: `{"result":${nested}}` } }));
      const sse = `event: update-config\ndata: {"config":[{"service":"tts","options":[{"name":"voice","value":${nested}}]}]}\n\nevent: action\ndata: {"service":"llm","action":"function_result","arguments":[{"name":"function_name","value":"f"},{"name":"tool_call_id","value":"c"},{"name":"arguments","value":${nested}},{"name":"result","value":${nested}}]}\n\ndata:close\n\n`;
      const [, daily] = readAll(exchange({ body: { function_name: 'f', tool_call_id: 'c', arguments: {} }, response: { contentType: SSE, body: sse } }));
      expect(daily?.calls[0]?.result).toBeDefined();
      readAll(exchange({ body: `{"name":"f","call":{"call_id":"c"},"args":${nested}}`, response: { body: nested } }));
      readAll(exchange({ body: `{"name":"f","webhook":"https://x","params":${nested}}` }));
      lintUpdateConfig(JSON.parse(`{"config":${nested}}`), KNOWN);
      normaliseKnownConfig(JSON.parse(nested));
    }
  });

  it('arguments that are JSON strings inside JSON strings', () => {
    const twice = JSON.stringify(JSON.stringify({ order_number: 'A-1' }));
    const [vapi, daily] = readAll(exchange({ body: { ...DAILY, arguments: JSON.parse(twice) as string } }));
    expect(vapi).toBeNull();
    expect(daily?.calls[0]?.args).toEqual({ order_number: 'A-1' });
    const thrice = JSON.stringify(twice);
    const [, again] = readAll(exchange({ body: { ...DAILY, arguments: JSON.parse(thrice) as string } }));
    expect(again?.calls[0]?.args).toBe('{"order_number":"A-1"}');
    const [inVapi] = readAll(exchange({ body: { message: { type: 'tool-calls', toolCallList: [{ id: 'c', function: { name: 'f', arguments: JSON.parse(thrice) as string } }] } } }));
    expect(inVapi?.calls[0]?.args).toBe('{"order_number":"A-1"}');
  });

  it('wrong types in every field of the input', () => {
    const base = exchange({ body: DAILY, response: { contentType: SSE, body: 'event: action\ndata: {}\n\ndata:close\n\n' } });
    const junk: unknown[] = [null, undefined, 0, -1, NaN, Infinity, '', 'x', true, [], [null], {}, { raw: 5 }, [[1, 2]], () => 1];
    for (const key of Object.keys(base) as (keyof WebhookExchangeInput)[]) {
      for (const value of junk) readAll({ ...base, [key]: value } as WebhookExchangeInput);
    }
    for (const key of Object.keys(base.response!)) {
      for (const value of junk) readAll({ ...base, response: { ...base.response!, [key]: value } } as WebhookExchangeInput);
    }
    for (const key of Object.keys(base.sse[0]!)) {
      for (const value of junk) readAll({ ...base, sse: [{ ...base.sse[0]!, [key]: value }] } as WebhookExchangeInput);
    }
    for (const value of junk) {
      readAll({ ...base, sseEnd: { seq: value, complete: value, leftover: value, leftoverOffset: value } } as unknown as WebhookExchangeInput);
      readAll(exchange({ body: { function_name: 'f', tool_call_id: value, arguments: value } }));
      readAll(exchange({ body: { message: { type: 'tool-calls', toolCallList: value, toolWithToolCallList: value, toolCalls: [value] } }, response: { body: JSON.stringify({ results: [value] }) } }));
      readAll(exchange({ body: { message: { type: 'tool-calls', toolCallList: [{ id: value, function: value }] } }, response: { body: JSON.stringify({ results: value }) } }));
      readAll(exchange({ body: { message: { type: 'function-call', functionCall: value } }, response: { body: JSON.stringify({ result: value }) } }));
      readAll(exchange({ body: { name: 'f', call: { call_id: 'c' }, args: value } }));
      readAll(exchange({ body: { name: 'f', webhook: 'https://x', params: value, data: value } }));
      readAll(exchange({ body: { name: 'f', type: 'web_form', data: { param: value, params: value } } }));
      expect(() => createMillisWebhookDialect({ tools: value as unknown[] })).not.toThrow();
      expect(() => webhookDialects(value as never)).not.toThrow();
      lintUpdateConfig({ config: [{ service: value, options: value }], interrupt: value }, value as never);
      lintUpdateConfig({ config: [{ service: 'tts', options: [{ name: value, value }] }] }, KNOWN, value as never);
      lintAction({ service: value, action: value, arguments: value }, value as never);
      lintAction({ service: 'llm', action: 'function_result', arguments: [{ name: value, value }] });
      normaliseKnownConfig(value);
    }
  });

  it('inputs whose fields throw when read are read as not a webhook', () => {
    const base = exchange({ body: DAILY });
    const hostile = new Proxy(base, {
      get(target, key) {
        if (key === 'requestJson' || key === 'url') throw new Error('boom');
        return Reflect.get(target, key);
      },
    });
    expect(() => readAll(hostile)).not.toThrow();
    expect(readWebhookExchange(base, [{ protocol: 'daily', analyze: () => { throw new Error('x'); } }, ...dialects])?.protocol).toBe('daily');
    expect(readWebhookExchange(base, 'nope' as never)).toBeNull();
  });
});

describe('random input (fast-check)', () => {
  const json = fc.jsonValue({ maxDepth: 4 });
  const sseBody = fc.array(
    fc.oneof(
      fc.constantFrom('event: action\n', 'event: update-config\n', 'event: close\n', 'data:close\n', '\n', '\r\n', ': c\n', 'data: {\n'),
      json.map((v) => `data: ${JSON.stringify(v)}\n`),
      fc.string().map((s) => `data: ${s}\n`),
      fc.string(),
    ),
    { maxLength: 12 },
  );

  it('random JSON requests and answers never throw and read deterministically', () => {
    fc.assert(
      fc.property(
        fc.oneof(json, fc.record({ function_name: fc.string(), tool_call_id: json, arguments: json }), fc.record({ message: fc.record({ type: fc.constantFrom('tool-calls', 'function-call', 'transfer-destination-request', 'assistant-request'), toolCallList: json, functionCall: json, toolWithToolCallList: json }) }), fc.record({ name: fc.string(), call: fc.record({ call_id: fc.string() }), args: json })),
        json,
        fc.integer({ min: 100, max: 599 }),
        (request, answer, status) => {
          readAll(exchange({ body: JSON.stringify(request), response: { status, body: JSON.stringify(answer) } }));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('random SSE answers and random strings never throw and read deterministically', () => {
    fc.assert(
      fc.property(sseBody, fc.string(), fc.string(), (lines, request, url) => {
        readAll(exchange({ body: DAILY, response: { contentType: SSE, body: lines.join('') } }));
        readAll(exchange({ url, body: request, response: { contentType: SSE, body: lines } }));
        readAll(exchange({ method: 'GET', url: `/?function_name=${url}&tool_call_id=${request}`, body: null }));
      }),
      { numRuns: 300 },
    );
  });

  it('random update-config and action payloads never throw', () => {
    fc.assert(
      fc.property(json, fc.oneof(json, fc.array(fc.record({ service: fc.string(), options: fc.array(fc.record({ name: fc.string(), value: json })) }))), (payload, known) => {
        const a = lintUpdateConfig(payload, normaliseKnownConfig(known));
        expect(lintUpdateConfig(payload, normaliseKnownConfig(known))).toEqual(a);
        expect(lintAction(payload)).toEqual(lintAction(payload));
        lintUpdateConfig({ config: [{ service: 'tts', options: [{ name: 'voice', value: payload }] }] }, known as never);
      }),
      { numRuns: 300 },
    );
  });
});

describe('detection order', () => {
  it('lists the readers most specific first', () => {
    expect(webhookDialects().map((d) => d.protocol)).toEqual(['vapi', 'daily', 'retell', 'millis']);
  });

  it('a Daily call that also has Retell-like fields is Daily', () => {
    const both = { ...DAILY, name: 'x', call: { call_id: 'c' }, args: {} };
    expect(readWebhookExchange(exchange({ body: both }), webhookDialects())?.protocol).toBe('daily');
  });

  it('passes the known config and Millis tools to the readers', () => {
    const sse = 'event: update-config\ndata: {"config":[{"service":"tts","options":[{"name":"lang","value":"fr"}]}]}\n\ndata:close\n\n';
    const input = exchange({ body: DAILY, response: { contentType: SSE, body: sse } });
    const withConfig = readWebhookExchange(input, webhookDialects({ knownConfig: KNOWN }));
    const without = readWebhookExchange(input, webhookDialects());
    expect(withConfig?.findings.find((f) => f.rule === 'rtvi/unknown-option')?.severity).toBe('error');
    expect(without?.findings.find((f) => f.rule === 'rtvi/unknown-option')?.severity).toBe('warning');
    expect(readWebhookExchange(exchange({ url: '/millis/orders', body: { a: 1 } }), webhookDialects({ millisTools: MILLIS_TOOLS }))?.protocol).toBe('millis');
  });

  it.skipIf(!haveFixtures)('reads a fixture exchange the same through the list as through its reader', () => {
    const input = exchange({ body: fixtureJson('vapi-tool-calls-request.json'), response: { body: fixtureText('vapi-tool-calls-response.json') } });
    expect(readWebhookExchange(input, dialects)).toEqual(dialects[0]!.analyze(input));
  });
});
