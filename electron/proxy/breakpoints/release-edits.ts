/**
 * Checks and shapes what a user gives when releasing a held item edited (or answering it): the body's bytes,
 * the headers that frame them, and the JSON check. Everything here throws a sentence on bad input, before
 * anything is recorded or sent, so the item stays held.
 */
import type { OutgoingBody } from '../../../shared/bridge.js';
import type { HeaderList } from '../../../shared/events.js';
import { headerValue } from '../../../shared/http-headers.js';
import { parseJsonText } from '../../../shared/json/json-syntax.js';
import { FRAMING_HEADERS, outgoingBytes } from '../outgoing-bytes.js';

export function isJsonContentType(headers: HeaderList): boolean {
  return /^\s*[^;\s]*[/+]json\b/i.test(headerValue(headers, 'content-type') ?? '');
}

/** The bytes of an edited body (empty for null); base64 that is not base64 is refused. */
export function bodyBytes(body: OutgoingBody | null, what: string): Buffer {
  if (body === null) return Buffer.alloc(0);
  const bytes = outgoingBytes(body.encoding, body.data);
  if (!bytes) throw new Error(`the edited ${what} body is marked base64 but is not valid base64; the item is still held`);
  return bytes;
}

/**
 * Refuses a body that must be JSON (its content type says so, or the held item was JSON) and does not parse,
 * naming line and column. An empty body is allowed: it is "no body", not broken JSON.
 */
export function checkJson(bytes: Buffer, mustBeJson: boolean, what: string): void {
  if (!mustBeJson || bytes.length === 0) return;
  const parsed = parseJsonText(bytes.toString('utf8'));
  if (!parsed.ok) throw new Error(`the edited ${what} is not valid JSON (${parsed.message}); the item is still held`);
}

/** The user's headers without the framing ones, plus the content-length of what is sent. */
export function framedHeaders(headers: HeaderList, length: number | null): HeaderList {
  const out: HeaderList = headers.filter(([name]) => !FRAMING_HEADERS.has(name.toLowerCase()));
  if (length !== null) out.push(['content-length', String(length)]);
  return out;
}

/** Headers as Node's outgoing request takes them (lower-case names; repeats joined, cookies with `; `). */
export function headerObject(headers: HeaderList): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of headers) {
    const lower = name.toLowerCase();
    const seen = out[lower];
    out[lower] = seen === undefined ? value : `${seen}${lower === 'cookie' ? '; ' : ', '}${value}`;
  }
  return out;
}

/** A header name or value Node would refuse to send, named before the release goes on. */
export function checkHeaders(headers: HeaderList, what: string): void {
  for (const [name, value] of headers) {
    if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) throw new Error(`the edited ${what} has an invalid header name ${JSON.stringify(name)}; the item is still held`);
    if (/[\r\n\0]/.test(value)) throw new Error(`the edited ${what} header ${name} has a line break in its value; the item is still held`);
  }
}

/**
 * The path and query an edited request goes to: a path (`/weather?x=1`), or an absolute URL on the route's
 * upstream (its path is taken). Another origin is refused: a route sends only to its own upstream.
 */
export function editedPath(url: string, upstream: string): string {
  if (url.startsWith('/')) return url;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`the edited request's URL ${JSON.stringify(url)} is neither a path starting with / nor an absolute URL; the item is still held`);
  }
  const base = new URL(upstream);
  if (parsed.origin !== base.origin) {
    throw new Error(`the edited request's URL goes to ${parsed.origin}, but this route sends only to ${base.origin}; give a path instead; the item is still held`);
  }
  const prefix = base.pathname.endsWith('/') ? base.pathname.slice(0, -1) : base.pathname;
  const path = prefix && parsed.pathname.startsWith(prefix) ? parsed.pathname.slice(prefix.length) || '/' : parsed.pathname;
  return path + parsed.search;
}
