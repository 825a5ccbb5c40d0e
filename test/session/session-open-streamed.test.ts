/**
 * Opening a session the way the UI does: the core checks the header, then hands out whole lines in slices,
 * and the page's line reader turns any slicing into exactly the events the file holds.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ToolscopeCore } from '../../electron/core/toolscope-core.js';
import { handleBridgeCall } from '../../electron/core/bridge-handler.js';
import { openSessionForReading, readSessionSlice } from '../../electron/session/session-slices.js';
import { readSessionFile } from '../../electron/session/session-reader.js';
import { makeSessionHeader } from '../../shared/session-format.js';
import { parseSessionText, SessionLineReader } from '../../shared/session-line-reader.js';
import { openedSessionSchema, SESSION_STREAM_PATH, sessionSliceSchema } from '../../shared/bridge.js';
import { startUiServer } from '../../electron/server/ui-server.js';
import { Cleanup, startBackend, waitForEvent } from '../support/proxy-harness.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());
let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'toolscope-open-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let counter = 0;
const tmpFile = (name = 'session.ndjson') => path.join(dir, `${++counter}-${name}`);

/** A real session: a core with a route, a few webhook calls through it, the file closed. */
async function recordedSession(): Promise<string> {
  const backend = await startBackend(cleanup, (req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ result: 'x'.repeat(300), city: 'Zürich 😀' }));
    });
  });
  const file = tmpFile();
  const core = new ToolscopeCore({ appVersion: 'test', sessionFile: file });
  cleanup.add(() => core.close());
  const route = await core.addRoute({ listenPort: 0, upstream: backend.url });
  for (let i = 0; i < 6; i++) {
    const response = await fetch(`http://127.0.0.1:${route.listen.port}/tool/${i}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ function_name: 'get_weather', tool_call_id: `call_${i}`, arguments: { city: 'Zürich 😀', n: i } }),
    });
    await response.text();
  }
  await waitForEvent(core, 'http.response.body', (e) => e.exchangeId !== '' && core.log.all().filter((x) => x.kind === 'http.response.body').length === 6);
  await core.close();
  return file;
}

/** Reads the whole file the UI's way: slices of about `maxBytes`, each fed to the line reader. */
function readInSlices(file: string, maxBytes: number) {
  const opened = openSessionForReading(file);
  const reader = new SessionLineReader({ afterHeader: true });
  const events = [];
  const warnings = [];
  let offset = opened.eventsOffset;
  let slices = 0;
  for (let guard = 0; guard < 1_000_000; guard++) {
    const slice = readSessionSlice(file, offset, opened.bytes, maxBytes);
    slices++;
    const parsed = reader.push(slice.text);
    events.push(...parsed.events);
    warnings.push(...parsed.warnings);
    if (slice.text !== '') expect(slice.text.endsWith('\n') || slice.done).toBe(true);
    offset = slice.nextOffset;
    if (slice.done) break;
  }
  const tail = reader.finish();
  return { opened, events: [...events, ...tail.events], warnings: [...warnings, ...tail.warnings], slices };
}

describe('streamed session open', () => {
  it('gives the same events as reading the file at once, for any slice size', async () => {
    const file = await recordedSession();
    const whole = await readSessionFile(file);
    expect(whole.events.length).toBeGreaterThan(20);
    const small = readInSlices(file, 64);
    expect(small.slices).toBeGreaterThan(10);
    expect(small.events).toEqual(whole.events);
    expect(small.opened.header).toEqual(whole.header);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), (maxBytes) => {
        expect(readInSlices(file, maxBytes).events).toEqual(whole.events);
      }),
      { numRuns: 25 },
    );
  });

  it('never cuts a line: a line longer than the slice size comes whole', () => {
    const file = tmpFile();
    const header = JSON.stringify(makeSessionHeader('test', 1_760_000_000_000));
    const long = JSON.stringify({ seq: 1, t: 1, kind: 'core.error', context: 'test', message: 'y'.repeat(10_000) });
    const short = JSON.stringify({ seq: 2, t: 2, kind: 'core.error', context: 'test', message: 'short' });
    fs.writeFileSync(file, `${header}\n${long}\n${short}\n`);
    const opened = openSessionForReading(file);
    const first = readSessionSlice(file, opened.eventsOffset, opened.bytes, 100);
    expect(first.text).toBe(`${long}\n`);
    expect(first.done).toBe(false);
    const second = readSessionSlice(file, first.nextOffset, opened.bytes, 100);
    expect(second.text).toBe(`${short}\n`);
    expect(second.done).toBe(true);
  });

  it('stops at the size seen when opened, even while the file grows (the live session)', () => {
    const file = tmpFile();
    const header = JSON.stringify(makeSessionHeader('test', 1_760_000_000_000));
    const line = (seq: number) => JSON.stringify({ seq, t: seq, kind: 'core.error', context: 'test', message: `m${seq}` });
    fs.writeFileSync(file, `${header}\n${line(1)}\n`);
    const opened = openSessionForReading(file);
    fs.appendFileSync(file, `${line(2)}\n`);
    const slice = readSessionSlice(file, opened.eventsOffset, opened.bytes);
    expect(slice.text).toBe(`${line(1)}\n`);
    expect(slice.done).toBe(true);
  });

  it('reports a last line cut by a kill as a warning and keeps everything before it', () => {
    const file = tmpFile();
    const header = JSON.stringify(makeSessionHeader('test', 1_760_000_000_000));
    const good = JSON.stringify({ seq: 1, t: 1, kind: 'core.error', context: 'test', message: 'kept' });
    fs.writeFileSync(file, `${header}\n${good}\n{"seq":2,"t":2,"kind":"core.er`);
    const { events, warnings } = readInSlices(file, 16);
    expect(events).toHaveLength(1);
    expect(warnings).toEqual([{ line: 3, message: expect.stringMatching(/not valid JSON/) }]);
  });

  it.each([
    ['a newer format', JSON.stringify({ format: 'toolscope-session', version: 99, appVersion: '9', startedAt: 'x', startTime: 1 }), /version 99 is newer .*update Toolscope/],
    ['an older format', JSON.stringify({ format: 'toolscope-session', version: 0, appVersion: '0', startedAt: 'x', startTime: 1 }), /version 0 is older than this Toolscope reads/],
    ['not a session', '{"log":{"entries":[]}}', /not a Toolscope session file/],
    ['binary bytes', '\u0000\u0001\u0002\uFFFD', /not a Toolscope session file/],
  ])('refuses %s with a sentence, before any event is read', (_name, first, message) => {
    const file = tmpFile();
    fs.writeFileSync(file, `${first}\n{"seq":1}\n`);
    expect(() => openSessionForReading(file)).toThrow(message);
  });

  it('refuses an empty file, a folder and a missing file with a sentence', () => {
    const empty = tmpFile();
    fs.writeFileSync(empty, '');
    expect(() => openSessionForReading(empty)).toThrow(/empty: not a Toolscope session/);
    expect(() => openSessionForReading(dir)).toThrow(/not a file|EISDIR/);
    expect(() => openSessionForReading(path.join(dir, 'missing.ndjson'))).toThrow(/cannot read .*ENOENT/);
  });

  it('answers openSession and readSession over the bridge with schema-valid results', async () => {
    const file = await recordedSession();
    const core = new ToolscopeCore({ appVersion: 'test', sessionFile: null });
    cleanup.add(() => core.close());
    const opened = openedSessionSchema.parse(await handleBridgeCall(core, 'openSession', { path: file }));
    const slice = sessionSliceSchema.parse(
      await handleBridgeCall(core, 'readSession', { path: file, offset: opened.eventsOffset, end: opened.bytes }),
    );
    expect(slice.done).toBe(true);
    expect(parseSessionText(fs.readFileSync(file, 'utf8')).events.length).toBe(slice.text.trim().split('\n').length);
    await expect(handleBridgeCall(core, 'readSession', { path: file, offset: -1, end: 10 })).rejects.toThrow(/invalid parameters for readSession/);
  });
});

