/**
 * Reads the entries of a HAR file as real exporters write them, not as the HAR 1.2 spec wishes: Chrome DevTools
 * (`_webSocketMessages`, base64 content, `-1` timings, HTTP/2 pseudo-headers), Firefox (no WebSocket messages,
 * bodies that were never fetched, form bodies as `postData.params`), HTTP Toolkit (`_webSocketClose`,
 * non-UTF-8 request bodies in `request._content`) and Toolscope's own export (`_toolscope`, status 0 with
 * `_error`). Nothing here throws: a field that is missing or of the wrong type becomes a default and, when it
 * matters, a warning that names the entry; an entry without a request URL or method is skipped.
 */
import type { HeaderList } from '../events.js';
import { base64ToBytes, utf8ToText } from '../base64-utf8.js';

/** A body as far as the HAR has it. */
export type HarBody =
  | ({ kind: 'text'; text: string } & BodyNotes)
  /** Bytes that are not UTF-8 text (or that the exporter chose to keep as base64 and are binary). */
  | ({ kind: 'base64'; data: string; bytes: number } & BodyNotes)
  /** The exporter left the body out; `size` is what it says the body was, when it says. */
  | { kind: 'absent'; size: number };

/** What Toolscope's export says about a body it wrote (`_toolscope.requestBody` / `responseBody`). */
export interface BodyNotes {
  /** The capture kept only the start of the body; this is its real size in bytes. */
  cutFrom?: number;
  /** The body is still content-encoded (the proxy could not decode it). */
  decodeError?: string;
}

export interface HarWsMessage {
  direction: 'client-to-upstream' | 'upstream-to-client';
  /** 1 text, 2 binary, 8 close; ping and pong are dropped while reading. */
  opcode: 1 | 2 | 8;
  data: string;
  /** Epoch milliseconds, or null when the exporter wrote no usable time. */
  t: number | null;
  /** Toolscope's export: the capture cut this message; its real size in bytes. */
  cutFrom?: number;
}

export interface HarEntryReading {
  /** 1-based position in `log.entries`, the way a person counts when looking at the file. */
  index: number;
  /** Epoch milliseconds, or null when `startedDateTime` is missing or not a date. */
  start: number | null;
  method: string;
  /** As written in the HAR: normally absolute (`https://host/path?q`). */
  url: string;
  httpVersion: string;
  requestHeaders: HeaderList;
  requestBody: HarBody;
  /** 0 when there was no response (refused, cancelled, aborted). */
  status: number;
  statusText: string;
  responseHeaders: HeaderList;
  responseBody: HarBody;
  /** Bytes on the wire when the exporter says so (before content decoding), else null. */
  responseWireSize: number | null;
  /** Why there is no (complete) response, when the exporter says (Chrome's and Toolscope's `_error`). */
  error: string | null;
  /** Toolscope's export: the proxy answered itself (a 502 for a refused upstream). */
  synthetic: boolean;
  /** Milliseconds from the start until the request was sent, until the response head, until its end. */
  timings: { send: number; wait: number; receive: number };
  webSocket: HarWebSocket | null;
  /** Toolscope's export: path and query as the client sent them to the proxy (a route may add a base path). */
  clientUrl: string | null;
}

export interface HarWebSocket {
  messages: HarWsMessage[];
  /**
   * `_webSocketClose` (HTTP Toolkit and Toolscope write it): a close that was seen, or `aborted` when the socket
   * broke. Only Toolscope says which side closed (`_toolscope.closedBy`).
   */
  close: { code: number; reason: string; t: number | null; by: 'client' | 'upstream' | 'proxy' | null } | 'aborted' | null;
}

export interface HarReading {
  entries: HarEntryReading[];
  /** How many entries `log.entries` holds, including skipped ones. */
  total: number;
  warnings: string[];
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** A description of a JSON value for an error sentence: `an array`, `a string`, `null`. */
function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

/**
 * Collects warnings of one kind for many entries into one line, so a 2,000-entry file with missing bodies
 * says so once: "response bodies not in the file (entries 3, 8, 9, …): shown as not captured".
 */
class HarWarnings {
  private readonly groups = new Map<string, number[]>();

  /** `template` is a sentence with `{entries}` where the entry numbers go. */
  entry(template: string, index: number): void {
    const list = this.groups.get(template) ?? [];
    if (list[list.length - 1] !== index) list.push(index);
    this.groups.set(template, list);
  }

