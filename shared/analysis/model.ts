/**
 * What the analysis derives from the event log: function calls, tool definitions and findings, and the
 * contracts between the analyzer (correlation, status, timing: analyzer.ts) and the protocol readers
 * (webhooks/, realtime/) and linters (sse/, tools/, rtvi/).
 *
 * Readers are pure functions of their input and know one protocol each. They say what a message means
 * (a call starts, its arguments grow, a result arrives, tools are declared) and what is wrong with its
 * shape. Everything that needs more than one message (which call a result answers, duplicates, unanswered
 * calls, latency, schema checks of arguments) is the analyzer's job, so every protocol gets it the same way.
 */
import type { HeaderList, WsDirection } from '../events.js';

export type Protocol = 'daily' | 'vapi' | 'retell' | 'millis' | 'elevenlabs' | 'openai-realtime' | 'navtalk' | 'rtvi';

export type Severity = 'error' | 'warning' | 'info';

/** Where a finding points: the event (by sequence number), and where it helps a byte range or a JSON path. */
export interface EventRef {
  seq: number;
  /** Byte offset into the event's payload: the SSE body for sse.event, the frame for ws.frame. */
  byteOffset?: number;
  byteLength?: number;
  /** JSON path inside the message, e.g. `config[0].options[1].name`. */
  path?: string;
}

export interface Finding {
  /** Stable id, prefixed by area: `sse/`, `rtvi/`, `call/`, `http/`, `vapi/`, `def/` (and one per protocol). */
  rule: string;
  severity: Severity;
  /** A sentence a bot developer understands without reading our code: what is wrong and what it causes. */
  message: string;
  ref: EventRef;
  /** The call it belongs to, when it belongs to one. */
  callKey?: string;
}

/** A finding as a reader reports it: the reader knows the event it read; the analyzer adds the call. */
export interface FindingDraft {
  rule: string;
  severity: Severity;
  message: string;
  seq: number;
  byteOffset?: number;
  byteLength?: number;
  path?: string;
  /** Set when the finding is about one call (by its call id; null for a webhook's only call). */
  callId?: string | null;
}

export type CallStatus = 'pending' | 'ok' | 'error' | 'unanswered' | 'mocked' | 'replayed';

export interface FunctionCall {
  /** Unique within a session: `<exchangeId or connectionId>/<callId or index>`. */
  key: string;
  protocol: Protocol;
  name: string;
  callId: string | null;
  /** Parsed arguments; undefined when they could not be parsed (a finding says why). */
  args: unknown;
  /** Arguments as they travelled (a JSON string, or the object serialised). */
  argsRaw: string;
  source: { kind: 'exchange'; id: string } | { kind: 'connection'; id: string };
  routeId: string | null;
  startT: number;
  startSeq: number;
  endT: number | null;
  endSeq: number | null;
  result: unknown;
  resultRaw: string | null;
  latencyMs: number | null;
  status: CallStatus;
  /** Sequence numbers of every event that makes up this call, in order. */
  refs: number[];
  /** The declared tool this call was checked against, when one was seen. */
  tool: ToolDefinition | null;
  /** The mock rule that took the call (see `mock.hit`); its answer is the mock's, not the backend's. */
  mockedBy?: { ruleId: string; ruleName: string; handler: string };
  /** Set on a call Toolscope sent again (replay, edit and resend): the exchange it repeats (`http.request.replayOf`). */
  replayOf?: string;
  /** With `replayOf`: the request was edited before it was sent. */
  edited?: boolean;
}

export interface ToolDefinition {
  name: string;
  description?: string;
  /** JSON Schema of the arguments, as declared. */
  parameters?: unknown;
  protocol: Protocol | 'config';
  /** Where it was declared: an event, or the config file. */
  seq: number | null;
}

// ---------------------------------------------------------------------------------------------------------
// Webhooks: an HTTP exchange is re-read as a whole whenever it changes (its request body arrives, an SSE event,
// the response body). Exchanges are small, so a pure function of the exchange is simplest and always right.

export interface SseEventInput {
  seq: number;
  t: number;
  index: number;
  raw: string;
  byteOffset: number;
  byteLength: number;
  dispatched: boolean;
  type?: string;
  data?: string;
  parseErrors?: string[];
}

