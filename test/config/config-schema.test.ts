/**
 * schema/toolscope.config.schema.json is generated from the zod schema; this checks the committed file is what
 * the code generates, and that the JSON Schema (what editors check) and zod (what Toolscope checks) agree on a
 * complete config and on the usual mistakes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Validator, type Schema } from '@cfworker/json-schema';
import { describe, expect, it } from 'vitest';
import { configJsonSchema, configJsonSchemaText } from '../../electron/cli/config-file.js';
import { toolscopeConfigSchema } from '../../shared/config/toolscope-config.js';
import { repoRoot } from '../support/core-process.js';

const schemaFile = path.join(repoRoot, 'schema', 'toolscope.config.schema.json');

/** The README's example: every top-level key, and a mock of every handler kind. */
const example = {
  $schema: './node_modules/toolscope/schema/toolscope.config.schema.json',
  routes: ['7801=http://127.0.0.1:8000', { listen: 7802, upstream: 'wss://api.openai.com', timeoutMs: 10000 }],
  latencyBudgetMs: 1000,
  unansweredAfterMs: 20000,
  botConfig: [{ service: 'tts', options: [{ name: 'voice', value: 'v1' }, { name: 'language', value: 'en' }] }],
  tools: [
    {
      name: 'get_weather',
      description: 'The weather in a city',
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    },
  ],
  redaction: { headers: ['x-api-key'], queryParams: ['token'], jsonPaths: ['$.message.call.customer.number'] },
  mocks: [
    {
      id: 'weather-paris',
      name: 'Weather in Paris',
      match: { functionName: 'get_weather', args: { path: 'city', equals: 'Paris' } },
      handler: { kind: 'json', body: { city: '{{args.city}}', forecast: 'sunny', callId: '{{toolCallId}}' } },
    },
    {
      id: 'vapi-booking',
      match: { functionName: 'book_table', path: '/vapi/*' },
      handler: { kind: 'json', body: 'Booked a table for {{args.people}} at {{args.time}}.' },
    },
    {
      id: 'language-stream-broken',
      name: 'Streamed answer whose second event is cut',
      match: { functionName: 'switch_language', method: 'POST' },
      handler: {
        kind: 'sse',
        events: [
          {
            event: 'action',
            data: {
              service: 'llm',
              action: 'function_result',
              arguments: [
                { name: 'function_name', value: '{{functionName}}' },
                { name: 'tool_call_id', value: '{{toolCallId}}' },
                { name: 'arguments', value: {} },
                { name: 'result', value: { language: 'fr' } },
              ],
            },
          },
          { delayMs: 400, raw: 'event: update-config\ndata: {"config": [\n\n' },
          { delayMs: 100, event: 'close', data: 'close' },
        ],
      },
    },
    { id: 'slow-orders', enabled: false, match: { functionName: 'lookup_order' }, handler: { kind: 'delay', delayMs: 2500 } },
    { id: 'crm-down', match: { functionName: 'create_ticket' }, handler: { kind: 'fail', status: 503, body: { error: 'maintenance' } } },
    { id: 'drop-transfer', match: { functionName: 'transfer_call', header: { name: 'x-test-drop' } }, handler: { kind: 'close' } },
    { id: 'stock-hangs', match: { functionName: 'check_stock' }, handler: { kind: 'no-answer' } },
    {
      id: 'realtime-weather',
      match: { functionName: 'get_weather', frameType: 'response.function_call_arguments.done' },
      handler: { kind: 'realtime-reply', delayMs: 300, output: { forecast: 'rain in {{args.city}}' } },
    },
    { id: 'client-ends-call', match: { functionName: 'end_call' }, handler: { kind: 'realtime-ignore' } },
    { id: 'client-never-sees-lookup', match: { functionName: 'lookup_account' }, handler: { kind: 'realtime-drop' } },
  ],
};

function jsonSchemaValidator(): Validator {
  return new Validator(JSON.parse(fs.readFileSync(schemaFile, 'utf8')) as Schema, '2020-12', false);
}

describe('the config file JSON Schema', () => {
  it('is committed as the code generates it (npm run build:node && npm run config-schema)', () => {
    expect(fs.readFileSync(schemaFile, 'utf8')).toBe(configJsonSchemaText());
  });

  it('describes the keys an editor completes, and every handler kind', () => {
    const schema = configJsonSchema() as { properties: Record<string, { description?: string }> };
    for (const key of ['routes', 'latencyBudgetMs', 'botConfig', 'tools', 'redaction', 'mocks']) expect(schema.properties[key]?.description, key).toBeTruthy();
    const text = configJsonSchemaText();
    for (const kind of ['json', 'sse', 'delay', 'fail', 'close', 'no-answer', 'realtime-reply', 'realtime-ignore', 'realtime-drop']) expect(text).toContain(`"const": "${kind}"`);
  });

  it('accepts a complete config with a mock of every handler kind, as zod does', () => {
    const result = jsonSchemaValidator().validate(example);
    expect(result.errors).toEqual([]);
    expect(result.valid).toBe(true);
    const parsed = toolscopeConfigSchema.safeParse(example);
    expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
    expect(new Set(example.mocks.map((rule) => rule.handler.kind)).size).toBe(9);
  });

  it("accepts the README's example, as zod does (the example a user copies must load)", () => {
    const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    const block = /## Mocks[\s\S]*?```json\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBeDefined();
    const config = JSON.parse(block!) as unknown;
    expect(toolscopeConfigSchema.safeParse(config).success).toBe(true);
    expect(jsonSchemaValidator().validate(config).valid).toBe(true);
  });

  it('refuses what zod refuses', () => {
    const withRule = (rule: unknown) => ({ mocks: [rule] });
    const broken: [string, unknown][] = [
      ['unknown handler kind', withRule({ id: 'a', handler: { kind: 'jsonn', body: 1 } })],
      ['json without a body', withRule({ id: 'a', handler: { kind: 'json' } })],
      ['status out of range', withRule({ id: 'a', handler: { kind: 'json', status: 99, body: 1 } })],
      ['fail with a success status', withRule({ id: 'a', handler: { kind: 'fail', status: 200 } })],
      ['a key the rule does not have', withRule({ id: 'a', hanlder: { kind: 'close' }, handler: { kind: 'close' } })],
      ['a key the matcher does not have', withRule({ id: 'a', match: { function: 'x' }, handler: { kind: 'close' } })],
      ['an empty id', withRule({ id: '', handler: { kind: 'close' } })],
      ['a negative delay', withRule({ id: 'a', handler: { kind: 'delay', delayMs: -1 } })],
      ['a script event with an unknown key', withRule({ id: 'a', handler: { kind: 'sse', events: [{ dat: 'x' }] } })],
      ['a budget that is not a number', { latencyBudgetMs: 'fast' }],
      ['a route that is neither a string nor a route', { routes: [42] }],
    ];
    const validator = jsonSchemaValidator();
    for (const [label, config] of broken) {
      expect(validator.validate(config).valid, label).toBe(false);
      expect(toolscopeConfigSchema.safeParse(config).success, label).toBe(false);
    }
  });

  it('keeps keys it does not know, as Toolscope does (a newer file still loads)', () => {
    const config = { latencyBudgetMs: 900, breakpoints: [] };
    expect(jsonSchemaValidator().validate(config).valid).toBe(true);
    expect(toolscopeConfigSchema.safeParse(config).success).toBe(true);
  });
});
