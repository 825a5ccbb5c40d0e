/**
 * The event log: every fact Toolscope observed, in the order it observed it.
 *
 * These types cross every boundary (proxy -> log -> session file -> bridge -> renderer), so each has a
 * zod schema and is parsed where it enters a process. Events are facts, never interpretations: function
 * calls and findings are derived from them by pure code, so a session file folded later gives the same view.
 *
 * Format version history:
 *   1 — first version (this file). Later additions an older reader can skip: `mock.hit` events (an older
 *       reader reports those lines as unknown and loads the rest), `ws.frame.origin` and `ws.frame.dropped`;
 *       `http.request.replayOf`/`edited`, `ws.frame.origin: 'inject'`/`resentOf`, and `pause.start`/`pause.end`
 *       events (breakpoints), skipped by an older reader the same way.
 * A change that an older reader cannot ignore bumps EVENT_FORMAT_VERSION; readers refuse newer versions
 * with a clear message instead of guessing.
 */
import { z } from 'zod';

export const EVENT_FORMAT_VERSION = 1;

/** Raw header list, order and case kept as received (HTTP allows repeats, and order can matter). */
export const headerListSchema = z.array(z.tuple([z.string(), z.string()]));
export type HeaderList = z.infer<typeof headerListSchema>;

/**
 * A captured body. `data` holds at most `cap` bytes; `size` is the real number of bytes that crossed the
 * wire, so a truncated capture still tells how big the body was. When the body was content-encoded (gzip,
 * deflate, br) and could be decoded, `data` is the decoded form and `decodedSize` its full length.
 */
export const capturedBodySchema = z.object({
  encoding: z.enum(['utf8', 'base64']),
  data: z.string(),
  size: z.number().int().nonnegative(),
  truncated: z.boolean(),
  cap: z.number().int().nonnegative(),
  contentEncoding: z.string().optional(),
  decoded: z.boolean().optional(),
  decodedSize: z.number().int().nonnegative().optional(),
  decodeError: z.string().optional(),
});
export type CapturedBody = z.infer<typeof capturedBodySchema>;

const base = {
  /** Position in the log, from 1, without gaps within one session. */
  seq: z.number().int().positive(),
  /** Wall-clock milliseconds since the epoch, with sub-millisecond precision from a monotonic clock. */
  t: z.number(),
};

export const listenAddressSchema = z.object({ host: z.string(), port: z.number().int().nonnegative() });
export type ListenAddress = z.infer<typeof listenAddressSchema>;

export const routeUpEvent = z.object({
  ...base,
  kind: z.literal('route.up'),
  routeId: z.string(),
  listen: listenAddressSchema,
  upstream: z.string(),
  timeoutMs: z.number().int().positive(),
});
export const routeDownEvent = z.object({
  ...base,
  kind: z.literal('route.down'),
  routeId: z.string(),
});
export const routeErrorEvent = z.object({
  ...base,
  kind: z.literal('route.error'),
  routeId: z.string(),
  listen: listenAddressSchema,
  upstream: z.string(),
  message: z.string(),
});

export const httpRequestEvent = z.object({
  ...base,
  kind: z.literal('http.request'),
  exchangeId: z.string(),
  routeId: z.string(),
  method: z.string(),
  /** Path and query as the client sent them. */
  url: z.string(),
  httpVersion: z.string(),
  headers: headerListSchema,
  remoteAddress: z.string(),
  /** Where the proxy forwards it: the route's upstream joined with `url`. */
  upstreamUrl: z.string(),
  /**
   * Set when Toolscope itself sent this request (replay, or edit and resend from the UI) instead of relaying
   * a client's: the exchange id it repeats. Such an exchange has no client; `remoteAddress` is empty.
   */
  replayOf: z.string().optional(),
  /** With `replayOf`: the user changed the request before sending it. */
  edited: z.literal(true).optional(),
});
export const httpRequestBodyEvent = z.object({
  ...base,
  kind: z.literal('http.request.body'),
  exchangeId: z.string(),
  body: capturedBodySchema,
});
export const httpResponseEvent = z.object({
  ...base,
  kind: z.literal('http.response'),
  exchangeId: z.string(),
  status: z.number().int(),
  statusMessage: z.string(),
  headers: headerListSchema,
  /** Set by the proxy (not the upstream) when it answered itself, for example 502 on a refused upstream. */
  synthetic: z.boolean().optional(),
});
export const httpResponseBodyEvent = z.object({
  ...base,
  kind: z.literal('http.response.body'),
  exchangeId: z.string(),
  body: capturedBodySchema,
});
/** The proxy could not complete the exchange with the upstream. `statusSent` is what the client got. */
export const httpErrorEvent = z.object({
  ...base,
  kind: z.literal('http.error'),
  exchangeId: z.string(),
  cause: z.enum(['refused', 'reset', 'timeout', 'dns', 'tls', 'other']),
  code: z.string(),
  message: z.string(),
  statusSent: z.number().int().nullable(),
});
/** The exchange ended before completing: a side went away, or the proxy itself closed the route. */
export const httpAbortedEvent = z.object({
  ...base,
  kind: z.literal('http.aborted'),
  exchangeId: z.string(),
  by: z.enum(['client', 'upstream', 'proxy']),
  phase: z.enum(['request', 'response']),
  message: z.string(),
});

