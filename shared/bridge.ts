/**
 * The one interface between the UI and the core. In the desktop app the preload exposes it over Electron
 * IPC; in the browser UI it is a WebSocket to the UI server. Both carry exactly these messages, and each end
 * parses what it receives with these schemas, so a bad message is refused at the boundary.
 *
 * Later features (replay, mocks, breakpoints) add methods to `bridgeMethods`; transports need no change.
 */
import { z } from 'zod';
import {
  capturedBodySchema,
  headerListSchema,
  listenAddressSchema,
  logEventSchema,
  pauseActionSchema,
  pauseStageSchema,
  wsDirectionSchema,
  type LogEvent,
} from './events.js';
import { breakpointRuleSchema } from './breakpoints/breakpoint-rule.js';
import { sessionHeaderSchema } from './session-format.js';
import { toolscopeConfigSchema } from './config/toolscope-config.js';
import { mockRuleSchema } from './mocks/mock-rule.js';

export const routeSpecSchema = z.object({
  /** Local port to listen on; 0 lets the OS choose. */
  listenPort: z.number().int().min(0).max(65535),
  listenHost: z.string().optional(),
  /** Base URL of the upstream: http(s) for webhooks, ws(s) for realtime sockets (either works for both). */
  upstream: z.string().url(),
  /** How long to wait for the upstream's response head before answering 504. */
  timeoutMs: z.number().int().positive().optional(),
});
export type RouteSpec = z.infer<typeof routeSpecSchema>;

export const routeInfoSchema = z.object({
  routeId: z.string(),
  listen: listenAddressSchema,
  upstream: z.string(),
  timeoutMs: z.number().int().positive(),
});
export type RouteInfo = z.infer<typeof routeInfoSchema>;

/** How much of the live session the core keeps in memory (electron/core/event-log.ts). */
export const retentionLimitsSchema = z.object({
  /** Estimated bytes of the events kept (shared/event-size.ts). */
  maxBytes: z.number().positive(),
  maxEvents: z.number().int().positive(),
});
export type RetentionLimits = z.infer<typeof retentionLimitsSchema>;

export const coreInfoSchema = z.object({
  appVersion: z.string(),
  sessionFile: z.string().nullable(),
  startedAt: z.string(),
  routes: z.array(routeInfoSchema),
  /** The config file the core runs with (its analysis settings apply in the UI too), or null. */
  config: toolscopeConfigSchema.nullable(),
  /** How much of the live session the core keeps in memory; a UI bounds what it holds by it (shared/store/live-budget.ts). */
  retention: retentionLimitsSchema.optional(),
});
export type CoreInfo = z.infer<typeof coreInfoSchema>;

/** A session file in the sessions folder (or the live one), as the Sessions list shows it. */
export const sessionSummarySchema = z.object({
  path: z.string(),
  fileName: z.string(),
  /** From the header; null when the header cannot be read (then `error` says why). */
  startedAt: z.string().nullable(),
  appVersion: z.string().nullable(),
  bytes: z.number().int().nonnegative(),
  modifiedAt: z.string(),
  /** Counted from the file (cached by size and modification time); null until known or when unreadable. */
  events: z.number().int().nonnegative().nullable(),
  calls: z.number().int().nonnegative().nullable(),
  /** The file the core is writing right now. */
  current: z.boolean(),
  /** Why the file cannot be opened (not a session, newer format …), in a sentence. */
  error: z.string().nullable(),
});
export type SessionSummary = z.infer<typeof sessionSummarySchema>;

/**
 * The answer to `openSession`: the header, checked (a wrong or newer format is refused with a sentence),
 * and where the events start. The events themselves are read in slices with `readSession`, so a file of
 * any size streams with progress instead of crossing the bridge as one message.
 */
export const openedSessionSchema = z.object({
  path: z.string(),
  header: sessionHeaderSchema,
  /** File size when opened; a live file may grow, and reading stops at this size. */
  bytes: z.number().int().nonnegative(),
  /** Byte offset of the first event line (just after the header line). */
  eventsOffset: z.number().int().nonnegative(),
});
export type OpenedSession = z.infer<typeof openedSessionSchema>;

