/**
 * The OpenAI Realtime reader: every openai-rt-* fixture (and NavTalk's unprefixed OpenAI samples) read exactly,
 * then the cases the fixtures leave out: several calls in one response.done, echoes, server errors, GA vs beta
 * sessions, client events sent the wrong way.
 */
import { describe, expect, it } from 'vitest';
import { openAiRealtimeDialect, readOpenAiRealtimeFrameAll } from '../../../shared/analysis/realtime/openai-realtime.js';
import type { FixtureCase, Summary } from './realtime-fixtures.js';
import { C2S, S2C, SEQ, fixtureFrame, fixtureNames, frameOf, lookupOrder, summarise, haveFixtures, whenFixtures } from './realtime-fixtures.js';

const CALL = 'call_Js0w3d5Ad8ZFmaKc';
const ARGS_RAW = '{"order_number":"A-20931"}';
const ARGS = { order_number: 'A-20931' };
const OUTPUT_RAW = '{"status":"shipped","eta":"2025-03-14"}';

const read = (json: Record<string, unknown>, direction = S2C) => summarise(openAiRealtimeDialect.readFrame(frameOf(json, direction)));
const base = (messageType: string, extra: Partial<Summary> = {}): Summary => ({ protocol: 'openai-realtime', messageType, findings: [], ...extra });

const cases: FixtureCase[] = [
  {
    name: 'openai-rt-beta-function-call-arguments-done.json',
    direction: S2C,
    expected: base('response.function_call_arguments.done', { callStart: { callId: CALL, name: null, argsRaw: ARGS_RAW, args: ARGS } }),
  },
  { name: 'openai-rt-beta-session-update-tools.json', direction: C2S, expected: base('session.update', { toolDefinitions: [lookupOrder('openai-realtime')] }) },
  {
    name: 'openai-rt-function-call-arguments-delta.json',
    direction: S2C,
    expected: base('response.function_call_arguments.delta', { argsDelta: { callId: CALL, delta: '{"order_num' } }),
  },
  {
    name: 'openai-rt-function-call-output-invalid-item-id-as-call-id.json',
    direction: C2S,
    expected: base('conversation.item.create', {
      callResult: { callId: 'item_CqUqF9UiXWQanOTyb1Qo8', value: { status: 'shipped' }, raw: '{"status":"shipped"}', isError: false },
      findings: ['error openai-rt/item-id-as-call-id item.call_id @item_CqUqF9UiXWQanOTyb1Qo8'],
    }),
  },
  {
    name: 'openai-rt-function-call-output-invalid-object-output.json',
    direction: C2S,
    expected: base('conversation.item.create', { findings: [`error openai-rt/object-output item.output @${CALL}`] }),
  },
  {
    name: 'openai-rt-function-call-output.json',
    direction: C2S,
    expected: base('conversation.item.create', { callResult: { callId: CALL, value: { status: 'shipped', eta: '2025-03-14' }, raw: OUTPUT_RAW, isError: false } }),
  },
  {
    name: 'openai-rt-ga-function-call-arguments-done.json',
    direction: S2C,
    expected: base('response.function_call_arguments.done', { callStart: { callId: CALL, name: 'lookup_order', argsRaw: ARGS_RAW, args: ARGS } }),
  },
  {
    // Without GA-only fields the update could be beta, where it is valid: the error says so and the tools are kept.
    name: 'openai-rt-ga-session-update-invalid-missing-type.json',
    direction: C2S,
    expected: base('session.update', { toolDefinitions: [lookupOrder('openai-realtime')], findings: ['error openai-rt/session-type-missing session.type'] }),
  },
  { name: 'openai-rt-ga-session-update-tools.json', direction: C2S, expected: base('session.update', { toolDefinitions: [lookupOrder('openai-realtime')] }) },
  { name: 'openai-rt-input-audio-buffer-append.json', direction: C2S, expected: base('input_audio_buffer.append', { audio: true }) },
  { name: 'openai-rt-response-create.json', direction: C2S, expected: base('response.create') },
  {
    name: 'openai-rt-response-done-function-call.json',
    direction: S2C,
    expected: base('response.done', { callStart: { callId: CALL, name: 'lookup_order', argsRaw: ARGS_RAW, args: ARGS } }),
  },
  {
    name: 'openai-rt-response-output-item-done-function-call.json',
    direction: S2C,
    expected: base('response.output_item.done', { callStart: { callId: CALL, name: 'lookup_order', argsRaw: ARGS_RAW, args: ARGS } }),
  },
  {
    name: 'openai-rt-session-update-invalid-chat-completions-tool-shape.json',
    direction: C2S,
    expected: base('session.update', { findings: ['error openai-rt/nested-tool-shape session.tools[0].function'] }),
  },
  // What NavTalk's official samples send: plain OpenAI events, read by this reader.
  {
    name: 'navtalk-conversation-item-create-function-call-output.json',
    direction: C2S,
    expected: base('conversation.item.create', { callResult: { callId: CALL, value: { status: 'shipped', eta: '2025-03-14' }, raw: OUTPUT_RAW, isError: false } }),
  },
  { name: 'navtalk-response-create.json', direction: C2S, expected: base('response.create') },
];

