/**
 * The NavTalk reader: every navtalk-* fixture read exactly (its unprefixed OpenAI samples belong to the OpenAI
 * reader and are checked there), then what the fixtures leave out: session config with tools, the delta event,
 * fields split between data and raw_data, connection failures.
 */
import { describe, expect, it } from 'vitest';
import { navTalkDialect } from '../../../shared/analysis/realtime/navtalk.js';
import type { FixtureCase, Summary } from './realtime-fixtures.js';
import { C2S, S2C, fixtureFrame, fixtureNames, frameOf, lookupOrder, summarise, haveFixtures, whenFixtures } from './realtime-fixtures.js';

const CALL = 'call_Js0w3d5Ad8ZFmaKc';
const ARGS_RAW = '{"order_number":"A-20931"}';
const ARGS = { order_number: 'A-20931' };

const read = (json: Record<string, unknown>, direction = S2C) => summarise(navTalkDialect.readFrame(frameOf(json, direction)));
const base = (messageType: string, extra: Partial<Summary> = {}): Summary => ({ protocol: 'navtalk', messageType, findings: [], ...extra });

/** Read by the OpenAI reader (see openai-realtime.test.ts), not this one. */
const OPENAI_SHAPED = ['navtalk-conversation-item-create-function-call-output.json', 'navtalk-response-create.json'];

const cases: FixtureCase[] = [
  {
    name: 'navtalk-function-call-arguments-done-empty-data.json',
    direction: S2C,
    expected: base('realtime.response.function_call_arguments.done', { callStart: { callId: CALL, name: 'lookup_order', argsRaw: ARGS_RAW, args: ARGS } }),
  },
  {
    name: 'navtalk-function-call-arguments-done-object-arguments.json',
    direction: S2C,
    expected: base('realtime.response.function_call_arguments.done', {
      callStart: { callId: CALL, name: 'lookup_order', argsRaw: ARGS_RAW, args: ARGS },
      findings: [`info navtalk/object-arguments data.arguments @${CALL}`],
    }),
  },
  {
    name: 'navtalk-function-call-arguments-done.json',
    direction: S2C,
    expected: base('realtime.response.function_call_arguments.done', { callStart: { callId: CALL, name: 'lookup_order', argsRaw: ARGS_RAW, args: ARGS } }),
  },
  {
    name: 'navtalk-function-call-output-invalid-missing-call-id.json',
    direction: C2S,
    expected: base('realtime.function_call_output', { findings: ['error navtalk/output-missing-call-id data.call_id'] }),
  },
  {
    name: 'navtalk-function-call-output-invalid-object-output.json',
    direction: C2S,
    expected: base('realtime.function_call_output', { findings: [`error navtalk/object-output data.output @${CALL}`] }),
  },
  {
    name: 'navtalk-function-call-output.json',
    direction: C2S,
    expected: base('realtime.function_call_output', {
      callResult: { callId: CALL, value: { status: 'shipped', eta: '2025-03-14' }, raw: '{"status":"shipped","eta":"2025-03-14"}', isError: false },
    }),
  },
  { name: 'navtalk-input-audio-buffer-append.json', direction: C2S, expected: base('realtime.input_audio_buffer.append', { audio: true }) },
  {
    // The array is read as tools all the same: whether NavTalk registers them is not known, only that it is not the documented shape.
    name: 'navtalk-input-function-call-invalid-content-array.json',
    direction: C2S,
    expected: base('realtime.input_function_call', { toolDefinitions: [lookupOrder('navtalk')], findings: ['error navtalk/content-not-string data.content'] }),
  },
  { name: 'navtalk-input-function-call.json', direction: C2S, expected: base('realtime.input_function_call', { toolDefinitions: [lookupOrder('navtalk')] }) },
];

describe.skipIf(!haveFixtures)(whenFixtures('NavTalk fixtures'), () => {
  it('has a case for every navtalk fixture', () => {
    const covered = new Set([...cases.map((c) => c.name), ...OPENAI_SHAPED]);
    expect(fixtureNames('navtalk-').filter((name) => !covered.has(name))).toEqual([]);
  });

  for (const c of cases) {
    it(`${c.name} (${c.direction})`, () => {
      expect(summarise(navTalkDialect.readFrame(fixtureFrame(c.name, c.direction)))).toEqual(c.expected);
    });
  }

  it('leaves the unprefixed OpenAI samples to the OpenAI reader', () => {
    for (const name of OPENAI_SHAPED) expect(navTalkDialect.readFrame(fixtureFrame(name, C2S))).toBeNull();
  });

  it('reads no call message sent the wrong way as a call, a result or tools', () => {
    for (const c of cases.filter((c) => !c.name.includes('audio'))) {
      const reading = navTalkDialect.readFrame(fixtureFrame(c.name, c.direction === C2S ? S2C : C2S))!;
      expect(reading.callStart ?? reading.callResult ?? reading.toolDefinitions).toBeUndefined();
      expect(reading.findings.map((f) => f.rule)).toEqual(['navtalk/unexpected-direction']);
    }
  });
});