/** Whole NDJSON lines from `offset`: the reader never cuts a line, so `text` always ends with a newline or at EOF. */
export const sessionSliceSchema = z.object({
  text: z.string(),
  nextOffset: z.number().int().nonnegative(),
  done: z.boolean(),
});
export type SessionSlice = z.infer<typeof sessionSliceSchema>;

/** The mock rules the proxy runs, their hit counts, and where they come from. */
export const mocksStateSchema = z.object({
  rules: z.array(mockRuleSchema),
  /** Hits per rule id since the rule was last changed or the core started. */
  hits: z.record(z.string(), z.number().int().nonnegative()),
  /** The config file the rules are loaded from and saved to, or null. */
  configFile: z.string().nullable(),
  /** Why the config file's last change was not applied (the rules in use are the last good ones), with line and column. */
  configError: z.string().nullable(),
});
export type MocksState = z.infer<typeof mocksStateSchema>;

/** A body typed in or taken from a capture: text as it is, or bytes in base64. */
export const outgoingBodySchema = z.object({ encoding: z.enum(['utf8', 'base64']), data: z.string() });
export type OutgoingBody = z.infer<typeof outgoingBodySchema>;

/** A request to send: an absolute http(s) URL, headers in order, the body's bytes. */
export const outgoingRequestSchema = z.object({
  method: z.string().min(1).max(32),
  url: z.string().url(),
  headers: headerListSchema,
  body: outgoingBodySchema.nullable(),
});
export type OutgoingRequest = z.infer<typeof outgoingRequestSchema>;

/** What a replayed request got back, as the captured exchange holds it, so the UI diffs the two the same way. */
export const resendResultSchema = z.object({
  /** The new exchange in the live log (linked to the original with `replayOf`). */
  exchangeId: z.string(),
  /** Null when no answer came (then `error` says why: refused, timed out …). */
  response: z
    .object({
      status: z.number().int(),
      statusMessage: z.string(),
      headers: headerListSchema,
      body: capturedBodySchema,
      /** The dispatched SSE events of an event-stream answer, in order; empty otherwise. */
      sse: z.array(z.object({ type: z.string(), data: z.string() })),
    })
    .nullable(),
  error: z.string().nullable(),
  durationMs: z.number().nonnegative(),
});
export type ResendResult = z.infer<typeof resendResultSchema>;

/** An item a breakpoint holds right now. */
export const pausedItemSchema = z.object({
  pauseId: z.string(),
  ruleId: z.string(),
  stage: pauseStageSchema,
  exchangeId: z.string().optional(),
  connectionId: z.string().optional(),
  direction: wsDirectionSchema.optional(),
  functionName: z.string().nullable(),
  /** Epoch milliseconds when it is released as it is, unless someone acts first. */
  releaseAt: z.number(),
});
export type PausedItem = z.infer<typeof pausedItemSchema>;

export const breakpointsStateSchema = z.object({
  rules: z.array(breakpointRuleSchema),
  paused: z.array(pausedItemSchema),
});
export type BreakpointsState = z.infer<typeof breakpointsStateSchema>;

/**
 * How to release a held item. `edit` carries the changed item for its stage (`request` for a held request,
 * `response` for a held response, `frame` for a frame); `answer` (held requests only) carries the `response`
 * the bot gets instead of the upstream's. A JSON body that does not parse is refused with its position, and
 * the item stays held.
 */
export const releasePauseParamsSchema = z.object({
  pauseId: z.string().min(1),
  action: pauseActionSchema,
  request: z
    .object({ method: z.string().min(1).max(32), url: z.string().min(1), headers: headerListSchema, body: outgoingBodySchema.nullable() })
    .optional(),
  response: z
    .object({ status: z.number().int().min(100).max(599), headers: headerListSchema, body: outgoingBodySchema.nullable() })
    .optional(),
  frame: z.object({ opcode: z.enum(['text', 'binary']), data: z.string() }).optional(),
});
export type ReleasePauseParams = z.infer<typeof releasePauseParamsSchema>;

