/**
 * SseStreamReader over the protocol fixtures and over generated streams: however the text arrives (whole, one
 * character at a time, random chunks), the blocks, their bytes and what they dispatch must be the same, and
 * the blocks plus the leftover must be exactly the input.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SseStreamReader, type SseBlockReading, type SseStreamEnd } from '../../shared/sse/sse-stream-reader.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const fixtureDir = path.resolve(repoRoot, '../shared/fixtures/protocols');
const haveFixtures = fs.existsSync(fixtureDir);
const fixtureNames = haveFixtures
  ? fs
      .readdirSync(fixtureDir)
      .filter((name) => name.endsWith('.txt'))
      .sort()
  : [];

/** A skipped suite says why in its title. */
const whenFixtures = (title: string) => (haveFixtures ? title : `${title} — skipped: ${fixtureDir} not found (clone shared/ beside the repo)`);

function fixture(name: string): string {
  return fs.readFileSync(path.join(fixtureDir, name), 'utf8');
}

interface Reading {
  blocks: SseBlockReading[];
  end: SseStreamEnd;
}

function feed(chunks: readonly string[]): Reading {
  const reader = new SseStreamReader();
  const blocks: SseBlockReading[] = [];
  for (const chunk of chunks) blocks.push(...reader.push(chunk));
  const end = reader.end();
  blocks.push(...end.blocks);
  return { blocks, end };
}

/** mulberry32: a small seeded generator, so a failing chunking can be reproduced. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomChunks(text: string, seed: number, maxChunk = 17): string[] {
  const random = seeded(seed);
  const chunks: string[] = [];
  let i = 0;
  while (i < text.length) {
    const size = 1 + Math.floor(random() * maxChunk);
    chunks.push(text.slice(i, i + size));
    i += size;
  }
  return chunks;
}

function byChar(text: string): string[] {
  // UTF-16 code units: this also cuts surrogate pairs in half, which a stream decoder never does, but the reader
  // must not care.
  return text.split('');
}

/** What a user sees of a reading: every field of every block, and the end. */
function summary(reading: Reading) {
  return {
    blocks: reading.blocks.map((b) => ({ ...b })),
    leftover: reading.end.leftover,
    leftoverOffset: reading.end.leftoverOffset,
  };
}

function expectWellFormed(input: string, reading: Reading): void {
  const { blocks, end } = reading;
  // The blocks plus the leftover are exactly the input: no byte lost, duplicated or reordered.
  expect(blocks.map((b) => b.raw).join('') + (end.leftover ?? '')).toBe(input);
  let byteOffset = 0;
  blocks.forEach((block, k) => {
    expect(block.index).toBe(k);
    expect(block.byteOffset).toBe(byteOffset);
    expect(block.byteLength).toBe(Buffer.byteLength(block.raw, 'utf8'));
    byteOffset += block.byteLength;
    if (block.dispatched) expect(block.data).toBeTypeOf('string');
    else expect(block.data).toBeUndefined();
  });
  if (end.leftover === null) expect(end.leftoverOffset).toBeNull();
  else {
    expect(end.leftover.length).toBeGreaterThan(0);
    expect(end.leftoverOffset).toBe(byteOffset);
  }
}

function dispatched(reading: Reading) {
  return reading.blocks.filter((b) => b.dispatched).map((b) => ({ type: b.type, data: b.data, id: b.id }));
}

