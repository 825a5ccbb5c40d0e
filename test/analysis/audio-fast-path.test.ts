/**
 * The analyzer's audio fast path (shared/analysis/realtime/audio-frame-scan.ts) must record exactly what parsing
 * the frame in full records: the same frame type entry, audio counts, protocol, findings and calls. Every test
 * here folds the same frames twice, with the fast path and with `parseEveryFrame`, and compares whole states;
 * the scanner itself must never call a text audio that JSON.parse would refuse or read otherwise.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Analyzer, type AnalysisState } from '../../shared/analysis/analyzer.js';
import { AUDIO_FRAME_TYPES, scanAudioFrame } from '../../shared/analysis/realtime/audio-frame-scan.js';
import type { LogEvent } from '../../shared/events.js';
import { SyntheticLog } from '../../shared/import/synthetic-log.js';
import { emptyTrafficState, foldEvents } from '../../shared/store/traffic-state.js';
import { callDone as done, callOutput as output } from '../support/realtime-messages.js';
import { fixtureNames, fixtureText } from './realtime/realtime-fixtures.js';

type Direction = 'client-to-upstream' | 'upstream-to-client';
const DIRECTIONS: Direction[] = ['client-to-upstream', 'upstream-to-client'];

function session(frames: [Direction, string][]): LogEvent[] {
  const log = new SyntheticLog(1_000);
  log.append({ kind: 'ws.open', connectionId: 'w1', routeId: 'r1', url: '/v1/realtime', upstreamUrl: 'ws://x/v1/realtime', headers: [], requestedProtocols: [], protocol: '', remoteAddress: '127.0.0.1' });
  for (const [direction, data] of frames) {
    log.advance(7);
    log.append({ kind: 'ws.frame', connectionId: 'w1', direction, opcode: 'text', encoding: 'utf8', data, size: data.length * 2, truncated: false });
  }
  return log.events;
}

function analyse(events: LogEvent[], parseEveryFrame: boolean, batch = events.length): AnalysisState {
  const analyzer = new Analyzer({ parseEveryFrame });
  let traffic = emptyTrafficState();
  let analysis = analyzer.initialState();
  for (let i = 0; i < events.length; i += batch) {
    const slice = events.slice(i, i + batch);
    traffic = foldEvents(traffic, slice);
    analysis = analyzer.fold(analysis, slice, traffic);
  }
  return analysis;
}

/** Fast path and full parse give deep-equal states, frame types included (looked up frame by frame). */
function expectSameAnalysis(events: LogEvent[], batch?: number): AnalysisState {
  const fast = analyse(events, false, batch);
  const full = analyse(events, true, batch);
  expect(fast).toEqual(full);
  for (const e of events) expect(fast.frameTypes.get(e.seq)).toEqual(full.frameTypes.get(e.seq));
  return fast;
}