describe('the session stream of the UI server', () => {
  it('streams exactly the asked bytes of the file, only with the token, and refuses bad parameters with a sentence', async () => {
    const file = await recordedSession();
    const core = new ToolscopeCore({ appVersion: 'test', sessionFile: null });
    cleanup.add(() => core.close());
    const staticDir = path.join(dir, `static-${++counter}`);
    fs.mkdirSync(staticDir);
    fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html>');
    const ui = await startUiServer(core, { host: '127.0.0.1', port: 0, staticDir });
    cleanup.add(() => ui.close());
    const opened = openSessionForReading(file);
    const url = (query: Record<string, string | number>) => {
      const target = new URL(SESSION_STREAM_PATH, `http://127.0.0.1:${ui.port}`);
      for (const [key, value] of Object.entries(query)) target.searchParams.set(key, String(value));
      return target;
    };
    const auth = { authorization: `Bearer ${ui.token}` };

    const whole = await fetch(url({ path: file, offset: opened.eventsOffset, end: opened.bytes }), { headers: auth });
    expect(whole.status).toBe(200);
    const bytes = Buffer.from(await whole.arrayBuffer());
    expect(bytes.equals(fs.readFileSync(file).subarray(opened.eventsOffset))).toBe(true);

    // A range that ends inside a line is returned as asked: the page's line reader joins the pieces.
    const part = await fetch(url({ path: file, offset: opened.eventsOffset, end: opened.eventsOffset + 10 }), { headers: auth });
    expect(await part.text()).toBe(fs.readFileSync(file).subarray(opened.eventsOffset, opened.eventsOffset + 10).toString());

    const noToken = await fetch(url({ path: file, offset: 0, end: 10 }));
    expect(noToken.status).toBe(401);
    const foreign = await fetch(url({ path: file, offset: 0, end: 10 }), { headers: { ...auth, origin: 'http://evil.example' } });
    expect(foreign.status).toBe(403);
    const missing = await fetch(url({ path: path.join(dir, 'nope.ndjson'), offset: 0, end: 10 }), { headers: auth });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: expect.stringMatching(/cannot read .*ENOENT/) });
    const bad = await fetch(url({ path: file, offset: -5, end: 10 }), { headers: auth });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: expect.stringMatching(/invalid parameters: offset/) });
  });
});