  list(): string[] {
    return [...this.groups].map(([template, indexes]) => {
      const shown = indexes.slice(0, 8).join(', ') + (indexes.length > 8 ? `, … (${indexes.length - 8} more)` : '');
      return template.replace('{entries}', `entr${indexes.length === 1 ? 'y' : 'ies'} ${shown}`);
    });
  }
}

export function looksLikeHarJson(json: unknown): boolean {
  return isObject(json) && isObject(json.log);
}

/** Reads `log.entries`; `error` is a sentence naming the field when the input is not a HAR at all. */
export function readHar(json: unknown): { reading: HarReading; error: null } | { reading: null; error: string } {
  if (!isObject(json)) return { reading: null, error: `not a HAR file: the JSON is ${kindOf(json)}, not an object with a "log"` };
  if (!('log' in json)) return { reading: null, error: 'not a HAR file: it has no "log" object' };
  if (!isObject(json.log)) return { reading: null, error: `not a HAR file: "log" is ${kindOf(json.log)}, not an object` };
  const rawEntries = json.log.entries;
  if (rawEntries === undefined) return { reading: null, error: 'not a HAR file: "log.entries" is missing' };
  if (!Array.isArray(rawEntries)) return { reading: null, error: `not a HAR file: "log.entries" is ${kindOf(rawEntries)}, not a list` };
  const warnings = new HarWarnings();
  const entries: HarEntryReading[] = [];
  const skipped: string[] = [];
  rawEntries.forEach((raw: unknown, i) => {
    const read = readEntry(raw, i + 1, warnings);
    if (typeof read === 'string') skipped.push(`entry ${i + 1} skipped: ${read}`);
    else entries.push(read);
  });
  const reading: HarReading = { entries, total: rawEntries.length, warnings: [] };
  const shown = skipped.slice(0, 5);
  const more = skipped.length - shown.length;
  if (more > 0) shown.push(`${more} more entr${more === 1 ? 'y' : 'ies'} skipped`);
  reading.warnings = [...shown, ...warnings.list()];
  if (rawEntries.length === 0) reading.warnings.unshift('the HAR file has no entries');
  return { reading, error: null };
}

function readEntry(raw: unknown, index: number, warnings: HarWarnings): HarEntryReading | string {
  if (!isObject(raw)) return `it is ${kindOf(raw)}, not an object`;
  const request = raw.request;
  if (!isObject(request)) return request === undefined ? '"request" is missing' : `"request" is ${kindOf(request)}`;
  const url = str(request.url);
  if (url === null || url === '') return request.url === undefined ? '"request.url" is missing' : '"request.url" is not a text';
  const method = str(request.method);
  if (method === null || method === '') return request.method === undefined ? '"request.method" is missing' : '"request.method" is not a text';
  const response = isObject(raw.response) ? raw.response : {};
  if (!isObject(raw.response)) warnings.entry('no "response" ({entries}): read as requests without an answer', index);

  const startText = str(raw.startedDateTime);
  const parsedStart = startText === null ? NaN : Date.parse(startText);
  const start = Number.isFinite(parsedStart) ? parsedStart : null;
  if (start === null) warnings.entry('no valid "startedDateTime" ({entries}): placed after the entry before', index);

  const requestHeaders = readHeaders(request.headers, index, warnings);
  const responseHeaders = readHeaders(response.headers, index, warnings);
  const rawStatus = num(response.status);
  // Anything but a three-digit status (or 0) is not an answer the file can show.
  const status = rawStatus !== null && Number.isInteger(rawStatus) && rawStatus >= 0 && rawStatus <= 999 ? rawStatus : 0;
  if (rawStatus !== null && status !== rawStatus) warnings.entry('a "response.status" that is not an HTTP status ({entries}): read as no answer', index);
  const error = str(response._error) ?? str(raw._error) ?? null;
  const toolscope = isObject(raw._toolscope) ? raw._toolscope : {};
  const webSocket = readWebSocket(raw, url, status, requestHeaders, toolscope, index, warnings);
  return {
    index,
    start,
    method,
    url,
    httpVersion: str(request.httpVersion) ?? str(response.httpVersion) ?? '',
    requestHeaders,
    requestBody: withNotes(readRequestBody(request, requestHeaders, toolscope, index, warnings), toolscope.requestBody),
    status,
    statusText: str(response.statusText) ?? '',
    responseHeaders,
    responseBody: webSocket ? { kind: 'text', text: '' } : withNotes(readResponseBody(response, status, index, warnings), toolscope.responseBody),
    responseWireSize: positive(response.bodySize) ?? positive(response._transferSize),
    error,
    synthetic: toolscope.syntheticResponse === true,
    timings: readTimings(raw.timings, num(raw.time)),
    webSocket,
    clientUrl: str(toolscope.url),
  };
}

/** A byte count of at least 1, as a whole number; anything else (-1 "unknown", fractions, text) is null. */
function positive(value: unknown): number | null {
  const n = num(value);
  return n !== null && n >= 1 && n <= Number.MAX_SAFE_INTEGER ? Math.floor(n) : null;
}

function readHeaders(value: unknown, index: number, warnings: HarWarnings): HeaderList {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    warnings.entry('headers that are not a list ({entries}): ignored', index);
    return [];
  }
  const headers: HeaderList = [];
  for (const header of value) {
    const name = isObject(header) ? str(header.name) : null;
    const rawValue = isObject(header) ? header.value : undefined;
    // Some tools write numbers (content-length: 12) where HAR says text.
    const text = typeof rawValue === 'string' ? rawValue : typeof rawValue === 'number' || typeof rawValue === 'boolean' ? String(rawValue) : null;
    if (name === null || name === '' || text === null) {
      warnings.entry('headers without a name or value ({entries}): left out', index);
      continue;
    }
    headers.push([name, text]);
  }
  return headers;
}

