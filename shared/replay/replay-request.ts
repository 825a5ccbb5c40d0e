/**
 * Replaying a captured webhook exchange from the UI, the pure part: which request goes out (as "Copy as curl"
 * would send it: copyable-request.ts decides which headers still make sense on a new connection), where to
 * (the captured upstream, or another origin with the same path and query), what of the captured answer can
 * be compared, and how the replayed answer compares. `toolscope replay` (electron/replay/webhook-replayer.ts)
 * answers the same questions for a session file; the reasons it skips a call are these.
 */
import type { OutgoingBody, OutgoingRequest, ResendResult } from '../bridge.js';
import type { CapturedBody, HeaderList } from '../events.js';
import type { FunctionCall } from '../analysis/model.js';
import { copyableRequestOf, headerOf, resendOf } from '../export/copyable-request.js';
import type { ExchangeView } from '../store/traffic-state.js';
import { bodyText, diffAnswers, type ReplayAnswer } from './result-diff.js';
import type { Delta } from 'jsondiffpatch';

/** The captured URL with the origin of `against` (path and query kept), or the captured URL itself. */
export function targetUrl(captured: string, against: string | undefined): string {
  if (against === undefined) return captured;
  const from = new URL(captured);
  return `${originOf(new URL(against))}${from.pathname}${from.search}`;
}

/** A base URL typed by the user: an absolute http(s) URL; only its origin is used. */
export function parseBaseUrl(text: string): { ok: true; origin: string } | { ok: false; error: string } {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, error: 'Type a base URL, for example http://127.0.0.1:9000' };
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return { ok: false, error: `"${trimmed}" is not a URL: write it with its scheme, for example http://${trimmed.replace(/^\/+/, '')}` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, error: `Only http:// and https:// URLs can be sent to, not ${url.protocol}//` };
  return { ok: true, origin: originOf(url) };
}

/** `URL.origin` for http(s) URLs (the shared type check declares only part of URL). */
function originOf(url: URL): string {
  return `${url.protocol}//${url.host}`;
}

export interface ReplayRequest {
  request: OutgoingRequest;
  /** Where it will not send exactly what was captured, in sentences. */
  warnings: string[];
}

/**
 * The exchange's request to send again, to its captured upstream or to `against`'s origin. Refused (with the
 * reason) when it cannot be sent as captured: no upstream URL, or a body the capture cut short (Edit and
 * resend can still send what was kept, after the user has seen it).
 */
export function replayRequestOf(exchange: ExchangeView, against?: string): ReplayRequest | { refused: string } {
  const copy = copyableRequestOf(exchange, 'upstream');
  if (!copy || !copy.url) return { refused: 'no upstream URL was captured' };
  let url: string;
  try {
    url = targetUrl(copy.url, against);
  } catch {
    return { refused: `the captured upstream URL "${copy.url}" cannot be read` };
  }
  if (!/^https?:/i.test(url)) return { refused: `only http(s) requests can be replayed, not ${url}` };
  if (exchange.requestBody?.truncated) return { refused: 'the captured request body is truncated, so it cannot be sent exactly' };
  const resend = resendOf(copy);
  const body: OutgoingBody | null =
    resend.body === null ? null : resend.body.kind === 'text' ? { encoding: 'utf8', data: resend.body.text } : { encoding: 'base64', data: resend.body.data };
  return { request: { method: resend.method, url, headers: resend.headers, body }, warnings: resend.warnings };
}

export type CapturedAnswer = { status: number; answer: ReplayAnswer } | { reason: string };

/** The captured answer as compared, or why it cannot be (no answer, the proxy's or a mock's, cut short). */
export function capturedAnswer(exchange: ExchangeView): CapturedAnswer {
  if (!exchange.response) return { reason: `no answer was captured (${exchange.error?.message ?? exchange.aborted?.message ?? 'the call was still pending'})` };
  if (exchange.response.synthetic) return { reason: `the captured answer came from the proxy (${exchange.response.status}), not from the backend` };
  // A rule that only delays passes the backend's answer on; any other rule's answer is the rule's.
  if (exchange.mock && exchange.mock.handler !== 'delay') return { reason: `the captured answer came from mock rule ${exchange.mock.ruleName || exchange.mock.ruleId}, not from the backend` };
  if (exchange.sse.length > 0 || isEventStream(headerOf(exchange.response.headers, 'content-type'))) {
    if (exchange.sseEnd && !exchange.sseEnd.complete) return { reason: 'the captured SSE stream was cut off' };
    const events = exchange.sse.filter((e) => e.dispatched).map((e) => ({ type: e.type ?? 'message', data: e.data ?? '' }));
    return { status: exchange.response.status, answer: { kind: 'sse', events } };
  }
  const body = exchange.responseBody;
  if (body?.truncated) return { reason: 'the captured answer is truncated, so it cannot be compared' };
  return { status: exchange.response.status, answer: { kind: 'body', text: body ? bodyText(body) : '' } };
}

