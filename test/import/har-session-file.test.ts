/**
 * electron/session/har-import.ts: a HAR file's text becomes a session file the reader loads, broken input is
 * one sentence (with line and column for JSON that breaks off), and an existing file is never overwritten.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HarImportError, harSessionText, importHarText, safeBaseName } from '../../electron/session/har-import.js';
import { readSessionFile } from '../../electron/session/session-reader.js';
import { eventsFromHar } from '../../shared/import/har-events.js';
import { repoRoot, tempDir } from '../support/core-process.js';

const chromeFixture = path.join(repoRoot, 'test', 'fixtures', 'har', 'chrome-devtools-websocket.har');

function importError(text: string): string {
  try {
    harSessionText(text, 'test');
  } catch (error) {
    expect(error).toBeInstanceOf(HarImportError);
    return (error as Error).message;
  }
  throw new Error('expected the import to fail');
}

describe('importHarText', () => {
  it('writes imported-<name>-<stamp>.ndjson that reads back as the same events, and never overwrites', async () => {
    const dir = path.join(tempDir('har-import'), 'sessions', 'not-yet-there');
    const text = fs.readFileSync(chromeFixture, 'utf8');
    const first = importHarText(text, '/downloads/My Capture (2).har', dir, '9.9.9');
    expect(path.basename(first.path)).toMatch(/^imported-My-Capture-2-\d{4}-\d\d-\d\d_\d\d-\d\d-\d\d\.ndjson$/);
    expect(path.dirname(first.path)).toBe(dir);
    expect(first.warnings).toEqual([]);

    const expected = eventsFromHar(JSON.parse(text)).events;
    expect(first.events).toBe(expected.length);
    const loaded = await readSessionFile(first.path);
    expect(loaded.warnings).toEqual([]);
    expect(loaded.events).toEqual(expected);
    expect(loaded.header).toMatchObject({ format: 'toolscope-session', appVersion: '9.9.9', startTime: expected[0]!.t, startedAt: new Date(expected[0]!.t).toISOString() });

    // The same file again, within the same second: a new name, the first file untouched.
    const before = fs.readFileSync(first.path, 'utf8');
    const second = importHarText(text, 'My Capture (2).har', dir, '9.9.9');
    const third = importHarText(text, 'My Capture (2).har', dir, '9.9.9');
    expect(new Set([first.path, second.path, third.path]).size).toBe(3);
    expect(fs.readFileSync(first.path, 'utf8')).toBe(before);
    expect(fs.readFileSync(second.path, 'utf8')).toBe(before);
  });

  it('names files safely whatever the original name was', () => {
    expect(safeBaseName('capture.har')).toBe('capture');
    expect(safeBaseName('C:\\Users\\me\\Downloads\\localhost.har')).toBe('localhost');
    expect(safeBaseName('../../etc/passwd')).toBe('passwd');
    expect(safeBaseName('日本語 trace.HAR')).toBe('trace');
    expect(safeBaseName('...')).toBe('har');
    expect(safeBaseName('a'.repeat(200))).toHaveLength(60);
  });

  it('writes nothing for input it cannot import', () => {
    const dir = tempDir('har-import-bad');
    expect(() => importHarText('{"log":', 'cut.har', dir, 'test')).toThrow(HarImportError);
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});

describe('input that cannot be imported is one clear sentence', () => {
  it('JSON cut short says where it ends', () => {
    const text = fs.readFileSync(chromeFixture, 'utf8');
    // Cut inside a string, after a value, and at a line end: the same sentence.
    for (const length of [5000, text.indexOf('"request"', 3000), text.indexOf('\n', 7000) + 1]) {
      const cut = text.slice(0, length);
      const lines = cut.trimEnd().split('\n');
      expect(importError(cut)).toBe(`not valid JSON: the text ends at line ${lines.length}, column ${lines.at(-1)!.length + 1} before the JSON does (is the file cut short?)`);
    }
  });

  it('a syntax error says line and column when the JSON parser tells the position', () => {
    expect(importError('{\n  "log": {\n    "entries": [1 2]\n  }\n}')).toBe("not valid JSON at line 3, column 19: Expected ',' or ']' after array element");
    // Without a position the sentence still names the problem, without echoing the file.
    expect(importError('{\n  "log": {\n    "entries": [,]\n  }\n}')).toBe("not valid JSON: Unexpected token ','");
  });

  it('random bytes, an empty file, and JSON that is not a HAR', () => {
    expect(importError('\u0000\u009f\u0092\u0096\u0001')).toMatch(/^not valid JSON: Unexpected token/);
    expect(importError('   \n')).toBe('the file is empty: not a HAR file');
    expect(importError('{}')).toBe('not a HAR file: it has no "log" object');
    expect(importError('{"log":{}}')).toBe('not a HAR file: "log.entries" is missing');
    expect(importError('[1,2]')).toBe('not a HAR file: the JSON is an array, not an object with a "log"');
    expect(importError('{"log":{"entries":[]}}')).toBe('the HAR file has no entries: nothing to import');
    expect(importError('{"log":{"entries":[{"request":{}}]}}')).toBe('none of the 1 entries could be read (entry 1 skipped: "request.url" is missing)');
  });

  it('a byte order mark is not part of the JSON', () => {
    expect(harSessionText(`\ufeff${fs.readFileSync(chromeFixture, 'utf8')}`, 'test').entries).toBe(7);
  });
});
