/**
 * The traffic of a session as a HAR 1.2 log: one entry per HTTP exchange and one per WebSocket connection,
 * in start order, readable by Chrome, Firefox, HTTP Toolkit and Toolscope's own HAR import.
 *
 * Bodies are written as the proxy captured them; where the capture is partial (cut at the cap, a stream still
 * open, an exchange that broke off), the entry keeps what there is and says so in a `comment` and in
 * `_toolscope`, instead of dropping it or pretending it is whole.
 */
import type { CapturedBody, HeaderList } from '../events.js';
import type { ConnectionView, ExchangeView, RouteView, TrafficState } from '../store/traffic-state.js';
import { utf8ByteLength } from '../text-bytes.js';
import type {
  Har,
  HarContent,
  HarCookie,
  HarEntry,
  HarHeader,
  HarPostData,
  HarQueryParam,
  HarResponse,
  HarTimings,
  HarToolscopeBody,
  HarToolscopeEntry,
  HarWebSocketMessage,
} from './har-types.js';

export interface HarExportOptions {
  creator: { name: string; version: string };
  /** When given, only these exchanges / WebSocket connections (the UI's filtered view). */
  include?: { exchanges: ReadonlySet<string>; connections: ReadonlySet<string> };
}

/** Chrome writes this for a response without a Content-Type. */
const UNKNOWN_MIME = 'x-unknown';

export function buildHar(traffic: TrafficState, options: HarExportOptions): Har {
  const items: { startT: number; seq: number; entry: HarEntry }[] = [];
  for (const exchange of traffic.exchanges.values()) {
    if (options.include && !options.include.exchanges.has(exchange.id)) continue;
    items.push({ startT: exchange.startT, seq: exchange.request.seq, entry: exchangeEntry(exchange, traffic.routes.get(exchange.routeId)) });
  }
  for (const connection of traffic.connections.values()) {
    if (options.include && !options.include.connections.has(connection.id)) continue;
    const entry = connectionEntry(connection, traffic.routes.get(connection.routeId));
    if (entry) items.push({ startT: connection.startT, seq: connection.open?.seq ?? connection.failed?.seq ?? 0, entry });
  }
  // Sequence numbers break ties: events of one millisecond keep the order the proxy saw them in.
  items.sort((a, b) => a.startT - b.startT || a.seq - b.seq);
  return {
    log: {
      version: '1.2',
      creator: { name: options.creator.name, version: options.creator.version },
      entries: items.map((item) => item.entry),
    },
  };
}

/** A file name for an export started at `startedAt` (local time), e.g. toolscope-2026-11-23_16-57-03.har. */
export function harFileName(startedAt: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  const date = `${startedAt.getFullYear()}-${two(startedAt.getMonth() + 1)}-${two(startedAt.getDate())}`;
  const time = `${two(startedAt.getHours())}-${two(startedAt.getMinutes())}-${two(startedAt.getSeconds())}`;
  return `toolscope-${date}_${time}.har`;
}

// ---------------------------------------------------------------------------------------------------------
// HTTP exchanges

function exchangeEntry(ex: ExchangeView, route: RouteView | undefined): HarEntry {
  const request = ex.request;
  const httpVersion = `HTTP/${request.httpVersion}`;
  const toolscope: HarToolscopeEntry = { routeId: ex.routeId, url: request.url };
  const listenUrl = route ? listenUrlOf(route, request.url, 'http') : null;
  if (listenUrl) toolscope.listenUrl = listenUrl;

  const requestBody = ex.requestBody;
  let postData: HarPostData | undefined;
  if (requestBody && requestBody.data !== '') {
    postData = { mimeType: headerValue(request.headers, 'content-type') ?? '', text: requestBody.data };
    const note = bodyNote(requestBody);
    if (note) {
      postData.comment = note.comment;
      toolscope.requestBody = note.toolscope;
    } else if (requestBody.encoding === 'base64') {
      // HAR has no encoding field for request bodies; a reader must be told the text is not the body itself.
      postData.comment = 'binary body: text is base64';
      toolscope.requestBody = { truncated: false, size: requestBody.size, encoding: 'base64' };
    }
  }

  const response = exchangeResponse(ex, httpVersion, toolscope);
  const timings: HarTimings = {
    send: 0,
    wait: ex.responseT === null ? -1 : millis(ex.responseT - ex.startT),
    receive: ex.responseT === null || ex.endT === null ? -1 : millis(ex.endT - ex.responseT),
  };
  if (ex.response?.synthetic) toolscope.syntheticResponse = true;

  const entry: HarEntry = {
    startedDateTime: new Date(ex.startT).toISOString(),
    time: totalTime(timings),
    request: {
      method: request.method,
      url: request.upstreamUrl,
      httpVersion,
      cookies: requestCookies(request.headers),
      headers: harHeaders(request.headers),
      queryString: queryStringOf(request.upstreamUrl),
      ...(postData ? { postData } : {}),
      headersSize: -1,
      bodySize: requestBody ? requestBody.size : -1,
    },
    response,
    cache: {},
    timings,
    _toolscope: toolscope,
  };
  return entry;
}

