/**
 * The RTVI reader: every rtvi-* fixture read exactly, in the direction it travels, then what the fixtures leave
 * out: the bot's version deciding whether 0.x messages still work, envelope errors, results Pipecat refuses,
 * report levels, unlabelled messages.
 */
import { describe, expect, it } from 'vitest';
import { readRtviFrame, rtviDialect } from '../../../shared/analysis/realtime/rtvi.js';
import type { FixtureCase, Summary } from './realtime-fixtures.js';
import { C2S, S2C, fixtureFrame, fixtureNames, frameOf, summarise, haveFixtures, whenFixtures } from './realtime-fixtures.js';

const CALL = 'call_Qw3eR5tY7uI9oP1aS3dF5gH7';
const WEATHER = { location: 'Lisbon', unit: 'celsius' };
const WEATHER_RAW = '{"location":"Lisbon","unit":"celsius"}';
const RESULT = { temperature_c: 19, conditions: 'partly cloudy' };
const RESULT_RAW = '{"temperature_c":19,"conditions":"partly cloudy"}';

const dialect = rtviDialect();
const read = (json: Record<string, unknown>, direction = S2C) => summarise(dialect.readFrame(frameOf(json, direction)));
const base = (messageType: string, extra: Partial<Summary> = {}): Summary => ({ protocol: 'rtvi', messageType, findings: [], ...extra });
const REMOVED = 'warning rtvi/removed-message type';

const cases: FixtureCase[] = [
  { name: 'rtvi-bot-ready.json', direction: S2C, expected: base('bot-ready') },
  { name: 'rtvi-client-message.json', direction: C2S, expected: base('client-message') },
  { name: 'rtvi-client-ready.json', direction: C2S, expected: base('client-ready') },
  { name: 'rtvi-error-response.json', direction: S2C, expected: base('error-response', { findings: ['error rtvi/error-response data.error'] }) },
  { name: 'rtvi-error.json', direction: S2C, expected: base('error', { findings: ['error rtvi/bot-error data.error'] }) },
  {
    name: 'rtvi-invalid-function-call-result-args-key.json',
    direction: C2S,
    expected: base('llm-function-call-result', { findings: [`error rtvi/function-result-args-key data.args @${CALL}`] }),
  },
  {
    name: 'rtvi-invalid-function-call-result-list-result.json',
    direction: C2S,
    expected: base('llm-function-call-result', { findings: [`error rtvi/function-result-bad-result data.result @${CALL}`] }),
  },
  { name: 'rtvi-invalid-missing-id.json', direction: C2S, expected: base('send-text', { findings: ['error rtvi/missing-id id'] }) },
  // The same message as the valid 0.x fixture: one frame cannot tell the bot's version (see the options tests below).
  { name: 'rtvi-invalid-update-config-on-pipecat-1x.json', direction: C2S, expected: base('update-config', { findings: [REMOVED] }) },
  { name: 'rtvi-invalid-wrong-label.json', direction: C2S, expected: base('llm-function-call-result', { findings: [`error rtvi/wrong-label label @${CALL}`] }) },
  {
    name: 'rtvi-llm-function-call-result.json',
    direction: C2S,
    expected: base('llm-function-call-result', { callResult: { callId: CALL, value: RESULT, raw: RESULT_RAW, isError: false, functionName: 'get_weather' } }),
  },
  { name: 'rtvi-server-message.json', direction: S2C, expected: base('server-message') },
  { name: 'rtvi-server-response.json', direction: S2C, expected: base('server-response') },
  { name: 'rtvi-v0-action-request.json', direction: C2S, expected: base('action', { findings: [REMOVED] }) },
  { name: 'rtvi-v0-action-response.json', direction: S2C, expected: base('action-response') },
  { name: 'rtvi-v0-config-response.json', direction: S2C, expected: base('config') },
  // No tool_call_id: the call is named but cannot be identified (the analyzer ignores a start without id or arguments).
  { name: 'rtvi-v0-llm-function-call-start.json', direction: S2C, expected: base('llm-function-call-start', { callStart: { callId: null, name: 'get_weather' } }) },
  {
    name: 'rtvi-v0-llm-function-call.json',
    direction: S2C,
    expected: base('llm-function-call', { callStart: { callId: CALL, name: 'get_weather', argsRaw: WEATHER_RAW, args: WEATHER } }),
  },
  { name: 'rtvi-v0-update-config.json', direction: C2S, expected: base('update-config', { findings: [REMOVED] }) },
  {
    name: 'rtvi-v2-llm-function-call-in-progress-full.json',
    direction: S2C,
    expected: base('llm-function-call-in-progress', { callStart: { callId: CALL, name: 'get_weather', argsRaw: WEATHER_RAW, args: WEATHER } }),
  },
  {
    name: 'rtvi-v2-llm-function-call-in-progress-report-none.json',
    direction: S2C,
    expected: base('llm-function-call-in-progress', { callStart: { callId: CALL, name: null }, findings: [`info rtvi/report-level-none @${CALL}`] }),
  },
  { name: 'rtvi-v2-llm-function-call-started.json', direction: S2C, expected: base('llm-function-call-started', { callStart: { callId: null, name: 'get_weather' } }) },
  { name: 'rtvi-v2-llm-function-call-stopped-cancelled.json', direction: S2C, expected: base('llm-function-call-stopped', { callCancelled: { callId: CALL } }) },
  {
    // With report level FULL the bot's own result travels here; when the bot runs the function it is the only result.
    name: 'rtvi-v2-llm-function-call-stopped.json',
    direction: S2C,
    expected: base('llm-function-call-stopped', { callResult: { callId: CALL, value: RESULT, raw: RESULT_RAW, isError: false, functionName: 'get_weather' } }),
  },
];

