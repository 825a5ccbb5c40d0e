/** The result messages the inject composer starts from, and the checks a typed frame passes before it is sent. */
import { describe, expect, it } from 'vitest';
import type { FunctionCall } from '../../shared/analysis/model.js';
import { checkFrameText, composeResult, frameFormatOf, injectBlockedReason, needsResponseCreate } from '../../shared/inject/inject-compose.js';

function call(over: Partial<FunctionCall>): FunctionCall {
  return {
    key: 'c1/call_1',
    protocol: 'openai-realtime',
    name: 'get_weather',
    callId: 'call_1',
    args: { city: 'Oslo' },
    argsRaw: '{"city":"Oslo"}',
    source: { kind: 'connection', id: 'c1' },
    routeId: 'r1',
    startT: 0,
    startSeq: 1,
    endT: null,
    endSeq: null,
    result: undefined,
    resultRaw: null,
    latencyMs: null,
    status: 'pending',
    refs: [1],
    tool: null,
    ...over,
  };
}

describe('composeResult', () => {
  it('writes an OpenAI function_call_output with the call id and an empty output for an unanswered call', () => {
    const composed = composeResult(call({ status: 'unanswered' }));
    expect(composed?.message).toEqual({ type: 'conversation.item.create', item: { type: 'function_call_output', call_id: 'call_1', output: '' } });
    expect(needsResponseCreate('openai-realtime')).toBe(true);
    expect(needsResponseCreate('rtvi')).toBe(false);
  });

  it('starts from the captured result, kept as sent (templates are not rendered)', () => {
    const composed = composeResult(call({ result: '{"t":"{{args.city}}"}', resultRaw: 'x' }));
    expect((composed?.message.item as { output: string }).output).toBe('{"t":"{{args.city}}"}');
  });

  it('writes the RTVI and ElevenLabs result messages', () => {
    const rtvi = composeResult(call({ protocol: 'rtvi', result: { ok: true }, resultRaw: '{"ok":true}' }));
    expect(rtvi?.message).toMatchObject({ label: 'rtvi-ai', type: 'llm-function-call-result', data: { tool_call_id: 'call_1', function_name: 'get_weather', result: { ok: true } } });
    const eleven = composeResult(call({ protocol: 'elevenlabs' }));
    expect(eleven?.message).toEqual({ type: 'client_tool_result', tool_call_id: 'call_1', result: '', is_error: false });
  });

  it('has nothing for webhook calls', () => {
    expect(composeResult(call({ protocol: 'daily', source: { kind: 'exchange', id: 'x1' } }))).toBeNull();
  });
});

describe('checkFrameText', () => {
  it('refuses JSON that does not parse, with line and column', () => {
    const checked = checkFrameText('json', '{\n  "type": "x",\n}');
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(checked.message).toMatch(/^JSON syntax error at line 3, column 1/);
    expect(checked.offset).toBe(17);
  });

  it('sends JSON compact when asked, text as typed, and checks base64', () => {
    expect(checkFrameText('json', '{ "a": 1 }', { compact: true })).toEqual({ ok: true, opcode: 'text', data: '{"a":1}' });
    expect(checkFrameText('text', 'not json {')).toEqual({ ok: true, opcode: 'text', data: 'not json {' });
    expect(checkFrameText('binary', 'AAEC\n')).toEqual({ ok: true, opcode: 'binary', data: 'AAEC' });
    expect(checkFrameText('binary', 'no!').ok).toBe(false);
  });

  it('guesses the format of a captured frame', () => {
    expect(frameFormatOf('text', '{"type":"x"}')).toBe('json');
    expect(frameFormatOf('text', 'hello')).toBe('text');
    expect(frameFormatOf('binary', 'AAAA')).toBe('binary');
  });
});

describe('injectBlockedReason', () => {
  it('says why a connection cannot take a frame', () => {
    expect(injectBlockedReason({ state: 'open', close: null }, false)).toBeNull();
    expect(injectBlockedReason({ state: 'open', close: null }, true)).toMatch(/recorded session/);
    expect(injectBlockedReason({ state: 'closed', close: { by: 'client', code: 1000 } as never }, false)).toBe(
      'The connection is closed (by the client, code 1000): nothing can be sent on it.',
    );
  });
});