describe.skipIf(!haveFixtures)(whenFixtures('SseStreamReader over the protocol fixtures'), () => {
  it('finds the SSE fixtures', () => {
    expect(fixtureNames.length).toBeGreaterThanOrEqual(20);
  });

  describe.each(fixtureNames)('%s', (name) => {
    const text = haveFixtures ? fixture(name) : '';

    it('gives the same blocks fed whole, by character and in random chunks; raws + leftover = input', () => {
      const whole = feed([text]);
      expectWellFormed(text, whole);
      expect(whole.blocks.length + (whole.end.leftover === null ? 0 : 1)).toBeGreaterThan(0);
      const reference = summary(whole);

      const perChar = feed(byChar(text));
      expectWellFormed(text, perChar);
      expect(summary(perChar)).toEqual(reference);

      for (const seed of [1, 2, 3, 42, 1234]) {
        const chunked = feed(randomChunks(text, seed));
        expectWellFormed(text, chunked);
        expect(summary(chunked), `seed ${seed}`).toEqual(reference);
      }
      // Chunks cut at the boundaries that break naive readers: right after each CR.
      const afterEachCr = text.split(/(?<=\r)/);
      expect(summary(feed(afterEachCr))).toEqual(reference);
    });

    it('matches the byte offsets of the file as stored on disk', () => {
      const bytes = fs.readFileSync(path.join(fixtureDir, name));
      const { blocks, end } = feed([text]);
      for (const block of blocks) {
        expect(bytes.subarray(block.byteOffset, block.byteOffset + block.byteLength).toString('utf8')).toBe(block.raw);
      }
      const total = blocks.reduce((sum, b) => sum + b.byteLength, 0) + (end.leftover ? Buffer.byteLength(end.leftover) : 0);
      expect(total).toBe(bytes.length);
    });
  });
});

