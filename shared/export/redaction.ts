/**
 * Redaction of secrets in a HAR before it leaves the machine: header values, cookie values, query parameter
 * values and URL passwords, and values at JSON paths inside JSON bodies, SSE `data:` lines and WebSocket
 * messages. The session file itself is never redacted: it is the user's own record.
 *
 * JSON paths: `$.a.b` is matched from the root of a document; `a.b` (no `$`) is matched at any depth, like
 * JSONPath's `$..a.b`, because the same field sits at different depths in different protocols (Daily's
 * `arguments` is top level, OpenAI's `item.arguments` is not). Keys are case-sensitive, as in JSON; `[0]` is
 * an array index, `[*]` or `*` any element or member, `['x-y']` a key with any characters. A list of
 * `{name, value}` items, which Daily and RTVI write for objects (`"arguments": [{"name": "arguments", "value":
 * {…}}]`), counts as the object it stands for, so the same path reaches those too. A string that
 * holds JSON (OpenAI's `arguments` is one) counts as the JSON it holds, so `arguments.card_number` reaches
 * inside it; such a string is written back compact when something in it was redacted. The whole value at a
 * path is replaced, whatever its type, by the string `[redacted]`.
 *
 * Text that is not JSON is left as it is, and a document is re-serialised only when something in it changed.
 */
import { decodeQueryComponent } from './har-export.js';
import type { Har, HarContent, HarCookie, HarEntry, HarHeader, HarPostData, HarQueryParam, HarRequest, HarResponse, HarWebSocketMessage } from './har-types.js';

export const REDACTED = '[redacted]';

export interface RedactionRules {
  /** Header names, case-insensitive. */
  headers: string[];
  /** Query (and form) parameter names, case-insensitive. */
  queryParams: string[];
  jsonPaths: string[];
}

export const DEFAULT_REDACTION_RULES: RedactionRules = {
  headers: [
    'Authorization',
    'Proxy-Authorization',
    'Cookie',
    'Set-Cookie',
    'X-Api-Key',
    'Api-Key',
    'X-Goog-Api-Key',
    // ElevenLabs
    'Xi-Api-Key',
    // Vapi's server URL secret
    'X-Vapi-Secret',
    // Retell's body signature: not a key, but it lets anyone replay the signed body
    'X-Retell-Signature',
    'X-Auth-Token',
    'X-Access-Token',
  ],
  queryParams: ['api_key', 'apikey', 'api-key', 'key', 'token', 'access_token', 'refresh_token', 'auth', 'secret', 'client_secret', 'password', 'signature', 'sig'],
  // Daily's /bots/start carries API keys and webhook headers in its body; OpenAI's session answers carry
  // an ephemeral client_secret.
  jsonPaths: ['api_key', 'apiKey', 'api_keys', 'custom_headers.Authorization', 'client_secret', 'password'],
};

/** The union of rule sets; header and parameter names are deduplicated case-insensitively (first spelling kept). */
export function mergeRedactionRules(...rules: Partial<RedactionRules>[]): RedactionRules {
  const union = (lists: (string[] | undefined)[], key: (name: string) => string): string[] => {
    const seen = new Set<string>();
    const out: string[] = [];
    for (const name of lists.flatMap((list) => list ?? [])) {
      const k = key(name);
      if (seen.has(k)) continue;
      seen.add(k);
      out.push(name);
    }
    return out;
  };
  const lower = (name: string) => name.toLowerCase();
  return {
    headers: union(rules.map((r) => r.headers), lower),
    queryParams: union(rules.map((r) => r.queryParams), lower),
    jsonPaths: union(rules.map((r) => r.jsonPaths), (path) => path),
  };
}

// ---------------------------------------------------------------------------------------------------------
// JSON paths

export type JsonPathSegment = { kind: 'key'; key: string } | { kind: 'index'; index: number } | { kind: 'any' };

export type JsonPathResult = { ok: true; segments: JsonPathSegment[]; anchored: boolean } | { ok: false; error: string };

