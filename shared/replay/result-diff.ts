/**
 * Compares a captured webhook answer with the answer of a replay (`toolscope replay`): JSON bodies as JSON,
 * other bodies as text, SSE answers as their sequence of events (type, data parsed as JSON when it is JSON),
 * event by event. The delta is jsondiffpatch's; `lines` say the same thing for a terminal, one change per
 * line with its JSON path (`~ temperature: 21 → 23`, `+ unit: "C"`, `- city: "Paris"`).
 *
 * Fields that change on every call (timestamps, ids) are removed from both sides before comparing, by JSON
 * paths in the syntax of the redaction rules (`updatedAt`, `$.meta.id`, `items[*].id`): a path without `$`
 * matches at any depth, one with `$` from the root (of each event's data, for SSE).
 */
import { create, type Delta } from 'jsondiffpatch';
import { base64ToBytes, utf8ToText } from '../base64-utf8.js';
import { tryParseJson } from '../analysis/model.js';
import { parseJsonPath, type JsonPathSegment } from '../export/redaction.js';

/** An answer as compared: the body text, or the events an SSE client dispatched. */
export type ReplayAnswer = { kind: 'body'; text: string } | { kind: 'sse'; events: { type: string; data: string }[] };

export interface ResultDiff {
  same: boolean;
  /** jsondiffpatch's delta from the captured answer to the replayed one; undefined when they are the same. */
  delta: Delta;
  lines: string[];
}

export type IgnorePaths = { ok: true; paths: IgnorePath[] } | { ok: false; error: string };
interface IgnorePath {
  segments: JsonPathSegment[];
  anchored: boolean;
}

/** Parses the ignore paths once; the first bad one is the error, with its position. */
export function parseIgnorePaths(paths: readonly string[]): IgnorePaths {
  const parsed: IgnorePath[] = [];
  for (const path of paths) {
    const result = parseJsonPath(path);
    if (!result.ok) return { ok: false, error: result.error };
    parsed.push({ segments: result.segments, anchored: result.anchored });
  }
  return { ok: true, paths: parsed };
}

// Arrays are compared position by position: SSE events and result lists are ordered, and matching items
// by content (jsondiffpatch's default LCS with moves) would report a changed event as removed + added.
const differ = create({ arrays: { detectMove: false }, matchByPosition: true });

export function diffAnswers(captured: ReplayAnswer, replayed: ReplayAnswer, ignore: readonly IgnorePath[] = []): ResultDiff {
  const before = comparable(captured, ignore);
  const after = comparable(replayed, ignore);
  const delta = differ.diff(before, after);
  if (delta === undefined) return { same: true, delta, lines: [] };
  const lines: string[] = [];
  if (captured.kind !== replayed.kind) lines.push(`~ answer: ${captured.kind === 'sse' ? 'an SSE stream' : 'a body'} → ${replayed.kind === 'sse' ? 'an SSE stream' : 'a body'}`);
  describeDelta(delta, '', lines);
  return { same: false, delta, lines };
}

/** The value compared: parsed JSON (or the text), the ignored fields removed. */
function comparable(answer: ReplayAnswer, ignore: readonly IgnorePath[]): unknown {
  if (answer.kind === 'body') return withoutPaths(jsonOrText(answer.text), ignore);
  return answer.events.map((event) => ({ type: event.type, data: withoutPaths(jsonOrText(event.data), ignore) }));
}

function jsonOrText(text: string): unknown {
  const parsed = tryParseJson(text);
  return parsed.ok ? parsed.value : text;
}

/** The text of captured or received bytes (utf8, or base64 of bytes that are not UTF-8 text). */
export function bodyText(body: { encoding: 'utf8' | 'base64'; data: string }): string {
  if (body.encoding === 'utf8') return body.data;
  const bytes = base64ToBytes(body.data);
  // Binary answers are compared as their base64: equal bytes give equal text, which is all a replay needs.
  return (bytes && utf8ToText(bytes)) ?? body.data;
}

// ---------------------------------------------------------------------------------------------------------
// Ignored fields

function withoutPaths(value: unknown, paths: readonly IgnorePath[]): unknown {
  let current = value;
  for (const path of paths) current = path.anchored ? removeAt(current, path.segments, 0) : removeAnywhere(current, path.segments);
  return current;
}

/** An unanchored path matches starting at any node, as redaction's do. */
function removeAnywhere(node: unknown, segments: JsonPathSegment[]): unknown {
  let current = removeAt(node, segments, 0);
  if (Array.isArray(current)) current = current.map((item) => removeAnywhere(item, segments));
  else if (isPlainObject(current)) current = Object.fromEntries(Object.entries(current).map(([key, child]) => [key, removeAnywhere(child, segments)]));
  return current;
}

/** A copy of `node` without the value at `segments[i…]`; array items are replaced (not removed) to keep positions. */
function removeAt(node: unknown, segments: JsonPathSegment[], i: number): unknown {
  const segment = segments[i];
  if (!segment) return node;
  const last = i === segments.length - 1;
  if (Array.isArray(node)) {
    if (segment.kind === 'key') return node;
    return node.map((item, index) => {
      if (segment.kind === 'index' && index !== segment.index) return item;
      return last ? IGNORED : removeAt(item, segments, i + 1);
    });
  }
  if (!isPlainObject(node) || segment.kind === 'index') return node;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(node)) {
    const matches = segment.kind === 'any' || key === segment.key;
    if (!matches) out[key] = child;
    else if (!last) out[key] = removeAt(child, segments, i + 1);
    // else: the field is left out on this side, and so on the other.
  }
  return out;
}

const IGNORED = '(ignored)';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ---------------------------------------------------------------------------------------------------------
// Readable lines

/** Walks jsondiffpatch's delta format: [new] added, [old, new] modified, [old, 0, 0] deleted, objects nest. */
function describeDelta(delta: Delta, path: string, lines: string[]): void {
  if (delta === undefined) return;
  if (Array.isArray(delta)) {
    const where = path || '$';
    if (delta.length === 1) lines.push(`+ ${where}: ${show(delta[0])}`);
    else if (delta.length === 2) lines.push(`~ ${where}: ${show(delta[0])} → ${show(delta[1])}`);
    else if (delta[2] === 0) lines.push(`- ${where}: ${show(delta[0])}`);
    // Moves and text diffs are switched off in `differ`; name them rather than drop them if they appear.
    else lines.push(`~ ${where}: changed`);
    return;
  }
  if (delta._t === 'a') {
    const entries = Object.entries(delta).filter(([key]) => key !== '_t');
    // Removals name the old index (`_2`), the rest the new one; removals first, then in index order.
    const order = (key: string) => (key.startsWith('_') ? 0 : 1);
    entries.sort(([a], [b]) => order(a) - order(b) || Number(a.replace('_', '')) - Number(b.replace('_', '')));
    for (const [key, child] of entries) describeDelta(child as Delta, `${path}[${key.replace('_', '')}]`, lines);
    return;
  }
  for (const [key, child] of Object.entries(delta)) describeDelta(child, joinKey(path, key), lines);
}

function joinKey(path: string, key: string): string {
  if (/^[A-Za-z_$][\w$-]*$/.test(key)) return path ? `${path}.${key}` : key;
  return `${path}[${JSON.stringify(key)}]`;
}

const MAX_SHOWN = 120;

function show(value: unknown): string {
  const text = value === undefined ? 'undefined' : JSON.stringify(value);
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN - 1)}…` : text;
}