/** Every method: its parameter and result schemas. */
export const bridgeMethods = {
  info: { params: z.object({}), result: coreInfoSchema },
  addRoute: { params: routeSpecSchema, result: routeInfoSchema },
  removeRoute: { params: z.object({ routeId: z.string() }), result: z.object({ removed: z.boolean() }) },
  /** The session files in the sessions folder, newest first, plus the live one. */
  listSessions: {
    params: z.object({}),
    result: z.object({ directory: z.string(), sessions: z.array(sessionSummarySchema) }),
  },
  /** Checks a session file's header; the caller then reads its events with `readSession` and shows them read-only. */
  openSession: { params: z.object({ path: z.string().min(1) }), result: openedSessionSchema },
  readSession: {
    params: z.object({
      path: z.string().min(1),
      offset: z.number().int().nonnegative(),
      /** Stop reading at this byte (the size `openSession` saw). */
      end: z.number().int().nonnegative(),
      /** Soft size of a slice; a single longer line is still returned whole. */
      maxBytes: z.number().int().positive().max(64 * 1024 * 1024).optional(),
    }),
    result: sessionSliceSchema,
  },
  /** Closes the live session file and starts a new one; routes stay up. Subscribers get a reset batch. */
  newSession: { params: z.object({}), result: coreInfoSchema },
  /** Copies the live session file (flushed first) to `path`. */
  saveSessionAs: {
    params: z.object({ path: z.string().min(1) }),
    result: z.object({ path: z.string(), bytes: z.number().int().nonnegative() }),
  },
  /**
   * Turns a HAR file's text (Chrome, Firefox, HTTP Toolkit) into a session file in the sessions folder, so it
   * is listed, opened and analysed like a recorded one.
   */
  importHar: {
    params: z.object({ fileName: z.string().min(1), text: z.string() }),
    result: z.object({ path: z.string(), events: z.number().int().nonnegative(), warnings: z.array(z.string()) }),
  },
  getMocks: { params: z.object({}), result: mocksStateSchema },
  /** Replaces the rules (all of them, in order); an invalid rule refuses the whole change with its place and reason. */
  setMocks: { params: z.object({ rules: z.array(z.unknown()) }), result: mocksStateSchema },
  /** Writes the rules into the config file (other keys kept); fails when the core runs without one. */
  saveMocks: { params: z.object({}), result: z.object({ path: z.string() }) },
  /**
   * Sends a request from the core (replay, edit and resend) and records it as a new exchange in the live log,
   * linked to `replayOf`. Resolves when the answer is complete, or with `error` after `timeoutMs` (default 10 s).
   */
  resendRequest: {
    params: z.object({
      request: outgoingRequestSchema,
      /** The exchange this repeats; null for a request typed from scratch. */
      replayOf: z.string().nullable(),
      /** The route the new exchange is listed under (the original's); null when it has none. */
      routeId: z.string().nullable(),
      edited: z.boolean(),
      timeoutMs: z.number().int().positive().max(600_000).optional(),
    }),
    result: resendResultSchema,
  },
  /**
   * Sends a frame on a live relayed WebSocket, to the upstream (as if the client sent it) or to the client (as
   * if the upstream did), recorded with `origin: 'inject'`. Refused with a sentence when the connection is not
   * open. `data` is the text of a text frame, or base64 of a binary one.
   */
  injectFrame: {
    params: z.object({
      connectionId: z.string().min(1),
      direction: wsDirectionSchema,
      opcode: z.enum(['text', 'binary']),
      data: z.string(),
      resentOf: z.number().int().positive().optional(),
    }),
    result: z.object({ seq: z.number().int().positive() }),
  },
  getBreakpoints: { params: z.object({}), result: breakpointsStateSchema },
  /** Replaces the rules, in order; an invalid rule refuses the change with its place and reason. Held items stay held. */
  setBreakpoints: { params: z.object({ rules: z.array(z.unknown()) }), result: breakpointsStateSchema },
  /** Releases a held item; fails with a sentence when it is no longer held or the edit is invalid. */
  releasePause: { params: releasePauseParamsSchema, result: z.object({ pauseId: z.string(), action: pauseActionSchema }) },
} as const;