/** A small seeded source, so the whitespace and escapes of a case are reproducible from its seed. */
function random(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

const SPACES = ['', '', '', ' ', '\n', '\t', '\r\n  ', '  '];

/** JSON text with random (valid) whitespace between tokens, and keys or strings sometimes \u-escaped. */
function serialise(value: unknown, next: () => number): string {
  const ws = () => SPACES[Math.floor(next() * SPACES.length)]!;
  const str = (s: string) => {
    if (next() < 0.1 && s.length > 0) {
      const at = Math.floor(next() * s.length);
      return `"${JSON.stringify(s.slice(0, at)).slice(1, -1)}\\u${s.charCodeAt(at).toString(16).padStart(4, '0')}${JSON.stringify(s.slice(at + 1)).slice(1, -1)}"`;
    }
    return JSON.stringify(s);
  };
  if (typeof value === 'string') return str(value);
  if (Array.isArray(value)) return `[${ws()}${value.map((v) => `${serialise(v, next)}${ws()}`).join(`,${ws()}`)}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    return `{${ws()}${entries.map(([k, v]) => `${str(k)}${ws()}:${ws()}${serialise(v, next)}${ws()}`).join(`,${ws()}`)}}`;
  }
  return JSON.stringify(value);
}

const base64 = fc.stringMatching(/^[A-Za-z0-9+/]{0,64}={0,2}$/);
const audioType = fc.constantFrom(...AUDIO_FRAME_TYPES);
/** Types near the audio ones, and others, so the fast path is asked about frames it must leave alone. */
const otherType = fc.constantFrom('input_audio_buffer.commit', 'response.audio.done', 'response.output_audio.done', 'audio ', 'Audio', 'raw-audio', 'realtime.response.audio.done', 'user_audio_chunk', 'session.update', 'error', '');
const extraField = fc.tuple(
  fc.constantFrom('audio', 'delta', 'event_id', 'item_id', 'response_id', 'output_index', 'audio_event', 'data', 'raw_data', 'user_audio_chunk', 'label', 'type', 'id', 'content_index', 'x\u2028', '__proto__'),
  fc.oneof(base64, fc.json().map((j) => JSON.parse(j) as unknown), fc.constantFrom(null, 0, -1.5e3, true, {}, [])),
);

/** Audio-like frames: an audio type (or none, or another), extra fields, keys in any order, sometimes a second type. */
const audioFrame = fc
  .record({
    type: fc.oneof({ weight: 6, arbitrary: audioType }, { weight: 2, arbitrary: otherType }, { weight: 1, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom(null, 3, { x: 1 }) }),
    typePosition: fc.nat(),
    extras: fc.array(extraField, { maxLength: 5 }),
    seed: fc.integer({ min: 1 }),
    direction: fc.constantFrom(...DIRECTIONS),
  })
  .map(({ type, typePosition, extras, seed, direction }) => {
    const entries: [string, unknown][] = extras.map(([k, v]) => [k, v]);
    if (type !== undefined) entries.splice(typePosition % (entries.length + 1), 0, ['type', type]);
    // Duplicate keys are written out as they are: JSON.parse keeps the last.
    const next = random(seed);
    const ws = () => SPACES[Math.floor(next() * SPACES.length)]!;
    const body = entries.map(([k, v]) => `${next() < 0.05 ? serialise(k, next) : JSON.stringify(k)}${ws()}:${ws()}${serialise(v, next)}`).join(`${ws()},${ws()}`);
    return [direction, `${ws()}{${ws()}${body}${ws()}}${ws()}`] as [Direction, string];
  });

describe('audio fast path', () => {
  it('reads audio frames as parsing them in full does, whatever the key order, whitespace, duplicates and direction', () => {
    fc.assert(
      fc.property(fc.array(audioFrame, { minLength: 1, maxLength: 12 }), fc.integer({ min: 1, max: 5 }), (frames, batch) => {
        for (const [, text] of frames) expect(() => JSON.parse(text)).not.toThrow();
        expectSameAnalysis(session(frames), batch);
      }),
      { numRuns: 400, seed: 20250602 },
    );
  });

  it('takes the common audio frames of every dialect, and counts them as the full parse does', () => {
    const chunk = 'QUJD'.repeat(1024);
    const frames: [Direction, string][] = [
      ['client-to-upstream', JSON.stringify({ type: 'input_audio_buffer.append', audio: chunk })],
      ['client-to-upstream', JSON.stringify({ event_id: 'e1', audio: chunk, type: 'input_audio_buffer.append' })],
      ['upstream-to-client', JSON.stringify({ type: 'response.output_audio.delta', event_id: 'e2', response_id: 'r', item_id: 'i', output_index: 0, content_index: 0, delta: chunk })],
      ['upstream-to-client', `{ "delta" : "${chunk}",\n  "type" : "response.audio.delta" }\n`],
      ['client-to-upstream', JSON.stringify({ type: 'realtime.input_audio_buffer.append', data: { audio: chunk } })],
      ['upstream-to-client', JSON.stringify({ type: 'realtime.response.audio.delta', data: { delta: chunk }, raw_data: { type: 'response.audio.delta', delta: chunk } })],
      ['upstream-to-client', JSON.stringify({ audio_event: { audio_base_64: chunk, event_id: 3 }, type: 'audio' })],
      ['client-to-upstream', JSON.stringify({ user_audio_chunk: chunk })],
      // Audio sent the wrong way: a finding, so the full path takes these.
      ['upstream-to-client', JSON.stringify({ type: 'input_audio_buffer.append', audio: chunk })],
      ['client-to-upstream', JSON.stringify({ type: 'response.output_audio.delta', delta: chunk })],
      ['client-to-upstream', JSON.stringify({ type: 'audio', audio_event: {} })],
      // Not certainly audio: an RTVI envelope, a later type, a broken payload.
      ['upstream-to-client', JSON.stringify({ label: 'rtvi-ai', type: 'raw-audio', id: 'm1', data: { base64Audio: chunk } })],
      ['client-to-upstream', `{"type":"input_audio_buffer.append","audio":"${chunk}","type":"input_audio_buffer.commit"}`],
      ['client-to-upstream', `{"type":"input_audio_buffer.append","audio":"${chunk}`],
      ['client-to-upstream', `{"type":"input_audio_buffer.append","audio":"${chunk}\u0001"}`],
      ['client-to-upstream', `{"type":"input_audio_buffer.append","audio":"${chunk}"} x`],
      ...fixtureNames('openai-rt-input-audio-buffer-append', 'navtalk-input-audio-buffer-append').map((name): [Direction, string] => ['client-to-upstream', fixtureText(name)]),
    ];
    // The first eight are the fast path's; the rest it leaves to the full parse only when it must.
    frames.slice(0, 8).forEach(([, text]) => expect(scanAudioFrame(text)).not.toBeNull());
    frames.slice(11, 16).forEach(([, text]) => expect(scanAudioFrame(text)).toBeNull());
    const state = expectSameAnalysis(session(frames));
    expect(state.connections.get('w1')!.audioFrames).toBeGreaterThanOrEqual(8);
    // And one frame at a time, as live.
    expectSameAnalysis(session(frames), 1);
  });

  it('keeps calls, results and the unanswered clock identical around audio', () => {
    const chunk = JSON.stringify({ type: 'input_audio_buffer.append', audio: 'AAAA' });
    const frames: [Direction, string][] = [
      ['upstream-to-client', JSON.stringify(done('call_1', 'get_weather', '{}'))],
      ...Array.from({ length: 20 }, (): [Direction, string] => ['client-to-upstream', chunk]),
      ['client-to-upstream', JSON.stringify(output('call_1', 'ok'))],
    ];
    expectSameAnalysis(session(frames));
    expectSameAnalysis(session(frames), 3);
  });

  it('never calls a text audio unless JSON.parse reads it as that audio frame (random edits of audio frames)', () => {
    const valid = fc.tuple(audioFrame, fc.array(fc.tuple(fc.nat(), fc.nat(), fc.constantFrom('"', '\\', '{', '}', '[', ']', ',', ':', ' ', '\u0000', '\n', 'x', '0', '-', 'e', '.', 'u', 'label', '"type"', 'null', '')), { maxLength: 3 }));
    fc.assert(
      fc.property(fc.oneof(valid.map(([[, text], edits]) => {
        let out = text;
        for (const [at, cut, insert] of edits) {
          const i = at % (out.length + 1);
          out = out.slice(0, i) + insert + out.slice(i + (cut % 3));
        }
        return out;
      }), fc.string(), fc.json()), (text) => {
        const keys = scanAudioFrame(text);
        if (!keys) return;
        const value = JSON.parse(text) as Record<string, unknown>;
        expect(value !== null && typeof value === 'object' && !Array.isArray(value)).toBe(true);
        expect(Object.hasOwn(value, 'label')).toBe(false);
        if (keys.type === null) {
          expect(Object.hasOwn(value, 'type')).toBe(false);
          expect(typeof value.user_audio_chunk).toBe('string');
        } else {
          expect(value.type).toBe(keys.type);
          expect(AUDIO_FRAME_TYPES.has(keys.type)).toBe(true);
        }
      }),
      { numRuns: 3000, seed: 7 },
    );
  });
});
