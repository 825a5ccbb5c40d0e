/** The pure parts of the mock engine: templates, matching, dialect replies, and the rules store's hit counts. */
import { describe, expect, it } from 'vitest';
import { MockRulesStore } from '../../electron/core/mock-rules-store.js';
import { webhookDialects } from '../../shared/analysis/webhooks/webhook-dialects.js';
import { argsMatch, matchRealtimeRule, matchWebhookRule, pathMatches, readWebhookFacts, type RealtimeCallFacts } from '../../shared/mocks/mock-matcher.js';
import { realtimeReply, sseScript, webhookJsonReply } from '../../shared/mocks/mock-reply.js';
import { mockRulesSchema, type MockRuleInput } from '../../shared/mocks/mock-rule.js';
import { renderTemplate } from '../../shared/mocks/mock-template.js';
import { fixtureJson } from '../support/protocol-fixtures.js';

const call = { functionName: 'get_weather', toolCallId: 'call_1', args: { city: 'Lisbon', days: 3, where: { lat: 38.7 }, tags: ['a', 'b'] } };
const rules = (input: MockRuleInput[]) => mockRulesSchema.parse(input);
const dialects = webhookDialects();
const request = (body: unknown, url = '/tools', headers: [string, string][] = [['Content-Type', 'application/json']]) =>
  readWebhookFacts({ routeId: 'r1', method: 'POST', url, headers }, JSON.stringify(body), dialects);

