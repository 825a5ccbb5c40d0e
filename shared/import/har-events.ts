/**
 * HAR 1.2 files (Chrome DevTools, Firefox, HTTP Toolkit, Toolscope's own export) to event-log events, so an
 * imported file is shown and analysed by exactly the code that handles live traffic: HTTP entries become
 * exchanges (an SSE body is cut into events as the proxy cuts it), WebSocket entries become a connection with
 * its frames, and an entry without an answer becomes an exchange that failed.
 *
 * Events of all entries are put in one time order, so a tool webhook fetched while a realtime socket was open
 * sits between the socket's frames as it did in the browser.
 *
 * Routes: each exchange and connection gets the route of its origin (`https://api.openai.com`; ws: and wss:
 * count as http: and https:, as one Toolscope route carries both), so calls group per backend. No `route.up`
 * is written: that event means "Toolscope listened on this address", and an imported file has no such
 * address, so the UI shows the origin as the route's name instead of a made-up listen port.
 */
import type { CapturedBody, EventOf, HeaderList, LogEvent, NewEvent } from '../events.js';
import { headerValue } from '../http-headers.js';
import { SseStreamReader } from '../sse/sse-stream-reader.js';
import { utf8ByteLength } from '../text-bytes.js';
import { base64ToBytes, utf8ToText } from '../base64-utf8.js';
import { looksLikeHarJson, readHar, type HarBody, type HarEntryReading, type HarWebSocket } from './har-entries.js';

export interface HarImport {
  events: LogEvent[];
  /** Why nothing could be read (the input is not a HAR file); null when it could. */
  error: string | null;
  /** What was read differently from the file or left out, one sentence each. */
  warnings: string[];
  stats: { entries: number; http: number; webSocket: number };
}

export function looksLikeHar(json: unknown): boolean {
  return looksLikeHarJson(json);
}

export function eventsFromHar(json: unknown): HarImport {
  const read = readHar(json);
  if (read.error !== null) return { events: [], error: read.error, warnings: [], stats: { entries: 0, http: 0, webSocket: 0 } };
  const { reading } = read;
  const warnings = [...reading.warnings];
  const log = new TimedEvents();
  let http = 0;
  let webSocket = 0;
  for (const entry of inStartOrder(reading.entries)) {
    if (entry.webSocket) appendConnection(log, entry, entry.webSocket, `w${++webSocket}`, warnings);
    else appendExchange(log, entry, `x${++http}`);
  }
  return { events: log.finish(), error: null, warnings, stats: { entries: reading.total, http, webSocket } };
}

type Timed = HarEntryReading & { t0: number };

/** Entries sorted by start; one without a usable start keeps its place after the entry before it in the file. */
function inStartOrder(entries: HarEntryReading[]): Timed[] {
  const first = entries.find((e) => e.start !== null)?.start ?? 0;
  let previous = first;
  const timed = entries.map((entry) => {
    const t0 = entry.start ?? previous;
    previous = t0;
    return { ...entry, t0 };
  });
  return timed.sort((a, b) => a.t0 - b.t0);
}

/** Events with times, from many entries; sorted (stably) and numbered at the end. */
class TimedEvents {
  private readonly list: { event: NewEvent; t: number }[] = [];

  add(event: NewEvent, t: number): void {
    this.list.push({ event, t });
  }

  finish(): LogEvent[] {
    return this.list
      .sort((a, b) => a.t - b.t)
      .map(({ event, t }, i) => ({ ...event, seq: i + 1, t }) as LogEvent);
  }
}

/** One entity's clock: its events never go back in time, whatever the file says. */
function clockFrom(start: number): (t?: number | null) => number {
  let now = start;
  return (t) => (now = Math.max(now, t ?? now));
}

