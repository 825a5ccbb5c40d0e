/**
 * Reading fields of parsed frames safely. A frame is any JSON object a peer chose to send, so a key like
 * `constructor` or `__proto__` must read as absent unless the frame really has it, and values must be
 * described and quoted in findings without pasting megabytes of base64 into a message.
 */
import { isRecord } from '../model.js';

/** The frame's own value for `key`; never an inherited one (`{}.constructor` is not a field). */
export function field(obj: unknown, key: string): unknown {
  if (!isRecord(obj) || !Object.prototype.hasOwnProperty.call(obj, key)) return undefined;
  return obj[key];
}

export function has(obj: unknown, key: string): boolean {
  return isRecord(obj) && Object.prototype.hasOwnProperty.call(obj, key);
}

export function stringField(obj: unknown, key: string): string | undefined {
  const value = field(obj, key);
  return typeof value === 'string' ? value : undefined;
}

export function recordField(obj: unknown, key: string): Record<string, unknown> | undefined {
  const value = field(obj, key);
  return isRecord(value) ? value : undefined;
}

/** The first of `keys` that `obj` has as a string. */
export function firstString(obj: unknown, keys: readonly string[]): string | undefined {
  for (const key of keys) {
    const value = stringField(obj, key);
    if (value !== undefined) return value;
  }
  return undefined;
}

/** What a value is, as a sentence fragment: `an object`, `a list`, `the number 3`. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `the string ${quote(value)}`;
  if (typeof value === 'number') return `the number ${String(value)}`;
  if (typeof value === 'boolean') return `the boolean ${String(value)}`;
  return typeof value;
}

/** A string as it would appear in JSON, cut to `max` characters so a 10 MiB value cannot flood a message. */
export function quote(text: string, max = 60): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return JSON.stringify(cut);
}

/** The longest message type a reading keeps: types are short names, and a reading is kept for every frame. */
const MAX_TYPE = 100;

/** A message type as a reading keeps it: cut when a peer sent an absurdly long one. */
export function messageTypeOf(type: string): string {
  return type.length > MAX_TYPE ? `${type.slice(0, MAX_TYPE)}…` : type;
}

/** A message type as a finding names it: bare when it looks like a type name, quoted and cut otherwise. */
export function typeName(type: string): string {
  return type.length <= MAX_TYPE && /^[\w.:-]+$/.test(type) ? type : quote(type);
}