/** Why a call is left out of "Replay calls…" (as `toolscope replay` leaves it out), or null to send it. */
export function replaySkipReason(call: FunctionCall | undefined, exchange: ExchangeView | undefined): string | null {
  if (!exchange) return 'its HTTP exchange is not in the view';
  if (call?.mockedBy && call.mockedBy.handler !== 'delay') return 'answered by a mock rule, not by the backend';
  const request = replayRequestOf(exchange);
  if ('refused' in request) return request.refused;
  const captured = capturedAnswer(exchange);
  return 'reason' in captured ? captured.reason : null;
}

/** The replayed answer as compared: the SSE events the core dispatched, or the body's text. */
export function replayedAnswer(response: NonNullable<ResendResult['response']>): ReplayAnswer {
  if (response.sse.length > 0 || isEventStream(headerOf(response.headers, 'content-type'))) return { kind: 'sse', events: response.sse };
  return { kind: 'body', text: bodyText(response.body) };
}

export type ReplayVerdict =
  | { kind: 'same' }
  | { kind: 'different'; lines: string[]; delta: Delta }
  /** No answer came back (refused, timed out …). */
  | { kind: 'error'; message: string }
  /** An answer came, but there is nothing captured to compare it with. */
  | { kind: 'uncompared'; reason: string };

/** How a replay's answer compares with the captured one: the CLI's lines, the status first when it changed. */
export function compareReplay(captured: CapturedAnswer, result: Pick<ResendResult, 'response' | 'error'>, ignore: Parameters<typeof diffAnswers>[2] = []): ReplayVerdict {
  if (!result.response) return { kind: 'error', message: result.error ?? 'no answer came back' };
  if ('reason' in captured) return { kind: 'uncompared', reason: captured.reason };
  const diff = diffAnswers(captured.answer, replayedAnswer(result.response), ignore);
  const status = result.response.status;
  const lines = captured.status === status ? diff.lines : [`~ (status): ${captured.status} → ${status}`, ...diff.lines];
  return lines.length === 0 ? { kind: 'same' } : { kind: 'different', lines, delta: diff.delta };
}

/**
 * The difference lines for a person reading an SSE comparison: `toolscope replay` names events by index
 * (`~ [0].data.result.t: 21 → 23`); here they are named by number and type (`~ event 1 (action) › result.t: 21 →
 * 23`). Added events are named after the replayed stream, the rest after the captured one.
 */
export function readableLines(lines: readonly string[], captured: ReplayAnswer | null, replayed: ReplayAnswer | null): string[] {
  const typeAt = (answer: ReplayAnswer | null, index: number) => (answer?.kind === 'sse' ? answer.events[index]?.type : undefined);
  if (captured?.kind !== 'sse' && replayed?.kind !== 'sse') return [...lines];
  return lines.map((line) => {
    const match = /^([~+-]) \[(\d+)\](\.data|\.type)?(.*)$/s.exec(line);
    if (!match) return line;
    const [, sign, digits, field, rest] = match as unknown as [string, string, string, string | undefined, string];
    const index = Number(digits);
    const type = sign === '+' ? typeAt(replayed, index) : (typeAt(captured, index) ?? typeAt(replayed, index));
    const name = `event ${index + 1}${type !== undefined ? ` (${type})` : ''}`;
    if (rest.startsWith(':')) return `${sign} ${name}${field === '.type' ? ' type' : field === '.data' ? ' data' : ''}${rest}`;
    if (field === '.data') return `${sign} ${name} › ${rest.replace(/^\./, '')}`;
    return line;
  });
}

/** "same", "1 difference", "3 differences", "error", "not compared". */
export function verdictWords(verdict: ReplayVerdict): string {
  switch (verdict.kind) {
    case 'same':
      return 'same';
    case 'different':
      return `${verdict.lines.length} difference${verdict.lines.length === 1 ? '' : 's'}`;
    case 'error':
      return 'error';
    case 'uncompared':
      return 'not compared';
  }
}

/**
 * What an edited request changes from the captured one, one line per change in the style of the answer's
 * differences: method, URL, headers (by name, case-insensitively), then the body (as JSON when it is JSON).
 */
