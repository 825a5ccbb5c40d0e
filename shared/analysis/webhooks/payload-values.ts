/**
 * Reading and quoting values of payloads that any peer may have sent. A key like `constructor` or `__proto__`
 * reads as absent unless the payload really has it; values are described and quoted in findings without
 * pasting megabytes into a message; nothing here recurses into a value, so 10,000 levels of nesting are safe.
 */
import { quote, serialise } from '../payload-fields.js';

export { arrayField, cut, describeValue, field, has, quote, recordField, serialise, stringField, UNSERIALISABLE } from '../payload-fields.js';

/** A list of names for a message: `"a", "b" and 3 more`. */
export function quoteList(names: readonly string[], max = 5): string {
  const shown = names.slice(0, max).map((name) => quote(name, 40));
  if (names.length > max) return `${shown.join(', ')} and ${names.length - max} more`;
  if (shown.length <= 1) return shown.join('');
  return `${shown.slice(0, -1).join(', ')} and ${shown.at(-1)}`;
}



export interface ArgumentsReading {
  args: unknown;
  argsRaw: string;
  argsError?: string;
}

/**
 * Arguments as a platform sent them: an inline JSON value, or a JSON string holding it. A string is parsed once:
 * a string inside the string stays a string (the arguments were encoded twice, and the tool gets a string).
 */
export function readArguments(value: unknown): ArgumentsReading {
  if (value === undefined) return { args: undefined, argsRaw: '' };
  if (typeof value === 'string') {
    if (value.trim() === '') return { args: {}, argsRaw: value };
    try {
      return { args: JSON.parse(value) as unknown, argsRaw: value };
    } catch (error) {
      return { args: undefined, argsRaw: value, argsError: error instanceof Error ? error.message : String(error) };
    }
  }
  return { args: value, argsRaw: serialise(value) };
}

/** How many single-character edits turn `a` into `b`, or Infinity when that is more than `max` (checked cheaply). */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return Infinity;
  // Long ids are compared only when short enough: the table is a.length x b.length.
  if (a.length > 512 || b.length > 512) return a === b ? 0 : Infinity;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      const value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      current.push(value);
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > max) return Infinity;
    previous = current;
  }
  const distance = previous[b.length]!;
  return distance > max ? Infinity : distance;
}

/**
 * The candidate `text` most likely meant: a few typed characters off, differing only in case, or an abbreviation
 * (`lang` for `language`). Null when none is close.
 */
export function nearest(text: string, candidates: Iterable<string>, maxEdits = 2): string | null {
  let best: { value: string; score: number } | null = null;
  const lower = text.toLowerCase();
  for (const candidate of candidates) {
    if (candidate === text) continue;
    const other = candidate.toLowerCase();
    let score = editDistance(lower, other, maxEdits);
    if (score === Infinity && lower.length >= 3 && other.startsWith(lower)) score = maxEdits + 0.5;
    if (score === Infinity) continue;
    if (!best || score < best.score || (score === best.score && candidate < best.value)) best = { value: candidate, score };
  }
  return best?.value ?? null;
}