describe('NavTalk beyond the fixtures', () => {
  const tools = [{ type: 'function', name: 'lookup_order', description: 'Look up an order by number', parameters: lookupOrder('config').parameters }];

  it('reads tools from realtime.input_config content', () => {
    expect(read({ type: 'realtime.input_config', data: { content: JSON.stringify({ voice: 'alloy', prompt: 'hi', tools }) } }, C2S)).toEqual(
      base('realtime.input_config', { toolDefinitions: [lookupOrder('navtalk')] }),
    );
    expect(read({ type: 'realtime.input_config', data: { content: JSON.stringify({ voice: 'alloy' }) } }, C2S)).toEqual(base('realtime.input_config'));
  });

  it('reports content that cannot be tools', () => {
    expect(read({ type: 'realtime.input_function_call', data: {} }, C2S)!.findings).toEqual(['error navtalk/missing-content data.content']);
    expect(read({ type: 'realtime.input_function_call', data: { content: '[{"type":' } }, C2S)!.findings).toEqual(['error navtalk/content-not-json data.content']);
    expect(read({ type: 'realtime.input_function_call', data: { content: JSON.stringify({ tools }) } }, C2S)!.findings).toEqual(['error navtalk/tools-not-a-list data.content']);
    expect(read({ type: 'realtime.input_function_call', data: { content: JSON.stringify([{ type: 'function', function: tools[0] }]) } }, C2S)).toEqual(
      base('realtime.input_function_call', { findings: ['error navtalk/nested-tool-shape data.content[0].function'] }),
    );
  });

  it('assembles the call from data and raw_data, data first', () => {
    expect(
      read({ type: 'realtime.response.function_call_arguments.done', data: { name: 'from_data' }, raw_data: { name: 'from_raw', call_id: 'call_r', arguments: '{}' } })!.callStart,
    ).toEqual({ callId: 'call_r', name: 'from_data', argsRaw: '{}', args: {} });
  });

  it('reports a call without id or name', () => {
    expect(read({ type: 'realtime.response.function_call_arguments.done', data: { arguments: '{}' } })).toEqual(
      base('realtime.response.function_call_arguments.done', {
        callStart: { callId: null, name: null, argsRaw: '{}', args: {} },
        findings: ['error navtalk/call-without-id data.call_id', 'warning navtalk/call-without-name data.function_name'],
      }),
    );
  });

  it('reads argument deltas from data or raw_data', () => {
    expect(read({ type: 'realtime.response.function_call_arguments.delta', data: { call_id: 'call_d', delta: '{"a' } })!.argsDelta).toEqual({ callId: 'call_d', delta: '{"a' });
    expect(read({ type: 'realtime.response.function_call_arguments.delta', data: {}, raw_data: { call_id: 'call_d', delta: '1}' } })!.argsDelta).toEqual({ callId: 'call_d', delta: '1}' });
  });

  it('reports outputs without output, and item ids used as call ids', () => {
    expect(read({ type: 'realtime.function_call_output', data: { call_id: 'call_a' } }, C2S)!.findings).toEqual(['error navtalk/output-missing data.output @call_a']);
    expect(read({ type: 'realtime.function_call_output', data: { call_id: 'item_1', output: 'ok' } }, C2S)).toEqual(
      base('realtime.function_call_output', {
        callResult: { callId: 'item_1', value: 'ok', raw: 'ok', isError: false },
        findings: ['error navtalk/item-id-as-call-id data.call_id @item_1'],
      }),
    );
  });

  it('reports connection failures with their reason', () => {
    const reading = navTalkDialect.readFrame(frameOf({ type: 'conversation.connected.gpu_full', message: 'All GPUs busy' }, S2C))!;
    expect(reading.findings.map((f) => [f.rule, f.severity])).toEqual([['navtalk/connection-failed', 'error']]);
    expect(reading.findings[0]!.message).toContain('All GPUs busy');
    expect(read({ type: 'conversation.connected.close', message: 'Session timeout' })!.findings).toEqual(['info navtalk/connection-closed']);
    expect(read({ type: 'conversation.connected.success', data: { sessionId: 's' } })).toEqual(base('conversation.connected.success'));
    expect(read({ type: 'realtime.error', data: { message: 'bad' } })!.findings).toEqual(['error navtalk/server-error']);
  });

  it('claims only NavTalk messages', () => {
    for (const json of [{ type: 'response.create' }, { type: 'conversation.item.create' }, { type: 'realtime.x', label: 'rtvi-ai' }, { type: 'client_tool_call' }, { data: {} }]) {
      expect(navTalkDialect.readFrame(frameOf(json, C2S))).toBeNull();
    }
    expect(read({ type: 'webrtc.signaling.offer', data: { sdp: 'v=0' } })).toEqual(base('webrtc.signaling.offer'));
  });
});