function exchangeResponse(ex: ExchangeView, httpVersion: string, toolscope: HarToolscopeEntry): HarResponse {
  const error = exchangeError(ex);
  const head = ex.response;
  if (!head) return missingResponse(0, httpVersion, error);
  const mimeType = headerValue(head.headers, 'content-type') ?? UNKNOWN_MIME;
  const isSse = /text\/event-stream/i.test(mimeType) || ex.sse.length > 0 || ex.sseEnd !== null;
  const content = isSse ? sseContent(ex, mimeType, toolscope) : bodyContent(ex, mimeType, toolscope);
  return {
    status: head.status,
    statusText: head.statusMessage,
    httpVersion,
    cookies: responseCookies(head.headers),
    headers: harHeaders(head.headers),
    content,
    redirectURL: headerValue(head.headers, 'location') ?? '',
    headersSize: -1,
    bodySize: ex.responseBody ? ex.responseBody.size : -1,
    ...(error ? { _error: error } : {}),
  };
}

/** A response that never came (or a refused upgrade): HAR still wants the whole object, with the error. */
function missingResponse(status: number, httpVersion: string, error: string | null): HarResponse {
  return {
    status,
    statusText: '',
    httpVersion,
    cookies: [],
    headers: [],
    content: { size: 0, mimeType: UNKNOWN_MIME },
    redirectURL: '',
    headersSize: -1,
    bodySize: -1,
    ...(error ? { _error: error } : {}),
  };
}

function bodyContent(ex: ExchangeView, mimeType: string, toolscope: HarToolscopeEntry): HarContent {
  const body = ex.responseBody;
  if (!body) return { size: 0, mimeType, comment: missingBodyReason(ex) };
  const size = body.decoded && body.decodedSize !== undefined ? body.decodedSize : body.size;
  const content: HarContent = { size, mimeType, text: body.data };
  if (body.encoding === 'base64') content.encoding = 'base64';
  if (body.decoded && body.decodedSize !== undefined) content.compression = body.decodedSize - body.size;
  const note = bodyNote(body);
  if (note) {
    content.comment = note.comment;
    toolscope.responseBody = note.toolscope;
  }
  return content;
}

/**
 * An SSE body is the whole stream text. The proxy records it twice: the body (cut at the capture cap, and
 * absent when the exchange broke off) and the stream's blocks plus the partial block left at its end (read in
 * full, past the cap). The body is used when it is whole; otherwise the blocks rebuild the text.
 */
function sseContent(ex: ExchangeView, mimeType: string, toolscope: HarToolscopeEntry): HarContent {
  const body = ex.responseBody;
  const bodyText = body && body.encoding === 'utf8' && body.decoded !== false ? body.data : null;
  if (body && bodyText !== null && !body.truncated) return { size: utf8ByteLength(bodyText), mimeType, text: bodyText };

  const fromBlocks = ex.sse.map((event) => event.raw).join('') + (ex.sseEnd?.leftover ?? '');
  if (ex.sseEnd) {
    const content: HarContent = { size: utf8ByteLength(fromBlocks), mimeType, text: fromBlocks };
    if (body?.truncated) content.comment = `the body capture stopped at ${body.cap} bytes; this text is the whole stream, rebuilt from its SSE events`;
    return content;
  }
  // No end of stream was recorded: still open at export time, or its reader gave up on an endless block.
  const text = bodyText !== null && bodyText.length > fromBlocks.length ? bodyText : fromBlocks;
  if (body?.truncated) toolscope.responseBody = { truncated: true, size: body.size };
  return {
    size: utf8ByteLength(text),
    mimeType,
    text,
    comment: body
      ? 'the stream was not read to its end: this text is the part that was captured'
      : 'the stream had not ended when the session was exported: this text runs to its last complete event',
  };
}

