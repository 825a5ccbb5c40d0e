/**
 * Reading and quoting values of payloads that any peer may have sent (webhook bodies, realtime frames). A key
 * like `constructor` or `__proto__` reads as absent unless the payload really has it; values are described and
 * quoted in findings without pasting megabytes into a message; nothing here recurses into a value.
 */
import { isRecord } from './model.js';

/** The payload's own value for `key`; never an inherited one (`{}.constructor` is not a field). */
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

export function arrayField(obj: unknown, key: string): unknown[] | undefined {
  const value = field(obj, key);
  return Array.isArray(value) ? value : undefined;
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

/** A name as it reads in a sentence (no quotes), cut so a 10 MiB name cannot flood a message. */
export function cut(text: string, max = 60): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** A string as it would appear in JSON, cut to `max` characters. */
export function quote(text: string, max = 60): string {
  return JSON.stringify(cut(text, max));
}

/** Shown in place of a value that JSON.stringify cannot serialise (it recurses, so ~10,000 levels overflow). */
export const UNSERIALISABLE = '(not shown: the value is nested too deeply to serialise)';

/** JSON.stringify that never throws. */
export function serialise(value: unknown): string {
  try {
    const text = JSON.stringify(value);
    return typeof text === 'string' ? text : '';
  } catch {
    return UNSERIALISABLE;
  }
}
