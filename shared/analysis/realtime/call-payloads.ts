/**
 * Function-call arguments and results as they travel on realtime sockets: a JSON string (OpenAI, NavTalk) or a
 * JSON value inline (RTVI, ElevenLabs, NavTalk's tolerated variant). Readers report both the parsed value and
 * the text, so the analyzer can show what was sent and check it against the tool's schema.
 */
import { isRecord, tryParseJson } from '../model.js';
import { describeValue } from './json-fields.js';
import { serialise } from '../payload-fields.js';

export { serialise, UNSERIALISABLE } from '../payload-fields.js';


export interface ArgumentsReading {
  /** The arguments as they travelled, or the inline value serialised. */
  argsRaw: string;
  args?: unknown;
  /** Why the text is not JSON; the analyzer reports it as `call/arguments-not-json`. */
  argsError?: string;
  /** Set when the arguments are JSON but not an object: what they are instead (a double-encoded string, a list). */
  notObject?: string;
}

/** Null when there are no arguments at all. */
export function readArguments(value: unknown): ArgumentsReading | null {
  if (value === undefined) return null;
  if (typeof value === 'string') {
    const parsed = tryParseJson(value);
    if (!parsed.ok) return { argsRaw: value, argsError: parsed.error };
    return { argsRaw: value, args: parsed.value, ...notObject(parsed.value) };
  }
  return { argsRaw: serialise(value), args: value, ...notObject(value) };
}

function notObject(value: unknown): { notObject?: string } {
  if (isRecord(value)) return {};
  if (typeof value === 'string') {
    const inner = tryParseJson(value);
    return { notObject: inner.ok && isRecord(inner.value) ? 'a JSON string that holds the object (encoded twice)' : 'a string' };
  }
  return { notObject: describeValue(value) };
}

/**
 * A result: `raw` is the text as sent (or the inline value serialised); `value` is the JSON object or list a
 * string holds, since tools usually answer JSON, and otherwise the value itself.
 */
export function readResult(value: unknown): { value: unknown; raw: string } {
  if (typeof value === 'string') {
    const first = value.trimStart()[0];
    if (first === '{' || first === '[') {
      const parsed = tryParseJson(value);
      if (parsed.ok && typeof parsed.value === 'object' && parsed.value !== null) return { value: parsed.value, raw: value };
    }
    return { value, raw: value };
  }
  return { value, raw: value === undefined ? '' : serialise(value) };
}

