/**
 * What every webhook reader asks of an exchange, read defensively: the input type is a promise the caller
 * means to keep, but the readers must not throw on any input, so each field is checked where it is read.
 */
import type { SseEventInput, WebhookExchangeInput } from '../model.js';
import { isRecord, tryParseJson } from '../model.js';

type Response = NonNullable<WebhookExchangeInput['response']>;

export function headerOf(headers: unknown, name: string): string | undefined {
  if (!Array.isArray(headers)) return undefined;
  const lower = name.toLowerCase();
  for (const pair of headers) {
    if (Array.isArray(pair) && typeof pair[0] === 'string' && pair[0].toLowerCase() === lower && typeof pair[1] === 'string') return pair[1];
  }
  return undefined;
}

export function requestHeader(ex: WebhookExchangeInput, name: string): string | undefined {
  return headerOf(ex.requestHeaders, name);
}

/** The event a finding about the request points at: its body when it has one. */
export function requestBodySeq(ex: WebhookExchangeInput): number {
  return finiteSeq(ex.requestBodySeq) ?? finiteSeq(ex.requestSeq) ?? 0;
}

export function finiteSeq(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function finiteTime(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

export function method(ex: WebhookExchangeInput): string {
  return typeof ex.method === 'string' ? ex.method.toUpperCase() : '';
}

/** The URL's path without query or fragment. */
export function urlPath(url: unknown): string {
  if (typeof url !== 'string') return '';
  const cut = url.search(/[?#]/);
  const path = cut >= 0 ? url.slice(0, cut) : url;
  // An absolute URL (a proxy request line may carry one): keep only its path.
  const absolute = /^[a-z][a-z0-9+.-]*:\/\/[^/]*/i.exec(path);
  return absolute ? path.slice(absolute[0].length) || '/' : path;
}

/** Query parameters in order, decoded as a form would encode them (`+` is a space); undecodable ones kept raw. */
export function queryParams(url: unknown): [string, string][] {
  if (typeof url !== 'string') return [];
  const start = url.indexOf('?');
  if (start < 0) return [];
  const end = url.indexOf('#', start);
  const query = url.slice(start + 1, end >= 0 ? end : undefined);
  const params: [string, string][] = [];
  for (const part of query.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = eq >= 0 ? part.slice(0, eq) : part;
    const value = eq >= 0 ? part.slice(eq + 1) : '';
    params.push([decodeComponent(key), decodeComponent(value)]);
  }
  return params;
}

function decodeComponent(text: string): string {
  const spaced = text.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}

export function response(ex: WebhookExchangeInput): Response | null {
  return isRecord(ex.response) ? (ex.response as Response) : null;
}

export function responseHeader(ex: WebhookExchangeInput, name: string): string | undefined {
  const res = response(ex);
  return res ? headerOf(res.headers, name) : undefined;
}

/** The whole response body as the bot got it, once it is complete. */
export type BodyState =
  /** No response yet, or its body is still coming. */
  | { kind: 'pending' }
  /** The bot did not get the backend's answer: the proxy answered itself, or the answer is an HTTP error (both have their own findings). */
  | { kind: 'failed'; status: number }
  | { kind: 'binary'; seq: number; t: number; status: number }
  | { kind: 'text'; text: string; json: { ok: true; value: unknown } | { ok: false; error: string }; seq: number; t: number; status: number };

export function bodyState(ex: WebhookExchangeInput): BodyState {
  const res = response(ex);
  if (!res) return { kind: 'pending' };
  const status = typeof res.status === 'number' ? res.status : 0;
  if (res.synthetic === true || status >= 400) return { kind: 'failed', status };
  const seq = finiteSeq(res.bodySeq);
  if (seq === undefined) return { kind: 'pending' };
  const t = finiteTime(res.bodyT, finiteTime(res.t, 0));
  if (typeof res.body !== 'string') return { kind: 'binary', seq, t, status };
  let json: { ok: true; value: unknown } | { ok: false; error: string };
  if (res.json !== undefined) json = { ok: true, value: res.json };
  else if (res.body.trim() === '') json = { ok: false, error: 'the body is empty' };
  else json = tryParseJson(res.body);
  return { kind: 'text', text: res.body, json, seq, t, status };
}

/** True when the response is (or announces) an SSE stream. */
export function isEventStream(ex: WebhookExchangeInput): boolean {
  if (Array.isArray(ex.sse) && ex.sse.length > 0) return true;
  if (isRecord(ex.sseEnd)) return true;
  const type = responseHeader(ex, 'content-type');
  return typeof type === 'string' && /^\s*text\/event-stream\s*(;|$)/i.test(type);
}

export function sseEvents(ex: WebhookExchangeInput): SseEventInput[] {
  if (!Array.isArray(ex.sse)) return [];
  return ex.sse.filter((event): event is SseEventInput => isRecord(event) && typeof event.raw === 'string' && finiteSeq(event.seq) !== undefined);
}

/** The request body parsed as JSON: the caller's parse when given, else parsed here (the input may leave it out). */
export function requestJson(ex: WebhookExchangeInput): unknown {
  if (ex.requestJson !== undefined) return ex.requestJson;
  if (typeof ex.requestBody !== 'string' || ex.requestBody.trim() === '') return undefined;
  const parsed = tryParseJson(ex.requestBody);
  return parsed.ok ? parsed.value : undefined;
}