function bodyNote(body: CapturedBody): { comment: string; toolscope: HarToolscopeBody } | null {
  const toolscope: HarToolscopeBody = { truncated: body.truncated, size: body.decoded && body.decodedSize !== undefined ? body.decodedSize : body.size };
  if (body.encoding === 'base64') toolscope.encoding = 'base64';
  if (body.decoded === false) {
    toolscope.decodeError = body.decodeError ?? `could not decode ${body.contentEncoding ?? 'the content encoding'}`;
    const kept = body.truncated ? `, cut at the capture cap of ${body.cap} bytes` : '';
    return { comment: `the body is still ${body.contentEncoding ?? 'encoded'} (${toolscope.decodeError})${kept}; text is base64 of the encoded bytes`, toolscope };
  }
  if (body.truncated) {
    return { comment: `truncated: the capture kept the first ${body.cap} bytes of ${toolscope.size}`, toolscope };
  }
  return null;
}

function missingBodyReason(ex: ExchangeView): string {
  if (ex.response?.synthetic) return 'the proxy answered this itself; its body is not in the session';
  if (ex.aborted) return 'no body: the exchange broke off before the body ended';
  if (ex.error) return 'no body: the exchange failed';
  return 'no body yet: the response had not ended when the session was exported';
}

function exchangeError(ex: ExchangeView): string | null {
  if (ex.error) return ex.error.message.includes(ex.error.code) ? ex.error.message : `${ex.error.message} (${ex.error.code})`;
  if (ex.aborted) return `aborted by the ${ex.aborted.by} during the ${ex.aborted.phase}: ${ex.aborted.message}`;
  return null;
}

// ---------------------------------------------------------------------------------------------------------
// WebSocket connections

function connectionEntry(conn: ConnectionView, route: RouteView | undefined): HarEntry | null {
  const handshake = conn.open ?? conn.failed;
  if (!handshake) return null;
  const url = webSocketScheme(handshake.upstreamUrl);
  const toolscope: HarToolscopeEntry = { routeId: conn.routeId, url: handshake.url };
  const listenUrl = route ? listenUrlOf(route, handshake.url, 'ws') : null;
  if (listenUrl) toolscope.listenUrl = listenUrl;
  if (conn.close) toolscope.closedBy = conn.close.by;

  const messages: HarWebSocketMessage[] = conn.frames.map((frame) => ({
    type: frame.direction === 'client-to-upstream' ? 'send' : 'receive',
    time: frame.t / 1000,
    opcode: frame.opcode === 'binary' ? 2 : 1,
    data: frame.data,
  }));
  const truncated = conn.frames.flatMap((frame, index) => (frame.truncated ? [{ index, size: frame.size }] : []));
  if (truncated.length > 0) toolscope.truncatedMessages = truncated;

  const response: HarResponse = conn.open
    ? {
        status: 101,
        statusText: 'Switching Protocols',
        httpVersion: 'HTTP/1.1',
        cookies: [],
        // The only handshake answer header the proxy keeps is the subprotocol the upstream chose.
        headers: conn.open.protocol ? [{ name: 'Sec-WebSocket-Protocol', value: conn.open.protocol }] : [],
        content: { size: 0, mimeType: UNKNOWN_MIME },
        redirectURL: '',
        headersSize: -1,
        bodySize: 0,
      }
    : missingResponse(conn.failed?.status ?? 0, 'HTTP/1.1', conn.failed?.message ?? 'the WebSocket upgrade failed');
  const endT = conn.close?.t ?? null;
  const timings: HarTimings = { send: 0, wait: conn.open ? 0 : -1, receive: endT === null ? -1 : millis(endT - conn.startT) };
  const comments = conn.errors.map((error) => `${error.side} error: ${error.message}`);
  if (truncated.length > 0) comments.push(`${truncated.length} message(s) cut at the capture cap (see _toolscope.truncatedMessages)`);

  return {
    startedDateTime: new Date(conn.startT).toISOString(),
    time: totalTime(timings),
    request: {
      method: 'GET',
      url,
      httpVersion: 'HTTP/1.1',
      cookies: requestCookies(handshake.headers),
      headers: harHeaders(handshake.headers),
      queryString: queryStringOf(url),
      headersSize: -1,
      bodySize: 0,
    },
    response,
    cache: {},
    timings,
    ...(comments.length > 0 ? { comment: comments.join('; ') } : {}),
    _resourceType: 'websocket',
    _webSocketMessages: messages,
    ...(conn.close ? { _webSocketClose: { code: conn.close.code, reason: conn.close.reason, timestamp: conn.close.t / 1000 } } : {}),
    _toolscope: toolscope,
  };
}