function appendExchange(log: TimedEvents, entry: Timed, exchangeId: string): void {
  const at = clockFrom(entry.t0);
  const { send, wait, receive } = entry.timings;
  log.add(
    {
      kind: 'http.request',
      exchangeId,
      routeId: routeIdOf(entry),
      method: entry.method,
      url: pathOf(entry),
      httpVersion: httpVersionOf(entry.httpVersion),
      headers: entry.requestHeaders,
      remoteAddress: '',
      upstreamUrl: withoutFragment(entry.url),
    },
    at(),
  );
  log.add({ kind: 'http.request.body', exchangeId, body: capturedBody(entry.requestBody, entry.requestHeaders, null) }, at(entry.t0 + send));
  const headAt = at(entry.t0 + send + wait);
  const ending = entry.error === null ? null : endingOf(exchangeId, entry.error, entry.status > 0 && !entry.synthetic);
  if (entry.status <= 0) {
    log.add(ending ?? failure(exchangeId, 'the file has no answer to this request (status 0)', null), headAt);
    return;
  }
  // The proxy logs why it could not reach the upstream before the answer it made up itself (a 502).
  if (entry.synthetic && ending?.kind === 'http.error') log.add({ ...ending, statusSent: entry.status }, headAt);
  const response: NewEvent = { kind: 'http.response', exchangeId, status: entry.status, statusMessage: entry.statusText, headers: entry.responseHeaders };
  log.add(entry.synthetic ? { ...response, synthetic: true } : response, headAt);
  const endAt = at(entry.t0 + send + wait + receive);
  const contentType = headerValue(entry.responseHeaders, 'content-type') ?? '';
  if (/text\/event-stream/i.test(contentType) && entry.responseBody.kind === 'text') {
    appendSseEvents(log, exchangeId, entry.responseBody.text, headAt, endAt, ending === null);
  }
  if (entry.responseBody.kind !== 'absent' || !ending) {
    log.add({ kind: 'http.response.body', exchangeId, body: capturedBody(entry.responseBody, entry.responseHeaders, entry.responseWireSize) }, endAt);
  }
  // A response that broke off: the part the file has, then why (Toolscope and Chrome say so in `_error`).
  if (ending && !entry.synthetic) log.add(ending, endAt);
}

/**
 * How an exchange with an `_error` ended. Toolscope's export writes `aborted by the client during the
 * response: …`; Chrome writes `net::ERR_ABORTED` when the page cancelled the request (a stream it stopped
 * reading, a navigation). An error after a response head means the response broke off; any other error is a
 * failure to reach the upstream (`net::ERR_CONNECTION_REFUSED`, the proxy's own messages).
 */
function endingOf(exchangeId: string, message: string, responded: boolean): ExchangeEnding {
  const phase = responded ? 'response' : 'request';
  const ours = /^aborted by the (client|upstream|proxy) during the (request|response): (.*)$/s.exec(message);
  if (ours) return { kind: 'http.aborted', exchangeId, by: ours[1] as 'client' | 'upstream' | 'proxy', phase: ours[2] as 'request' | 'response', message: ours[3]! };
  if (/ERR_ABORTED|ERR_CANCELED|\bcancel/i.test(message)) return { kind: 'http.aborted', exchangeId, by: 'client', phase, message };
  if (responded) return { kind: 'http.aborted', exchangeId, by: 'upstream', phase, message };
  return failure(exchangeId, message, null);
}

type Failure = Omit<EventOf<'http.error'>, 'seq' | 't'>;
type ExchangeEnding = Failure | Omit<EventOf<'http.aborted'>, 'seq' | 't'>;

function failure(exchangeId: string, message: string, statusSent: number | null): Failure {
  return { kind: 'http.error', exchangeId, cause: causeOf(message), code: codeOf(message), message, statusSent };
}