/** Parses `$.a.b`, `a.b`, `a[0].b`, `a[*].b`, `a.*.b`, `['x-y']`, `["x"]`; errors name the position. */
export function parseJsonPath(path: string): JsonPathResult {
  const fail = (message: string): JsonPathResult => ({ ok: false, error: `JSON path "${path}": ${message}` });
  const segments: JsonPathSegment[] = [];
  const anchored = path.startsWith('$');
  let i = anchored ? 1 : 0;
  // Without `$` the path starts with a name (or a bracket); after that, each step starts with `.` or `[`.
  let nameNext = !anchored && path[0] !== '[';
  while (i < path.length || nameNext) {
    if (nameNext) {
      nameNext = false;
      const start = i;
      while (i < path.length && !NOT_IN_NAMES.test(path[i]!)) i++;
      if (i === start) return fail(i < path.length ? `unexpected "${path[i]}" at position ${i + 1}` : path === '' ? 'empty' : 'ends with "."');
      const name = path.slice(start, i);
      segments.push(name === '*' ? { kind: 'any' } : { kind: 'key', key: name });
      continue;
    }
    const char = path[i]!;
    if (char === '.') {
      i++;
      nameNext = true;
      continue;
    }
    if (char !== '[') return fail(`unexpected "${char}" at position ${i + 1}`);
    const bracket = readBracket(path, i + 1);
    if (!bracket.ok) return fail(bracket.error);
    segments.push(bracket.segment);
    i = bracket.end;
  }
  if (segments.length === 0) return fail('names no field');
  return { ok: true, segments, anchored };
}

