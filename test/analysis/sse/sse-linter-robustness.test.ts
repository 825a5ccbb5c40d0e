/**
 * The SSE linter on bad input: binary garbage, 10 MiB bodies, 10,000-level JSON, wrong types in every field, and
 * random streams (fast-check). It never throws, is deterministic, gives the same answer however the body was
 * chunked, and every byte range it reports lies inside the body.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SseEventInput } from '../../../shared/analysis/model.js';
import { lintSseStream, type SseLintInput } from '../../../shared/analysis/sse/sse-linter.js';
import { scanSseBlock } from '../../../shared/analysis/sse/sse-block-scan.js';
import { streamInput } from './sse-stream-input.js';

const MiB = 1024 * 1024;

function expectRangesInside(text: string, input: SseLintInput): void {
  const size = Buffer.byteLength(text, 'utf8');
  for (const f of lintSseStream(input)) {
    expect(typeof f.message).toBe('string');
    expect(['error', 'warning', 'info']).toContain(f.severity);
    expect(f.rule.startsWith('sse/')).toBe(true);
    if (f.byteOffset === undefined) continue;
    expect(f.byteOffset).toBeGreaterThanOrEqual(0);
    expect(f.byteOffset + (f.byteLength ?? 0)).toBeLessThanOrEqual(size);
  }
}

/** Strings made of the pieces that break SSE framing. */
const sseish = fc
  .array(
    fc.constantFrom(
      'data',
      'data:',
      'data: ',
      'Data:',
      'event',
      'event:',
      'event: ',
      'id:',
      'retry:',
      ' ',
      '  ',
      ':',
      '\n',
      '\r',
      '\r\n',
      '\n\n',
      '\uFEFF',
      '\u0000',
      '{',
      '}',
      '[',
      '"a":1',
      'close',
      'x',
      'é',
      '😀',
      '\uD800',
    ),
    { maxLength: 60 },
  )
  .map((parts) => parts.join(''));

/** Cuts a string at the given fractions: how a socket may deliver it. */
function cut(text: string, points: number[]): string[] {
  const at = [...new Set(points.map((p) => Math.floor(p * text.length)))].sort((a, b) => a - b);
  const chunks: string[] = [];
  let last = 0;
  for (const i of at) {
    chunks.push(text.slice(last, i));
    last = i;
  }
  chunks.push(text.slice(last));
  return chunks;
}

