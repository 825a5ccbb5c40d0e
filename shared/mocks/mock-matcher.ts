/**
 * Which mock rule answers a request or a realtime call. Pure: the proxy gathers the facts, this decides.
 *
 * The call a request carries is read by the same webhook readers the analysis uses (Daily, Vapi, Retell, …),
 * so a rule's `functionName` means what the timeline shows as the call's name, whatever the dialect. Rules are
 * tried in order and the first enabled one of the right kind whose every set field matches wins.
 */
import type { HeaderList } from '../events.js';
import type { Protocol, WebhookDialect, WebhookExchangeInput } from '../analysis/model.js';
import { isRecord, tryParseJson } from '../analysis/model.js';
import { readWebhookExchange } from '../analysis/webhooks/webhook-dialects.js';
import { urlPath } from '../analysis/webhooks/webhook-exchange.js';
import { parseJsonPath, type JsonPathSegment } from '../export/redaction.js';
import { isRealtimeHandler, type MockMatcher, type MockRule } from './mock-rule.js';

/** One function call as a matcher and a template see it. */
export interface MockCall {
  callId: string | null;
  functionName: string;
  /** Parsed arguments; undefined when absent or not JSON. */
  args: unknown;
}

/** Where a request or a WebSocket came in, and what it asked for. */
export interface RequestFacts {
  routeId: string;
  method: string;
  /** Path and query as the client sent them. */
  url: string;
  headers: HeaderList;
}

export interface WebhookFacts extends RequestFacts {
  /** The dialect that read the request as its own, or null for a plain request. */
  dialect: Protocol | null;
  /** The request body parsed as JSON; undefined when absent, not JSON, or not read (over the capture cap). */
  json: unknown;
  calls: MockCall[];
}

export interface RealtimeCallFacts extends RequestFacts {
  dialect: Protocol;
  /** The message type that carries the call, e.g. `response.function_call_arguments.done`. */
  frameType: string;
  call: MockCall;
}

/**
 * Reads the call(s) a webhook request carries. `body` is null when it was not read (over the cap, or binary):
 * then only the request line and headers can match.
 */
export function readWebhookFacts(request: RequestFacts, body: string | null, dialects: readonly WebhookDialect[]): WebhookFacts {
  const parsed = body === null || body.trim() === '' ? undefined : tryParseJson(body);
  const json = parsed?.ok ? parsed.value : undefined;
  const input: WebhookExchangeInput = {
    method: request.method,
    url: request.url,
    requestHeaders: request.headers,
    requestSeq: 0,
    requestT: 0,
    requestBody: body,
    requestBodySeq: body === null ? null : 0,
    requestJson: json,
    response: null,
    sse: [],
    sseEnd: null,
    ended: null,
  };
  const reading = readWebhookExchange(input, dialects);
  const calls: MockCall[] = (reading?.calls ?? [])
    .filter((call) => call.name !== '')
    .map((call) => ({ callId: call.callId, functionName: call.name, args: call.args }));
  return { ...request, dialect: reading?.protocol ?? null, json, calls };
}

/** The first enabled webhook rule matching the request, with the calls that made it match (all of them when no call field is set). */
export function matchWebhookRule(rules: readonly MockRule[], facts: WebhookFacts): MockRule | null {
  for (const rule of rules) {
    if (!rule.enabled || isRealtimeHandler(rule.handler)) continue;
    const m = rule.match;
    // A frame type names a WebSocket message: such a rule never answers HTTP.
    if (m.frameType !== undefined) continue;
    if (!requestMatches(m, facts)) continue;
    if (m.functionName === undefined && m.args === undefined) return rule;
    // Vapi may send several calls in one message: the rule answers the message when any call matches.
    if (facts.calls.some((call) => callMatches(m, call))) return rule;
  }
  return null;
}

/** The first enabled realtime rule matching a call the server asked of the client. */
export function matchRealtimeRule(rules: readonly MockRule[], facts: RealtimeCallFacts): MockRule | null {
  for (const rule of rules) {
    if (!rule.enabled || !isRealtimeHandler(rule.handler)) continue;
    const m = rule.match;
    if (m.frameType !== undefined && m.frameType !== facts.frameType) continue;
    if (requestMatches(m, facts) && callMatches(m, facts.call)) return rule;
  }
  return null;
}

/** The request fields of a matcher (route, method, path, header); also used by breakpoint rules. */
export function requestMatches(m: MockMatcher, facts: RequestFacts): boolean {
  if (m.routeId !== undefined && m.routeId !== facts.routeId) return false;
  if (m.method !== undefined && m.method.toUpperCase() !== facts.method.toUpperCase()) return false;
  if (m.path !== undefined && !pathMatches(m.path, urlPath(facts.url))) return false;
  if (m.header !== undefined) {
    const name = m.header.name.toLowerCase();
    const value = m.header.value;
    if (!facts.headers.some(([n, v]) => n.toLowerCase() === name && (value === undefined || v === value))) return false;
  }
  return true;
}

/** The call fields of a matcher (function name, arguments); also used by breakpoint rules. */
export function callMatches(m: MockMatcher, call: MockCall): boolean {
  if (m.functionName !== undefined && m.functionName !== call.functionName) return false;
  if (m.args !== undefined && !argsMatch(m.args, call.args)) return false;
  return true;
}

/** `*` matches any run of characters (slashes too); everything else literally. */
export function pathMatches(pattern: string, path: string): boolean {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`).test(path);
}

/**
 * A path is read from the root of the arguments, with or without `$` (unlike redaction, where a bare path
 * matches at any depth): a matcher names one argument, and `city` should not also match `address.city`.
 */
export function argsMatch(condition: NonNullable<MockMatcher['args']>, args: unknown): boolean {
  if (args === undefined) return false;
  const path = parseJsonPath(condition.path);
  if (!path.ok) return false;
  const values = valuesAt(args, path.segments);
  if (!('equals' in condition) || condition.equals === undefined) return values.length > 0;
  return values.some((value) => deepEqual(value, condition.equals));
}

function valuesAt(root: unknown, segments: readonly JsonPathSegment[]): unknown[] {
  let current: unknown[] = [root];
  for (const segment of segments) {
    const next: unknown[] = [];
    for (const value of current) {
      if (segment.kind === 'key') {
        if (isRecord(value) && Object.prototype.hasOwnProperty.call(value, segment.key)) next.push(value[segment.key]);
      } else if (segment.kind === 'index') {
        if (Array.isArray(value) && segment.index < value.length) next.push(value[segment.index]);
      } else if (Array.isArray(value)) next.push(...value);
      else if (isRecord(value)) next.push(...Object.values(value));
    }
    current = next;
  }
  return current;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  if (isRecord(a) && isRecord(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => Object.prototype.hasOwnProperty.call(b, key) && deepEqual(a[key], b[key]));
  }
  return false;
}