describe.skipIf(!haveFixtures)(whenFixtures('SseStreamReader: what a user relies on'), () => {
  it('dispatches the same events for CRLF, lone CR and LF line ends', () => {
    const crlf = fixture('sse-valid-crlf.txt');
    const loneCr = fixture('sse-valid-lone-cr.txt');
    const lf = crlf.replace(/\r\n/g, '\n');
    expect(crlf).toContain('\r\n');
    expect(loneCr).toMatch(/\r(?!\n)/);
    expect(lf).not.toContain('\r');
    const events = dispatched(feed([lf]));
    expect(events).toHaveLength(2);
    expect(events[0]!.type).toBe('action');
    expect(events[0]!.data).toMatch(/^\{"service":"llm","action":"function_result"/);
    expect(events[1]).toEqual({ type: 'message', data: 'close', id: undefined });
    expect(dispatched(feed([crlf]))).toEqual(events);
    expect(dispatched(feed([loneCr]))).toEqual(events);
    expect(dispatched(feed(byChar(loneCr)))).toEqual(events);
    // `data:` with no space after the colon is the same value.
    expect(dispatched(feed([fixture('sse-valid-data-no-space.txt')]))).toEqual(events);
    // A lone-CR stream keeps its exact bytes in the raws: nothing is normalised.
    expect(feed([loneCr]).blocks.map((b) => b.raw)).toEqual([expect.stringMatching(/\r\r$/), 'data:close\r\r']);
  });

  it('dispatches the first event of a stream that starts with a BOM, and keeps the BOM in the raw bytes', () => {
    const text = fixture('sse-valid-bom.txt');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const { blocks } = feed([text]);
    expect(blocks[0]!.dispatched).toBe(true);
    expect(blocks[0]!.type).toBe('action');
    expect(blocks[0]!.raw.charCodeAt(0)).toBe(0xfeff);
    expect(blocks[0]!.byteOffset).toBe(0);
    expect(blocks[1]!.byteOffset).toBe(Buffer.byteLength(blocks[0]!.raw));
    expect(blocks[0]!.parseErrors).toBeUndefined();
    // Fed one character at a time, the BOM arrives alone: still stripped.
    expect(dispatched(feed(byChar(text)))).toEqual(dispatched(feed([text])));
  });

  it('a BOM in the middle of the stream is not stripped: the field is unknown and the event lost', () => {
    const { blocks } = feed(byChar(fixture('sse-invalid-bom-mid-stream.txt')));
    expect(blocks).toHaveLength(2);
    expect(blocks[1]!.dispatched).toBe(false);
    expect(blocks[1]!.parseErrors?.join('\n')).toMatch(/unknown-field.*\ufeffdata/);
  });

  it('an event without a final blank line is the leftover, not dispatched', () => {
    const text = fixture('daily-sse-invalid-no-final-blank-line.txt');
    const { blocks, end } = feed([text]);
    expect(blocks.filter((b) => b.dispatched)).toHaveLength(1);
    expect(end.leftover).not.toBeNull();
    expect(end.leftover).toMatch(/^event: action\ndata: \{"service":"llm","action":"function_result"/);
    expect(text.endsWith(end.leftover!)).toBe(true);
    const generic = feed([fixture('sse-invalid-final-event-no-blank-line.txt')]);
    expect(generic.blocks).toEqual([]);
    expect(generic.end.leftover).toBe(fixture('sse-invalid-final-event-no-blank-line.txt'));
    expect(generic.end.leftoverOffset).toBe(0);
  });

  it('`event: close` without data is a block that is not dispatched', () => {
    const { blocks, end } = feed([fixture('daily-sse-invalid-event-close-without-data.txt')]);
    expect(end.leftover).toBeNull();
    const last = blocks[blocks.length - 1]!;
    expect(last.raw).toBe('event: close\n\n');
    expect(last.dispatched).toBe(false);
    expect(last.type).toBeUndefined();
    expect(last.data).toBeUndefined();
    expect(blocks.filter((b) => b.dispatched).map((b) => b.type)).toEqual(['action']);
  });

  it('capitalised `Data:` / `Event:` give unknown-field parse errors and lose the event', () => {
    const text = fixture('sse-invalid-capitalized-field.txt');
    for (const reading of [feed([text]), feed(byChar(text))]) {
      const first = reading.blocks[0]!;
      expect(first.dispatched).toBe(false);
      const errors = first.parseErrors ?? [];
      expect(errors.some((e) => e.includes('unknown-field') && e.includes('"Event"'))).toBe(true);
      expect(errors.some((e) => e.includes('unknown-field') && e.includes('"Data"'))).toBe(true);
      expect(dispatched(reading)).toEqual([{ type: 'message', data: 'close', id: undefined }]);
    }
  });

  it('joins multi-line data with \\n', () => {
    const events = dispatched(feed([fixture('sse-valid-multiline-data.txt')]));
    expect(events[0]!.data).toBe('{"service":"tts","action":"say",\n"arguments":[{"name":"text","value":"Checking now."}]}');
    expect(JSON.parse(events[0]!.data!)).toEqual({ service: 'tts', action: 'say', arguments: [{ name: 'text', value: 'Checking now.' }] });
  });

  it('reports comments and ids, and a non-numeric retry as a parse error', () => {
    const { blocks } = feed([fixture('sse-valid-comment-retry-id.txt')]);
    expect(blocks[0]!.comments).toEqual(['keep-alive']);
    expect(blocks[0]!.id).toBe('41');
    expect(blocks[0]!.parseErrors).toBeUndefined();
    expect(blocks[1]!.id).toBe('42');
    const retry = feed([fixture('sse-invalid-retry-non-numeric.txt')]);
    expect(retry.blocks.flatMap((b) => b.parseErrors ?? []).join('\n')).toMatch(/invalid-retry.*3s/);
  });
});

interface RecordedEvent {
  event: string | null;
  id: string | null;
  data: string;
}
interface RecordedRun {
  events: RecordedEvent[];
  errors: string[];
  comments: string[];
}
const resultsFile = path.join(fixtureDir, 'eventsource-parser-results.json');
const recorded: Record<string, { whole: RecordedRun }> = haveFixtures && fs.existsSync(resultsFile) ? JSON.parse(fs.readFileSync(resultsFile, 'utf8')) : {};

describe.skipIf(Object.keys(recorded).length === 0)(whenFixtures('SseStreamReader agrees with the recorded eventsource-parser results'), () => {
  it('has a recording for every SSE fixture', () => {
    expect(Object.keys(recorded).sort()).toEqual(fixtureNames);
  });

  describe.each(Object.keys(recorded).sort())('%s', (name) => {
    it('dispatches the recorded events, errors and comments', () => {
      const run = recorded[name]!.whole;
      const reading = feed([fixture(name)]);
      const ours = dispatched(reading);
      expect(ours).toHaveLength(run.events.length);
      run.events.forEach((want, i) => {
        const got = ours[i]!;
        expect(got.type).toBe(want.event ?? 'message');
        expect(got.id).toBe(want.id ?? undefined);
        // The recording shortens long data to 60 characters plus "...".
        if (want.data.endsWith('...') && got.data !== want.data) expect(got.data!.startsWith(want.data.slice(0, -3))).toBe(true);
        else expect(got.data).toBe(want.data);
      });
      const ourErrors = reading.blocks.flatMap((b) => b.parseErrors ?? []);
      expect(ourErrors).toHaveLength(run.errors.length);
      run.errors.forEach((want, i) => {
        const colon = want.indexOf(':');
        const type = want.slice(0, colon);
        const value = JSON.parse(want.slice(colon + 1)) as string;
        expect(ourErrors[i]).toContain(`${type}: `);
        expect(ourErrors[i]).toContain(`"${value}"`);
      });
      expect(reading.blocks.flatMap((b) => b.comments ?? [])).toEqual(run.comments);
    });
  });
});

// ---- Generated streams ----

const ssePiece = fc.oneof(
  fc.constantFrom('data:', 'data: ', 'event:', 'event: ', 'id:', 'retry:', ':', ': ', 'Data:', 'data :'),
  fc.constantFrom('\r', '\n', '\r\n', '\n\n', '\r\r', '\r\n\r\n'),
  fc.constantFrom('\ufeff', 'é', '€', '😀', '\u0000', 'close', '{"a":1}', ' '),
  fc.string({ maxLength: 8 }),
  fc.string({ unit: 'binary', maxLength: 4 }),
);
const sseText = fc.array(ssePiece, { maxLength: 60 }).map((pieces) => pieces.join(''));
const randomBytesText = fc.uint8Array({ maxLength: 300 }).map((bytes) => new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes));
const cuts = fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 20 });