/**
 * One block of an SSE stream: the text from the end of the previous block up to and including the blank line
 * that ends this one. `dispatched` says whether a spec-conforming client (eventsource-parser) produced an
 * event from it; comment-only blocks and blocks without `data:` are not dispatched, and the linters need to see
 * those too.
 */
export const sseEventEvent = z.object({
  ...base,
  kind: z.literal('sse.event'),
  exchangeId: z.string(),
  index: z.number().int().nonnegative(),
  raw: z.string(),
  /** Byte offset of `raw` in the (decoded) response body, and its length in bytes. */
  byteOffset: z.number().int().nonnegative(),
  byteLength: z.number().int().nonnegative(),
  dispatched: z.boolean(),
  /** The event type as a client sees it (`message` when no `event:` line). */
  type: z.string().optional(),
  data: z.string().optional(),
  id: z.string().optional(),
  comments: z.array(z.string()).optional(),
  parseErrors: z.array(z.string()).optional(),
});
/** The SSE stream ended; `leftover` is text after the last blank line, which clients silently drop. */
export const sseEndEvent = z.object({
  ...base,
  kind: z.literal('sse.end'),
  exchangeId: z.string(),
  events: z.number().int().nonnegative(),
  leftover: z.string().nullable(),
  leftoverOffset: z.number().int().nonnegative().nullable(),
  /** False when the stream stopped because a side went away rather than by the upstream ending it. */
  complete: z.boolean(),
});

export const wsDirectionSchema = z.enum(['client-to-upstream', 'upstream-to-client']);
export type WsDirection = z.infer<typeof wsDirectionSchema>;

export const wsOpenEvent = z.object({
  ...base,
  kind: z.literal('ws.open'),
  connectionId: z.string(),
  routeId: z.string(),
  url: z.string(),
  upstreamUrl: z.string(),
  headers: headerListSchema,
  requestedProtocols: z.array(z.string()),
  /** The subprotocol the upstream chose, passed back to the client; empty when none. */
  protocol: z.string(),
  remoteAddress: z.string(),
});
export const wsUpgradeFailedEvent = z.object({
  ...base,
  kind: z.literal('ws.upgrade-failed'),
  connectionId: z.string(),
  routeId: z.string(),
  url: z.string(),
  upstreamUrl: z.string(),
  headers: headerListSchema,
  /** The upstream's HTTP status when it answered the upgrade with a plain response, else null. */
  status: z.number().int().nullable(),
  message: z.string(),
});
export const wsFrameEvent = z.object({
  ...base,
  kind: z.literal('ws.frame'),
  connectionId: z.string(),
  direction: wsDirectionSchema,
  opcode: z.enum(['text', 'binary']),
  encoding: z.enum(['utf8', 'base64']),
  data: z.string(),
  size: z.number().int().nonnegative(),
  truncated: z.boolean(),
  /**
   * Set when Toolscope itself sent the frame instead of relaying it: a mock rule's reply (`mock`), or a frame
   * the user injected from the UI (`inject`).
   */
  origin: z.enum(['mock', 'inject']).optional(),
  /** With `origin: 'inject'`: the seq of the captured frame this one sends again. */
  resentOf: z.number().int().positive().optional(),
  /**
   * Set when the frame reached the proxy but was not sent on: a `realtime-drop` mock rule withheld it (upstream
   * to client), or the user dropped it at a breakpoint (either direction).
   */
  dropped: z.literal(true).optional(),
});
export const wsCloseEvent = z.object({
  ...base,
  kind: z.literal('ws.close'),
  connectionId: z.string(),
  code: z.number().int(),
  reason: z.string(),
  by: z.enum(['client', 'upstream', 'proxy']),
});
export const wsErrorEvent = z.object({
  ...base,
  kind: z.literal('ws.error'),
  connectionId: z.string(),
  side: z.enum(['client', 'upstream']),
  message: z.string(),
});
/**
 * A mock rule answered (or delayed, failed, dropped) a webhook exchange, or answered a realtime call on a
 * connection. Recorded before the answer's own events, so the analysis knows the answer is not the backend's.
 */
