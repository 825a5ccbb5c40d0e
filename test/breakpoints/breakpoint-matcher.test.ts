/**
 * The breakpoint matcher on its own: which rule holds a webhook request, its response, or a frame, with the
 * protocol fixtures as the items (Daily and Vapi webhooks; OpenAI Realtime, RTVI and ElevenLabs frames).
 */
import { describe, expect, it } from 'vitest';
import { breakpointRulesSchema, type BreakpointRule, type BreakpointRuleInput } from '../../shared/breakpoints/breakpoint-rule.js';
import {
  FrameCallMemory,
  frameNeeds,
  matchFrameBreakpoint,
  matchWebhookBreakpoint,
  mayHoldWebhook,
  readFrameFacts,
} from '../../shared/breakpoints/breakpoint-matcher.js';
import { readWebhookFacts } from '../../shared/mocks/mock-matcher.js';
import { webhookDialects } from '../../shared/analysis/webhooks/webhook-dialects.js';
import { realtimeDialects } from '../../shared/analysis/realtime/realtime-dialects.js';
import type { WsDirection } from '../../shared/events.js';
import { fixtureText, haveFixtures, whenFixtures } from '../support/protocol-fixtures.js';

const rules = (input: BreakpointRuleInput[]): BreakpointRule[] => breakpointRulesSchema.parse(input);
const dialects = webhookDialects();
const rtDialects = realtimeDialects();

function webhook(body: string, path = '/tools', routeId = 'r1') {
  return readWebhookFacts({ routeId, method: 'POST', url: path, headers: [['content-type', 'application/json']] }, body, dialects);
}

function frame(text: string | null, direction: WsDirection, list: BreakpointRule[], memory = new FrameCallMemory()) {
  return readFrameFacts({ routeId: 'r1', method: 'GET', url: '/v1/realtime', headers: [] }, direction, text, frameNeeds(list), () => rtDialects, memory);
}