/** The stream's blocks, spread evenly over the time the body took (the HAR keeps only the whole text). */
function appendSseEvents(log: TimedEvents, exchangeId: string, text: string, from: number, to: number, complete: boolean): void {
  const reader = new SseStreamReader();
  const blocks = reader.push(text);
  const end = reader.end();
  const all = [...blocks, ...end.blocks];
  const step = all.length > 0 ? Math.max(0, to - from) / all.length : 0;
  all.forEach((block, i) => log.add({ kind: 'sse.event', exchangeId, ...block }, from + step * (i + 1)));
  log.add(
    { kind: 'sse.end', exchangeId, events: all.length, leftover: end.leftover, leftoverOffset: end.leftoverOffset, complete },
    Math.max(from, to),
  );
}

function appendConnection(log: TimedEvents, entry: Timed, ws: HarWebSocket, connectionId: string, warnings: string[]): void {
  const routeId = routeIdOf(entry);
  const url = pathOf(entry);
  const upstreamUrl = withoutFragment(entry.url);
  const opened = ws.messages.length > 0 || entry.status === 101;
  const answeredAt = entry.t0 + entry.timings.send + entry.timings.wait;
  if (!opened) {
    const message = entry.error ?? (entry.status > 0 ? `the upstream answered ${entry.status} ${entry.statusText}`.trim() : 'the file has no answer to this upgrade request');
    log.add(
      { kind: 'ws.upgrade-failed', connectionId, routeId, url, upstreamUrl, headers: entry.requestHeaders, status: entry.status > 0 ? entry.status : null, message },
      answeredAt,
    );
    return;
  }
  // The socket was open by its first message at the latest (the HAR's timings and message times come from
  // different clocks in some browsers).
  const firstMessage = ws.messages.find((m) => m.t !== null)?.t ?? null;
  const openAt = firstMessage !== null && firstMessage >= entry.t0 ? Math.min(answeredAt, firstMessage) : answeredAt;
  const at = clockFrom(openAt);
  log.add(
    {
      kind: 'ws.open',
      connectionId,
      routeId,
      url,
      upstreamUrl,
      headers: entry.requestHeaders,
      requestedProtocols: (headerValue(entry.requestHeaders, 'sec-websocket-protocol') ?? '')
        .split(',')
        .map((p) => p.trim())
        .filter((p) => p !== ''),
      protocol: headerValue(entry.responseHeaders, 'sec-websocket-protocol')?.trim() ?? '',
      remoteAddress: '',
    },
    at(),
  );
  let closed = false;
  let badBinary = false;
  for (const message of ws.messages) {
    const t = at(message.t);
    if (message.opcode === 8) {
      if (closed) continue;
      closed = true;
      log.add({ kind: 'ws.close', connectionId, ...closePayload(message.data), by: message.direction === 'client-to-upstream' ? 'client' : 'upstream' }, t);
      continue;
    }
    const bytes = message.opcode === 2 ? base64ToBytes(message.data) : null;
    if (message.opcode === 2 && bytes === null) badBinary = true;
    log.add(
      {
        kind: 'ws.frame',
        connectionId,
        direction: message.direction,
        opcode: message.opcode === 2 ? 'binary' : 'text',
        encoding: bytes ? 'base64' : 'utf8',
        data: message.data,
        size: message.cutFrom ?? (bytes ? bytes.length : utf8ByteLength(message.data)),
        truncated: message.cutFrom !== undefined,
      },
      t,
    );
  }
  if (badBinary) warnings.push(`binary WebSocket messages that are not base64 (entry ${entry.index}): kept as text`);
  if (!closed && ws.close) {
    const close = ws.close === 'aborted' ? { code: 1006, reason: 'the connection broke without a close frame', t: null, by: null } : ws.close;
    // HTTP Toolkit records how a socket ended but not which side ended it; the upstream is the usual one.
    log.add({ kind: 'ws.close', connectionId, code: close.code, reason: close.reason, by: close.by ?? 'upstream' }, at(close.t));
  }
}

/** A close frame's payload: a 2-byte code then a UTF-8 reason; exporters write it as base64 or as text. */
function closePayload(data: string): { code: number; reason: string } {
  const bytes = data === '' ? null : base64ToBytes(data);
  if (bytes && bytes.length >= 2) {
    const reason = utf8ToText(bytes.subarray(2));
    if (reason !== null) return { code: bytes[0]! * 256 + bytes[1]!, reason };
  }
  return { code: 1005, reason: data };
}

