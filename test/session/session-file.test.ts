/**
 * The session file on disk: what the writer leaves is what the reader loads, a file cut short by a kill still
 * loads everything before the cut, and files that are not sessions are refused with a sentence, never a crash.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_FORMAT_VERSION, type LogEvent, type NewEvent } from '../../shared/events.js';
import { makeSessionHeader, SessionFormatError } from '../../shared/session-format.js';
import { parseSessionText } from '../../shared/session-line-reader.js';
import { readSessionFile } from '../../electron/session/session-reader.js';
import { FLUSH_INTERVAL_MS, SessionWriter } from '../../electron/session/session-writer.js';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'toolscope-session-test-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});
let counter = 0;
const tmpFile = (name = 'session.ndjson') => path.join(dir, `${++counter}-${name}`);
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
/** Resolves after the writer's pending timer: Node runs timers that are due in the order they were set. */
const afterFlushInterval = () => new Promise<void>((resolve) => setTimeout(resolve, FLUSH_INTERVAL_MS));

function sampleEvents(): LogEvent[] {
  const t0 = 1_760_000_000_000.125;
  const events: NewEvent[] = [
    { kind: 'route.up', routeId: 'r1', listen: { host: '127.0.0.1', port: 7801 }, upstream: 'http://127.0.0.1:8000/', timeoutMs: 30_000 },
    {
      kind: 'http.request',
      exchangeId: 'x1',
      routeId: 'r1',
      method: 'POST',
      url: '/weather?city=Zürich',
      httpVersion: '1.1',
      headers: [
        ['Content-Type', 'application/json'],
        ['X-Repeat', 'a'],
        ['x-repeat', 'b'],
      ],
      remoteAddress: '::ffff:127.0.0.1',
      upstreamUrl: 'http://127.0.0.1:8000/weather?city=Zürich',
    },
    { kind: 'http.request.body', exchangeId: 'x1', body: { encoding: 'utf8', data: '{"function_name":"get_weather","arguments":{"city":"Zürich 😀"}}', size: 66, truncated: false, cap: 1048576 } },
    { kind: 'http.response', exchangeId: 'x1', status: 200, statusMessage: 'OK', headers: [['content-type', 'text/event-stream']] },
    {
      kind: 'sse.event',
      exchangeId: 'x1',
      index: 0,
      raw: 'event: action\r\ndata: {"a":"line\\nbreak"}\r\n\r\n',
      byteOffset: 0,
      byteLength: 44,
      dispatched: true,
      type: 'action',
      data: '{"a":"line\\nbreak"}',
    },
    { kind: 'sse.event', exchangeId: 'x1', index: 1, raw: ': keep-alive\n\n', byteOffset: 44, byteLength: 14, dispatched: false, comments: ['keep-alive'] },
    { kind: 'sse.end', exchangeId: 'x1', events: 2, leftover: 'data: cut', leftoverOffset: 58, complete: true },
    { kind: 'http.response.body', exchangeId: 'x1', body: { encoding: 'base64', data: 'AAEC/w==', size: 4, truncated: true, cap: 4 } },
    {
      kind: 'ws.open',
      connectionId: 'w1',
      routeId: 'r1',
      url: '/rt',
      upstreamUrl: 'ws://127.0.0.1:8000/rt',
      headers: [],
      requestedProtocols: ['realtime'],
      protocol: 'realtime',
      remoteAddress: '127.0.0.1',
    },
    { kind: 'ws.frame', connectionId: 'w1', direction: 'upstream-to-client', opcode: 'text', encoding: 'utf8', data: '{"type":"response.function_call_arguments.done"}', size: 48, truncated: false },
    { kind: 'ws.close', connectionId: 'w1', code: 1000, reason: 'bye\u2028', by: 'client' },
    { kind: 'core.error', context: 'test', message: 'a message with "quotes", \\ and \u0000' },
  ];
  return events.map((e, i) => ({ ...e, seq: i + 1, t: t0 + i * 0.5 }) as LogEvent);
}