describe.skipIf(!haveFixtures)(whenFixtures('breakpoint matcher'), () => {
  it('holds a Daily webhook call by function name, and not another function', () => {
    const list = rules([{ id: 'b1', stage: 'request', match: { functionName: 'lookup_order' } }]);
    const facts = webhook(fixtureText('daily-webhook-request.json'));
    expect(matchWebhookBreakpoint(list, 'request', facts)).toMatchObject({ rule: { id: 'b1' }, call: { functionName: 'lookup_order', callId: 'call_8xQm2TzL0aVnB4kR7cWd1Yp3' } });
    expect(matchWebhookBreakpoint(list, 'response', facts)).toBeNull();
    const other = rules([{ id: 'b2', stage: 'request', match: { functionName: 'get_weather' } }]);
    expect(matchWebhookBreakpoint(other, 'request', facts)).toBeNull();
  });

  it('reads the function name whatever the dialect (Vapi tool-calls) and matches arguments, path and route', () => {
    const facts = webhook(fixtureText('vapi-tool-calls-request.json'), '/vapi/webhook');
    const list = rules([
      { id: 'wrong-route', stage: 'response', match: { functionName: 'lookup_order', routeId: 'r2' } },
      { id: 'wrong-path', stage: 'response', match: { path: '/tools/*' } },
      { id: 'args', stage: 'response', match: { functionName: 'lookup_order', args: { path: 'order_number', equals: 'A-20931' }, path: '/vapi/*' } },
    ]);
    expect(matchWebhookBreakpoint(list, 'response', facts)?.rule.id).toBe('args');
    expect(mayHoldWebhook(list[0]!, 'response', 'r1')).toBe(false);
  });

  it('skips disabled rules, frame rules and rules with a frame type for HTTP; an empty matcher holds everything', () => {
    const facts = webhook(fixtureText('daily-webhook-request.json'));
    const list = rules([
      { id: 'off', enabled: false, stage: 'request' },
      { id: 'frame', stage: 'frame' },
      { id: 'typed', stage: 'request', match: { frameType: 'x' } },
      { id: 'all', stage: 'request' },
    ]);
    expect(matchWebhookBreakpoint(list, 'request', facts)?.rule.id).toBe('all');
    expect(matchWebhookBreakpoint(list, 'request', webhook('not json'))).toMatchObject({ rule: { id: 'all' }, call: null });
  });

  it('matches any frame by its JSON type, either way unless the rule names a direction', () => {
    const list = rules([{ id: 't', stage: 'frame', direction: 'upstream-to-client', match: { frameType: 'response.function_call_arguments.done' } }]);
    const done = fixtureText('openai-rt-ga-function-call-arguments-done.json');
    expect(matchFrameBreakpoint(list, frame(done, 'upstream-to-client', list))?.rule.id).toBe('t');
    expect(matchFrameBreakpoint(list, frame(done, 'client-to-upstream', list))).toBeNull();
    const audio = rules([{ id: 'a', stage: 'frame', match: { frameType: 'input_audio_buffer.append' } }]);
    expect(matchFrameBreakpoint(audio, frame(fixtureText('openai-rt-input-audio-buffer-append.json'), 'client-to-upstream', audio))?.rule.id).toBe('a');
    expect(matchFrameBreakpoint(audio, frame(done, 'upstream-to-client', audio))).toBeNull();
  });

  it('matches a function name on the call frame and on the client result that answers it (name remembered from the call)', () => {
    const list = rules([{ id: 'f', stage: 'frame', match: { functionName: 'lookup_order' } }]);
    const memory = new FrameCallMemory();
    const call = frame(fixtureText('openai-rt-ga-function-call-arguments-done.json'), 'upstream-to-client', list, memory);
    expect(matchFrameBreakpoint(list, call)).toMatchObject({ rule: { id: 'f' }, call: { callId: 'call_Js0w3d5Ad8ZFmaKc', functionName: 'lookup_order' } });
    const result = frame(fixtureText('openai-rt-function-call-output.json'), 'client-to-upstream', list, memory);
    expect(matchFrameBreakpoint(list, result)).toMatchObject({ rule: { id: 'f' }, call: { callId: 'call_Js0w3d5Ad8ZFmaKc', functionName: 'lookup_order' } });
    // Without the call seen first, the output names no function.
    expect(matchFrameBreakpoint(list, frame(fixtureText('openai-rt-function-call-output.json'), 'client-to-upstream', list))).toBeNull();
  });

  it('reads RTVI and ElevenLabs calls, and argument conditions on frames', () => {
    const weather = rules([{ id: 'w', stage: 'frame', match: { functionName: 'get_weather', args: { path: 'location', equals: 'Lisbon' } } }]);
    expect(matchFrameBreakpoint(weather, frame(fixtureText('rtvi-v2-llm-function-call-in-progress-full.json'), 'upstream-to-client', weather))?.rule.id).toBe('w');
    const lookup = rules([{ id: 'e', stage: 'frame', match: { functionName: 'lookupOrder' } }]);
    const memory = new FrameCallMemory();
    expect(matchFrameBreakpoint(lookup, frame(fixtureText('elevenlabs-client-tool-call.json'), 'upstream-to-client', lookup, memory))?.rule.id).toBe('e');
    expect(matchFrameBreakpoint(lookup, frame(fixtureText('elevenlabs-client-tool-result.json'), 'client-to-upstream', lookup, memory))?.rule.id).toBe('e');
  });

  it('a binary or non-JSON frame matches only a rule without frame type or call fields', () => {
    const list = rules([
      { id: 'typed', stage: 'frame', match: { frameType: 'x' } },
      { id: 'named', stage: 'frame', match: { functionName: 'x' } },
      { id: 'any', stage: 'frame', match: { path: '/v1/*' } },
    ]);
    expect(matchFrameBreakpoint(list, frame(null, 'client-to-upstream', list))?.rule.id).toBe('any');
    expect(matchFrameBreakpoint(list, frame('not json', 'client-to-upstream', list))?.rule.id).toBe('any');
    expect(matchFrameBreakpoint(rules([{ id: 'p', stage: 'frame', match: { path: '/other' } }]), frame('{}', 'client-to-upstream', list))).toBeNull();
  });

  it('reads nothing of a frame when no rule needs it (no JSON parse for a path-only rule)', () => {
    const list = rules([{ id: 'any', stage: 'frame' }]);
    expect(frameNeeds(list)).toEqual({ frameType: false, call: false });
    const facts = frame(fixtureText('openai-rt-ga-function-call-arguments-done.json'), 'upstream-to-client', list);
    expect(facts).toMatchObject({ frameType: null, call: null, json: false });
  });

  it('remembers a bounded number of calls', () => {
    const memory = new FrameCallMemory(2);
    memory.remember('a', 'one', undefined);
    memory.remember('b', 'two', undefined);
    memory.remember('c', 'three', undefined);
    expect(memory.get('a')).toBeUndefined();
    expect(memory.get('c')?.name).toBe('three');
  });
});
