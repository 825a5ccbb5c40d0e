/**
 * A captured HTTP request as something to send again ("Copy as curl / PowerShell / fetch"): the method, a URL
 * (the upstream's, or the same path through the Toolscope route), the headers that still make sense on a new
 * connection, and the body bytes exactly as captured.
 *
 * Headers left out, for every generator:
 * - Host: the client computes it from the URL. The captured one names the proxy's listen address, which is
 *   wrong for the upstream, and redundant through the route.
 * - Content-Length and Transfer-Encoding: the client frames the body it sends; a copied length is wrong as soon
 *   as the body is edited, and a copied `chunked` would make curl chunk a body it knows the size of.
 * - Connection, Keep-Alive, Proxy-Connection, TE, Trailer, Upgrade, Proxy-Authorization (hop-by-hop, RFC 9110
 *   §7.6.1) and any header the Connection header names: they describe the old connection, not the request.
 * - Expect: curl decides on `100-continue` itself; the others do not support it.
 * - HTTP/2 pseudo-headers (`:authority`, `:path` …), which some HAR imports carry: they are not header lines.
 * Accept-Encoding is each generator's call (curl keeps it and decodes with --compressed).
 */
import type { CapturedBody, HeaderList, ListenAddress } from '../events.js';
import type { ExchangeView } from '../store/traffic-state.js';

export interface CopyableRequest {
  method: string;
  url: string;
  headers: HeaderList;
  body: CapturedBody | null;
}

export type CopyTarget = 'upstream' | 'proxy';

/**
 * The exchange's request, aimed at the upstream (its recorded upstream URL) or at the route's listen address
 * (`listen`, needed for 'proxy'). Null when the proxy address is asked for and not known (an imported file).
 */
export function copyableRequestOf(exchange: ExchangeView, target: CopyTarget, listen?: ListenAddress): CopyableRequest | null {
  const { request } = exchange;
  let url = request.upstreamUrl;
  if (target === 'proxy') {
    if (!listen) return null;
    url = `${proxyOrigin(listen)}${request.url.startsWith('/') ? request.url : `/${request.url}`}`;
  }
  return { method: request.method, url, headers: request.headers, body: exchange.requestBody };
}

/** The origin a client on this machine uses to reach a route: a wildcard listen address is reached on loopback. */
export function proxyOrigin(listen: ListenAddress): string {
  const host = listen.host === '0.0.0.0' || listen.host === '' ? '127.0.0.1' : listen.host === '::' ? '::1' : listen.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${listen.port}`;
}

const NOT_RESENT = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'upgrade', 'proxy-authorization', 'expect']);

/** What a generator sends: the headers to keep, the body, and what the reader must be told in a comment. */
export interface Resend {
  method: string;
  url: string;
  headers: HeaderList;
  /** Null: no body at all. Text is the exact UTF-8 body; base64 stands for bytes that are not UTF-8 text. */
  body: { kind: 'text'; text: string } | { kind: 'base64'; data: string } | null;
  /** Sentences for a comment above the command: where it will not send what was captured. */
  warnings: string[];
}

/** The headers that still make sense on a new connection (see the list at the top), in order. */
export function resendableHeaders(headers: HeaderList): HeaderList {
  const named = new Set<string>();
  for (const [name, value] of headers) {
    if (name.toLowerCase() === 'connection') for (const token of value.split(',')) named.add(token.trim().toLowerCase());
  }
  return headers.filter(([name]) => {
    const lower = name.toLowerCase();
    return !NOT_RESENT.has(lower) && !named.has(lower) && !lower.startsWith(':');
  });
}

export function resendOf(request: CopyableRequest): Resend {
  const warnings: string[] = [];
  let headers = resendableHeaders(request.headers);
  const body = request.body;
  if (body && body.truncated) {
    warnings.push(`The captured body is incomplete: ${body.cap} of ${body.decodedSize ?? body.size} bytes were kept, so this sends only those.`);
  }
  if (body && body.contentEncoding && body.decoded) {
    // The bytes on the wire were compressed; only the decoded form was kept, so it goes out uncompressed.
    headers = headers.filter(([name]) => name.toLowerCase() !== 'content-encoding');
    warnings.push(`The body was sent ${body.contentEncoding}-encoded; this sends it decoded, without Content-Encoding.`);
  }
  return { method: request.method, url: request.url, headers, body: bodyOf(request), warnings };
}

/**
 * A body is sent when it has bytes, or when the client framed an empty one (a Content-Length header), so a
 * `POST` with `Content-Length: 0` stays one.
 */
function bodyOf(request: CopyableRequest): Resend['body'] {
  const body = request.body;
  const framed = request.headers.some(([name]) => /^(content-length|transfer-encoding)$/i.test(name));
  if (!body || (body.data === '' && !framed)) return null;
  return body.encoding === 'base64' ? { kind: 'base64', data: body.data } : { kind: 'text', text: body.data };
}

/** The first value of a header among those kept, case-insensitively. */
export function headerOf(headers: HeaderList, name: string): string | undefined {
  const lower = name.toLowerCase();
  return headers.find(([key]) => key.toLowerCase() === lower)?.[1];
}