const headerLine = (version: number) =>
  JSON.stringify({ format: 'toolscope-session', version, appVersion: '9.9.9', startedAt: '2030-01-01T00:00:00.000Z', startTime: 1893456000000 });

async function expectRefused(file: string, pattern: RegExp): Promise<SessionFormatError> {
  const error = await readSessionFile(file).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SessionFormatError);
  const message = (error as Error).message;
  expect(message).toMatch(pattern);
  expect(message).not.toMatch(/\n/);
  return error as SessionFormatError;
}

describe('session file: writer and reader', () => {
  it('round-trips every event, byte for byte, through a temp file', async () => {
    const file = tmpFile();
    const events = sampleEvents();
    const writer = new SessionWriter(file, 'test-1.2.3', 1_760_000_000_000);
    // Appended over several turns of the event loop, as a live proxy does.
    for (const [i, event] of events.entries()) {
      writer.append(event);
      if (i % 3 === 0) await nextTurn();
    }
    writer.close();
    expect(writer.error).toBeNull();
    expect(writer.writtenBytes).toBe(fs.statSync(file).size);

    const loaded = await readSessionFile(file);
    expect(loaded.warnings).toEqual([]);
    expect(loaded.header).toEqual(makeSessionHeader('test-1.2.3', 1_760_000_000_000));
    expect(loaded.events).toEqual(events);
    // The shared parser reads the same text the same way.
    expect(parseSessionText(fs.readFileSync(file, 'utf8'))).toEqual(loaded);
    // One line per event plus the header, each ending in a newline.
    const text = fs.readFileSync(file, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    expect(text.split('\n')).toHaveLength(events.length + 2);
  });

  it('has every event on disk within the flush interval after it was appended, without close() (what a kill leaves)', async () => {
    const file = tmpFile();
    const events = sampleEvents();
    const writer = new SessionWriter(file, 'test', 1);
    writer.append(events[0]!);
    writer.append(events[1]!);
    await afterFlushInterval();
    expect((await readSessionFile(file)).events).toEqual(events.slice(0, 2));
    writer.append(events[2]!);
    await afterFlushInterval();
    expect((await readSessionFile(file)).events).toEqual(events.slice(0, 3));
    writer.close();
    // After close, appends are ignored rather than thrown.
    writer.append(events[3]!);
    await afterFlushInterval();
    expect((await readSessionFile(file)).events).toEqual(events.slice(0, 3));
  });

  it('writes at once when a quarter MiB waits, and collects small events until the interval ends', () => {
    const file = tmpFile();
    const events = sampleEvents();
    const writer = new SessionWriter(file, 'test', 1);
    const headerBytes = fs.statSync(file).size;
    writer.append(events[0]!);
    // Nothing written yet within this turn: small events wait for the interval.
    expect(fs.statSync(file).size).toBe(headerBytes);
    const big = { ...events[1]!, seq: 2, data: 'x'.repeat(300 * 1024) } as LogEvent;
    writer.append(big);
    // Written synchronously, both lines, in order.
    const text = fs.readFileSync(file, 'utf8');
    expect(text.split('\n').slice(1, 3).map((line) => (JSON.parse(line) as LogEvent).seq)).toEqual([events[0]!.seq, 2]);
    writer.close();
  });

  it('a truncated last line: all previous events load, and exactly one warning names that line', async () => {
    const file = tmpFile();
    const events = sampleEvents();
    const writer = new SessionWriter(file, 'test', 1);
    for (const event of events) writer.append(event);
    writer.close();
    const full = fs.readFileSync(file, 'utf8');
    const lines = full.split('\n').slice(0, -1);
    const last = lines[lines.length - 1]!;
    for (const keep of [1, Math.floor(last.length / 2), last.length - 1]) {
      const cut = tmpFile('cut.ndjson');
      fs.writeFileSync(cut, `${lines.slice(0, -1).join('\n')}\n${last.slice(0, keep)}`);
      const loaded = await readSessionFile(cut);
      expect(loaded.events).toEqual(events.slice(0, -1));
      expect(loaded.warnings).toHaveLength(1);
      // Line numbers count from 1 and include the header line.
      expect(loaded.warnings[0]!.line).toBe(events.length + 1);
      expect(loaded.warnings[0]!.message).toMatch(/not valid JSON/);
      expect(parseSessionText(fs.readFileSync(cut, 'utf8'))).toEqual(loaded);
    }
  });

  it('a bad line in the middle is skipped with a warning, and the lines after it still load', async () => {
    const file = tmpFile();
    const events = sampleEvents();
    const lines = [headerLine(EVENT_FORMAT_VERSION), ...events.map((e) => JSON.stringify(e))];
    lines.splice(3, 0, '{"seq":99,"t":1,"kind":"no.such.kind"}');
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    const loaded = await readSessionFile(file);
    expect(loaded.events).toEqual(events);
    expect(loaded.warnings).toEqual([{ line: 4, message: expect.stringMatching(/^not a known event: kind: /) }]);
  });

  it('refuses a header with a newer format version, naming both versions', async () => {
    const newer = EVENT_FORMAT_VERSION + 1;
    const file = tmpFile();
    fs.writeFileSync(file, `${headerLine(newer)}\n${JSON.stringify(sampleEvents()[0])}\n`);
    const error = await expectRefused(file, /newer/);
    expect(error.message).toContain(`version ${newer}`);
    expect(error.message).toContain(`(${EVENT_FORMAT_VERSION})`);
    expect(error.message).toMatch(/update Toolscope/);
    expect(() => parseSessionText(fs.readFileSync(file, 'utf8'))).toThrow(error.message);
  });

  it.each([
    ['an empty file', '', /empty: not a Toolscope session/],
    ['random bytes', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0xfe, 0x10]), /not a Toolscope session file: the first line is not JSON/],
    ['a JSON array', '[{"seq":1},{"seq":2}]\n', /not a Toolscope session file: the first line has no "format": "toolscope-session"/],
    ['a HAR file', '{"log":{"version":"1.2","entries":[]}}', /not a Toolscope session file: the first line has no "format"/],
    ['a header with the wrong field types', '{"format":"toolscope-session","version":1,"appVersion":7,"startedAt":"x","startTime":1}\n', /session header is malformed/],
  ])('refuses %s with SessionFormatError and a clear message', async (_label, content, pattern) => {
    const file = tmpFile();
    fs.writeFileSync(file, content);
    await expectRefused(file, pattern);
    expect(() => parseSessionText(fs.readFileSync(file, 'utf8'))).toThrow(SessionFormatError);
  });

  it('refuses a missing file and a folder with SessionFormatError naming the path', async () => {
    await expectRefused(path.join(dir, 'does-not-exist.ndjson'), /cannot read .*does-not-exist\.ndjson: ENOENT/);
    // A folder passes the access check; the read error must still become a sentence, not a raw EISDIR.
    await expectRefused(dir, /cannot read .*: EISDIR/);
  });

  it('random bytes as a file: always a loaded session or a SessionFormatError, never anything else', async () => {
    const samples = fc.sample(
      fc.oneof(
        fc.uint8Array({ maxLength: 400 }),
        fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.concat([Buffer.from(`${headerLine(1)}\n`), bytes])),
        fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 5 }).map((values) => Buffer.from(values.map((v) => JSON.stringify(v)).join('\n'))),
      ),
      { numRuns: 40, seed: 2024 },
    );
    for (const bytes of samples) {
      const file = tmpFile('fuzz.ndjson');
      fs.writeFileSync(file, bytes);
      try {
        const loaded = await readSessionFile(file);
        expect(loaded.header.format).toBe('toolscope-session');
      } catch (error) {
        expect(error).toBeInstanceOf(SessionFormatError);
      }
      try {
        parseSessionText(bytes.toString('utf8'));
      } catch (error) {
        expect(error).toBeInstanceOf(SessionFormatError);
      }
    }
  });
});