/**
 * `postData.text`, else HTTP Toolkit's base64 `_content` (a body that is not UTF-8), else the form fields of
 * `postData.params` put back together; a body the exporter dropped is `absent` with the size it reports.
 */
function readRequestBody(request: Json, headers: HeaderList, toolscope: Json, index: number, warnings: HarWarnings): HarBody {
  const postData = isObject(request.postData) ? request.postData : null;
  const text = postData ? str(postData.text) : null;
  if (postData && text !== null) {
    // HAR has no encoding field for request bodies; Toolscope's export says base64 in `_toolscope`.
    const base64 = str(postData.encoding) === 'base64' || (isObject(toolscope.requestBody) && toolscope.requestBody.encoding === 'base64');
    return base64 ? decodedBody(text, index, warnings) : { kind: 'text', text };
  }
  const content = isObject(request._content) ? request._content : null;
  const contentText = content ? str(content.text) : null;
  if (content && contentText !== null) {
    return str(content.encoding) === 'base64' ? decodedBody(contentText, index, warnings) : { kind: 'text', text: contentText };
  }
  if (postData && Array.isArray(postData.params) && postData.params.length > 0) {
    const mime = (str(postData.mimeType) ?? headerOf(headers, 'content-type') ?? '').toLowerCase();
    if (mime.startsWith('application/x-www-form-urlencoded')) {
      warnings.entry('form bodies only as "postData.params" ({entries}): rebuilt as name=value&…, whose escaping may differ from the bytes sent', index);
      return { kind: 'text', text: formBody(postData.params) };
    }
    warnings.entry(`request bodies only as "postData.params" of type ${mime || '(none)'} ({entries}): not rebuilt`, index);
  }
  const size = positive(request.bodySize) ?? 0;
  if (size > 0) warnings.entry('request bodies not in the file ({entries}): shown as not captured', index);
  return { kind: 'absent', size };
}

function formBody(params: unknown[]): string {
  const encode = (text: string) => encodeURIComponent(text).replace(/%20/g, '+');
  return params
    .filter(isObject)
    .map((p) => `${encode(str(p.name) ?? '')}=${encode(str(p.value) ?? '')}`)
    .join('&');
}

function readResponseBody(response: Json, status: number, index: number, warnings: HarWarnings): HarBody {
  const content = isObject(response.content) ? response.content : null;
  const text = content ? str(content.text) : null;
  if (content && text !== null) return str(content.encoding) === 'base64' ? decodedBody(text, index, warnings) : { kind: 'text', text };
  const size = positive(content?.size) ?? positive(response.bodySize) ?? 0;
  if (size > 0 && status !== 0) warnings.entry('response bodies not in the file ({entries}): shown as not captured', index);
  return { kind: 'absent', size };
}

/** Adds what Toolscope's export says about a body: cut at the capture cap, or still content-encoded. */
function withNotes(body: HarBody, notes: unknown): HarBody {
  if (body.kind === 'absent' || !isObject(notes)) return body;
  const size = positive(notes.size);
  const decodeError = str(notes.decodeError);
  const noted: HarBody = { ...body };
  if (notes.truncated === true && size !== null) noted.cutFrom = size;
  if (decodeError !== null) noted.decodeError = decodeError;
  return noted;
}

/** Base64 content is text when its bytes are UTF-8 (as the proxy decides for bodies it captures), else bytes. */
function decodedBody(data: string, index: number, warnings: HarWarnings): HarBody {
  const bytes = base64ToBytes(data);
  if (bytes === null) {
    warnings.entry('bodies marked base64 that are not base64 ({entries}): kept as text', index);
    return { kind: 'text', text: data };
  }
  const text = utf8ToText(bytes);
  return text === null ? { kind: 'base64', data: data.replace(/\s+/g, ''), bytes: bytes.length } : { kind: 'text', text };
}

