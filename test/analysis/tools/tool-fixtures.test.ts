/**
 * The tool declarations of the protocol fixtures (OpenAI Realtime GA and beta, NavTalk, Millis, Daily's bot
 * config) through the definition linter, and the arguments of the matching call fixtures through the argument
 * validator against those declarations.
 */
import { describe, expect, it } from 'vitest';
import type { FindingDraft, ToolDefinition } from '../../../shared/analysis/model.js';
import { lintArguments, validateArguments } from '../../../shared/analysis/tools/argument-validator.js';
import { millisParamsToJsonSchema } from '../../../shared/analysis/tools/millis-params.js';
import { lintToolDefinitions } from '../../../shared/analysis/tools/tool-definition-linter.js';
import {
  at,
  dailyConfigTools,
  fixtureJson,
  flatTool,
  haveFixtures,
  millisTool,
  navtalkTools,
  parsedArguments,
  sessionUpdateTools,
  whenFixtures,
} from './tool-fixtures.js';

const LOOKUP_ORDER_SCHEMA = {
  type: 'object',
  properties: { order_number: { type: 'string' } },
  required: ['order_number'],
};

function rules(findings: FindingDraft[]): [string, string][] {
  return findings.map((f) => [f.rule, f.severity]);
}

function only(tools: ToolDefinition[]): ToolDefinition {
  expect(tools).toHaveLength(1);
  return tools[0] as ToolDefinition;
}

describe.skipIf(!haveFixtures)(whenFixtures('tool definitions of the fixtures'), () => {
  it('OpenAI Realtime GA and beta session.update: lookup_order, valid; its one parameter has no description (info)', () => {
    for (const name of ['openai-rt-ga-session-update-tools.json', 'openai-rt-beta-session-update-tools.json']) {
      const tool = only(sessionUpdateTools(name));
      expect(tool).toEqual({
        name: 'lookup_order',
        description: 'Look up an order by number',
        parameters: LOOKUP_ORDER_SCHEMA,
        protocol: 'openai-realtime',
        seq: 1,
      });
      const findings = lintToolDefinitions([tool]);
      expect(rules(findings)).toEqual([['def/parameter-missing-description', 'info']]);
      expect(findings[0]).toMatchObject({ seq: 1, path: 'parameters.properties.order_number' });
      expect(findings[0]?.message).toContain('order_number');
    }
  });

  it('the GA session.update without session.type declares the same tool (the session problem is the reader\'s)', () => {
    const tool = only(sessionUpdateTools('openai-rt-ga-session-update-invalid-missing-type.json'));
    expect(tool.parameters).toEqual(LOOKUP_ORDER_SCHEMA);
    expect(rules(lintToolDefinitions([tool]))).toEqual([['def/parameter-missing-description', 'info']]);
  });

  it('a Chat Completions tool in session.update, taken as it stands, has no name, no description and no parameters', () => {
    const tool = only(sessionUpdateTools('openai-rt-session-update-invalid-chat-completions-tool-shape.json', 4));
    expect(tool).toEqual({ name: '', protocol: 'openai-realtime', seq: 4 });
    expect(rules(lintToolDefinitions([tool]))).toEqual([
      ['def/invalid-name', 'error'],
      ['def/missing-description', 'warning'],
    ]);
    expect(lintToolDefinitions([tool])[0]?.message).toContain('it is empty');
  });

  it('NavTalk realtime.input_function_call: tools double-encoded in data.content, or (broken) the array itself', () => {
    for (const name of ['navtalk-input-function-call.json', 'navtalk-input-function-call-invalid-content-array.json']) {
      const tool = only(navtalkTools(name));
      expect(tool).toEqual({ name: 'lookup_order', description: 'Look up an order by number', parameters: LOOKUP_ORDER_SCHEMA, protocol: 'navtalk', seq: 1 });
      expect(rules(lintToolDefinitions([tool]))).toEqual([['def/parameter-missing-description', 'info']]);
    }
  });

  it('Millis webhook function: params[] become a JSON Schema; fully described, no finding at all', () => {
    const fn = fixtureJson('millis-tool-config-webhook.json');
    const conversion = millisParamsToJsonSchema(at(fn, 'params'));
    expect(conversion).toEqual({
      schema: {
        type: 'object',
        properties: { order_number: { type: 'string', description: 'Order number the caller reads out, e.g. A-20931' } },
        required: ['order_number'],
      },
      problems: [],
    });
    const tool = millisTool(fn, at(fn, 'params'));
    expect(tool.name).toBe('lookup_order');
    expect(lintToolDefinitions([tool])).toEqual([]);
  });

  it('Millis params given as a JSON Schema: the conversion says so, and yields no schema', () => {
    const fn = fixtureJson('millis-tool-config-invalid-json-schema-params.json');
    const conversion = millisParamsToJsonSchema(at(fn, 'params'));
    expect(conversion.schema).toBeUndefined();
    expect(conversion.problems).toEqual([
      { path: 'params', message: 'is a JSON Schema object, but Millis expects a list of {name, type, description, required} entries' },
    ]);
    const tool = millisTool(fn, at(fn, 'params'));
    expect(tool.parameters).toBeUndefined();
    expect(lintToolDefinitions([tool])).toEqual([]);
    // As a JSON Schema it is fine: only the Millis reader, which knows the platform wants a list, can flag it.
    expect(rules(lintToolDefinitions([{ ...tool, parameters: at(fn, 'params') }]))).toEqual([['def/parameter-missing-description', 'info']]);
  });

  it('Millis web-form functions: data.param (one object), and the broken data.params list', () => {
    const form = fixtureJson('millis-function-web-form.json');
    const tool = millisTool(form, [at(form, 'data', 'param')]);
    expect(tool.parameters).toEqual({
      type: 'object',
      properties: { email: { type: 'string', description: "The user's email address" } },
      required: ['email'],
    });
    expect(lintToolDefinitions([tool])).toEqual([]);
    const broken = fixtureJson('millis-function-web-form-invalid-params-array.json');
    const brokenTool = millisTool(broken, at(broken, 'data', 'params'));
    expect(brokenTool.parameters).toEqual({ type: 'object', properties: { email: { type: 'string' } }, required: ['email'] });
    expect(rules(lintToolDefinitions([brokenTool]))).toEqual([['def/parameter-missing-description', 'info']]);
  });

  it("Daily's /bots/start config: the llm tools option (Chat Completions shape) declares lookup_order", () => {
    const tool = only(dailyConfigTools('daily-start-webhook-tools-config.json'));
    expect(tool).toEqual({ name: 'lookup_order', description: 'Look up an order by number', parameters: LOOKUP_ORDER_SCHEMA, protocol: 'config', seq: null });
    const findings = lintToolDefinitions([tool]);
    expect(rules(findings)).toEqual([['def/parameter-missing-description', 'info']]);
    expect(findings[0]?.seq).toBe(0);
  });
});

