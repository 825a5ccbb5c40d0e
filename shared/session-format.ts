/**
 * The session file: NDJSON. Line 1 is a header, every further line one LogEvent. Written as events happen,
 * so a killed process leaves a file whose last line may be cut short; readers skip such a line with a
 * warning instead of failing, because everything before it is still good data.
 */
import { z } from 'zod';
import { EVENT_FORMAT_VERSION, logEventSchema, type LogEvent } from './events.js';

export const SESSION_FORMAT = 'toolscope-session';
/**
 * The oldest format version this code reads. Version 1 is the first; when a later version changes events in a
 * way that cannot be read as they are, older files are either migrated on reading or refused here, by name.
 */
export const OLDEST_READABLE_VERSION = 1;

export const sessionHeaderSchema = z.object({
  format: z.literal(SESSION_FORMAT),
  version: z.number().int().positive(),
  appVersion: z.string(),
  /** ISO 8601 start time, for people; `startTime` is the same instant in epoch milliseconds. */
  startedAt: z.string(),
  startTime: z.number(),
});
export type SessionHeader = z.infer<typeof sessionHeaderSchema>;

export function makeSessionHeader(appVersion: string, startTime: number): SessionHeader {
  return {
    format: SESSION_FORMAT,
    version: EVENT_FORMAT_VERSION,
    appVersion,
    startedAt: new Date(startTime).toISOString(),
    startTime,
  };
}

export interface SessionWarning {
  line: number;
  message: string;
}

export class SessionFormatError extends Error {}

/** Parses the header line; throws SessionFormatError with a sentence a person can act on. */
export function parseSessionHeader(line: string): SessionHeader {
  let json: unknown;
  try {
    // An editor may have saved the file with a byte order mark; it is not part of the header.
    json = JSON.parse(line.charCodeAt(0) === 0xfeff ? line.slice(1) : line);
  } catch {
    throw new SessionFormatError('not a Toolscope session file: the first line is not JSON');
  }
  const looksLikeOurs = z.object({ format: z.literal(SESSION_FORMAT), version: z.number() }).safeParse(json);
  if (!looksLikeOurs.success) {
    throw new SessionFormatError(`not a Toolscope session file: the first line has no "format": "${SESSION_FORMAT}"`);
  }
  if (looksLikeOurs.data.version > EVENT_FORMAT_VERSION) {
    throw new SessionFormatError(
      `session format version ${looksLikeOurs.data.version} is newer than this Toolscope reads (${EVENT_FORMAT_VERSION}); update Toolscope`,
    );
  }
  if (looksLikeOurs.data.version < OLDEST_READABLE_VERSION) {
    throw new SessionFormatError(
      `session format version ${looksLikeOurs.data.version} is older than this Toolscope reads (oldest ${OLDEST_READABLE_VERSION})`,
    );
  }
  const header = sessionHeaderSchema.safeParse(json);
  if (!header.success) throw new SessionFormatError(`session header is malformed: ${header.error.issues[0]?.message ?? 'invalid'}`);
  return header.data;
}

export type ParsedLine = { ok: true; event: LogEvent } | { ok: false; message: string };

/** Parses one event line. Never throws: a bad line is reported, the rest of the file still loads. */
export function parseSessionLine(line: string): ParsedLine {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return { ok: false, message: 'not valid JSON (cut short when the writer was stopped?)' };
  }
  const parsed = logEventSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, message: `not a known event: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid'}` };
  }
  return { ok: true, event: parsed.data };
}

export interface LoadedSession {
  header: SessionHeader;
  events: LogEvent[];
  warnings: SessionWarning[];
}

export function serializeEvent(event: LogEvent): string {
  return JSON.stringify(event);
}
