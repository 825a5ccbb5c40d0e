/**
 * The HAR 1.2 objects Toolscope writes (http://www.softwareishard.com/blog/har-12-spec/), with the custom
 * fields Chrome's DevTools use for WebSockets (`_resourceType`, `_webSocketMessages`) and for failures
 * (`response._error`), so Chrome, Firefox and HTTP Toolkit open the file, and Toolscope's own `_toolscope`
 * object for what HAR has no place for. Custom fields start with an underscore, as the spec asks.
 */

export interface HarNameValue {
  name: string;
  value: string;
  comment?: string;
}

export type HarHeader = HarNameValue;
export type HarQueryParam = HarNameValue;

export interface HarCookie {
  name: string;
  value: string;
  path?: string;
  domain?: string;
  /** ISO 8601; null for a session cookie. */
  expires?: string | null;
  httpOnly?: boolean;
  secure?: boolean;
  comment?: string;
}

export interface HarPostParam {
  name: string;
  value?: string;
  fileName?: string;
  contentType?: string;
  comment?: string;
}

export interface HarPostData {
  mimeType: string;
  text?: string;
  params?: HarPostParam[];
  comment?: string;
}

export interface HarRequest {
  method: string;
  url: string;
  httpVersion: string;
  cookies: HarCookie[];
  headers: HarHeader[];
  queryString: HarQueryParam[];
  postData?: HarPostData;
  /** -1: the proxy does not see the raw header bytes. */
  headersSize: number;
  /** Bytes of the body as sent; -1 when unknown. */
  bodySize: number;
  comment?: string;
}

export interface HarContent {
  /** Length of the (decoded) body in bytes. */
  size: number;
  /** Bytes saved by the content encoding (gzip, br, deflate). */
  compression?: number;
  mimeType: string;
  text?: string;
  encoding?: 'base64';
  comment?: string;
}

export interface HarResponse {
  /** 0 when no response arrived. */
  status: number;
  statusText: string;
  httpVersion: string;
  cookies: HarCookie[];
  headers: HarHeader[];
  content: HarContent;
  redirectURL: string;
  headersSize: number;
  bodySize: number;
  comment?: string;
  /** Chrome's field for why a request failed (it writes net::ERR_…); Toolscope writes the proxy's sentence. */
  _error?: string;
}

export interface HarCacheEntry {
  expires?: string;
  lastAccess: string;
  eTag: string;
  hitCount: number;
  comment?: string;
}

export interface HarCache {
  beforeRequest?: HarCacheEntry | null;
  afterRequest?: HarCacheEntry | null;
  comment?: string;
}

/** Milliseconds; -1 when the phase does not apply or is unknown. */
export interface HarTimings {
  blocked?: number;
  dns?: number;
  connect?: number;
  send: number;
  wait: number;
  receive: number;
  ssl?: number;
  comment?: string;
}

/** One WebSocket message as Chrome writes it: `send` is client to server, `time` in epoch seconds. */
export interface HarWebSocketMessage {
  type: 'send' | 'receive';
  time: number;
  /** 1 text, 2 binary (base64 `data`). */
  opcode: 1 | 2;
  data: string;
}

/** What a captured body was, when the HAR fields alone would mislead. */
export interface HarToolscopeBody {
  /** The capture stopped at the cap: the text holds the first bytes only. */
  truncated: boolean;
  /** Bytes that crossed the wire (the real size, also past the cap). */
  size: number;
  /** `postData.text` holds base64 (HAR has no encoding field for request bodies). */
  encoding?: 'base64';
  /** The body was content-encoded and could not be decoded; the text holds the encoded bytes. */
  decodeError?: string;
}

/** Facts of the capture that HAR has no field for. */
export interface HarToolscopeEntry {
  routeId: string;
  /** Path and query as the client sent them to the proxy (the upstream URL may add the route's base path). */
  url: string;
  /** Where the client sent it: the proxy's listen address with the request's path and query. */
  listenUrl?: string;
  requestBody?: HarToolscopeBody;
  responseBody?: HarToolscopeBody;
  /** The proxy answered itself (for example 502 on a refused upstream); the upstream sent nothing. */
  syntheticResponse?: true;
  /** Which side closed the WebSocket (`_webSocketClose` has no field for it). */
  closedBy?: 'client' | 'upstream' | 'proxy';
  /** `_webSocketMessages` indexes whose data the capture cut, with the frame's real size in bytes. */
  truncatedMessages?: { index: number; size: number }[];
}

export interface HarEntry {
  pageref?: string;
  startedDateTime: string;
  /** Sum of the non-negative timings. */
  time: number;
  request: HarRequest;
  response: HarResponse;
  cache: HarCache;
  timings: HarTimings;
  serverIPAddress?: string;
  connection?: string;
  comment?: string;
  _resourceType?: string;
  _webSocketMessages?: HarWebSocketMessage[];
  /** How the WebSocket ended, as HTTP Toolkit writes it (`timestamp` in epoch seconds). */
  _webSocketClose?: { code: number; reason: string; timestamp: number };
  _toolscope?: HarToolscopeEntry;
}

export interface HarCreator {
  name: string;
  version: string;
  comment?: string;
}

export interface HarPage {
  startedDateTime: string;
  id: string;
  title: string;
  pageTimings: { onContentLoad?: number; onLoad?: number; comment?: string };
  comment?: string;
}

export interface HarLog {
  version: '1.2';
  creator: HarCreator;
  browser?: HarCreator;
  pages?: HarPage[];
  entries: HarEntry[];
  comment?: string;
}

export interface Har {
  log: HarLog;
}