describe.skipIf(!haveFixtures)(whenFixtures('RTVI fixtures'), () => {
  it('has a case for every rtvi fixture', () => {
    const covered = new Set(cases.map((c) => c.name));
    expect(fixtureNames('rtvi-').filter((name) => !covered.has(name))).toEqual([]);
  });

  for (const c of cases) {
    it(`${c.name} (${c.direction})`, () => {
      expect(summarise(dialect.readFrame(fixtureFrame(c.name, c.direction)))).toEqual(c.expected);
    });
  }

  it('reads no fixture sent the wrong way as a call or a result', () => {
    for (const c of cases) {
      const reading = dialect.readFrame(fixtureFrame(c.name, c.direction === C2S ? S2C : C2S))!;
      expect(reading.callStart ?? reading.callResult ?? reading.callCancelled).toBeUndefined();
      expect(reading.findings.length).toBeGreaterThan(0);
    }
  });
});

describe.skipIf(!haveFixtures)(whenFixtures('RTVI with what the bot announced'), () => {
  const frame = (name: string) => fixtureFrame(name, C2S);

  it('makes update-config and action an error on Pipecat 1.x', () => {
    for (const name of ['rtvi-invalid-update-config-on-pipecat-1x.json', 'rtvi-v0-action-request.json']) {
      expect(summarise(readRtviFrame(frame(name), { protocolVersion: '2.1.0', pipecatVersion: '1.1.0' }))!.findings).toEqual(['error rtvi/removed-message type']);
    }
  });

  it('accepts update-config and action from an RTVI 0.x bot and checks their payloads', () => {
    expect(summarise(readRtviFrame(frame('rtvi-v0-update-config.json'), { protocolVersion: '0.3.0' }))).toEqual(base('update-config'));
    expect(summarise(readRtviFrame(frame('rtvi-v0-action-request.json'), { protocolVersion: '0.3.0' }))).toEqual(base('action'));
    const broken = readRtviFrame(frameOf({ label: 'rtvi-ai', type: 'update-config', id: 'u1', data: { config: [{ service: 'tts', options: { voice: 'x' } }] } }, C2S), {
      protocolVersion: '0.3.0',
    })!;
    expect(broken.findings.length).toBeGreaterThan(0);
    expect(broken.findings.every((f) => f.rule.startsWith('rtvi/') && f.seq === 7 && f.path?.startsWith('data'))).toBe(true);
  });
});