describe('SSE linter robustness', () => {
  it('survives binary garbage decoded as UTF-8', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff;
    for (let round = 0; round < 20; round++) {
      const bytes = Buffer.from(Array.from({ length: 4096 }, random));
      const text = bytes.toString('utf8');
      const input = streamInput(text);
      expectRangesInside(text, input);
      expect(lintSseStream(input)).toEqual(lintSseStream(streamInput(text)));
    }
  });

  it('handles a 10 MiB event and a 10 MiB line', () => {
    const big = `event: action\ndata: ${'x'.repeat(10 * MiB)}\n\n`;
    expect(lintSseStream(streamInput(big))).toEqual([]);
    const bigJson = `data: {"a":"${'y'.repeat(10 * MiB)}"\n\n`;
    expect(lintSseStream(streamInput(bigJson)).map((f) => f.rule)).toEqual(['sse/invalid-json-data']);
    const leftover = `data: ${'z'.repeat(10 * MiB)}`;
    expect(lintSseStream(streamInput(leftover)).map((f) => f.rule)).toEqual(['sse/missing-final-blank-line']);
  });

  it('caps findings on 10 MiB of broken lines, in one event and across many', () => {
    const oneEvent = `data: x\n${'Data: x\n'.repeat(Math.floor((10 * MiB) / 8))}\n`;
    // Built by hand: SseStreamReader (eventsource-parser) itself needs some 13 s for a million unknown fields.
    const single: SseLintInput = {
      contentType: 'text/event-stream',
      events: [{ seq: 1, t: 0, index: 0, raw: oneEvent, byteOffset: 0, byteLength: oneEvent.length, dispatched: true, data: 'x' }],
      end: { seq: 2, complete: true, leftover: null, leftoverOffset: null },
    };
    const inOne = lintSseStream(single);
    expect(inOne.map((f) => f.rule)).toEqual(Array(20).fill('sse/unknown-field'));
    expect(inOne[19]?.message).toMatch(/\(\d{7} more like this in this stream are not listed\.\)$/);
    const manyEvents = 'Data: x\nfoo\n\n'.repeat(20_000);
    const inMany = lintSseStream(streamInput(manyEvents));
    expect(inMany).toHaveLength(20);
    expect(inMany[19]?.message).toContain('39980 more like this');
  });

  it('parses 10,000-level JSON in data without trouble', () => {
    const deep = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
    expect(lintSseStream(streamInput(`data: ${deep}\n\n`))).toEqual([]);
    const broken = `${'{"a":'.repeat(10_000)}1${'}'.repeat(9_999)}`;
    expect(lintSseStream(streamInput(`data: ${broken}\n\n`)).map((f) => f.rule)).toEqual(['sse/invalid-json-data']);
  });

  it('takes wrong types in every field without throwing', () => {
    const weird: unknown[] = [
      null,
      undefined,
      42,
      'text',
      {},
      { events: 'nope', end: 5 },
      { events: [null, 1, 'x', {}, { raw: 5 }, { raw: 'data: x\n\n', seq: 'a', byteOffset: -1, byteLength: NaN, index: {} }] },
      { contentType: 5, events: [{ raw: 'event: a\n\n', seq: 1 }], end: { seq: 'x', complete: 'no', leftover: 7, leftoverOffset: 'y' } },
      { contentType: null, events: [], end: { seq: 3, complete: false, leftover: 'data: 1', leftoverOffset: null } },
      { events: [{ raw: 'data: x\n\n', seq: Infinity, byteOffset: Infinity, dispatched: 'yes' }], end: null },
    ];
    for (const input of weird) {
      const findings = lintSseStream(input as SseLintInput);
      expect(Array.isArray(findings)).toBe(true);
    }
  });

  it('property: random SSE-ish streams, however chunked, never throw and give the same findings', () => {
    fc.assert(
      fc.property(sseish, fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 5 }), fc.boolean(), (text, points, complete) => {
        const whole = streamInput(text, { complete });
        const findings = lintSseStream(whole);
        expect(lintSseStream(whole)).toEqual(findings);
        expect(lintSseStream(streamInput(cut(text, points), { complete }))).toEqual(findings);
        expectRangesInside(text, whole);
        // The linter reads the data a spec client (eventsource-parser) dispatches.
        for (const event of whole.events) {
          expect(scanSseBlock(event.raw, event.byteOffset === 0).data).toBe(event.dispatched ? event.data : null);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('property: arbitrary values as events never throw, and the result is deterministic', () => {
    fc.assert(
      fc.property(fc.anything(), fc.anything(), fc.anything(), (events, end, contentType) => {
        const input = { events, end, contentType } as unknown as SseLintInput;
        const first = lintSseStream(input);
        expect(lintSseStream(input)).toEqual(first);
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(
        fc.array(fc.record({ raw: fc.string(), seq: fc.integer(), byteOffset: fc.integer(), byteLength: fc.integer(), index: fc.integer(), dispatched: fc.boolean() })),
        (events) => {
          const input = { contentType: 'text/event-stream', events: events as unknown as SseEventInput[], end: null };
          expect(lintSseStream(input)).toEqual(lintSseStream(input));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('property: well-formed streams of JSON events get no finding', () => {
    const event = fc.record({
      type: fc.option(fc.stringMatching(/^[a-z][a-z:-]{0,15}$/), { nil: undefined }),
      data: fc.jsonValue().map((value) => JSON.stringify(value) ?? 'null'),
    });
    fc.assert(
      fc.property(fc.array(event, { maxLength: 8 }), fc.constantFrom('\n', '\r\n'), (events, eol) => {
        const text = events.map((e) => `${e.type ? `event: ${e.type}${eol}` : ''}data: ${e.data}${eol}${eol}`).join('');
        expect(lintSseStream(streamInput(text))).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});
