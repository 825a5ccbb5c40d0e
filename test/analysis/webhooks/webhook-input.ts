/**
 * Test helpers: build the webhook readers' input the way the analyzer does from a proxied exchange. An SSE
 * answer is cut into events by SseStreamReader exactly as the proxy's capture does (push the text, then end()),
 * with the proxy's event order: request (seq 1), request body (2), response head (3), one sse.event per block,
 * sse.end, then the whole response body.
 */
import fs from 'node:fs';
import type { FindingDraft, WebhookExchangeInput } from '../../../shared/analysis/model.js';
import { sseEventInput, tryParseJson } from '../../../shared/analysis/model.js';
import { SseStreamReader } from '../../../shared/sse/sse-stream-reader.js';
import { fixtureDir, haveFixtures } from '../../support/protocol-fixtures.js';

export { fixtureDir, fixtureJson, fixtureText, haveFixtures, repoRoot, whenFixtures } from '../../support/protocol-fixtures.js';

export function fixtureNames(): string[] {
  return haveFixtures ? fs.readdirSync(fixtureDir).sort() : [];
}

export interface ExchangeSpec {
  method?: string;
  url?: string;
  headers?: [string, string][];
  /** A value is sent as JSON; a string as it is; null for no body. */
  body?: unknown;
  response?: {
    status?: number;
    headers?: [string, string][];
    contentType?: string;
    /** The body text; for SSE, the stream (or its chunks). */
    body?: string | string[] | null;
    synthetic?: boolean;
    /** Response head time, ms after the request. */
    t?: number;
  };
  /** SSE stream cut before its end (sse.end complete: false, and no response body). */
  cut?: boolean;
  ended?: { reason: string };
}

const REQUEST_T = 1000;

export function exchange(spec: ExchangeSpec): WebhookExchangeInput {
  const requestBody = spec.body === undefined || spec.body === null ? null : typeof spec.body === 'string' ? spec.body : JSON.stringify(spec.body);
  let seq = 1;
  const requestSeq = seq++;
  const requestBodySeq = requestBody === null ? null : seq++;
  const input: WebhookExchangeInput = {
    method: spec.method ?? 'POST',
    url: spec.url ?? '/tools',
    requestHeaders: spec.headers ?? [['content-type', 'application/json']],
    requestSeq,
    requestT: REQUEST_T,
    requestBody,
    requestBodySeq,
    requestJson: parseOrUndefined(requestBody),
    response: null,
    sse: [],
    sseEnd: null,
    ended: null,
  };
  const res = spec.response;
  if (res) {
    const contentType = res.contentType ?? 'application/json';
    const headers = res.headers ?? [['content-type', contentType]];
    const t0 = REQUEST_T + (res.t ?? 40);
    const responseSeq = seq++;
    const chunks = res.body === undefined || res.body === null ? null : typeof res.body === 'string' ? [res.body] : res.body;
    const whole = chunks ? chunks.join('') : null;
    if (chunks && /^\s*text\/event-stream/i.test(contentType)) {
      const reader = new SseStreamReader();
      const blocks = [];
      for (const chunk of chunks) blocks.push(...reader.push(chunk));
      const end = reader.end();
      blocks.push(...end.blocks);
      input.sse = blocks.map((block, i) => sseEventInput({ ...block, seq: seq++, t: t0 + 10 * (i + 1) }));
      input.sseEnd = { seq: seq++, complete: !spec.cut, leftover: end.leftover, leftoverOffset: end.leftoverOffset };
    }
    const bodySeq = spec.cut || whole === null ? null : seq++;
    const bodyT = bodySeq === null ? null : t0 + 10 * (input.sse.length + 1);
    input.response = {
      seq: responseSeq,
      t: t0,
      status: res.status ?? 200,
      headers,
      body: bodySeq === null ? null : whole,
      bodySeq,
      bodyT,
      json: bodySeq === null ? undefined : parseOrUndefined(whole),
      synthetic: res.synthetic === true,
    };
  }
  if (spec.ended) input.ended = { seq: seq++, t: REQUEST_T + 5000, reason: spec.ended.reason };
  return input;
}

function parseOrUndefined(text: string | null): unknown {
  if (text === null || text.trim() === '') return undefined;
  const parsed = tryParseJson(text);
  return parsed.ok ? parsed.value : undefined;
}

/** A raw HTTP request (`.http` fixture): method, path, headers and body. */
export function parseHttpRequest(text: string): { method: string; url: string; headers: [string, string][]; body: string | null } {
  const split = text.search(/\r?\n\r?\n/);
  const head = split >= 0 ? text.slice(0, split) : text;
  const body = split >= 0 ? text.slice(split).replace(/^\r?\n\r?\n/, '') : '';
  const [requestLine = '', ...headerLines] = head.split(/\r?\n/);
  const [method = 'GET', url = '/'] = requestLine.split(' ');
  const headers = headerLines
    .filter((line) => line.includes(':'))
    .map((line): [string, string] => [line.slice(0, line.indexOf(':')).trim(), line.slice(line.indexOf(':') + 1).trim()]);
  return { method, url, headers, body: body.trim() === '' ? null : body.replace(/\r?\n$/, '') };
}

export function rules(findings: readonly FindingDraft[]): string[] {
  return [...new Set(findings.map((f) => f.rule))].sort();
}

/** Rules of error and warning findings: what a valid fixture must not have. */
export function problems(findings: readonly FindingDraft[]): string[] {
  return rules(findings.filter((f) => f.severity !== 'info'));
}

/** Structural equality without recursion, for readings that hold values nested 10,000 levels deep. */
export function sameValue(a: unknown, b: unknown): boolean {
  const stack: [unknown, unknown][] = [[a, b]];
  while (stack.length > 0) {
    const [x, y] = stack.pop()!;
    if (Object.is(x, y)) continue;
    if (typeof x !== 'object' || typeof y !== 'object' || x === null || y === null) return false;
    if (Array.isArray(x) !== Array.isArray(y)) return false;
    const xKeys = Object.keys(x);
    const yKeys = Object.keys(y);
    if (xKeys.length !== yKeys.length) return false;
    for (const key of xKeys) {
      if (!Object.prototype.hasOwnProperty.call(y, key)) return false;
      stack.push([(x as Record<string, unknown>)[key], (y as Record<string, unknown>)[key]]);
    }
  }
  return true;
}