function cutBy(text: string, sizes: number[]): string[] {
  const chunks: string[] = [];
  let i = 0;
  let k = 0;
  while (i < text.length) {
    const size = sizes[k++ % sizes.length]!;
    chunks.push(text.slice(i, i + size));
    i += size;
  }
  return chunks;
}

describe('SseStreamReader over generated streams (fast-check)', () => {
  for (const [label, arbitrary] of [
    ['SSE-ish pieces', sseText],
    ['random bytes decoded as UTF-8', randomBytesText],
  ] as const) {
    it(`${label}: never throws, raws + leftover = input, whole = chunked = by character`, () => {
      fc.assert(
        fc.property(arbitrary, cuts, (text, sizes) => {
          const whole = feed([text]);
          expectWellFormed(text, whole);
          const chunked = feed(cutBy(text, sizes));
          expectWellFormed(text, chunked);
          expect(summary(chunked)).toEqual(summary(whole));
          expect(summary(feed(byChar(text)))).toEqual(summary(whole));
        }),
        { numRuns: 300, seed: 20240611 },
      );
    });
  }

  it('the leftover never contains a complete event (a blank line) and every block ends with one', () => {
    fc.assert(
      fc.property(sseText, (text) => {
        const { blocks, end } = feed([text]);
        for (const block of blocks) {
          // Lines of the block: all but the last are non-empty, the last is the blank line, then nothing.
          const lines = block.raw.split(/\r\n|\r|\n/);
          expect(lines[lines.length - 1]).toBe('');
          expect(lines[lines.length - 2]).toBe('');
          expect(lines.slice(0, -2).every((line) => line !== '')).toBe(true);
        }
        if (end.leftover !== null) {
          // A blank line in the leftover would be an event the reader failed to cut.
          const lines = end.leftover.split(/\r\n|\r|\n/);
          expect(lines.slice(0, -1).every((line) => line !== '')).toBe(true);
        }
      }),
      { numRuns: 300, seed: 7 },
    );
  });
});