function webSocketScheme(url: string): string {
  if (/^http:/i.test(url)) return `ws:${url.slice(5)}`;
  if (/^https:/i.test(url)) return `wss:${url.slice(6)}`;
  return url;
}

// ---------------------------------------------------------------------------------------------------------
// Pieces

function harHeaders(headers: HeaderList): HarHeader[] {
  return headers.map(([name, value]) => ({ name, value }));
}

function headerValue(headers: HeaderList, name: string): string | undefined {
  const lower = name.toLowerCase();
  return headers.find(([key]) => key.toLowerCase() === lower)?.[1];
}

function requestCookies(headers: HeaderList): HarCookie[] {
  const cookies: HarCookie[] = [];
  for (const [name, value] of headers) {
    if (name.toLowerCase() !== 'cookie') continue;
    for (const part of value.split(';')) {
      const pair = part.trim();
      if (pair === '') continue;
      const eq = pair.indexOf('=');
      cookies.push(eq === -1 ? { name: '', value: pair } : { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim() });
    }
  }
  return cookies;
}

function responseCookies(headers: HeaderList): HarCookie[] {
  const cookies: HarCookie[] = [];
  for (const [name, value] of headers) {
    if (name.toLowerCase() !== 'set-cookie') continue;
    const [pair = '', ...attributes] = value.split(';');
    const eq = pair.indexOf('=');
    const cookie: HarCookie = eq === -1 ? { name: '', value: pair.trim() } : { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim() };
    for (const attribute of attributes) {
      const [key = '', ...rest] = attribute.split('=');
      const attributeValue = rest.join('=').trim();
      switch (key.trim().toLowerCase()) {
        case 'path':
          cookie.path = attributeValue;
          break;
        case 'domain':
          cookie.domain = attributeValue;
          break;
        case 'expires': {
          // HAR wants ISO 8601; a date that does not parse is left out rather than written wrong.
          const time = Date.parse(attributeValue);
          if (Number.isFinite(time)) cookie.expires = new Date(time).toISOString();
          break;
        }
        case 'httponly':
          cookie.httpOnly = true;
          break;
        case 'secure':
          cookie.secure = true;
          break;
      }
    }
    cookies.push(cookie);
  }
  return cookies;
}

/** The query of a URL as name/value pairs in order, decoded as a form would be (`+` is a space). */
function queryStringOf(url: string): HarQueryParam[] {
  const query = queryPart(url);
  if (query === null || query === '') return [];
  return query
    .split('&')
    .filter((part) => part !== '')
    .map((part) => {
      const eq = part.indexOf('=');
      return eq === -1 ? { name: decodeQueryComponent(part), value: '' } : { name: decodeQueryComponent(part.slice(0, eq)), value: decodeQueryComponent(part.slice(eq + 1)) };
    });
}

function queryPart(url: string): string | null {
  const withoutFragment = url.split('#')[0]!;
  const at = withoutFragment.indexOf('?');
  return at === -1 ? null : withoutFragment.slice(at + 1);
}

export function decodeQueryComponent(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

function listenUrlOf(route: RouteView, path: string, scheme: 'http' | 'ws'): string {
  const host = route.listen.host.includes(':') ? `[${route.listen.host}]` : route.listen.host;
  return `${scheme}://${host}:${route.listen.port}${path.startsWith('/') ? path : `/${path}`}`;
}

/** Milliseconds to the microsecond: the clock has sub-millisecond precision, the file needs no more. */
function millis(ms: number): number {
  return Math.max(0, Math.round(ms * 1000) / 1000);
}

function totalTime(timings: HarTimings): number {
  const parts = [timings.send, timings.wait, timings.receive].filter((ms) => ms > 0);
  return Math.round(parts.reduce((sum, ms) => sum + ms, 0) * 1000) / 1000;
}
