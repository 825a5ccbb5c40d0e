/**
 * The one interface between the UI and the core. In the desktop app the preload exposes it over Electron
 * IPC; in the browser UI it is a WebSocket to the UI server. Both carry exactly these messages, and each end
 * parses what it receives with these schemas, so a bad message is refused at the boundary.
 *
 * Later features (replay, mocks, breakpoints) add methods to `bridgeMethods`; transports need no change.
 */
import { z } from 'zod';
import { logEventSchema, listenAddressSchema, type LogEvent } from './events.js';
import { sessionHeaderSchema } from './session-format.js';
import { toolscopeConfigSchema } from './config/toolscope-config.js';

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

export const coreInfoSchema = z.object({
  appVersion: z.string(),
  sessionFile: z.string().nullable(),
  startedAt: z.string(),
  routes: z.array(routeInfoSchema),
  /** The config file the core runs with (its analysis settings apply in the UI too), or null. */
  config: toolscopeConfigSchema.nullable(),
});
export type CoreInfo = z.infer<typeof coreInfoSchema>;

export const loadedSessionSchema = z.object({
  path: z.string(),
  header: sessionHeaderSchema,
  events: z.array(logEventSchema),
  warnings: z.array(z.object({ line: z.number().int(), message: z.string() })),
});
export type LoadedSessionResult = z.infer<typeof loadedSessionSchema>;

/** Every method: its parameter and result schemas. */
export const bridgeMethods = {
  info: { params: z.object({}), result: coreInfoSchema },
  addRoute: { params: routeSpecSchema, result: routeInfoSchema },
  removeRoute: { params: z.object({ routeId: z.string() }), result: z.object({ removed: z.boolean() }) },
  /** Opens a session file read-only; the caller shows its events in place of the live ones. */
  openSession: { params: z.object({ path: z.string().min(1) }), result: loadedSessionSchema },
  /** Copies the live session file (flushed first) to `path`. */
  saveSessionAs: {
    params: z.object({ path: z.string().min(1) }),
    result: z.object({ path: z.string(), bytes: z.number().int().nonnegative() }),
  },
} as const;

export type BridgeMethod = keyof typeof bridgeMethods;
export type BridgeParams<M extends BridgeMethod> = z.infer<(typeof bridgeMethods)[M]['params']>;
export type BridgeResult<M extends BridgeMethod> = z.infer<(typeof bridgeMethods)[M]['result']>;

/**
 * Events reach the UI in order: one batch with `reset: true` holding everything so far (the snapshot),
 * then live batches. A later `reset` (for example a new session) replaces what the UI holds.
 */
export const eventBatchSchema = z.object({
  reset: z.boolean(),
  events: z.array(logEventSchema),
});
export type EventBatch = z.infer<typeof eventBatchSchema>;

export interface ToolscopeBridge {
  call<M extends BridgeMethod>(method: M, params: BridgeParams<M>): Promise<BridgeResult<M>>;
  /** Delivers the snapshot, then live batches, until the returned function is called. */
  subscribe(onBatch: (batch: EventBatch) => void): () => void;
}

// ---- Wire messages of the WebSocket transport (IPC uses invoke/send with the same payloads) ----

export const bridgeRequestSchema = z.object({
  type: z.literal('call'),
  id: z.number().int(),
  method: z.string(),
  params: z.unknown(),
});
export type BridgeRequest = z.infer<typeof bridgeRequestSchema>;

// A plain union: two members share `type: "result"`, which z.discriminatedUnion refuses (it throws
// "Duplicate discriminator value" on the first parse).
export const bridgeServerMessageSchema = z.union([
  z.object({ type: z.literal('result'), id: z.number().int(), ok: z.literal(true), value: z.unknown() }),
  z.object({ type: z.literal('result'), id: z.number().int(), ok: z.literal(false), error: z.string() }),
  z.object({ type: z.literal('batch'), reset: z.boolean(), events: z.array(z.unknown()) }),
]);
export type BridgeServerMessage = z.infer<typeof bridgeServerMessageSchema>;

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
