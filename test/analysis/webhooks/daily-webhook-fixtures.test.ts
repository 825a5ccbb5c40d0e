/**
 * Every Daily Bots fixture read by the Daily dialect: the call, its result, and the exact set of finding rules,
 * without a known bot config and with the one from daily-start-webhook-tools-config.json.
 */
import { describe, expect, it } from 'vitest';
import { createDailyWebhookDialect } from '../../../shared/analysis/webhooks/daily-webhook.js';
import { normaliseKnownConfig } from '../../../shared/analysis/rtvi/rtvi-payload-linter.js';
import type { WebhookAnalysis } from '../../../shared/analysis/model.js';
import { exchange, fixtureJson, fixtureText, haveFixtures, parseHttpRequest, problems, rules, whenFixtures } from './webhook-input.js';

interface FixtureCall {
  function_name: string;
  tool_call_id: string;
  arguments: Record<string, unknown>;
}

const LOOKUP: FixtureCall = { function_name: 'lookup_order', tool_call_id: 'call_5JrYh0pWq2eN8sLx3tVb6Kc1', arguments: { order_number: 'A-20931' } };
const SWITCH: FixtureCall = { function_name: 'switch_language', tool_call_id: 'call_Lg7dQ1mZ9wEr4TyU2iOp0aSx', arguments: { language: 'french' } };

/** The fixture request with the function and call id the stream's function_result answers. */
function requestFor(call: FixtureCall): Record<string, unknown> {
  const base = fixtureJson('daily-webhook-request.json') as Record<string, unknown>;
  return { ...base, ...call };
}

interface SseCase {
  file: string;
  call: FixtureCall;
  result: unknown;
  /** Rules without a known config, and with the fixture's config (when different). */
  rules: string[];
  rulesWithConfig?: string[];
  /** Severities that differ with a known config. */
  severityWithConfig?: Record<string, string>;
}

const SSE_CASES: SseCase[] = [
  { file: 'daily-sse-function-result.txt', call: LOOKUP, result: { status: 'shipped', eta: '2025-03-14' }, rules: [] },
  { file: 'daily-sse-language-change.txt', call: SWITCH, result: { language: 'french', applied: true }, rules: [] },
  { file: 'daily-sse-update-config-invalid-missing-service.txt', call: SWITCH, result: { language: 'french' }, rules: ['rtvi/missing-service'] },
  {
    file: 'daily-sse-update-config-invalid-unknown-service.txt',
    call: SWITCH,
    result: { language: 'french' },
    rules: ['rtvi/unknown-service'],
    severityWithConfig: { 'rtvi/unknown-service': 'error' },
  },
  {
    file: 'daily-sse-update-config-invalid-unknown-option.txt',
    call: SWITCH,
    result: { language: 'french' },
    rules: ['rtvi/unknown-option'],
    severityWithConfig: { 'rtvi/unknown-option': 'error' },
  },
  { file: 'daily-sse-update-config-invalid-value-type.txt', call: SWITCH, result: { language: 'french' }, rules: ['rtvi/suspicious-value-type'] },
  { file: 'daily-sse-update-config-invalid-options-object.txt', call: SWITCH, result: undefined, rules: ['daily/no-function-result', 'rtvi/options-not-list'] },
  { file: 'daily-sse-action-invalid-arguments-object.txt', call: LOOKUP, result: undefined, rules: ['rtvi/arguments-not-list'] },
  { file: 'daily-sse-action-invalid-unknown-action.txt', call: LOOKUP, result: undefined, rules: ['daily/no-function-result', 'rtvi/unknown-action'] },
  { file: 'daily-sse-function-result-invalid-tool-call-id-mismatch.txt', call: LOOKUP, result: undefined, rules: ['daily/result-call-id-mismatch'] },
  { file: 'daily-sse-invalid-event-close-without-data.txt', call: LOOKUP, result: { status: 'shipped' }, rules: ['daily/close-without-data'] },
  { file: 'daily-sse-invalid-no-final-blank-line.txt', call: LOOKUP, result: undefined, rules: ['daily/missing-close', 'daily/no-function-result'] },
  { file: 'daily-sse-invalid-pretty-printed-json.txt', call: LOOKUP, result: undefined, rules: ['daily/invalid-json-payload'] },
];