export function requestChanges(before: OutgoingRequest, after: OutgoingRequest): string[] {
  const lines: string[] = [];
  if (before.method !== after.method) lines.push(`~ (method): ${before.method} → ${after.method}`);
  if (before.url !== after.url) lines.push(`~ (url): ${before.url} → ${after.url}`);
  const headersOf = (list: HeaderList) => {
    const map = new Map<string, { name: string; value: string }>();
    for (const [name, value] of list) {
      const key = name.toLowerCase();
      const previous = map.get(key);
      map.set(key, previous ? { name: previous.name, value: `${previous.value}, ${value}` } : { name, value });
    }
    return map;
  };
  const a = headersOf(before.headers);
  const b = headersOf(after.headers);
  for (const [key, header] of a) {
    const other = b.get(key);
    if (!other) lines.push(`- (header) ${header.name}: ${header.value}`);
    else if (other.value !== header.value) lines.push(`~ (header) ${header.name}: ${header.value} → ${other.value}`);
  }
  for (const [key, header] of b) if (!a.has(key)) lines.push(`+ (header) ${header.name}: ${header.value}`);
  if (before.body === null && after.body !== null) lines.push('+ (body)');
  else if (before.body !== null && after.body === null) lines.push('- (body)');
  else if (before.body !== null && after.body !== null) {
    const diff = diffAnswers({ kind: 'body', text: bodyText(before.body) }, { kind: 'body', text: bodyText(after.body) });
    lines.push(...diff.lines.map((line) => line.replace(/^([~+-]) \$:/, '$1 (body):')));
  }
  return lines;
}

// ---------------------------------------------------------------------------------------------------------
// Where the two sides differ, for highlighting

export type ChangeKind = 'changed' | 'added' | 'removed';
export type JsonPathKey = string;

/** A path into a compared value as a map key: the JSON of its segments (`["items",2,"id"]`). */
export function pathKey(path: readonly (string | number)[]): JsonPathKey {
  return JSON.stringify(path);
}

/**
 * The paths that differ on each side, from jsondiffpatch's delta (as `diffAnswers` makes it): changed values on
 * both, removed ones on the captured side, added ones on the replayed side. Array indexes are numbers.
 */
export function changedPaths(delta: Delta): { before: Map<JsonPathKey, ChangeKind>; after: Map<JsonPathKey, ChangeKind> } {
  const before = new Map<JsonPathKey, ChangeKind>();
  const after = new Map<JsonPathKey, ChangeKind>();
  const walk = (node: Delta, path: (string | number)[]) => {
    if (node === undefined) return;
    if (Array.isArray(node)) {
      const key = pathKey(path);
      if (node.length === 1) after.set(key, 'added');
      else if (node.length === 3 && node[2] === 0) before.set(key, 'removed');
      else {
        before.set(key, 'changed');
        after.set(key, 'changed');
      }
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const entries = Object.entries(node as Record<string, Delta>);
    if ((node as { _t?: unknown })._t === 'a') {
      for (const [key, child] of entries) {
        if (key === '_t') continue;
        walk(child, [...path, Number(key.replace('_', ''))]);
      }
      return;
    }
    for (const [key, child] of entries) walk(child, [...path, key]);
  };
  walk(delta, []);
  // An array item of a different primitive value is removed and added at the same index: one change.
  for (const [key, kind] of before) {
    if (kind === 'removed' && after.get(key) === 'added') {
      before.set(key, 'changed');
      after.set(key, 'changed');
    }
  }
  return { before, after };
}

// ---------------------------------------------------------------------------------------------------------
// Edit and resend: headers as text, the body's kind

/** Headers as `Name: value` lines, one a line, in order. */
export function headersToText(headers: HeaderList): string {
  return headers.map(([name, value]) => `${name}: ${value}`).join('\n');
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Reads `Name: value` lines back; empty lines are skipped; the first bad line is the error, with its number. */
export function parseHeadersText(text: string): { ok: true; headers: HeaderList } | { ok: false; error: string; line: number } {
  const headers: HeaderList = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim() : '';
    if (!TOKEN.test(name)) {
      return { ok: false, line: i + 1, error: `Header line ${i + 1} is not "Name: value"${colon <= 0 ? ' (no colon)' : ` ("${name}" is not a header name)`}` };
    }
    const value = line.slice(colon + 1).trim();
    if (/[\r\n\0]/.test(value)) return { ok: false, line: i + 1, error: `Header line ${i + 1} has a control character in its value` };
    headers.push([name, value]);
  }
  return { ok: true, headers };
}

/** Headers the sender frames itself: typed ones are left out (the edited body has its own length). */
export function withoutFramingHeaders(headers: HeaderList): { headers: HeaderList; dropped: string[] } {
  const dropped: string[] = [];
  const kept = headers.filter(([name]) => {
    const framing = /^(content-length|transfer-encoding|host|connection)$/i.test(name);
    if (framing) dropped.push(name);
    return !framing;
  });
  return { headers: kept, dropped };
}

/** Whether a body is to be checked as JSON before it is sent: a JSON content type, or a captured body that was JSON. */
export function expectsJson(headers: HeaderList, captured: CapturedBody | null): boolean {
  const type = headerOf(headers, 'content-type');
  if (type !== undefined && /[/+]json\b/i.test(type)) return true;
  if (!captured || captured.encoding !== 'utf8' || captured.data.trim() === '') return false;
  try {
    JSON.parse(captured.data);
    return true;
  } catch {
    return false;
  }
}

function isEventStream(contentType: string | undefined): boolean {
  return contentType !== undefined && /^\s*text\/event-stream/i.test(contentType);
}