/**
 * HAR timings: `-1` means "does not apply" and some exporters write other negative numbers; both count as 0.
 * `ssl` is part of `connect` (HAR 1.2), so it is not added again.
 */
function readTimings(value: unknown, total: number | null): HarEntryReading['timings'] {
  const t = isObject(value) ? value : {};
  // A day per phase at most: a larger number is a broken file, and sums of them must stay finite.
  const part = (key: string) => Math.min(DAY, Math.max(0, num(t[key]) ?? 0));
  const send = part('blocked') + part('dns') + part('connect') + part('send');
  let wait = part('wait');
  const receive = part('receive');
  // Only a total: the whole time counts as waiting for the answer.
  if (send + wait + receive === 0 && total !== null && total > 0) wait = Math.min(DAY, total);
  return { send, wait, receive };
}

const DAY = 86_400_000;

function headerOf(headers: HeaderList, name: string): string | undefined {
  return headers.find(([key]) => key.toLowerCase() === name)?.[1];
}

/**
 * A WebSocket entry: Chrome and HTTP Toolkit mark it with `_resourceType: "websocket"` and keep the messages in
 * `_webSocketMessages`; Firefox keeps neither, so a ws: URL or a 101 answer to an Upgrade request tells.
 */
function readWebSocket(
  raw: Json,
  url: string,
  status: number,
  requestHeaders: HeaderList,
  toolscope: Json,
  index: number,
  warnings: HarWarnings,
): HarWebSocket | null {
  const marked = raw._resourceType === 'websocket' || Array.isArray(raw._webSocketMessages);
  const wsUrl = /^wss?:/i.test(url);
  const upgraded = status === 101 && /websocket/i.test(headerOf(requestHeaders, 'upgrade') ?? '');
  if (!marked && !wsUrl && !upgraded) return null;
  const messages: HarWsMessage[] = [];
  const list = Array.isArray(raw._webSocketMessages) ? raw._webSocketMessages : [];
  const cut = new Map<number, number>();
  for (const item of Array.isArray(toolscope.truncatedMessages) ? toolscope.truncatedMessages : []) {
    const at = isObject(item) ? num(item.index) : null;
    const size = isObject(item) ? positive(item.size) : null;
    if (at !== null && size !== null) cut.set(at, size);
  }
  if (!Array.isArray(raw._webSocketMessages) && status === 101) {
    warnings.entry('WebSocket connections without messages in the file ({entries}): Firefox does not export them', index);
  }
  list.forEach((message: unknown, position) => {
    if (!isObject(message)) {
      warnings.entry('WebSocket messages that are not objects ({entries}): left out', index);
      return;
    }
    const opcode = num(message.opcode) ?? 1;
    // Control frames carry no payload a bot cares about; a close frame becomes the connection's close.
    if (opcode === 9 || opcode === 10) return;
    if (opcode !== 1 && opcode !== 2 && opcode !== 8) {
      warnings.entry('WebSocket messages with an unknown opcode ({entries}): left out', index);
      return;
    }
    const type = str(message.type);
    if (type !== 'send' && type !== 'receive') {
      warnings.entry('WebSocket messages whose "type" is neither send nor receive ({entries}): left out', index);
      return;
    }
    const data = str(message.data) ?? '';
    const t = messageTime(num(message.time));
    if (t === null) warnings.entry('WebSocket messages without a usable "time" ({entries}): placed after the message before', index);
    const read: HarWsMessage = { direction: type === 'send' ? 'client-to-upstream' : 'upstream-to-client', opcode, data, t };
    const cutFrom = cut.get(position);
    if (cutFrom !== undefined) read.cutFrom = cutFrom;
    messages.push(read);
  });
  const close = readClose(raw._webSocketClose);
  const by = toolscope.closedBy;
  if (close && close !== 'aborted' && (by === 'client' || by === 'upstream' || by === 'proxy')) close.by = by;
  return { messages, close };
}

/**
 * Chrome and HTTP Toolkit write epoch seconds as a float. A value in the epoch-milliseconds range is taken as
 * milliseconds, so an exporter that wrote those still lands at the right time.
 */
function messageTime(time: number | null): number | null {
  if (time === null || time <= 0) return null;
  const ms = time > 1e11 ? time : time * 1000;
  // Year 10000 and beyond is not a time a message was sent.
  return ms < 253_402_300_800_000 ? ms : null;
}

function readClose(value: unknown): HarWebSocket['close'] {
  if (value === 'aborted') return 'aborted';
  if (!isObject(value)) return null;
  const code = num(value.code);
  const valid = code !== null && Number.isInteger(code) && code >= 0 && code <= 65535;
  return { code: valid ? code : 1005, reason: str(value.reason) ?? '', t: messageTime(num(value.timestamp)), by: null };
}
