/**
 * The pure helpers of the details pane's views: byte ranges of findings marked in raw text (UTF-8 offsets to
 * characters), SSE finding offsets made relative to their event, and the Frames tab's filter.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Analyzer } from '../../shared/analysis/analyzer.js';
import type { EventOf } from '../../shared/events.js';
import { appendExchange, SyntheticLog } from '../../shared/import/synthetic-log.js';
import { emptyTrafficState, foldEvents } from '../../shared/store/traffic-state.js';
import { utf8ByteLength } from '../../shared/text-bytes.js';
import { charIndexAtByte, markSegments } from '../../renderer/src/ui/detail/byte-marks.js';
import { filterFrames, frameTypeName } from '../../renderer/src/ui/detail/frame-filter.js';
import { sseMarks } from '../../renderer/src/ui/detail/event-findings.js';

describe('charIndexAtByte', () => {
  it('maps UTF-8 byte offsets to character indexes', () => {
    const text = 'aé€😀b'; // 1 + 2 + 3 + 4 + 1 bytes; the emoji is two UTF-16 units
    expect([0, 1, 3, 6, 10, 11].map((b) => charIndexAtByte(text, b))).toEqual([0, 1, 2, 3, 5, 6]);
    expect(charIndexAtByte(text, 2)).toBe(1); // inside é: its start
    expect(charIndexAtByte(text, 99)).toBe(text.length);
    expect(charIndexAtByte(text, -3)).toBe(0);
  });

  it('agrees with utf8ByteLength on every prefix', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.nat(40), (text, cut) => {
        const prefix = [...text].slice(0, cut).join('');
        expect(charIndexAtByte(text, utf8ByteLength(prefix))).toBe(prefix.length);
      }),
    );
  });
});

describe('markSegments', () => {
  it('cuts the text at the edges of the ranges and keeps every character once', () => {
    const segments = markSegments('data: {not json\n\n', [{ byteStart: 6, byteLength: 9 }]);
    expect(segments).toEqual([
      { text: 'data: ', marks: [] },
      { text: '{not json', marks: [0] },
      { text: '\n\n', marks: [] },
    ]);
  });

  it('handles overlaps, points, ranges past the end and multi-byte text', () => {
    const text = 'é1234';
    const segments = markSegments(text, [
      { byteStart: 2, byteLength: 2 },
      { byteStart: 3, byteLength: 100 },
      { byteStart: 0, byteLength: 0 },
    ]);
    expect(segments).toEqual([
      { text: '', marks: [2] },
      { text: 'é', marks: [] },
      { text: '1', marks: [0] },
      { text: '2', marks: [0, 1] },
      { text: '34', marks: [1] },
    ]);
    expect(segments.map((s) => s.text).join('')).toBe(text);
  });

  it('never loses or duplicates text', () => {
    fc.assert(
      fc.property(fc.string(), fc.array(fc.record({ byteStart: fc.integer({ min: -5, max: 60 }), byteLength: fc.integer({ min: 0, max: 60 }) }), { maxLength: 5 }), (text, ranges) => {
        expect(markSegments(text, ranges).map((s) => s.text).join('')).toBe(text);
      }),
    );
  });
});

describe('sseMarks', () => {
  it('places a finding of the analysis on the bytes of its event', () => {
    const body = 'event: action\ndata: {"a":"héllo"}\n\nevent: action\ndata: {not json\n\ndata:close\n\n';
    const log = new SyntheticLog(0);
    appendExchange(log, {
      exchangeId: 'x',
      method: 'POST',
      url: '/',
      requestHeaders: [['content-type', 'application/json']],
      requestBody: JSON.stringify({ function_name: 'f', tool_call_id: 'c', arguments: {} }),
      status: 200,
      responseHeaders: [['content-type', 'text/event-stream']],
      responseBody: body,
    });
    const traffic = foldEvents(emptyTrafficState(), log.events);
    const analysis = new Analyzer().fold(new Analyzer().initialState(), log.events, traffic);
    const event = traffic.exchanges.get('x')!.sse[1]!;
    const finding = analysis.exchanges.get('x')!.findings.find((f) => f.rule === 'sse/invalid-json-data')!;
    expect(finding.ref.seq).toBe(event.seq);
    const marks = sseMarks(event, [finding]);
    const marked = markSegments(event.raw, marks).filter((s) => s.marks.length > 0).map((s) => s.text);
    expect(marked).toEqual(['data: {not json']); // the linter points at the data line
  });
});

describe('filterFrames', () => {
  const frame = (seq: number, data: string, opcode: 'text' | 'binary' = 'text'): EventOf<'ws.frame'> => ({
    kind: 'ws.frame',
    seq,
    t: seq,
    connectionId: 'w',
    direction: seq % 2 ? 'client-to-upstream' : 'upstream-to-client',
    opcode,
    encoding: opcode === 'text' ? 'utf8' : 'base64',
    data,
    size: data.length,
    truncated: false,
  });
  const frames = [
    frame(1, '{"type":"session.update"}'),
    frame(2, '{"type":"input_audio_buffer.append","audio":"AAAA"}'),
    frame(3, 'AAEC', 'binary'),
    frame(4, '{"type":"response.function_call_arguments.done","name":"get_weather"}'),
  ];
  const types = new Map([[2, { protocol: 'openai-realtime' as const, messageType: 'input_audio_buffer.append', audio: true }]]);

  it('hides audio (marked by the analysis, or binary) and filters by type, direction and data', () => {
    expect(filterFrames(null, frames, types, { hideAudio: false, needle: '' }).indexes).toEqual([0, 1, 2, 3]);
    expect(filterFrames(null, frames, types, { hideAudio: true, needle: '' }).indexes).toEqual([0, 3]);
    expect(filterFrames(null, frames, types, { hideAudio: false, needle: 'weather' }).indexes).toEqual([3]);
    expect(filterFrames(null, frames, types, { hideAudio: false, needle: 'to upstream' }).indexes).toEqual([0, 2]);
    expect(filterFrames(null, frames, types, { hideAudio: false, needle: 'binary' }).indexes).toEqual([2]);
    expect(frameTypeName(frames[3]!, types)).toBe('response.function_call_arguments.done');
  });

  it('continues from the previous pass when frames were appended, and starts over when the options change', () => {
    const first = filterFrames(null, frames.slice(0, 2), types, { hideAudio: true, needle: '' });
    expect(filterFrames(first, first.frames, types, { hideAudio: true, needle: '' })).toBe(first);
    const grown = filterFrames(first, frames, types, { hideAudio: true, needle: '' });
    expect(grown.indexes).toEqual([0, 3]);
    expect(filterFrames(grown, frames, types, { hideAudio: false, needle: '' }).indexes).toEqual([0, 1, 2, 3]);
    // A different list (another connection) is filtered from the start.
    expect(filterFrames(grown, [frames[3]!], types, { hideAudio: true, needle: '' }).indexes).toEqual([0]);
  });
});