export const mockHitEvent = z.object({
  ...base,
  kind: z.literal('mock.hit'),
  ruleId: z.string(),
  ruleName: z.string(),
  /** The handler's kind: json, sse, delay, fail, close, no-answer, realtime-reply, realtime-ignore, realtime-drop. */
  handler: z.string(),
  exchangeId: z.string().optional(),
  connectionId: z.string().optional(),
  /** The call the rule answered, when it has an id. */
  callId: z.string().nullable().optional(),
  /** Problems of the rule met while answering, e.g. a template that names a missing argument. */
  warnings: z.array(z.string()).optional(),
});
/** What a breakpoint holds: a webhook request before the upstream, its response before the bot, or a frame. */
export const pauseStageSchema = z.enum(['request', 'response', 'frame']);
export type PauseStage = z.infer<typeof pauseStageSchema>;

/** How a pause ended: sent on as it was, sent on changed, answered by the user (request only), or dropped. */
export const pauseActionSchema = z.enum(['continue', 'edit', 'answer', 'drop']);
export type PauseAction = z.infer<typeof pauseActionSchema>;

/**
 * A breakpoint rule holds an item. The held request is already in the log (its `http.request` and body);
 * a held response or frame is not sent yet, so it is carried here: the `http.response` events and the
 * `ws.frame` event record what the other side finally got.
 */
export const pauseStartEvent = z.object({
  ...base,
  kind: z.literal('pause.start'),
  pauseId: z.string(),
  ruleId: z.string(),
  ruleName: z.string(),
  stage: pauseStageSchema,
  exchangeId: z.string().optional(),
  connectionId: z.string().optional(),
  /** For a frame: which way it was going. */
  direction: wsDirectionSchema.optional(),
  /** The call the item carries, when the dialect readers found one. */
  functionName: z.string().nullable().optional(),
  callId: z.string().nullable().optional(),
  /** Released as it is after this long when nobody acts. */
  timeoutMs: z.number().int().positive(),
  /** Stage `response`: what the upstream answered, held back from the client. */
  response: z
    .object({ status: z.number().int(), statusMessage: z.string(), headers: headerListSchema, body: capturedBodySchema })
    .optional(),
  /** Stage `frame`: the held frame. */
  frame: z
    .object({
      opcode: z.enum(['text', 'binary']),
      encoding: z.enum(['utf8', 'base64']),
      data: z.string(),
      size: z.number().int().nonnegative(),
      truncated: z.boolean(),
    })
    .optional(),
});
export const pauseEndEvent = z.object({
  ...base,
  kind: z.literal('pause.end'),
  pauseId: z.string(),
  /** The same owner as its `pause.start`, so a reader folds it without looking the pause up. */
  exchangeId: z.string().optional(),
  connectionId: z.string().optional(),
  action: pauseActionSchema,
  /** Who ended it: the user, the rule's timeout, or the item's side going away (the client left, the socket closed). */
  by: z.enum(['user', 'timeout', 'closed']),
  /** Stage `request` with `edit`: the request that went to the upstream instead of the captured one. */
  request: z
    .object({ method: z.string(), url: z.string(), headers: headerListSchema, body: capturedBodySchema.nullable() })
    .optional(),
  message: z.string().optional(),
});

/** Anything else that went wrong in the core, so it is seen instead of only logged to a console. */
export const coreErrorEvent = z.object({
  ...base,
  kind: z.literal('core.error'),
  context: z.string(),
  message: z.string(),
});

export const logEventSchema = z.discriminatedUnion('kind', [
  routeUpEvent,
  routeDownEvent,
  routeErrorEvent,
  httpRequestEvent,
  httpRequestBodyEvent,
  httpResponseEvent,
  httpResponseBodyEvent,
  httpErrorEvent,
  httpAbortedEvent,
  sseEventEvent,
  sseEndEvent,
  wsOpenEvent,
  wsUpgradeFailedEvent,
  wsFrameEvent,
  wsCloseEvent,
  wsErrorEvent,
  mockHitEvent,
  pauseStartEvent,
  pauseEndEvent,
  coreErrorEvent,
]);
export type LogEvent = z.infer<typeof logEventSchema>;
export type LogEventKind = LogEvent['kind'];
export type EventOf<K extends LogEventKind> = Extract<LogEvent, { kind: K }>;

/** What a producer hands to the log: everything but the sequence number and timestamp, which the log assigns. */
export type NewEvent = LogEvent extends infer E ? (E extends LogEvent ? Omit<E, 'seq' | 't'> : never) : never;