function readSse(file: string, call: FixtureCall, withConfig: boolean): WebhookAnalysis {
  const knownConfig = withConfig ? normaliseKnownConfig(fixtureJson('daily-start-webhook-tools-config.json')) : undefined;
  const dialect = createDailyWebhookDialect(knownConfig ? { knownConfig } : {});
  const input = exchange({ body: requestFor(call), response: { contentType: 'text/event-stream', body: fixtureText(file) } });
  const reading = dialect.analyze(input);
  expect(reading, file).not.toBeNull();
  return reading!;
}

describe.skipIf(!haveFixtures)(whenFixtures('Daily SSE fixtures'), () => {
  it('the start config fixture has a config list to check against', () => {
    const known = normaliseKnownConfig(fixtureJson('daily-start-webhook-tools-config.json'));
    expect(known?.map((s) => s.service)).toEqual(['tts', 'llm']);
  });

  for (const c of SSE_CASES) {
    for (const withConfig of [false, true]) {
      it(`${c.file}${withConfig ? ' (with the known bot config)' : ''}`, () => {
        const reading = readSse(c.file, c.call, withConfig);
        expect(reading.protocol).toBe('daily');
        expect(reading.label).toBeUndefined();
        expect(reading.calls).toHaveLength(1);
        const [call] = reading.calls;
        expect(call).toMatchObject({ name: c.call.function_name, callId: c.call.tool_call_id, args: c.call.arguments });
        expect(JSON.parse(call!.argsRaw)).toEqual(c.call.arguments);
        expect(call!.argsError).toBeUndefined();
        if (c.result === undefined) expect(call!.result).toBeUndefined();
        else {
          expect(call!.result).toMatchObject({ value: c.result, isError: false });
          expect(JSON.parse(call!.result!.raw)).toEqual(c.result);
        }
        const expected = withConfig && c.rulesWithConfig ? c.rulesWithConfig : c.rules;
        expect(rules(reading.findings), JSON.stringify(reading.findings, null, 2)).toEqual(expected);
        for (const f of reading.findings) {
          expect(f.callId).toBe(c.call.tool_call_id);
          expect(f.message.length).toBeGreaterThan(40);
          if (withConfig && c.severityWithConfig?.[f.rule]) expect(f.severity).toBe(c.severityWithConfig[f.rule]);
        }
        if (expected.length === 0) expect(problems(reading.findings)).toEqual([]);
      });
    }
  }

  it('unknown service and option are warnings without a known config, errors with it', () => {
    for (const file of ['daily-sse-update-config-invalid-unknown-service.txt', 'daily-sse-update-config-invalid-unknown-option.txt']) {
      expect(readSse(file, SWITCH, false).findings.map((f) => f.severity)).toEqual(['warning']);
      expect(readSse(file, SWITCH, true).findings.map((f) => f.severity)).toEqual(['error']);
    }
  });

  it('points at the exact event, byte range and JSON path', () => {
    const reading = readSse('daily-sse-update-config-invalid-unknown-option.txt', SWITCH, true);
    const [finding] = reading.findings;
    expect(finding).toMatchObject({ rule: 'rtvi/unknown-option', seq: 4, byteOffset: 0, path: 'config[0].options[1].name' });
    expect(finding!.message).toContain('"lang"');
    expect(finding!.message).toContain('Did you mean "language"?');
    expect(finding!.message).toMatch(/applies the options before it \("voice"\).*skips the rest of "tts" \("model"\)/);

    const options = readSse('daily-sse-update-config-invalid-options-object.txt', SWITCH, false);
    expect(options.findings.find((f) => f.rule === 'rtvi/options-not-list')).toMatchObject({ seq: 4, path: 'config[0].options', severity: 'error' });

    const mismatch = readSse('daily-sse-function-result-invalid-tool-call-id-mismatch.txt', LOOKUP, false);
    expect(mismatch.findings[0]).toMatchObject({ seq: 4, path: 'arguments[1].value', severity: 'error' });
    expect(mismatch.findings[0]!.message).toContain('call_DIFFERENT000000000000000');

    const close = readSse('daily-sse-invalid-event-close-without-data.txt', LOOKUP, false);
    const block = fixtureText('daily-sse-invalid-event-close-without-data.txt');
    expect(close.findings[0]).toMatchObject({ seq: 5, byteOffset: block.indexOf('event: close'), byteLength: 'event: close\n\n'.length, severity: 'error' });

    const values = readSse('daily-sse-update-config-invalid-value-type.txt', SWITCH, false);
    expect(values.findings.map((f) => [f.path, f.severity])).toEqual([
      ['config[0].options[0].value', 'warning'],
      ['config[0].options[1].value', 'warning'],
    ]);
  });

  it('the unknown action suggests llm:function_result', () => {
    const reading = readSse('daily-sse-action-invalid-unknown-action.txt', LOOKUP, false);
    expect(reading.findings.find((f) => f.rule === 'rtvi/unknown-action')!.message).toContain('Did you mean "llm:function_result"?');
  });

  it('the function_result lost for want of a blank line is named as such', () => {
    const reading = readSse('daily-sse-invalid-no-final-blank-line.txt', LOOKUP, false);
    expect(reading.findings.find((f) => f.rule === 'daily/no-function-result')!.message).toContain('no blank line after it');
  });
});

