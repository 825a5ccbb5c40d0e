/**
 * A HAR file made into a Toolscope session file: the same NDJSON the proxy writes (header, then one event a
 * line), so an imported capture opens, filters and analyses like a recorded one. The app's import writes it
 * into the sessions folder under a new name; `toolscope import` writes it where the user says.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { LogEvent } from '../../shared/events.js';
import { eventsFromHar } from '../../shared/import/har-events.js';
import { makeSessionHeader, serializeEvent } from '../../shared/session-format.js';

/** The input is not a HAR file we can read; the message is one sentence for a person. */
export class HarImportError extends Error {}

export interface HarSession {
  /** The whole session file. */
  text: string;
  events: number;
  entries: number;
  http: number;
  webSocket: number;
  warnings: string[];
}

/** Parses and converts; throws HarImportError for input that is not JSON, not a HAR, or has nothing to import. */
export function harSessionText(text: string, appVersion: string): HarSession {
  const json = parseJson(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  const har = eventsFromHar(json);
  if (har.error !== null) throw new HarImportError(har.error);
  if (har.events.length === 0) {
    throw new HarImportError(har.stats.entries === 0 ? 'the HAR file has no entries: nothing to import' : `none of the ${har.stats.entries} entries could be read (${har.warnings[0] ?? 'no request in them'})`);
  }
  return {
    text: sessionText(har.events, appVersion),
    events: har.events.length,
    entries: har.stats.entries,
    http: har.stats.http,
    webSocket: har.stats.webSocket,
    warnings: har.warnings,
  };
}

function sessionText(events: LogEvent[], appVersion: string): string {
  const header = makeSessionHeader(appVersion, events[0]!.t);
  return `${[JSON.stringify(header), ...events.map(serializeEvent)].join('\n')}\n`;
}

/** JSON.parse with a sentence that says where the file broke (line and column), not V8's echo of the text. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const message = (error as Error).message;
    if (text.trim() === '') throw new HarImportError('the file is empty: not a HAR file');
    const at = /at position (\d+)/.exec(message);
    // V8 says "Unexpected end" or names a token at the very end when the text stops mid-value.
    if (/Unexpected end of JSON input/i.test(message) || (at && Number(at[1]) >= text.trimEnd().length)) {
      const { line, column } = lineColumn(text, text.trimEnd().length);
      throw new HarImportError(`not valid JSON: the text ends at line ${line}, column ${column} before the JSON does (is the file cut short?)`);
    }
    // V8 echoes (part of) the text in some messages: it is not needed, and it may be megabytes or binary.
    const reason = message.replace(/\s*in JSON at position \d+.*$/s, '').replace(/, (\.\.\.)?".*" is not valid JSON$/s, '');
    if (at) {
      const { line, column } = lineColumn(text, Number(at[1]));
      throw new HarImportError(`not valid JSON at line ${line}, column ${column}: ${reason}`);
    }
    throw new HarImportError(`not valid JSON: ${reason}`);
  }
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * Writes the session file; `exclusive` refuses an existing file (EEXIST) in the same system call that creates
 * it, so two imports can never overwrite each other.
 */
export function writeSessionFile(file: string, text: string, exclusive: boolean): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text, { encoding: 'utf8', flag: exclusive ? 'wx' : 'w' });
}

/**
 * Imports a HAR into the sessions folder as `imported-<name>-<stamp>.ndjson` (with `-2`, `-3` … when that
 * name is taken; an existing file is never overwritten).
 */
export function importHarText(text: string, fileName: string, sessionsDir: string, appVersion: string): { path: string; events: number; warnings: string[] } {
  const session = harSessionText(text, appVersion);
  const base = `imported-${safeBaseName(fileName)}-${stamp(new Date())}`;
  for (let n = 1; n < 1000; n++) {
    const file = path.join(sessionsDir, `${base}${n === 1 ? '' : `-${n}`}.ndjson`);
    try {
      writeSessionFile(file, session.text, true);
      return { path: file, events: session.events, warnings: session.warnings };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  throw new Error(`cannot find a free file name for ${base} in ${sessionsDir}`);
}

/** The file's name without folder and extension, kept to characters that are safe in any file system. */
export function safeBaseName(fileName: string): string {
  const base = path.basename(fileName.replace(/\\/g, '/')).replace(/\.(har|json)$/i, '');
  const safe = base.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+|[-.]+$/g, '').slice(0, 60);
  return safe === '' ? 'har' : safe;
}

/** 2026-11-23_16-57-03, in UTC like the proxy's own session names, so a folder listing sorts by time. */
function stamp(at: Date): string {
  return at.toISOString().replace(/[:.]/g, '-').replace('T', '_').slice(0, 19);
}