const NOT_IN_NAMES = /[.[\]'"\s]/;

/** Reads `[0]`, `[*]`, `['…']` or `["…"]` starting after the `[`; `end` is the index after the `]`. */
function readBracket(path: string, from: number): { ok: true; segment: JsonPathSegment; end: number } | { ok: false; error: string } {
  const quote = path[from];
  if (quote === "'" || quote === '"') {
    let key = '';
    let i = from + 1;
    while (i < path.length && path[i] !== quote) {
      // A backslash lets a key hold the quote itself.
      if (path[i] === '\\' && i + 1 < path.length) i++;
      key += path[i];
      i++;
    }
    if (i >= path.length) return { ok: false, error: `unclosed quote at position ${from + 1}` };
    if (path[i + 1] !== ']') return { ok: false, error: `expected "]" at position ${i + 2}` };
    return { ok: true, segment: { kind: 'key', key }, end: i + 2 };
  }
  const close = path.indexOf(']', from);
  if (close === -1) return { ok: false, error: `unclosed "[" at position ${from}` };
  const inside = path.slice(from, close);
  if (inside === '*') return { ok: true, segment: { kind: 'any' }, end: close + 1 };
  if (/^\d+$/.test(inside)) return { ok: true, segment: { kind: 'index', index: Number(inside) }, end: close + 1 };
  return { ok: false, error: `"[${inside}]" at position ${from} is not an index, [*] or a quoted key` };
}

// ---------------------------------------------------------------------------------------------------------
// The HAR walk

/** A copy of `har` with secrets replaced, and how many values were replaced (each place counts). */
export function redactHar(har: Har, rules: RedactionRules): { har: Har; redacted: number } {
  const redactor = new Redactor(rules);
  const log = isRecord(har) && isRecord(har.log) ? har.log : null;
  if (!log || !Array.isArray(log.entries)) return { har, redacted: 0 };
  const entries = log.entries.map((entry) => redactor.entry(entry));
  return { har: { ...har, log: { ...log, entries } }, redacted: redactor.count };
}

type JsonPath = { segments: JsonPathSegment[]; anchored: boolean };

class Redactor {
  count = 0;
  private readonly headers: Set<string>;
  private readonly params: Set<string>;
  private readonly rootPaths: JsonPath[] = [];
  private readonly anyDepthPaths: JsonPath[] = [];

  constructor(rules: RedactionRules) {
    this.headers = new Set(rules.headers.map((name) => name.toLowerCase()));
    this.params = new Set(rules.queryParams.map((name) => name.toLowerCase()));
    for (const text of rules.jsonPaths) {
      const parsed = parseJsonPath(text);
      // Config validation refuses bad paths with a message; here one that slipped through is skipped.
      if (!parsed.ok) continue;
      (parsed.anchored ? this.rootPaths : this.anyDepthPaths).push(parsed);
    }
  }

  entry(entry: HarEntry): HarEntry {
    if (!isRecord(entry)) return entry;
    const out: HarEntry = { ...entry };
    if (isRecord(entry.request)) out.request = this.request(entry.request);
    if (isRecord(entry.response)) out.response = this.response(entry.response);
    if (Array.isArray(entry._webSocketMessages)) out._webSocketMessages = entry._webSocketMessages.map((message) => this.message(message));
    if (isRecord(entry._toolscope)) {
      const toolscope = { ...entry._toolscope };
      if (typeof toolscope.url === 'string') toolscope.url = this.url(toolscope.url);
      if (typeof toolscope.listenUrl === 'string') toolscope.listenUrl = this.url(toolscope.listenUrl);
      out._toolscope = toolscope;
    }
    return out;
  }

  private request(request: HarRequest): HarRequest {
    const out: HarRequest = { ...request };
    if (typeof request.url === 'string') out.url = this.url(request.url);
    if (Array.isArray(request.headers)) out.headers = request.headers.map((header) => this.header(header));
    if (Array.isArray(request.cookies) && this.headers.has('cookie')) out.cookies = request.cookies.map((cookie) => this.cookie(cookie));
    if (Array.isArray(request.queryString)) out.queryString = request.queryString.map((param) => this.param(param));
    if (isRecord(request.postData)) out.postData = this.postData(request.postData);
    return out;
  }

  private response(response: HarResponse): HarResponse {
    const out: HarResponse = { ...response };
    if (Array.isArray(response.headers)) out.headers = response.headers.map((header) => this.header(header));
    if (Array.isArray(response.cookies) && this.headers.has('set-cookie')) out.cookies = response.cookies.map((cookie) => this.cookie(cookie));
    if (typeof response.redirectURL === 'string') out.redirectURL = this.url(response.redirectURL);
    if (isRecord(response.content)) out.content = this.content(response.content);
    return out;
  }

  private postData(postData: HarPostData): HarPostData {
    const out: HarPostData = { ...postData };
    if (Array.isArray(postData.params)) {
      out.params = postData.params.map((param) => {
        if (!isRecord(param) || typeof param.name !== 'string' || typeof param.value !== 'string') return param;
        return this.params.has(param.name.toLowerCase()) ? { ...param, value: this.replace(param.value) } : { ...param, value: this.json(param.value) };
      });
    }
    if (typeof postData.text === 'string') {
      const form = typeof postData.mimeType === 'string' && /x-www-form-urlencoded/i.test(postData.mimeType);
      out.text = form ? this.query(postData.text) : this.json(postData.text);
    }
    return out;
  }

  private content(content: HarContent): HarContent {
    if (typeof content.text !== 'string' || content.encoding === 'base64') return content;
    const sse = typeof content.mimeType === 'string' && /text\/event-stream/i.test(content.mimeType);
    const text = sse ? this.sse(content.text) : this.json(content.text);
    return text === content.text ? content : { ...content, text };
  }

  private message(message: HarWebSocketMessage): HarWebSocketMessage {
    if (!isRecord(message) || typeof message.data !== 'string' || message.opcode === 2) return message;
    const data = this.json(message.data);
    return data === message.data ? message : { ...message, data };
  }

  // ---- headers, cookies, URLs

  private header(header: HarHeader): HarHeader {
    if (!isRecord(header) || typeof header.name !== 'string' || typeof header.value !== 'string') return header;
    const name = header.name.toLowerCase();
    let value = header.value;
    if (name === 'sec-websocket-protocol') value = this.subprotocols(value);
    if (this.headers.has(name)) {
      if (name === 'cookie') value = this.cookieHeader(value);
      else if (name === 'set-cookie') value = this.setCookieHeader(value);
      else if (name === 'authorization' || name === 'proxy-authorization') value = this.credentials(value);
      else value = this.replace(value);
    }
    return value === header.value ? header : { ...header, value };
  }

  /** `Bearer sk-…` keeps its scheme, which tells how the client authenticated without telling the secret. */
  private credentials(value: string): string {
    const scheme = /^([A-Za-z][\w.+-]*) +\S/.exec(value);
    if (!scheme) return this.replace(value);
    const redacted = `${scheme[1]} ${REDACTED}`;
    if (value === redacted) return value;
    this.count++;
    return redacted;
  }

  /** Browsers can only send OpenAI Realtime's key as a subprotocol, `openai-insecure-api-key.<key>`. */
  private subprotocols(value: string): string {
    return value.replace(/(openai-insecure-api-key\.)([^,\s]+)/gi, (whole, prefix: string, key: string) => {
      if (key === REDACTED) return whole;
      this.count++;
      return `${prefix}${REDACTED}`;
    });
  }

  private cookieHeader(value: string): string {
    return value
      .split(';')
      .map((part) => {
        const eq = part.indexOf('=');
        if (eq !== -1) return `${part.slice(0, eq + 1)}${this.replace(part.slice(eq + 1).trim())}`;
        // A cookie without a name is all value (browsers read `Cookie: abc` so).
        const lead = /^\s*/.exec(part)![0];
        return part.trim() === '' ? part : `${lead}${this.replace(part.trim())}`;
      })
      .join(';');
  }

  /** Only the cookie's own value: its attributes (Path, Expires, HttpOnly) are no secret and explain it. */
  private setCookieHeader(value: string): string {
    const semicolon = value.indexOf(';');
    const pair = semicolon === -1 ? value : value.slice(0, semicolon);
    const rest = semicolon === -1 ? '' : value.slice(semicolon);
    const eq = pair.indexOf('=');
    if (eq === -1) return `${this.replace(pair)}${rest}`;
    return `${pair.slice(0, eq + 1)}${this.replace(pair.slice(eq + 1))}${rest}`;
  }

  private cookie(cookie: HarCookie): HarCookie {
    if (!isRecord(cookie) || typeof cookie.value !== 'string') return cookie;
    const value = this.replace(cookie.value);
    return value === cookie.value ? cookie : { ...cookie, value };
  }

  private param(param: HarQueryParam): HarQueryParam {
    if (!isRecord(param) || typeof param.name !== 'string' || typeof param.value !== 'string') return param;
    if (!this.params.has(param.name.toLowerCase())) return param;
    const value = this.replace(param.value);
    return value === param.value ? param : { ...param, value };
  }

  /** The password of `scheme://user:password@host`, and the values of secret query parameters. */
  private url(url: string): string {
    let out = url;
    // Up to the last `@` of the authority, as URL parsers read it.
    const userinfo = /^([a-z][a-z0-9+.-]*:\/\/[^/?#@:]*:)([^/?#]*)@/i.exec(out);
    if (userinfo && userinfo[2] !== REDACTED) {
      this.count++;
      out = `${userinfo[1]}${REDACTED}@${out.slice(userinfo[0].length)}`;
    }
    const hash = out.indexOf('#');
    const beforeFragment = hash === -1 ? out : out.slice(0, hash);
    const fragment = hash === -1 ? '' : out.slice(hash);
    const question = beforeFragment.indexOf('?');
    if (question === -1) return out;
    return `${beforeFragment.slice(0, question + 1)}${this.query(beforeFragment.slice(question + 1))}${fragment}`;
  }

  /** `a=1&api_key=2` (a query, or a form body) with the secret parameters' values replaced. */
  private query(query: string): string {
    if (this.params.size === 0) return query;
    return query
      .split('&')
      .map((part) => {
        const eq = part.indexOf('=');
        if (eq === -1 || !this.params.has(decodeQueryComponent(part.slice(0, eq)).toLowerCase())) return part;
        const value = part.slice(eq + 1);
        if (value === REDACTED || decodeQueryComponent(value) === REDACTED) return part;
        this.count++;
        return `${part.slice(0, eq + 1)}${REDACTED}`;
      })
      .join('&');
  }

  private replace(value: string): string {
    if (value === REDACTED) return value;
    this.count++;
    return REDACTED;
  }

  // ---- JSON

  private get hasPaths(): boolean {
    return this.rootPaths.length > 0 || this.anyDepthPaths.length > 0;
  }

  /** A JSON document's text with the paths redacted; anything that is not JSON comes back unchanged. */
  private json(text: string): string {
    if (!this.hasPaths || !looksLikeJson(text)) return text;
    const parsed = tryParse(text);
    if (!parsed.ok) return text;
    const before = this.count;
    try {
      const value = this.document(parsed.value);
      return this.count === before ? text : serialiseLike(value, text);
    } catch {
      // Only nesting deep enough to exhaust the stack gets here: a body that cannot be searched is withheld.
      this.count = before;
      return this.replace(text);
    }
  }

  private document(root: unknown): unknown {
    let value = root;
    for (const path of this.rootPaths) value = this.atPath(value, path.segments, 0);
    return this.anyDepthPaths.length > 0 ? this.walk(value) : value;
  }

  /** Applies the any-depth paths at this node and everything below it, strings holding JSON included. */
  private walk(node: unknown): unknown {
    if (typeof node === 'string') return this.insideString(node, (inner) => this.walk(inner));
    if (!isContainer(node)) return node;
    let current: unknown = node;
    for (const path of this.anyDepthPaths) current = this.atPath(current, path.segments, 0);
    if (Array.isArray(current)) return mapArray(current, (item) => this.walk(item));
    if (isRecord(current)) return mapRecord(current, (child) => this.walk(child));
    return current;
  }

  /** Returns the node with the value at `segments[i…]` replaced; the same node when nothing matched. */
  private atPath(node: unknown, segments: JsonPathSegment[], i: number): unknown {
    if (i === segments.length) return node === REDACTED ? node : (this.count++, REDACTED);
    if (typeof node === 'string') return this.insideString(node, (inner) => this.atPath(inner, segments, i));
    const segment = segments[i]!;
    if (Array.isArray(node)) {
      if (segment.kind === 'any') return mapArray(node, (item) => this.atPath(item, segments, i + 1));
      if (segment.kind === 'key') return mapArray(node, (item) => this.namedValue(item, segment.key, segments, i + 1));
      if (segment.index >= node.length) return node;
      const child = this.atPath(node[segment.index], segments, i + 1);
      if (child === node[segment.index]) return node;
      const copy = node.slice();
      copy[segment.index] = child;
      return copy;
    }
    if (isRecord(node)) {
      if (segment.kind === 'any') return mapRecord(node, (child) => this.atPath(child, segments, i + 1));
      if (segment.kind !== 'key' || !Object.prototype.hasOwnProperty.call(node, segment.key)) return node;
      const child = this.atPath(node[segment.key], segments, i + 1);
      return child === node[segment.key] ? node : withKey(node, segment.key, child);
    }
    return node;
  }

  /** The `value` of a `{name, value}` item named `name`: Daily and RTVI write objects as lists of these. */
  private namedValue(item: unknown, name: string, segments: JsonPathSegment[], i: number): unknown {
    if (!isRecord(item) || item.name !== name || !Object.prototype.hasOwnProperty.call(item, 'value')) return item;
    const value = this.atPath(item.value, segments, i);
    return value === item.value ? item : withKey(item, 'value', value);
  }

  /** A string holding JSON, seen as that JSON; written back compact only when something inside changed. */
  private insideString(text: string, apply: (value: unknown) => unknown): string {
    if (!looksLikeJson(text)) return text;
    const parsed = tryParse(text);
    if (!parsed.ok) return text;
    const value = apply(parsed.value);
    return value === parsed.value ? text : JSON.stringify(value);
  }

  // ---- SSE

  /**
   * Rewrites only the `data:` lines whose JSON changed; every other byte of the stream stays as it was. When
   * one event's data is JSON spread over several `data:` lines, and only then, that event's data lines become
   * one line.
   */
  private sse(text: string): string {
    if (!this.hasPaths) return text;
    const pieces = text.split(/(\r\n|\r|\n)/);
    // pieces: line, line end, line, line end, …, last line (maybe a partial block without its line end).
    const lines: { text: string; end: string }[] = [];
    for (let i = 0; i < pieces.length; i += 2) lines.push({ text: pieces[i]!, end: pieces[i + 1] ?? '' });
    let block: number[] = [];
    const flush = () => {
      this.sseBlock(lines, block);
      block = [];
    };
    lines.forEach((line, index) => {
      if (line.text === '') flush();
      else block.push(index);
    });
    flush();
    return lines.map((line) => line.text + line.end).join('');
  }

  private sseBlock(lines: { text: string; end: string }[], block: number[]): void {
    const dataLines = block.filter((index) => lines[index]!.text.startsWith('data:'));
    if (dataLines.length === 0) return;
    const values = dataLines.map((index) => dataValue(lines[index]!.text));
    if (dataLines.length > 1) {
      const joined = values.join('\n');
      const redacted = this.json(joined);
      if (redacted !== joined) {
        const [first, ...rest] = dataLines;
        const parsed = tryParse(redacted);
        lines[first!]!.text = `data: ${parsed.ok ? JSON.stringify(parsed.value) : redacted}`;
        for (const index of rest) {
          lines[index]!.text = '';
          lines[index]!.end = '';
        }
        return;
      }
      if (tryParse(joined).ok) return;
    }
    dataLines.forEach((index, n) => {
      const value = values[n]!;
      const redacted = this.json(value);
      if (redacted === value) return;
      const line = lines[index]!.text;
      lines[index]!.text = `${line.slice(0, line.length - value.length)}${redacted}`;
    });
  }
}

/** The value of a `data:` line: after the colon and one optional space, as the SSE spec reads it. */
function dataValue(line: string): string {
  const rest = line.slice('data:'.length);
  return rest.startsWith(' ') ? rest.slice(1) : rest;
}

function looksLikeJson(text: string): boolean {
  const first = text.trimStart()[0];
  return first === '{' || first === '[';
}

function tryParse(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

/** Serialises in the original's layout: its indentation, and its leading and trailing whitespace. */
function serialiseLike(value: unknown, original: string): string {
  const indent = /^\s*[[{]\r?\n([ \t]+)/.exec(original)?.[1];
  const lead = /^\s*/.exec(original)![0];
  const trail = /\s*$/.exec(original)![0];
  return `${lead}${JSON.stringify(value, null, indent)}${trail}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isContainer(value: unknown): boolean {
  return typeof value === 'object' && value !== null;
}

function mapArray(items: unknown[], f: (item: unknown) => unknown): unknown[] {
  let copy: unknown[] | null = null;
  items.forEach((item, index) => {
    const next = f(item);
    if (next === item) return;
    copy ??= items.slice();
    copy[index] = next;
  });
  return copy ?? items;
}

function mapRecord(record: Record<string, unknown>, f: (value: unknown) => unknown): Record<string, unknown> {
  let copy: Record<string, unknown> | null = null;
  for (const key of Object.keys(record)) {
    const next = f(record[key]);
    if (next === record[key]) continue;
    if (copy) setKey(copy, key, next);
    else copy = withKey(record, key, next);
  }
  return copy ?? record;
}

/** A copy with one key set; defineProperty, so a key named `__proto__` (legal in JSON) stays a plain key. */
function withKey(record: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const k of Object.keys(record)) setKey(copy, k, record[k]);
  setKey(copy, key, value);
  return copy;
}

function setKey(record: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
}