describe.skipIf(!haveFixtures)(whenFixtures('Daily JSON and request fixtures'), () => {
  it('daily-webhook-request.json answered by daily-webhook-response-json.json', () => {
    const reading = createDailyWebhookDialect().analyze(
      exchange({ body: fixtureJson('daily-webhook-request.json'), response: { body: fixtureText('daily-webhook-response-json.json') } }),
    );
    expect(reading).toMatchObject({
      protocol: 'daily',
      calls: [
        {
          name: 'lookup_order',
          callId: 'call_8xQm2TzL0aVnB4kR7cWd1Yp3',
          args: { order_number: 'A-20931' },
          result: { value: { order_number: 'A-20931', status: 'shipped', eta: '2025-03-14' }, isError: false, seq: 4 },
        },
      ],
      findings: [],
    });
  });

  it('daily-webhook-request.http, as the bot sends it, pending until answered', () => {
    const request = parseHttpRequest(fixtureText('daily-webhook-request.http'));
    const reading = createDailyWebhookDialect().analyze(exchange({ method: request.method, url: request.url, headers: request.headers, body: request.body }));
    expect(reading).toMatchObject({ protocol: 'daily', calls: [{ name: 'lookup_order', callId: 'call_8xQm2TzL0aVnB4kR7cWd1Yp3', args: { order_number: 'A-20931' } }], findings: [] });
    expect(reading!.calls[0]!.result).toBeUndefined();
  });

  it('daily-start-webhook-tools-config.json: the /bots/start request declares the tools', () => {
    const reading = createDailyWebhookDialect().analyze(exchange({ url: '/v1/bots/start', body: fixtureJson('daily-start-webhook-tools-config.json') }));
    expect(reading).toMatchObject({ protocol: 'daily', label: 'bots/start', calls: [] });
    expect(reading!.toolDefinitions).toEqual([
      {
        name: 'lookup_order',
        description: 'Look up an order by number',
        protocol: 'daily',
        seq: 2,
        parameters: { type: 'object', properties: { order_number: { type: 'string' } }, required: ['order_number'] },
      },
    ]);
    // switch_language is routed but not declared to the LLM in this config: a note, not a problem.
    expect(rules(reading!.findings)).toEqual(['daily/webhook-tool-not-declared']);
    expect(problems(reading!.findings)).toEqual([]);
  });
});