function capturedBody(body: HarBody, headers: HeaderList, wireSize: number | null): CapturedBody {
  if (body.kind === 'absent') return { encoding: 'utf8', data: '', size: body.size, truncated: body.size > 0, cap: 0 };
  const kept = body.kind === 'text' ? utf8ByteLength(body.text) : body.bytes;
  const captured: CapturedBody =
    body.kind === 'text'
      ? { encoding: 'utf8', data: body.text, size: kept, truncated: false, cap: kept }
      : { encoding: 'base64', data: body.data, size: kept, truncated: false, cap: kept };
  const contentEncoding = headerValue(headers, 'content-encoding')?.trim().toLowerCase();
  if (body.decodeError !== undefined) {
    captured.contentEncoding = contentEncoding ?? 'unknown';
    captured.decoded = false;
    captured.decodeError = body.decodeError;
  } else if (contentEncoding && contentEncoding !== 'identity') {
    // Browsers and HTTP Toolkit store bodies decoded; the wire size is what went over the network compressed.
    captured.contentEncoding = contentEncoding;
    captured.decoded = true;
    captured.decodedSize = body.cutFrom ?? kept;
    captured.size = wireSize ?? captured.decodedSize;
  }
  if (body.cutFrom !== undefined && body.cutFrom > kept) {
    captured.truncated = true;
    if (!captured.decoded) captured.size = body.cutFrom;
  }
  return captured;
}

function routeIdOf(entry: HarEntryReading): string {
  const match = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)/i.exec(entry.url);
  if (!match) return 'imported';
  const scheme = match[1]!.toLowerCase();
  const http = scheme === 'ws' ? 'http' : scheme === 'wss' ? 'https' : scheme;
  return `${http}://${match[2]!.toLowerCase()}`;
}

/** Path and query as the client sent them: the absolute URL without origin and fragment. */
function pathOf(entry: HarEntryReading): string {
  if (entry.clientUrl) return entry.clientUrl;
  const match = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*(.*)$/i.exec(withoutFragment(entry.url));
  const rest = match ? match[1]! : withoutFragment(entry.url);
  return rest === '' ? '/' : rest.startsWith('?') ? `/${rest}` : rest;
}

function withoutFragment(url: string): string {
  const hash = url.indexOf('#');
  return hash === -1 ? url : url.slice(0, hash);
}

/** `HTTP/1.1`, `http/2.0`, `h2`, `h3` → `1.1`, `2.0`, `2`, `3`, as Node reports versions; unknown → 1.1. */
function httpVersionOf(text: string): string {
  const match = /^(?:https?\/|h)(\d(?:\.\d)?)$/i.exec(text.trim());
  return match ? match[1]! : '1.1';
}

function causeOf(message: string): EventOf<'http.error'>['cause'] {
  if (/REFUSED/i.test(message)) return 'refused';
  if (/RESET|ABORTED|EPIPE|socket hang up/i.test(message)) return 'reset';
  if (/TIMED?_?OUT/i.test(message)) return 'timeout';
  if (/NAME_NOT_RESOLVED|ENOTFOUND|EAI_AGAIN|DNS/i.test(message)) return 'dns';
  if (/CERT|SSL|TLS/i.test(message)) return 'tls';
  return 'other';
}

/** `net::ERR_CONNECTION_REFUSED` → `ERR_CONNECTION_REFUSED`; `connect ECONNREFUSED …` → `ECONNREFUSED`. */
function codeOf(message: string): string {
  return /\b(ERR_[A-Z0-9_]+|E(?:CONN|HOST|NET|AI_|NOT|TIMED|PIPE|PROTO)[A-Z_]*)\b/.exec(message)?.[1] ?? '';
}