describe('templates', () => {
  it('keeps the type of a lone placeholder and interpolates inside text', () => {
    const rendered = renderTemplate(
      { n: '{{args.days}}', lat: '{{ args.where.lat }}', all: '{{args}}', first: '{{args.tags[0]}}', text: '{{functionName}} {{toolCallId}}: {{args.where}}', list: ['{{args.city}}', 7, null] },
      call,
    );
    expect(rendered).toEqual({
      value: { n: 3, lat: 38.7, all: call.args, first: 'a', text: 'get_weather call_1: {"lat":38.7}', list: ['Lisbon', 7, null] },
      warnings: [],
    });
  });

  it('renders a missing value as empty, with one warning per placeholder, and never throws', () => {
    expect(renderTemplate({ a: '{{args.country}}', b: 'in {{args.country}}', c: '{{args.where.lon}}' }, call)).toEqual({
      value: { a: '', b: 'in ', c: '' },
      warnings: ['template {{args.country}}: the call has no argument country', 'template {{args.where.lon}}: the call has no argument where.lon'],
    });
    expect(renderTemplate('{{toolCallId}}', null)).toEqual({ value: '', warnings: ['template {{toolCallId}}: the request carries no function call'] });
    expect(renderTemplate('{{args.x[}}', call).warnings[0]).toMatch(/^template \{\{args\.x\[\}\}: JSON path/);
    expect(renderTemplate('{{nope}} stays', call)).toEqual({ value: '{{nope}} stays', warnings: [expect.stringContaining('unknown placeholder') as string] });
  });
});

describe('matching', () => {
  it('reads the call with the dialect readers and matches on its name and arguments', () => {
    const daily = request({ function_name: 'get_weather', tool_call_id: 'call_1', arguments: { city: 'Lisbon' } });
    expect(daily).toMatchObject({ dialect: 'daily', calls: [{ callId: 'call_1', functionName: 'get_weather', args: { city: 'Lisbon' } }] });
    const set = rules([
      { id: 'off', enabled: false, handler: { kind: 'json', body: 1 } },
      { id: 'rt', handler: { kind: 'realtime-reply', output: 1 } },
      { id: 'other', match: { functionName: 'get_time' }, handler: { kind: 'json', body: 2 } },
      { id: 'porto', match: { args: { path: 'city', equals: 'Porto' } }, handler: { kind: 'json', body: 3 } },
      { id: 'lisbon', match: { functionName: 'get_weather', args: { path: '$.city', equals: 'Lisbon' } }, handler: { kind: 'json', body: 4 } },
      { id: 'any', handler: { kind: 'json', body: 5 } },
    ]);
    expect(matchWebhookRule(set, daily)?.id).toBe('lisbon');
    expect(matchWebhookRule(set, request({ plain: true }))?.id).toBe('any');
  });

  it('matches a Vapi message when any of its calls matches', () => {
    const vapi = request(fixtureJson('vapi-tool-calls-request.json'));
    expect(vapi.dialect).toBe('vapi');
    expect(vapi.calls.map((c) => c.functionName)).toEqual(['lookup_order']);
    expect(matchWebhookRule(rules([{ id: 'x', match: { functionName: 'lookup_order' }, handler: { kind: 'json', body: {} } }]), vapi)?.id).toBe('x');
  });

  it('matches route, method, path globs, headers and frame types', () => {
    const facts = request({ a: 1 }, '/tools/weather?x=1', [['X-Tenant', 'acme']]);
    const one = (match: MockRuleInput['match']) => matchWebhookRule(rules([{ id: 'r', match, handler: { kind: 'json', body: {} } }]), facts)?.id ?? null;
    expect(one({ routeId: 'r1', method: 'post', path: '/tools/*' })).toBe('r');
    expect(one({ routeId: 'r2' })).toBeNull();
    expect(one({ path: '/tools' })).toBeNull();
    expect(one({ header: { name: 'x-tenant' } })).toBe('r');
    expect(one({ header: { name: 'x-tenant', value: 'other' } })).toBeNull();
    expect(one({ frameType: 'response.function_call_arguments.done' })).toBeNull();
    expect(pathMatches('/a/*/c', '/a/b/x/c')).toBe(true);
    expect(pathMatches('/a.b', '/axb')).toBe(false);
    expect(argsMatch({ path: 'tags[*]', equals: 'b' }, call.args)).toBe(true);
    expect(argsMatch({ path: 'where.lat' }, call.args)).toBe(true);
    expect(argsMatch({ path: 'where.lon' }, call.args)).toBe(false);
    expect(argsMatch({ path: 'where', equals: { lat: 38.7 } }, call.args)).toBe(true);
  });

  it('matches realtime calls by frame type and name, only with realtime rules', () => {
    const facts: RealtimeCallFacts = {
      routeId: 'r1',
      method: 'GET',
      url: '/v1/realtime',
      headers: [],
      dialect: 'openai-realtime',
      frameType: 'response.function_call_arguments.done',
      call: { callId: 'c1', functionName: 'get_weather', args: { city: 'Oslo' } },
    };
    const set = rules([
      { id: 'http', handler: { kind: 'json', body: {} } },
      { id: 'other-frame', match: { frameType: 'response.done' }, handler: { kind: 'realtime-reply', output: 1 } },
      { id: 'it', match: { functionName: 'get_weather', frameType: 'response.function_call_arguments.done' }, handler: { kind: 'realtime-reply', output: 2 } },
    ]);
    expect(matchRealtimeRule(set, facts)?.id).toBe('it');
  });
});

describe('replies', () => {
  it('wraps a Vapi tool-calls answer per call, and the legacy function-call in {result}', () => {
    const legacy = request({ message: { type: 'function-call', functionCall: { name: 'book', parameters: { at: 7 } } } });
    expect(webhookJsonReply(legacy, { ok: '{{args.at}}' }).value).toEqual({ result: '{"ok":7}' });
    const daily = request({ function_name: 'f', tool_call_id: 'c', arguments: {} });
    expect(webhookJsonReply(daily, 'plain {{toolCallId}}').value).toBe('plain c');
  });

  it('writes SSE events as event/data lines, multi-line data split, raw as is', () => {
    const script = sseScript(
      [{ delayMs: 0, event: 'action', data: { a: '{{args.city}}' } }, { delayMs: 5, data: 'x\ny' }, { delayMs: 0, raw: 'data:close' }, { delayMs: 0 }],
      { callId: 'c', functionName: 'f', args: { city: 'Lisbon' } },
    );
    expect(script.value).toEqual([
      { delayMs: 0, text: 'event: action\ndata: {"a":"Lisbon"}\n\n' },
      { delayMs: 5, text: 'data: x\ndata: y\n\n' },
      { delayMs: 0, text: 'data:close' },
      { delayMs: 0, text: ':\n\n' },
    ]);
  });

  it('builds each realtime dialect result as its fixtures show', () => {
    const call = { callId: 'call_Js0w3d5Ad8ZFmaKc', functionName: 'lookup_order', args: { order_number: 'A-20931' } };
    const output = { status: 'shipped', eta: '2025-03-14' };
    const openai = realtimeReply('openai-realtime', call, output, true);
    // event_id is optional for a client event; the fixtures carry one, the mock sends none.
    const withoutEventId = (name: string) => {
      const { event_id: _ignored, ...rest } = fixtureJson(name) as Record<string, unknown>;
      return rest;
    };
    expect(openai.messages).toEqual([withoutEventId('openai-rt-function-call-output.json'), withoutEventId('openai-rt-response-create.json')]);
    expect(realtimeReply('navtalk', call, output, false).messages).toEqual([fixtureJson('navtalk-conversation-item-create-function-call-output.json')]);
    const eleven = realtimeReply('elevenlabs', { ...call, callId: 'toolu_01HPT0VQ8F2QK2K0D2G4Z9QJ1A' }, output, true);
    expect(eleven.messages).toEqual([fixtureJson('elevenlabs-client-tool-result.json')]);
    const rtvi = realtimeReply('rtvi', call, output, true).messages[0]!;
    expect(rtvi).toMatchObject({ label: 'rtvi-ai', type: 'llm-function-call-result', data: { function_name: 'lookup_order', tool_call_id: call.callId, arguments: call.args, result: output } });
    expect(typeof rtvi.id).toBe('string');
    // RTVI refuses a list or number result: it goes as text.
    expect((realtimeReply('rtvi', call, [1, 2], true).messages[0]!.data as { result: unknown }).result).toBe('[1,2]');
    expect(realtimeReply('daily', call, output, true)).toEqual({ messages: [], warnings: [expect.stringContaining('not supported') as string] });
  });
});

describe('the rules store', () => {
  it('counts hits, and starts a changed rule from zero', () => {
    const store = new MockRulesStore();
    const changes: string[] = [];
    store.onChange((change) => changes.push(change));
    const a = { id: 'a', handler: { kind: 'json', body: 1 } } as const;
    const b = { id: 'b', handler: { kind: 'realtime-reply', output: 1 } } as const;
    store.setRules(rules([a, b]));
    store.recordHit('a');
    store.recordHit('a');
    store.recordHit('b');
    expect(store.hits()).toEqual({ a: 2, b: 1 });
    expect(store.webhookRules().map((r) => r.id)).toEqual(['a']);
    expect(store.realtimeRules().map((r) => r.id)).toEqual(['b']);
    store.setRules(rules([a, { ...b, name: 'renamed' }]));
    expect(store.hits()).toEqual({ a: 2, b: 0 });
    store.setRules(rules([{ ...a, enabled: false }]));
    expect(store.hits()).toEqual({ a: 0 });
    expect(store.webhookRules()).toEqual([]);
    expect(changes).toEqual(['rules', 'hits', 'hits', 'hits', 'rules', 'rules']);
  });
});