export type BridgeMethod = keyof typeof bridgeMethods;
export type BridgeParams<M extends BridgeMethod> = z.infer<(typeof bridgeMethods)[M]['params']>;
export type BridgeResult<M extends BridgeMethod> = z.infer<(typeof bridgeMethods)[M]['result']>;

/**
 * Events reach the UI in order: one batch with `reset: true` holding everything so far (the snapshot),
 * then live batches. A later `reset` (for example a new session) replaces what the UI holds.
 * The core keeps only the most recent events in memory: a snapshot's `dropped` counts the session's earlier
 * events, which are only in the session file (absent or 0 when the snapshot starts at the session's start).
 */
export const eventBatchSchema = z.object({
  reset: z.boolean(),
  events: z.array(logEventSchema),
  dropped: z.number().int().nonnegative().optional(),
});
export type EventBatch = z.infer<typeof eventBatchSchema>;

export interface ToolscopeBridge {
  call<M extends BridgeMethod>(method: M, params: BridgeParams<M>): Promise<BridgeResult<M>>;
  /**
   * The events part of an opened session file as a byte stream, where the transport has a faster way than
   * `readSession` calls (the browser's HTTP). Chunks end anywhere, even inside a UTF-8 character.
   */
  streamSession?(opened: OpenedSession): AsyncGenerator<Uint8Array>;
  /** Delivers the snapshot, then live batches, until the returned function is called. */
  subscribe(onBatch: (batch: EventBatch) => void): () => void;
  /**
   * Asks the core for a fresh snapshot, which subscribers get as a `reset` batch: what the core still keeps
   * (bounded by its retention) and how many earlier events it dropped. A UI that has held the live session for
   * long uses it to let go of what the core no longer keeps.
   */
  resnapshot(): void;
}

// ---- Wire messages of the WebSocket transport (IPC uses invoke/send with the same payloads) ----

export const bridgeRequestSchema = z.object({
  type: z.literal('call'),
  id: z.number().int(),
  method: z.string(),
  params: z.unknown(),
});
export type BridgeRequest = z.infer<typeof bridgeRequestSchema>;
/** A UI asks for a fresh snapshot of the live session (see ToolscopeBridge.resnapshot). */
export const resnapshotRequestSchema = z.object({ type: z.literal('resnapshot') });

// A plain union: two members share `type: "result"`, which z.discriminatedUnion refuses (it throws
// "Duplicate discriminator value" on the first parse).
export const bridgeServerMessageSchema = z.union([
  z.object({ type: z.literal('result'), id: z.number().int(), ok: z.literal(true), value: z.unknown() }),
  z.object({ type: z.literal('result'), id: z.number().int(), ok: z.literal(false), error: z.string() }),
  z.object({ type: z.literal('batch'), reset: z.boolean(), events: z.array(z.unknown()), dropped: z.number().int().nonnegative().optional() }),
]);
export type BridgeServerMessage = z.infer<typeof bridgeServerMessageSchema>;

/**
 * The browser transport streams a session file over plain HTTP instead of asking for slices: GET this path
 * with the token as a Bearer header and `path`, `offset` and `end` in the query; the body is those bytes of the
 * file. Measured on a 145 MB session, the page spent more time waiting for slice answers (one round trip
 * each, four megabytes at a time) than parsing them; a streamed body arrives as fast as the page reads it.
 */
export const SESSION_STREAM_PATH = '/api/session-stream';

export function isBridgeMethod(name: string): name is BridgeMethod {
  return Object.prototype.hasOwnProperty.call(bridgeMethods, name);
}

/**
 * Parses the events of a batch one by one: a single malformed event is dropped and reported instead of
 * discarding the batch, so the UI never loses the good data around it.
 */
export function parseBatchEvents(raw: unknown[]): { events: LogEvent[]; rejected: number } {
  const events: LogEvent[] = [];
  let rejected = 0;
  for (const item of raw) {
    const parsed = logEventSchema.safeParse(item);
    if (parsed.success) events.push(parsed.data);
    else rejected++;
  }
  return { events, rejected };
}