describe('RTVI beyond the fixtures', () => {
  const result = (data: unknown, extra: Record<string, unknown> = {}) => ({ label: 'rtvi-ai', type: 'llm-function-call-result', id: 'r1', data, ...extra });
  const good = { function_name: 'get_weather', tool_call_id: 'call_1', arguments: {}, result: 'sunny' };

  it('reads a string result', () => {
    expect(read(result(good), C2S)!.callResult).toEqual({ callId: 'call_1', value: 'sunny', raw: 'sunny', isError: false, functionName: 'get_weather' });
  });

  it('refuses results Pipecat does not validate', () => {
    expect(read(result({ ...good, function_name: undefined }), C2S)!.findings).toEqual(['error rtvi/function-result-missing-field data @call_1']);
    expect(read(result({ ...good, tool_call_id: 5 }), C2S)).toEqual(base('llm-function-call-result', { findings: ['error rtvi/function-result-missing-field data'] }));
    expect(read(result({ ...good, arguments: '{}' }), C2S)!.findings).toEqual(['error rtvi/function-result-missing-field data @call_1']);
    expect(read(result({ ...good, result: 19 }), C2S)!.findings).toEqual(['error rtvi/function-result-bad-result data.result @call_1']);
    expect(read(result({ ...good, result: undefined }), C2S)!.findings).toEqual(['error rtvi/function-result-bad-result data.result @call_1']);
    expect(read(result(null), C2S)!.findings).toEqual(['error rtvi/function-result-missing-field data']);
  });

  it('refuses envelopes Pipecat does not validate', () => {
    expect(read(result([good]), C2S)!.findings).toEqual(['error rtvi/invalid-envelope data']);
    expect(read(result(good, { id: 12 }), C2S)!.findings).toEqual(['error rtvi/invalid-envelope id @call_1']);
    expect(read({ label: 'rtvi-ai', type: 7, id: 'x', data: {} }, C2S)).toEqual(base('(no type)', { findings: ['error rtvi/invalid-envelope type'] }));
    expect(read({ type: 'llm-function-call-result', id: 'r1', data: good }, C2S)).toEqual(base('llm-function-call-result', { findings: ['error rtvi/missing-label label @call_1'] }));
  });

  it('reports client messages current Pipecat does not handle', () => {
    expect(read({ label: 'rtvi-ai', type: 'get-weather', id: 'x', data: {} }, C2S)!.findings).toEqual(['warning rtvi/unsupported-client-message type']);
  });

  it('says when the bot reports the function name but not its arguments', () => {
    expect(read({ label: 'rtvi-ai', type: 'llm-function-call-in-progress', data: { tool_call_id: 'c', function_name: 'f' } })).toEqual(
      base('llm-function-call-in-progress', { callStart: { callId: 'c', name: 'f' }, findings: ['info rtvi/report-level-name @c'] }),
    );
  });

  it('ends a stopped call without a reported result, and flags call events without an id', () => {
    expect(read({ label: 'rtvi-ai', type: 'llm-function-call-stopped', data: { tool_call_id: 'c', cancelled: false } })!.callResult).toEqual({
      callId: 'c',
      value: undefined,
      raw: '',
      isError: false,
    });
    expect(read({ label: 'rtvi-ai', type: 'llm-function-call-stopped', data: { cancelled: true } })!.findings).toEqual(['warning rtvi/malformed-server-event data.tool_call_id']);
    expect(read({ label: 'rtvi-ai', type: 'llm-function-call', data: { function_name: 'f', args: {} } })!.findings).toEqual(['warning rtvi/malformed-server-event data.tool_call_id']);
  });

  it('reads the bot error text from error or message, and names fatal errors', () => {
    const fatal = dialect.readFrame(frameOf({ label: 'rtvi-ai', type: 'error', data: { message: 'LLM down', fatal: true } }, S2C))!;
    expect(fatal.findings[0]!.message).toContain('LLM down');
    expect(fatal.findings[0]!.message).toContain('fatal');
    const unsupported = dialect.readFrame(frameOf({ label: 'rtvi-ai', type: 'error-response', id: 'u1', data: { error: 'Unsupported type update-config' } }, S2C))!;
    expect(unsupported.findings[0]!.message).toContain('Pipecat 1.0 removed');
  });

  it('marks raw audio as audio', () => {
    expect(read({ label: 'rtvi-ai', type: 'raw-audio', id: 'a', data: { base64Audio: 'AAAA' } }, C2S)).toEqual(base('raw-audio', { audio: true }));
  });

  it('claims labelled messages and unlabelled RTVI types only', () => {
    for (const json of [{ type: 'session.update' }, { type: 'client_tool_call' }, { type: 'some-other-thing' }, { label: 5, type: 'bot-ready' }, { label: 'acme', type: 'hello' }]) {
      expect(dialect.readFrame(frameOf(json, S2C))).toBeNull();
    }
    expect(read({ label: 'rtvi-ai', type: 'bot-custom-event', data: null })).toEqual(base('bot-custom-event'));
    expect(read({ label: 'RTVI', type: 'whatever' })!.findings).toEqual(['error rtvi/wrong-label label']);
  });
});