describe.skipIf(!haveFixtures)(whenFixtures('OpenAI Realtime fixtures'), () => {
  it('has a case for every openai-rt fixture', () => {
    const covered = new Set(cases.map((c) => c.name));
    expect(fixtureNames('openai-rt-').filter((name) => !covered.has(name))).toEqual([]);
  });

  for (const c of cases) {
    it(`${c.name} (${c.direction})`, () => {
      expect(summarise(openAiRealtimeDialect.readFrame(fixtureFrame(c.name, c.direction)))).toEqual(c.expected);
    });
  }

  it('reads no fixture sent the wrong way as a call, a result or tools', () => {
    for (const c of cases) {
      const reading = openAiRealtimeDialect.readFrame(fixtureFrame(c.name, c.direction === C2S ? S2C : C2S))!;
      expect(reading.callStart ?? reading.callResult ?? reading.toolDefinitions ?? reading.argsDelta).toBeUndefined();
      expect(reading.findings.map((f) => f.rule)).toEqual([c.direction === C2S ? 'openai-rt/unexpected-direction' : 'openai-rt/not-a-client-event']);
    }
  });
});

describe('OpenAI Realtime beyond the fixtures', () => {
  const item = (callId: string, name: string, args: string, status = 'completed') => ({ type: 'function_call', id: `item_${callId}`, status, call_id: callId, name, arguments: args });

  it('announces every function_call of a response.done, and keeps the first in the contract reading', () => {
    const json = { type: 'response.done', response: { status: 'completed', output: [item('call_a', 'a', '{}'), { type: 'message' }, item('call_b', 'b', '{"x":1}')] } };
    expect(readOpenAiRealtimeFrameAll(frameOf(json, S2C))!.callStarts).toEqual([
      { callId: 'call_a', name: 'a', argsRaw: '{}', args: {} },
      { callId: 'call_b', name: 'b', argsRaw: '{"x":1}', args: { x: 1 } },
    ]);
    expect(read(json)!.callStart).toEqual({ callId: 'call_a', name: 'a', argsRaw: '{}', args: {} });
  });

  it('names an in-progress call from output_item.added without arguments', () => {
    expect(read({ type: 'response.output_item.added', item: item('call_a', 'lookup_order', '', 'in_progress') })).toEqual(
      base('response.output_item.added', { callStart: { callId: 'call_a', name: 'lookup_order' } }),
    );
  });

  it('reports arguments that are not JSON through argsError, and double-encoded arguments as a warning', () => {
    expect(read({ type: 'response.function_call_arguments.done', call_id: 'call_a', name: 'f', arguments: '{"a":' })!.callStart).toMatchObject({
      callId: 'call_a',
      argsRaw: '{"a":',
      argsError: expect.any(String),
    });
    const twice = read({ type: 'response.function_call_arguments.done', call_id: 'call_a', name: 'f', arguments: JSON.stringify(JSON.stringify({ a: 1 })) })!;
    expect(twice.callStart!.args).toBe('{"a":1}');
    expect(twice.findings).toEqual(['warning openai-rt/arguments-not-object arguments @call_a']);
    expect(openAiRealtimeDialect.readFrame(frameOf({ type: 'response.function_call_arguments.done', call_id: 'c', arguments: '"{\\"a\\":1}"' }, S2C))!.findings[0]!.message).toContain('encoded twice');
  });

  it('reads tools echoed by session.created and session.updated without findings', () => {
    const tool = { type: 'function', name: 'lookup_order', description: 'Look up an order by number', parameters: lookupOrder('config').parameters };
    for (const type of ['session.created', 'session.updated']) {
      expect(read({ type, session: { type: 'realtime', tools: [tool, { type: 'mcp', server_label: 'x' }, { function: {} }] } })).toEqual(
        base(type, { toolDefinitions: [lookupOrder('openai-realtime')] }),
      );
    }
  });

  it('drops the tools of an update it knows is refused', () => {
    const tools = [{ type: 'function', name: 'f', parameters: {} }];
    expect(read({ type: 'session.update', session: { audio: { output: { voice: 'marin' } }, tools } }, C2S)).toEqual(base('session.update', { findings: ['error openai-rt/session-type-missing session.type'] }));
    expect(read({ type: 'session.update', session: { type: 'chat', tools } }, C2S)).toEqual(base('session.update', { findings: ['error openai-rt/session-type-unknown session.type'] }));
    expect(read({ type: 'session.update', session: { type: 'realtime', tools: [...tools, { type: 'function', description: 'no name' }] } }, C2S)).toEqual(
      base('session.update', { findings: ['error openai-rt/tool-without-name session.tools[1].name'] }),
    );
    expect(read({ type: 'session.update', session: { type: 'realtime', tools: { f: {} } } }, C2S)!.findings).toEqual(['error openai-rt/tools-not-a-list session.tools']);
    expect(read({ type: 'session.update', session: 'realtime' }, C2S)!.findings).toEqual(['error openai-rt/invalid-session-update session']);
  });

  it('accepts a beta session without a type', () => {
    expect(read({ type: 'session.update', session: { voice: 'alloy', tools: [] } }, C2S)).toEqual(base('session.update', { toolDefinitions: [] }));
  });

  it('reports the server error message and the client event it refers to', () => {
    const reading = openAiRealtimeDialect.readFrame(
      frameOf({ type: 'error', event_id: 'e1', error: { type: 'invalid_request_error', code: 'invalid_value', message: "Invalid type for 'item.output'", param: 'item.output', event_id: 'evt_9' } }, S2C),
    )!;
    expect(reading.findings.map((f) => [f.rule, f.severity])).toEqual([['openai-rt/server-error', 'error']]);
    expect(reading.findings[0]!.message).toContain("Invalid type for 'item.output'");
    expect(reading.findings[0]!.message).toContain('evt_9');
    expect(reading.findings[0]!.seq).toBe(SEQ);
  });

  it('reports a failed response', () => {
    const reading = read({ type: 'response.done', response: { status: 'failed', status_details: { type: 'failed', error: { type: 'server_error', message: 'boom' } }, output: [] } })!;
    expect(reading.findings).toEqual(['error openai-rt/response-failed response.status_details']);
  });

  it('reports a function_call_output without call_id or output, and does not count it as a result', () => {
    expect(read({ type: 'conversation.item.create', item: { type: 'function_call_output', output: 'ok' } }, C2S)).toEqual(
      base('conversation.item.create', { findings: ['error openai-rt/output-missing-call-id item.call_id'] }),
    );
    expect(read({ type: 'conversation.item.create', item: { type: 'function_call_output', call_id: 'call_a' } }, C2S)).toEqual(
      base('conversation.item.create', { findings: ['error openai-rt/output-missing item.output @call_a'] }),
    );
    expect(read({ type: 'conversation.item.create', item: { type: 'function_call_output', call_id: 'call_a', output: 42 } }, C2S)!.findings).toEqual(['error openai-rt/object-output item.output @call_a']);
    expect(read({ type: 'conversation.item.create' }, C2S)!.findings).toEqual(['error openai-rt/invalid-item item']);
  });

  it('keeps a plain-text output as text and reads a client-created function_call as a call', () => {
    expect(read({ type: 'conversation.item.create', item: { type: 'function_call_output', call_id: 'call_a', output: 'sunny, 19C' } }, C2S)!.callResult).toEqual({
      callId: 'call_a',
      value: 'sunny, 19C',
      raw: 'sunny, 19C',
      isError: false,
    });
    expect(read({ type: 'conversation.item.create', item: { type: 'function_call', call_id: 'call_h', name: 'f', arguments: '{}' } }, C2S)!.callStart).toEqual({
      callId: 'call_h',
      name: 'f',
      argsRaw: '{}',
      args: {},
    });
  });

  it('flags server events a client sends, and suggests the client event it meant', () => {
    const typo = openAiRealtimeDialect.readFrame(frameOf({ type: 'session.updated', session: { type: 'realtime' } }, C2S))!;
    expect(typo.findings.map((f) => [f.rule, f.severity])).toEqual([['openai-rt/not-a-client-event', 'error']]);
    expect(typo.findings[0]!.message).toContain('Did you mean session.update?');
    expect(read({ type: 'response.something_new' }, C2S)!.findings).toEqual(['warning openai-rt/not-a-client-event type']);
  });

  it('marks every audio event as audio', () => {
    expect(read({ type: 'response.audio.delta', delta: 'AAAA' })).toEqual(base('response.audio.delta', { audio: true }));
    expect(read({ type: 'response.output_audio.delta', delta: 'AAAA' })).toEqual(base('response.output_audio.delta', { audio: true }));
  });

  it('reports server events that lack the fields OpenAI always sends', () => {
    expect(read({ type: 'response.function_call_arguments.delta', delta: 'x' })!.findings).toEqual(['warning openai-rt/malformed-server-event call_id']);
    expect(read({ type: 'response.function_call_arguments.done', call_id: 'call_a', arguments: { a: 1 } })).toEqual(
      base('response.function_call_arguments.done', {
        callStart: { callId: 'call_a', name: null, argsRaw: '{"a":1}', args: { a: 1 } },
        findings: ['warning openai-rt/malformed-server-event arguments'],
      }),
    );
  });

  it('claims only OpenAI event names', () => {
    for (const json of [
      { type: 'realtime.response.done' },
      { type: 'conversation.connected.success' },
      { type: 'session.update', label: 'rtvi-ai' },
      { type: 'error', message: 'not OpenAI-shaped' },
      { type: 'client_tool_call' },
      { type: 'llm-function-call' },
      { session: {} },
    ]) {
      expect(openAiRealtimeDialect.readFrame(frameOf(json, S2C))).toBeNull();
    }
  });
});