describe.skipIf(!haveFixtures)(whenFixtures('arguments of the call fixtures against the declared tools'), () => {
  const ga = haveFixtures ? only(sessionUpdateTools('openai-rt-ga-session-update-tools.json')) : flatTool({}, 'config', null);
  const beta = haveFixtures ? only(sessionUpdateTools('openai-rt-beta-session-update-tools.json')) : ga;
  const navtalk = haveFixtures ? only(navtalkTools('navtalk-input-function-call.json')) : ga;
  const daily = haveFixtures ? only(dailyConfigTools('daily-start-webhook-tools-config.json')) : ga;
  const millisFn = haveFixtures ? fixtureJson('millis-tool-config-webhook.json') : {};
  const millis = millisTool(millisFn, at(millisFn, 'params'));

  const calls: [string, ToolDefinition, (string | number)[]][] = [
    ['openai-rt-ga-function-call-arguments-done.json', ga, ['arguments']],
    ['openai-rt-beta-function-call-arguments-done.json', beta, ['arguments']],
    ['openai-rt-response-output-item-done-function-call.json', ga, ['item', 'arguments']],
    ['openai-rt-response-done-function-call.json', ga, ['response', 'output', 0, 'arguments']],
    ['navtalk-function-call-arguments-done.json', navtalk, ['data', 'arguments']],
    ['navtalk-function-call-arguments-done-object-arguments.json', navtalk, ['data', 'arguments']],
    ['navtalk-function-call-arguments-done-empty-data.json', navtalk, ['raw_data', 'arguments']],
    ['daily-webhook-request.json', daily, ['arguments']],
  ];

  it.each(calls)('%s: {order_number: "A-20931"} matches the declared parameters', (name, tool, keys) => {
    const [args, raw] = parsedArguments(at(fixtureJson(name), ...keys));
    expect(args).toEqual({ order_number: 'A-20931' });
    expect(validateArguments(tool.parameters, args)).toEqual({ status: 'valid', valid: true, errors: [], errorCount: 0, notes: [] });
    expect(lintArguments(tool, args, raw)).toEqual([]);
  });

  it('the Millis webhook body is the params plus session_id, which Millis adds: the reader must take it out', () => {
    const body = fixtureJson('millis-webhook-request.json') as Record<string, unknown>;
    const { session_id: sessionId, ...args } = body;
    expect(sessionId).toBeTypeOf('string');
    expect(lintArguments(millis, args, JSON.stringify(args))).toEqual([]);
    expect(rules(lintArguments(millis, body, JSON.stringify(body)))).toEqual([['call/arguments-undeclared-property', 'warning']]);
  });

  it('a streamed argument fragment is not JSON yet: nothing to check', () => {
    const delta = at(fixtureJson('openai-rt-function-call-arguments-delta.json'), 'delta');
    expect(() => JSON.parse(String(delta))).toThrow();
    expect(lintArguments(ga, undefined, String(delta))).toEqual([]);
  });

  it('arguments that break the declared schema, in each way a model gets them wrong', () => {
    const check = (args: unknown) => lintArguments(ga, args, JSON.stringify(args));
    const wrongType = check({ order_number: 20931 });
    expect(wrongType).toEqual([
      expect.objectContaining({ rule: 'call/arguments-schema', severity: 'error', seq: 0, path: 'arguments.order_number' }),
    ]);
    expect(wrongType[0]?.message).toContain('arguments.order_number: must be string, got number');
    expect(check({})[0]?.message).toContain('arguments.order_number: is required but missing');
    const misspelt = check({ orderNumber: 'A-20931' });
    expect(rules(misspelt)).toEqual([
      ['call/arguments-schema', 'error'],
      ['call/arguments-undeclared-property', 'warning'],
    ]);
    expect(misspelt[1]?.message).toContain('"orderNumber"');
    expect(misspelt[1]?.message).toContain('declared: "order_number"');
    const twice = lintArguments(ga, '{"order_number":"A-20931"}', '"{\\"order_number\\":\\"A-20931\\"}"');
    expect(rules(twice)).toEqual([['call/arguments-not-object', 'error']]);
    expect(twice[0]?.message).toContain('encoded twice');
    expect(rules(check([1, 2]))).toEqual([['call/arguments-not-object', 'error']]);
    expect(rules(check(null))).toEqual([['call/arguments-not-object', 'error']]);
  });
});
