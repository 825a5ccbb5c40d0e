/**
 * The ElevenLabs reader: every elevenlabs-client-* fixture read exactly (the server-tool fixture is a plain HTTP
 * request, not a socket frame), then what the fixtures leave out: audio, malformed calls, is_error types.
 */
import { describe, expect, it } from 'vitest';
import { elevenLabsDialect } from '../../../shared/analysis/realtime/elevenlabs.js';
import type { FixtureCase, Summary } from './realtime-fixtures.js';
import { C2S, S2C, fixtureFrame, fixtureNames, frameOf, summarise, haveFixtures, whenFixtures } from './realtime-fixtures.js';

const CALL = 'toolu_01HPT0VQ8F2QK2K0D2G4Z9QJ1A';

const read = (json: Record<string, unknown>, direction = C2S) => summarise(elevenLabsDialect.readFrame(frameOf(json, direction)));
const base = (messageType: string, extra: Partial<Summary> = {}): Summary => ({ protocol: 'elevenlabs', messageType, findings: [], ...extra });

const cases: FixtureCase[] = [
  {
    name: 'elevenlabs-client-tool-call.json',
    direction: S2C,
    expected: base('client_tool_call', { callStart: { callId: CALL, name: 'lookupOrder', argsRaw: '{"order_number":"A-20931"}', args: { order_number: 'A-20931' } } }),
  },
  {
    name: 'elevenlabs-client-tool-result-error.json',
    direction: C2S,
    expected: base('client_tool_result', { callResult: { callId: CALL, value: 'Order A-20931 not found', raw: 'Order A-20931 not found', isError: true } }),
  },
  { name: 'elevenlabs-client-tool-result-invalid-missing-tool-call-id.json', direction: C2S, expected: base('client_tool_result', { findings: ['error elevenlabs/missing-tool-call-id tool_call_id'] }) },
  {
    // Tolerated: the Python SDK sends dicts. The result still answers the call.
    name: 'elevenlabs-client-tool-result-invalid-object-result.json',
    direction: C2S,
    expected: base('client_tool_result', {
      callResult: { callId: CALL, value: { status: 'shipped' }, raw: '{"status":"shipped"}', isError: false },
      findings: [`warning elevenlabs/non-string-result result @${CALL}`],
    }),
  },
  {
    // The stray call_id names the call the developer meant, so the finding lands on it.
    name: 'elevenlabs-client-tool-result-invalid-openai-shape.json',
    direction: C2S,
    expected: base('client_tool_result', { findings: [`error elevenlabs/openai-shaped-result call_id @${CALL}`] }),
  },
  {
    name: 'elevenlabs-client-tool-result.json',
    direction: C2S,
    expected: base('client_tool_result', {
      callResult: { callId: CALL, value: { status: 'shipped', eta: '2025-03-14' }, raw: '{"status":"shipped","eta":"2025-03-14"}', isError: false },
    }),
  },
];

describe.skipIf(!haveFixtures)(whenFixtures('ElevenLabs fixtures'), () => {
  it('has a case for every elevenlabs client fixture', () => {
    const covered = new Set(cases.map((c) => c.name));
    expect(fixtureNames('elevenlabs-client-').filter((name) => !covered.has(name))).toEqual([]);
  });

  for (const c of cases) {
    it(`${c.name} (${c.direction})`, () => {
      expect(summarise(elevenLabsDialect.readFrame(fixtureFrame(c.name, c.direction)))).toEqual(c.expected);
    });
  }

  it('reads no fixture sent the wrong way as a call or a result', () => {
    for (const c of cases) {
      const reading = elevenLabsDialect.readFrame(fixtureFrame(c.name, c.direction === C2S ? S2C : C2S))!;
      expect(reading.callStart ?? reading.callResult).toBeUndefined();
      expect(reading.findings.map((f) => f.rule)).toEqual(['elevenlabs/unexpected-direction']);
    }
  });

  it('names the fields to rename in an OpenAI-shaped result', () => {
    const reading = elevenLabsDialect.readFrame(fixtureFrame('elevenlabs-client-tool-result-invalid-openai-shape.json', C2S))!;
    expect(reading.findings[0]!.message).toContain('call_id → tool_call_id');
    expect(reading.findings[0]!.message).toContain('output → result');
  });
});

describe('ElevenLabs beyond the fixtures', () => {
  it('marks user audio chunks (which have no type) and agent audio as audio', () => {
    expect(read({ user_audio_chunk: 'AAAA' })).toEqual(base('user_audio_chunk', { audio: true }));
    expect(read({ type: 'audio', audio_event: { audio_base_64: 'AAAA', event_id: 1 } }, S2C)).toEqual(base('audio', { audio: true }));
  });

  it('reads the other known messages as message types', () => {
    expect(read({ type: 'ping', ping_event: { event_id: 1, ping_ms: 50 } }, S2C)).toEqual(base('ping'));
    expect(read({ type: 'pong', event_id: 1 })).toEqual(base('pong'));
    expect(read({ type: 'contextual_update', text: 'x' }, S2C)).toEqual(base('contextual_update'));
  });

  it('reports calls the client cannot answer or dispatch', () => {
    expect(read({ type: 'client_tool_call', client_tool_call: { tool_name: 'f', parameters: {} } }, S2C)).toEqual(
      base('client_tool_call', { callStart: { callId: null, name: 'f', argsRaw: '{}', args: {} }, findings: ['warning elevenlabs/malformed-tool-call client_tool_call.tool_call_id'] }),
    );
    expect(read({ type: 'client_tool_call', client_tool_call: { tool_call_id: 't1', tool_name: 'f', parameters: { tool_call_id: 'x' } } }, S2C)!.findings).toEqual([
      'warning elevenlabs/parameter-named-tool-call-id client_tool_call.parameters.tool_call_id @t1',
    ]);
  });

  it('reports a missing result and an is_error that is not a boolean', () => {
    expect(read({ type: 'client_tool_result', tool_call_id: 't1', is_error: 'true' })).toEqual(
      base('client_tool_result', {
        callResult: { callId: 't1', value: undefined, raw: '', isError: false },
        findings: ['warning elevenlabs/missing-result result @t1', 'warning elevenlabs/is-error-not-boolean is_error @t1'],
      }),
    );
  });

  it('claims only ElevenLabs messages', () => {
    for (const json of [{ type: 'error' }, { type: 'session.update' }, { type: 'client_tool_call', label: 'rtvi-ai' }, { type: 'tool-calls' }, { user_audio_chunk: 5 }, {}]) {
      expect(elevenLabsDialect.readFrame(frameOf(json, C2S))).toBeNull();
    }
  });
});