describe('SessionLineReader', () => {
  it('gives the same events and warnings as parsing the whole text, for any split into chunks', () => {
    const header = JSON.stringify(makeSessionHeader('test', 1_760_000_000_000));
    const lines = [
      JSON.stringify({ seq: 1, t: 1, kind: 'core.error', context: 'ctx', message: 'Zürich 😀 "quoted" \\n' }),
      'not json',
      '',
      JSON.stringify({ seq: 2, t: 2, kind: 'route.down', routeId: 'r1' }),
      '{"seq":3}',
      JSON.stringify({ seq: 4, t: 4, kind: 'route.down', routeId: 'r2' }),
    ];
    const text = `${header}\r\n${lines.join('\n')}`;
    const expected = parseSessionText(text);
    expect(expected.events).toHaveLength(3);
    expect(expected.warnings.map((w) => w.line)).toEqual([3, 6]);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: text.length }), { maxLength: 12 }), (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const reader = new SessionLineReader({ afterHeader: false });
        const events = [];
        const warnings = [];
        let start = 0;
        for (const point of [...points, text.length]) {
          const parsed = reader.push(text.slice(start, point));
          events.push(...parsed.events);
          warnings.push(...parsed.warnings);
          start = point;
        }
        const tail = reader.finish();
        expect([...events, ...tail.events]).toEqual(expected.events);
        expect([...warnings, ...tail.warnings]).toEqual(expected.warnings);
        expect(reader.header).toEqual(expected.header);
      }),
      { numRuns: 200 },
    );
  });

  it('never throws on random text after a valid header', () => {
    const header = JSON.stringify(makeSessionHeader('test', 1));
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (junk) => {
        const reader = new SessionLineReader({ afterHeader: false });
        reader.push(`${header}\n${junk}`);
        reader.finish();
      }),
    );
  });
});