/** What the readers see of one SSE block: an `sse.event` from the log, or a reading with its seq and time. */
export function sseEventInput(block: Omit<SseEventInput, 'type' | 'data' | 'parseErrors'> & { type?: string | undefined; data?: string | undefined; parseErrors?: string[] | undefined }): SseEventInput {
  return {
    seq: block.seq,
    t: block.t,
    index: block.index,
    raw: block.raw,
    byteOffset: block.byteOffset,
    byteLength: block.byteLength,
    dispatched: block.dispatched,
    ...(block.type !== undefined ? { type: block.type } : {}),
    ...(block.data !== undefined ? { data: block.data } : {}),
    ...(block.parseErrors ? { parseErrors: block.parseErrors } : {}),
  };
}

export interface WebhookExchangeInput {
  method: string;
  /** Path and query. */
  url: string;
  requestHeaders: HeaderList;
  requestSeq: number;
  requestT: number;
  /** Request body text; null until it arrived, or when it was binary. */
  requestBody: string | null;
  requestBodySeq: number | null;
  /** The request body parsed as JSON; undefined when it is absent or not JSON. */
  requestJson: unknown;
  response: {
    seq: number;
    t: number;
    status: number;
    headers: HeaderList;
    /** Whole body text once complete (null while streaming, or when binary). */
    body: string | null;
    bodySeq: number | null;
    bodyT: number | null;
    /** The body parsed as JSON; undefined when absent or not JSON. */
    json: unknown;
    /** True when the proxy answered itself (upstream unreachable or too slow). */
    synthetic: boolean;
  } | null;
  sse: SseEventInput[];
  /** Set once the SSE stream ended; leftover is text after the last blank line, which clients drop. */
  sseEnd: { seq: number; complete: boolean; leftover: string | null; leftoverOffset: number | null } | null;
  /** The exchange failed or was cut (http.error / http.aborted): no more data will come. */
  ended: { seq: number; t: number; reason: string } | null;
}

export interface WebhookCallReading {
  callId: string | null;
  name: string;
  args: unknown;
  argsRaw: string;
  /** Set when the arguments travelled as a string that is not valid JSON. */
  argsError?: string;
  /** False when the platform does not wait for an answer (Vapi built-ins, async tools): no result is not a fault. */
  expectsResult?: false;
  result?: {
    value: unknown;
    raw: string;
    isError: boolean;
    seq: number;
    t: number;
  };
}

export interface WebhookAnalysis {
  protocol: Protocol;
  /** A short name for what the exchange is when it is not a call (Vapi `status-update`, `end-of-call-report`). */
  label?: string;
  calls: WebhookCallReading[];
  findings: FindingDraft[];
  toolDefinitions?: ToolDefinition[];
}

export interface WebhookDialect {
  protocol: Protocol;
  /** Null when the exchange is not this dialect. Must be a pure function of its input. */
  analyze(exchange: WebhookExchangeInput): WebhookAnalysis | null;
}

// ---------------------------------------------------------------------------------------------------------
// Realtime sockets: read frame by frame (a session can have 100,000 frames); the analyzer keeps the state.

export interface RealtimeFrameInput {
  seq: number;
  t: number;
  direction: WsDirection;
  /** The frame text parsed as JSON (an object; other frames are not given to readers). */
  json: Record<string, unknown>;
  text: string;
}

export interface RealtimeFrameReading {
  protocol: Protocol;
  /** The message type as the protocol names it, e.g. `response.function_call_arguments.done`. */
  messageType: string;
  /** Audio chunks are many and large: the UI folds them. */
  audio?: boolean;
  toolDefinitions?: ToolDefinition[];
  /**
   * A call starts or becomes known. Several messages may announce the same call (argument deltas, `.done`,
   * `response.output_item.done`, `response.done`): the analyzer merges them by call id, keeping the first
   * start time and the most complete name and arguments.
   */
  callStart?: {
    callId: string | null;
    name: string | null;
    /** Final arguments as they travelled; absent when this message has none (a "started" notice). */
    argsRaw?: string;
    args?: unknown;
    argsError?: string;
  };
  argsDelta?: { callId: string; delta: string };
  callResult?: {
    callId: string | null;
    value: unknown;
    raw: string;
    isError: boolean;
    /** The function name the result message names, when it names one (RTVI, Daily), to check against the call. */
    functionName?: string;
  };
  /** The call was cancelled (RTVI `llm-function-call-stopped` with `cancelled`). */
  callCancelled?: { callId: string };
  findings: FindingDraft[];
}

export interface RealtimeDialect {
  protocol: Protocol;
  /** Null when the message is not this dialect. Must be a pure function of its input. */
  readFrame(frame: RealtimeFrameInput): RealtimeFrameReading | null;
}

/** Parses JSON without throwing; depth-safe because JSON.parse is not recursive in user code. */
export function tryParseJson(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
