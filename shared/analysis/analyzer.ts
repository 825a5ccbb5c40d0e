/**
 * Folds the event log into function calls and findings: the same pure code runs live (as events arrive)
 * and on a loaded session file, so both give the same view.
 *
 * Webhook exchanges are small: each one that changed in a batch is read again as a whole by the protocol
 * readers, and its calls and findings replace the previous ones. Realtime sockets can carry 100,000 frames,
 * so they are read frame by frame and correlated here: by call id within the connection.
 */
import { FrameTypeIndex, type FrameType } from './frame-type-index.js';
import type { EventOf, LogEvent } from '../events.js';
import type { ExchangeView, TrafficState } from '../store/traffic-state.js';
import { headerValue } from '../http-headers.js';
import type {
  CallStatus,
  Finding,
  FindingDraft,
  FunctionCall,
  Protocol,
  RealtimeDialect,
  RealtimeFrameReading,
  ToolDefinition,
  WebhookAnalysis,
  WebhookDialect,
  WebhookExchangeInput,
} from './model.js';
import { isRecord, sseEventInput, tryParseJson } from './model.js';
import { scanAudioFrame } from './realtime/audio-frame-scan.js';
import { readRealtimeFrame, realtimeDialects } from './realtime/realtime-dialects.js';
import { lintSseStream } from './sse/sse-linter.js';
import { lintArguments } from './tools/argument-validator.js';
import { lintToolDefinitions } from './tools/tool-definition-linter.js';
import { readWebhookExchange, webhookDialects } from './webhooks/webhook-dialects.js';
import type { KnownBotConfig } from './rtvi/rtvi-payload-linter.js';

export const DEFAULT_LATENCY_BUDGET_MS = 1500;
/** A realtime call with no result this long after it started is reported unanswered even while the socket lives. */
export const DEFAULT_UNANSWERED_AFTER_MS = 30_000;

export interface AnalysisOptions {
  /** A result slower than this gets `call/slow-result`: voice turns die past about a second. */
  latencyBudgetMs?: number;
  /** A realtime call still without a result this long after it started (by the log's clock) is unanswered. */
  unansweredAfterMs?: number;
  /** The bot's config as sent to `/bots/start`, to check update-config services and options against. */
  knownBotConfig?: KnownBotConfig;
  /** Tool definitions from the config file. */
  configTools?: ToolDefinition[];
  /**
   * Parse every realtime frame in full, without the audio fast path (see realtime/audio-frame-scan.ts). The
   * results are the same; tests set this to prove it.
   */
  parseEveryFrame?: boolean;
}

/** Per-connection correlation state. */
interface ConnectionAnalysis {
  id: string;
  routeId: string;
  protocol: Protocol | null;
  /** call id -> call key */
  callKeys: Map<string, string>;
  /** call id -> argument text assembled from deltas */
  deltas: Map<string, string>;
  /** Calls whose final arguments were already checked. */
  argsJudged: Set<string>;
  /** call key -> the direction its first result travelled */
  answeredFrom: Map<string, string>;
  unnamed: number;
  audioFrames: number;
  audioBytes: number;
  findings: Finding[];
  closed: boolean;
}

export interface AnalysisState {
  calls: ReadonlyMap<string, FunctionCall>;
  /** Call keys in order of their start. */
  callOrder: readonly string[];
  /** Every finding, in the order of the events they point at. */
  findings: readonly Finding[];
  tools: ReadonlyMap<string, ToolDefinition>;
  /** What each exchange was read as (protocol, label), for the traffic view. */
  exchanges: ReadonlyMap<string, { protocol: Protocol | null; label: string | null; callKeys: readonly string[]; findings: readonly Finding[] }>;
  connections: ReadonlyMap<string, Readonly<Omit<ConnectionAnalysis, 'callKeys' | 'deltas' | 'argsJudged' | 'answeredFrom'>>>;
  /** Message types of realtime frames (by event seq), so the traffic view can name and fold them. */
  frameTypes: FrameTypeIndex;
  /** Realtime calls still waiting for a result: call key -> its connection and start time. */
  pending: ReadonlyMap<string, { connectionId: string; startT: number }>;
}

export function emptyAnalysisState(): AnalysisState {
  return { calls: new Map(), callOrder: [], findings: [], tools: new Map(), exchanges: new Map(), connections: new Map(), frameTypes: FrameTypeIndex.empty(), pending: new Map() };
}

/**
 * The analysis of a whole log. `traffic` must be the traffic state after folding the same events.
 * Readers are created once per analyzer: they hold only configuration.
 */
export class Analyzer {
  private readonly webhook: WebhookDialect[];
  private readonly realtime: RealtimeDialect[];
  private readonly budget: number;
  private readonly unansweredAfter: number;
  private readonly audioFastPath: boolean;
  /** What an audio frame reads as, by direction and type: decided once by the readers themselves (see readFrame). */
  private readonly audioReadings = new Map<string, { protocol: Protocol; messageType: string } | null>();

  constructor(private readonly options: AnalysisOptions = {}) {
    this.webhook = webhookDialects(options.knownBotConfig ? { knownConfig: options.knownBotConfig } : {});
    this.realtime = realtimeDialects(options.knownBotConfig ? { rtvi: { knownConfig: options.knownBotConfig } } : {});
    this.budget = options.latencyBudgetMs ?? DEFAULT_LATENCY_BUDGET_MS;
    this.unansweredAfter = options.unansweredAfterMs ?? DEFAULT_UNANSWERED_AFTER_MS;
    this.audioFastPath = options.parseEveryFrame !== true;
  }

  /** Results slower than this are findings; the timeline marks their bars. */
  get latencyBudgetMs(): number {
    return this.budget;
  }

  initialState(): AnalysisState {
    const state = emptyAnalysisState();
    const tools = this.options.configTools ?? [];
    if (tools.length === 0) return state;
    return { ...state, tools: new Map(tools.map((tool) => [tool.name, tool])) };
  }

  /** Folds a batch. The input state is not modified. */
  fold(state: AnalysisState, events: readonly LogEvent[], traffic: TrafficState): AnalysisState {
    if (events.length === 0) return state;
    const draft = new AnalysisDraft(state);
    const dirtyExchanges = new Set<string>();
    for (const event of events) {
      try {
        // Checked before every event, not per batch, so live batches and a whole file agree.
        if (draft.hasExpiredPending(event.t, this.unansweredAfter)) this.expirePendingCalls(draft, event.t);
        this.apply(draft, event, dirtyExchanges);
      } catch (error) {
        // The readers must not throw; if one ever does, the event is skipped with a finding, never the batch.
        draft.addGlobalFinding({
          rule: 'toolscope/analysis-error',
          severity: 'info',
          message: `Toolscope could not analyse this event: ${error instanceof Error ? error.message : String(error)}`,
          ref: { seq: event.seq },
        });
      }
    }
    for (const id of dirtyExchanges) {
      const exchange = traffic.exchanges.get(id);
      if (exchange) this.analyseExchange(draft, exchange);
    }
    return draft.finish();
  }

  private apply(d: AnalysisDraft, e: LogEvent, dirty: Set<string>): void {
    switch (e.kind) {
      case 'http.request':
      case 'http.request.body':
      case 'http.response':
      case 'http.response.body':
      case 'http.error':
      case 'http.aborted':
      case 'sse.event':
      case 'sse.end':
        dirty.add(e.exchangeId);
        return;
      case 'ws.open':
        d.connection(e.connectionId, e.routeId);
        return;
      case 'ws.frame':
        this.readFrame(d, e);
        return;
      case 'ws.close':
        this.closeConnection(d, e.connectionId, e.seq, e.t, `the connection closed (code ${e.code}${e.reason ? `, "${e.reason}"` : ''}, by ${e.by})`);
        return;
      case 'mock.hit':
        if (e.exchangeId !== undefined) dirty.add(e.exchangeId);
        else if (e.connectionId !== undefined) this.mockHitOnConnection(d, e);
        return;
      case 'pause.start':
      case 'pause.end':
        if (e.exchangeId !== undefined) dirty.add(e.exchangeId);
        return;
      default:
        return;
    }
  }

  // ---- realtime ----

  private readFrame(d: AnalysisDraft, e: EventOf<'ws.frame'>): void {
    if (e.opcode !== 'text' || e.encoding !== 'utf8') return;
    const text = e.data;
    const start = firstNonSpace(text);
    if (start !== '{') return;
    const conn = d.connection(e.connectionId, null);
    const audio = this.audioFastPath ? this.audioFrameReading(text, e) : null;
    if (audio) {
      // What the full path below records for an audio frame, without parsing its payload.
      conn.protocol ??= audio.protocol;
      d.setFrameType(e.seq, { protocol: audio.protocol, messageType: audio.messageType, audio: true });
      conn.audioFrames++;
      conn.audioBytes += e.size;
      return;
    }
    const parsed = tryParseJson(text);
    if (!parsed.ok || !isRecord(parsed.value)) {
      if (conn.protocol && !e.truncated) {
        d.addConnectionFinding(conn, {
          rule: 'ws/invalid-json',
          severity: 'warning',
          message: `This ${conn.protocol} frame looks like JSON but does not parse (${parsed.ok ? 'not an object' : parsed.error}); the other side will drop or reject it.`,
          ref: { seq: e.seq },
        });
      }
      return;
    }
    const reading = readRealtimeFrame({ seq: e.seq, t: e.t, direction: e.direction, json: parsed.value, text }, this.realtime);
    if (!reading) return;
    conn.protocol ??= reading.protocol;
    d.setFrameType(e.seq, { protocol: reading.protocol, messageType: reading.messageType, audio: reading.audio === true });
    if (reading.audio) {
      conn.audioFrames++;
      conn.audioBytes += e.size;
    }
    this.applyReading(d, conn, reading, e);
  }

  /**
   * The reading of a frame that is certainly an audio frame, or null (then the frame is parsed in full). The
   * scan gives its type; the readers read a frame of just that type (or just a `user_audio_chunk`): for the
   * audio types (AUDIO_FRAME_TYPES) a reading depends only on the type, the direction and having no label, so
   * that reading is the frame's. It is taken only when it is a plain audio reading: no findings (a frame sent the
   * wrong way gets one) and nothing else to apply.
   */
  private audioFrameReading(text: string, e: EventOf<'ws.frame'>): { protocol: Protocol; messageType: string } | null {
    const keys = scanAudioFrame(text);
    if (!keys) return null;
    const memoKey = `${e.direction}\n${keys.type ?? ''}`;
    let reading = this.audioReadings.get(memoKey);
    if (reading === undefined) {
      const json: Record<string, unknown> = keys.type === null ? { user_audio_chunk: '' } : { type: keys.type };
      const full = readRealtimeFrame({ seq: e.seq, t: e.t, direction: e.direction, json, text }, this.realtime);
      const plain = full !== null && full.audio === true && full.findings.length === 0 && Object.keys(full).every((k) => k === 'protocol' || k === 'messageType' || k === 'audio' || k === 'findings');
      reading = plain ? { protocol: full.protocol, messageType: full.messageType } : null;
      this.audioReadings.set(memoKey, reading);
    }
    return reading;
  }

  private applyReading(d: AnalysisDraft, conn: ConnectionAnalysis, r: RealtimeFrameReading, e: EventOf<'ws.frame'>): void {
    if (r.toolDefinitions && r.toolDefinitions.length > 0) {
      for (const tool of r.toolDefinitions) d.setTool(tool);
      // The client declares tools; the server's echoes (session.created/updated) would repeat every finding.
      if (e.direction === 'client-to-upstream') {
        for (const draft of lintToolDefinitions(r.toolDefinitions)) d.addConnectionFinding(conn, toFinding(draft));
      }
    }
    if (r.argsDelta) {
      const { callId, delta } = r.argsDelta;
      conn.deltas.set(callId, (conn.deltas.get(callId) ?? '') + delta);
      const call = this.callFor(d, conn, callId, null, r.protocol, e);
      d.editCall(call.key, (c) => addRef(c, e.seq));
    }
    if (r.callStart && (r.callStart.callId !== null || r.callStart.argsRaw !== undefined)) {
      const start = r.callStart;
      const call = this.callFor(d, conn, start.callId, start.name, r.protocol, e);
      d.editCall(call.key, (c) => {
        addRef(c, e.seq);
        if (!c.name && start.name) c.name = start.name;
        if (start.argsRaw !== undefined && (c.argsRaw === '' || c.args === undefined)) {
          c.argsRaw = start.argsRaw;
          c.args = start.args;
        }
      });
      // Several messages announce the same call (.done, output_item.done, response.done): judge its final
      // arguments once, on the first announcement that carries them.
      const firstFinal = start.argsRaw !== undefined && !conn.argsJudged.has(call.key);
      if (firstFinal) conn.argsJudged.add(call.key);
      if (start.argsError && firstFinal) {
        d.addConnectionFinding(conn, {
          rule: 'call/arguments-not-json',
          severity: 'error',
          message: `The arguments of ${start.name ?? 'this call'} are not valid JSON (${start.argsError}); the tool cannot read them.`,
          ref: { seq: e.seq },
          callKey: call.key,
        });
      }
      const assembled = start.callId ? conn.deltas.get(start.callId) : undefined;
      if (assembled !== undefined && start.argsRaw !== undefined && assembled !== start.argsRaw) {
        d.addConnectionFinding(conn, {
          rule: 'call/arguments-delta-mismatch',
          severity: 'warning',
          message: `The argument deltas of call ${start.callId} add up to ${quote(assembled)}, but the final arguments are ${quote(start.argsRaw)}.`,
          ref: { seq: e.seq },
          callKey: call.key,
        });
      }
      if (firstFinal && !start.argsError) this.checkArguments(d, conn, call.key, e.seq);
    }
    if (r.callResult) this.applyResult(d, conn, r.callResult, r.protocol, e);
    if (r.callCancelled) {
      const key = conn.callKeys.get(r.callCancelled.callId);
      if (key) {
        d.removePending(key);
        d.editCall(key, (c) => {
          if (c.status === 'pending') {
            c.status = 'error';
            c.endT = e.t;
            c.endSeq = e.seq;
          }
          c.refs.push(e.seq);
        });
        d.addConnectionFinding(conn, {
          rule: 'call/cancelled',
          severity: 'info',
          message: `The bot cancelled call ${r.callCancelled.callId} (usually because the user interrupted); a result sent now is ignored.`,
          ref: { seq: e.seq },
          callKey: key,
        });
      }
    }
    for (const draft of r.findings) {
      const key = draft.callId ? conn.callKeys.get(draft.callId) : undefined;
      d.addConnectionFinding(conn, toFinding(draft, key));
    }
  }

  /** A realtime rule took a call: its answer (the next result) is the mock's, and its template problems are findings. */
  private mockHitOnConnection(d: AnalysisDraft, e: EventOf<'mock.hit'>): void {
    const conn = d.existingConnection(e.connectionId ?? '');
    if (!conn) return;
    const key = e.callId ? conn.callKeys.get(e.callId) : undefined;
    if (key) {
      d.editCall(key, (c) => {
        c.mockedBy = mockedBy(e);
        addRef(c, e.seq);
      });
    }
    for (const f of mockFindings(e, key)) d.addConnectionFinding(conn, f);
  }

  private callFor(d: AnalysisDraft, conn: ConnectionAnalysis, callId: string | null, name: string | null, protocol: Protocol, e: EventOf<'ws.frame'>): FunctionCall {
    const existing = callId ? conn.callKeys.get(callId) : undefined;
    if (existing) return d.call(existing)!;
    const key = `${conn.id}/${callId ?? `#${++conn.unnamed}`}`;
    if (callId) conn.callKeys.set(callId, key);
    const call: FunctionCall = {
      key,
      protocol,
      name: name ?? '',
      callId,
      args: undefined,
      argsRaw: '',
      source: { kind: 'connection', id: conn.id },
      routeId: conn.routeId || null,
      startT: e.t,
      startSeq: e.seq,
      endT: null,
      endSeq: null,
      result: undefined,
      resultRaw: null,
      latencyMs: null,
      status: 'pending',
      refs: [e.seq],
      tool: null,
    };
    d.addCall(call);
    d.addPending(key, conn.id, e.t);
    return call;
  }

  private applyResult(d: AnalysisDraft, conn: ConnectionAnalysis, result: NonNullable<RealtimeFrameReading['callResult']>, protocol: Protocol, e: EventOf<'ws.frame'>): void {
    const key = result.callId ? conn.callKeys.get(result.callId) : undefined;
    if (!key) {
      const known = [...conn.callKeys.keys()];
      d.addConnectionFinding(conn, {
        rule: 'call/unknown-call-id',
        severity: 'error',
        message: result.callId
          ? `A ${protocol} result names call id ${quote(result.callId)}, which no call on this connection has${known.length ? ` (known: ${known.slice(-5).join(', ')})` : ''}: the bot attaches it to nothing and stays silent.`
          : `A ${protocol} result has no call id: the bot cannot tell which call it answers.`,
        ref: { seq: e.seq },
      });
      return;
    }
    const call = d.call(key)!;
    if (call.resultRaw !== null) {
      // A completion notice from the other side (RTVI's llm-function-call-stopped after the client's
      // llm-function-call-result) confirms the answer; only a second answer from the same side is a duplicate.
      if (conn.answeredFrom.get(key) !== e.direction) {
        d.editCall(key, (c) => addRef(c, e.seq));
        return;
      }
      d.addConnectionFinding(conn, {
        rule: 'call/duplicate-result',
        severity: 'warning',
        message: `Call ${call.callId} (${call.name || 'unnamed'}) was already answered; this second result is ignored or makes the bot answer twice.`,
        ref: { seq: e.seq },
        callKey: key,
      });
      d.editCall(key, (c) => c.refs.push(e.seq));
      return;
    }
    if (result.functionName && call.name && result.functionName !== call.name) {
      d.addConnectionFinding(conn, {
        rule: 'call/result-name-mismatch',
        severity: 'error',
        message: `The result for call ${call.callId} names function ${quote(result.functionName)}, but the call was ${quote(call.name)}.`,
        ref: { seq: e.seq },
        callKey: key,
      });
    }
    const latency = e.t - call.startT;
    conn.answeredFrom.set(key, e.direction);
    d.removePending(key);
    d.editCall(key, (c) => {
      c.result = result.value;
      c.resultRaw = result.raw;
      c.endT = e.t;
      c.endSeq = e.seq;
      c.latencyMs = latency;
      c.status = result.isError ? 'error' : answersAsMock(c.mockedBy) ? 'mocked' : 'ok';
      c.refs.push(e.seq);
    });
    this.checkLatency(d, key, latency, e.seq, (f) => d.addConnectionFinding(conn, f));
  }

  private closeConnection(d: AnalysisDraft, id: string, seq: number, t: number, why: string): void {
    const conn = d.existingConnection(id);
    if (!conn || conn.closed) return;
    conn.closed = true;
    for (const key of conn.callKeys.values()) {
      d.removePending(key);
      const call = d.call(key);
      if (!call || call.status !== 'pending') continue;
      d.editCall(key, (c) => {
        c.status = 'unanswered';
        c.endT = t;
        c.endSeq = seq;
      });
      d.addConnectionFinding(conn, {
        rule: 'call/unanswered',
        severity: 'error',
        message: `${call.name || 'A call'} (${call.callId}) was never answered: ${why} ${Math.round(t - call.startT)} ms after the call. A bot waiting for a function result stays silent.`,
        ref: { seq },
        callKey: key,
      });
    }
  }

  /**
   * Realtime calls still pending long after they started are unanswered even if the socket stays open. The
   * clock is the log's own (the time of the next event), so a session file gives the same answer as live.
   */
  private expirePendingCalls(d: AnalysisDraft, now: number): void {
    for (const [key, { connectionId, startT }] of d.pendingEntries()) {
      if (now - startT <= this.unansweredAfter) continue;
      const call = d.call(key);
      const conn = d.existingConnection(connectionId);
      d.removePending(key);
      if (!call || !conn || call.status !== 'pending') continue;
      d.editCall(key, (c) => (c.status = 'unanswered'));
      d.addConnectionFinding(conn, {
        rule: 'call/unanswered',
        severity: 'error',
        message: `${call.name || 'A call'} (${call.callId}) had no result ${this.unansweredAfter / 1000} s after the call. A bot waiting for a function result stays silent.`,
        ref: { seq: call.startSeq },
        callKey: key,
      });
    }
  }

  private checkArguments(d: AnalysisDraft, conn: ConnectionAnalysis, key: string, seq: number): void {
    const call = d.call(key);
    if (!call || call.args === undefined) return;
    const tool = d.tool(call.name);
    if (!tool) return;
    d.editCall(key, (c) => (c.tool = tool));
    for (const draft of lintArguments(tool, call.args, call.argsRaw)) {
      d.addConnectionFinding(conn, { ...toFinding({ ...draft, seq: draft.seq || seq }), callKey: key });
    }
  }

  private checkLatency(d: AnalysisDraft, key: string, latency: number, seq: number, add: (f: Finding) => void): void {
    if (latency <= this.budget) return;
    const call = d.call(key);
    add({
      rule: 'call/slow-result',
      severity: 'warning',
      message: `${call?.name || 'The call'} took ${Math.round(latency)} ms to answer, over the ${this.budget} ms budget: in a voice turn the caller hears silence.`,
      ref: { seq },
      callKey: key,
    });
  }

  // ---- webhooks ----

  private analyseExchange(d: AnalysisDraft, ex: ExchangeView): void {
    const input = exchangeInput(ex);
    const reading: WebhookAnalysis | null = input.requestBodySeq === null && !input.ended ? null : readWebhookExchange(input, this.webhook);
    const findings: Finding[] = [];
    const callKeys: string[] = [];
    const add = (f: Finding) => findings.push(f);
    // A delay rule only slows the backend's own answer down: the call is still the backend's.
    const mock = ex.mock && ex.mock.handler !== 'delay' ? ex.mock : null;

    if (reading) {
      for (const tool of reading.toolDefinitions ?? []) d.setTool(tool);
      if (reading.toolDefinitions?.length) for (const f of lintToolDefinitions(reading.toolDefinitions)) add(toFinding(f));
      reading.calls.forEach((c, index) => {
        const key = `${ex.id}/${c.callId ?? `#${index + 1}`}`;
        callKeys.push(key);
        const refs = [input.requestSeq];
        if (input.requestBodySeq !== null) refs.push(input.requestBodySeq);
        let status: CallStatus = 'pending';
        let endT: number | null = null;
        let endSeq: number | null = null;
        if (mock) refs.push(mock.seq);
        if (c.result) {
          status = c.result.isError ? 'error' : mock && answersAsMock(mock) ? 'mocked' : 'ok';
          endT = c.result.t;
          endSeq = c.result.seq;
          if (!refs.includes(c.result.seq)) refs.push(c.result.seq);
        } else if (input.ended || input.response?.bodySeq != null || input.sseEnd) {
          status = input.response && input.response.status >= 400 ? 'error' : c.expectsResult === false ? 'ok' : 'unanswered';
          endT = input.ended?.t ?? input.response?.bodyT ?? input.response?.t ?? null;
          endSeq = input.ended?.seq ?? input.response?.bodySeq ?? input.sseEnd?.seq ?? null;
        }
        const tool = d.tool(c.name) ?? null;
        const call: FunctionCall = {
          key,
          protocol: reading.protocol,
          name: c.name,
          callId: c.callId,
          args: c.args,
          argsRaw: c.argsRaw,
          source: { kind: 'exchange', id: ex.id },
          routeId: ex.routeId,
          startT: input.requestT,
          startSeq: input.requestSeq,
          endT,
          endSeq,
          result: c.result?.value,
          resultRaw: c.result?.raw ?? null,
          latencyMs: endT !== null && c.result ? endT - input.requestT : null,
          status,
          refs,
          tool,
        };
        if (mock) call.mockedBy = mockedBy(mock);
        if (ex.request.replayOf !== undefined) {
          call.replayOf = ex.request.replayOf;
          if (ex.request.edited) call.edited = true;
        }
        d.putCall(call);
        if (c.argsError) {
          add({
            rule: 'call/arguments-not-json',
            severity: 'error',
            message: `The arguments of ${c.name} are not valid JSON (${c.argsError}); the tool cannot read them.`,
            ref: { seq: input.requestBodySeq ?? input.requestSeq },
            callKey: key,
          });
        } else if (tool && c.args !== undefined) {
          for (const f of lintArguments(tool, c.args, c.argsRaw)) add({ ...toFinding({ ...f, seq: f.seq || (input.requestBodySeq ?? input.requestSeq) }), callKey: key });
        }
        // Time the user held the exchange at a breakpoint is theirs, not the backend's: the budget is about the backend.
        if (call.latencyMs !== null) this.checkLatency(d, key, call.latencyMs - heldMs(ex), endSeq ?? input.requestSeq, add);
        // When the reader already said why this call got no result (a rejected function_result, a missing Vapi
        // entry), that error is the finding; a second, vaguer one would only add noise.
        const explained = reading.findings.some((f) => f.severity === 'error' && f.callId !== undefined && f.callId === c.callId);
        if (status === 'unanswered' && !explained) {
          add({
            rule: 'call/unanswered',
            severity: 'error',
            message: `${c.name} got no result: ${input.ended ? input.ended.reason : 'the response ended without one'}.`,
            ref: { seq: endSeq ?? input.requestSeq },
            callKey: key,
          });
        }
      });
      for (const f of reading.findings) {
        const index = f.callId === undefined ? -1 : reading.calls.findIndex((c) => c.callId === f.callId);
        const key = index >= 0 ? callKeys[index] : reading.calls.length === 1 && f.callId !== undefined ? callKeys[0] : undefined;
        add(toFinding(f, key));
      }
    }

    if (input.sse.length > 0 || input.sseEnd) {
      const contentType = input.response ? headerValue(input.response.headers, 'content-type') : undefined;
      for (const f of lintSseStream({ contentType, events: input.sse, end: input.sseEnd })) add(toFinding(f));
    }
    for (const f of httpFindings(ex, callKeys)) add(f);
    if (ex.mock) for (const f of mockFindings(ex.mock, callKeys.length === 1 ? callKeys[0] : undefined)) add(f);

    d.setExchange(ex.id, { protocol: reading?.protocol ?? null, label: reading?.label ?? null, callKeys, findings });
  }
}

/**
 * Handlers whose answer replaces the backend's: a call they answer is `mocked`, not `ok`. Not `realtime-drop`:
 * it answers nothing, so its call stays without result (`unanswered`), with `mockedBy` telling why.
 */
const ANSWERING_HANDLERS = new Set(['json', 'sse', 'realtime-reply']);

/** How long breakpoints held the exchange, over its ended holds (a call still held has no latency yet). */
function heldMs(ex: ExchangeView): number {
  let held = 0;
  for (const pause of ex.pauses) if (pause.end) held += pause.end.t - pause.start.t;
  return held;
}

function answersAsMock(mock: { handler: string } | null | undefined): boolean {
  return mock ? ANSWERING_HANDLERS.has(mock.handler) : false;
}

function mockedBy(e: EventOf<'mock.hit'>): NonNullable<FunctionCall['mockedBy']> {
  return { ruleId: e.ruleId, ruleName: e.ruleName, handler: e.handler };
}

/** A rule's template problems: the answer went out with empty values where the rule meant something. */
function mockFindings(e: EventOf<'mock.hit'>, callKey: string | undefined): Finding[] {
  const rule = JSON.stringify(e.ruleName || e.ruleId);
  return (e.warnings ?? []).map((warning) => {
    const finding: Finding = {
      rule: 'mock/template-missing-value',
      severity: 'warning',
      message: `Mock rule ${rule}: ${warning}${warning.includes('kept as written') ? '' : '; the mock answered with an empty value there, which the bot takes as the real answer'}.`,
      ref: { seq: e.seq },
    };
    if (callKey) finding.callKey = callKey;
    return finding;
  });
}

function httpFindings(ex: ExchangeView, callKeys: string[]): Finding[] {
  const callKey = callKeys.length === 1 ? callKeys[0] : undefined;
  const withCall = (f: Finding): Finding => (callKey ? { ...f, callKey } : f);
  if (ex.error) {
    return [
      withCall({
        rule: ex.error.cause === 'timeout' ? 'http/upstream-timeout' : 'http/upstream-unreachable',
        severity: 'error',
        message:
          ex.error.cause === 'timeout'
            ? `The tool backend did not answer in time: ${ex.error.message}. The bot got ${ex.error.statusSent ?? 'a broken connection'}.`
            : `The tool backend could not be reached (${ex.error.cause}): ${ex.error.message}. The bot got ${ex.error.statusSent ?? 'a broken connection'}.`,
        ref: { seq: ex.error.seq },
      }),
    ];
  }
  if (ex.aborted) {
    return [
      withCall({
        rule: 'http/aborted',
        severity: ex.aborted.by === 'client' ? 'warning' : 'error',
        message:
          ex.aborted.by === 'client'
            ? `The bot closed the connection before the answer was complete (${ex.aborted.message}).`
            : ex.aborted.by === 'upstream'
              ? `The tool backend broke the connection mid-answer (${ex.aborted.message}); the bot got a truncated response.`
              : ex.mock
                ? `Toolscope closed the connection without an answer: ${ex.aborted.message}.`
                : `Toolscope closed the route while this exchange was in progress.`,
        ref: { seq: ex.aborted.seq },
      }),
    ];
  }
  if (ex.response && !ex.response.synthetic && ex.response.status >= 400) {
    return [
      withCall({
        rule: 'http/error-status',
        severity: ex.response.status >= 500 ? 'error' : 'warning',
        message: `The tool backend answered HTTP ${ex.response.status} ${ex.response.statusMessage}; most platforms treat that as a failed tool call.`,
        ref: { seq: ex.response.seq },
      }),
    ];
  }
  return [];
}

/** Builds what the webhook readers see from the traffic view of one exchange. */
export function exchangeInput(ex: ExchangeView): WebhookExchangeInput {
  const requestText = ex.requestBody && ex.requestBody.encoding === 'utf8' ? ex.requestBody.data : null;
  const responseText = ex.responseBody && ex.responseBody.encoding === 'utf8' ? ex.responseBody.data : null;
  const requestBodySeq = ex.requestBodySeq;
  const ended = ex.error
    ? { seq: ex.error.seq, t: ex.error.t, reason: ex.error.message }
    : ex.aborted
      ? { seq: ex.aborted.seq, t: ex.aborted.t, reason: ex.aborted.message }
      : null;
  return {
    method: ex.request.method,
    url: ex.request.url,
    requestHeaders: ex.request.headers,
    requestSeq: ex.request.seq,
    requestT: ex.request.t,
    requestBody: requestText,
    requestBodySeq,
    requestJson: parseJsonOrUndefined(requestText),
    response: ex.response
      ? {
          seq: ex.response.seq,
          t: ex.response.t,
          status: ex.response.status,
          headers: ex.response.headers,
          body: responseText,
          bodySeq: ex.responseBodySeq,
          bodyT: ex.endT !== null && ex.responseBody ? ex.endT : null,
          json: parseJsonOrUndefined(responseText),
          synthetic: ex.response.synthetic === true,
        }
      : null,
    sse: ex.sse.map(sseEventInput),
    sseEnd: ex.sseEnd ? { seq: ex.sseEnd.seq, complete: ex.sseEnd.complete, leftover: ex.sseEnd.leftover, leftoverOffset: ex.sseEnd.leftoverOffset } : null,
    ended,
  };
}

function parseJsonOrUndefined(text: string | null): unknown {
  if (text === null || text.trim() === '') return undefined;
  const parsed = tryParseJson(text);
  return parsed.ok ? parsed.value : undefined;
}

function toFinding(draft: FindingDraft, callKey?: string): Finding {
  const ref: Finding['ref'] = { seq: draft.seq };
  if (draft.byteOffset !== undefined) ref.byteOffset = draft.byteOffset;
  if (draft.byteLength !== undefined) ref.byteLength = draft.byteLength;
  if (draft.path !== undefined) ref.path = draft.path;
  const finding: Finding = { rule: draft.rule, severity: draft.severity, message: draft.message, ref };
  if (callKey) finding.callKey = callKey;
  return finding;
}

function addRef(call: FunctionCall, seq: number): void {
  if (call.refs[call.refs.length - 1] !== seq) call.refs.push(seq);
}

function firstNonSpace(text: string): string {
  for (let i = 0; i < text.length && i < 64; i++) {
    const ch = text[i]!;
    if (ch !== ' ' && ch !== '\n' && ch !== '\r' && ch !== '\t') return ch;
  }
  return '';
}

function quote(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
}

/**
 * The earliest start of the calls in a finished state's pending map (which no one changes after `finish`), so
 * the next batch need not look for it again.
 */
const earliestPendingStart = new WeakMap<ReadonlyMap<string, { connectionId: string; startT: number }>, number>();

/** Copy-on-write working state for one batch (see traffic-state.ts for why). */
class AnalysisDraft {
  private calls: Map<string, FunctionCall> | null = null;
  private callOrder: string[] | null = null;
  private tools: Map<string, ToolDefinition> | null = null;
  private exchanges: Map<string, AnalysisState['exchanges'] extends ReadonlyMap<string, infer V> ? V : never> | null = null;
  private connections: Map<string, ConnectionAnalysis> | null = null;
  /** Frame types read in this batch; added to the shared index once, at the end (see frame-type-index.ts). */
  private readonly newFrameTypes = new Map<number, FrameType>();
  private pending: Map<string, { connectionId: string; startT: number }> | null = null;
  /** The earliest start among the pending calls, or null when not known (see hasExpiredPending). */
  private earliestPending: number | null = null;
  private readonly globalFindings: Finding[] = [];
  private readonly freshCalls = new Set<FunctionCall>();
  private readonly freshConnections = new Set<ConnectionAnalysis>();
  private findingsChanged = false;

  constructor(private readonly base: AnalysisState) {}

  call(key: string): FunctionCall | undefined {
    return (this.calls ?? this.base.calls).get(key);
  }
  addCall(call: FunctionCall): void {
    this.callMap().set(call.key, call);
    this.freshCalls.add(call);
    (this.callOrder ??= this.base.callOrder.slice()).push(call.key);
  }
  /** Replaces a webhook call (re-read as a whole), keeping its place in the order. */
  putCall(call: FunctionCall): void {
    const known = this.call(call.key) !== undefined;
    this.callMap().set(call.key, call);
    this.freshCalls.add(call);
    if (!known) (this.callOrder ??= this.base.callOrder.slice()).push(call.key);
  }
  editCall(key: string, edit: (call: FunctionCall) => void): void {
    const current = this.call(key);
    if (!current) return;
    if (this.freshCalls.has(current)) {
      edit(current);
      return;
    }
    const copy: FunctionCall = { ...current, refs: current.refs.slice() };
    edit(copy);
    this.freshCalls.add(copy);
    this.callMap().set(key, copy);
  }
  tool(name: string): ToolDefinition | undefined {
    return (this.tools ?? this.base.tools).get(name);
  }
  setTool(tool: ToolDefinition): void {
    (this.tools ??= new Map(this.base.tools)).set(tool.name, tool);
  }
  setExchange(id: string, value: { protocol: Protocol | null; label: string | null; callKeys: readonly string[]; findings: readonly Finding[] }): void {
    (this.exchanges ??= new Map(this.base.exchanges)).set(id, value);
    this.findingsChanged = true;
  }
  setFrameType(seq: number, value: FrameType): void {
    this.newFrameTypes.set(seq, value);
  }
  /**
   * Whether some pending call started more than `after` ms before `now`: the test the expiry makes per call,
   * made once against the earliest start (`now - startT > after` holds for some call exactly when it holds for
   * the earliest), so the events in between cost nothing.
   */
  hasExpiredPending(now: number, after: number): boolean {
    const pending = this.pending ?? this.base.pending;
    if (pending.size === 0) return false;
    if (this.earliestPending === null) {
      let earliest = this.pending ? undefined : earliestPendingStart.get(pending);
      if (earliest === undefined) {
        earliest = Infinity;
        for (const { startT } of pending.values()) if (startT < earliest) earliest = startT;
      }
      this.earliestPending = earliest;
    }
    return now - this.earliestPending > after;
  }
  /** A snapshot, so entries can be removed while iterating. */
  pendingEntries(): [string, { connectionId: string; startT: number }][] {
    return [...(this.pending ?? this.base.pending)];
  }
  addPending(key: string, connectionId: string, startT: number): void {
    (this.pending ??= new Map(this.base.pending)).set(key, { connectionId, startT });
    if (this.earliestPending !== null && startT < this.earliestPending) this.earliestPending = startT;
  }
  removePending(key: string): void {
    const entry = (this.pending ?? this.base.pending).get(key);
    if (!entry) return;
    (this.pending ??= new Map(this.base.pending)).delete(key);
    // The earliest may have gone: found again when next needed.
    if (this.earliestPending !== null && !(entry.startT > this.earliestPending)) this.earliestPending = null;
  }
  existingConnection(id: string): ConnectionAnalysis | undefined {
    const current = (this.connections ?? this.base.connections).get(id) as ConnectionAnalysis | undefined;
    if (!current) return undefined;
    return this.editableConnection(current);
  }
  connection(id: string, routeId: string | null): ConnectionAnalysis {
    const existing = this.existingConnection(id);
    if (existing) return existing;
    const created: ConnectionAnalysis = {
      id,
      routeId: routeId ?? '',
      protocol: null,
      callKeys: new Map(),
      deltas: new Map(),
      argsJudged: new Set(),
      answeredFrom: new Map(),
      unnamed: 0,
      audioFrames: 0,
      audioBytes: 0,
      findings: [],
      closed: false,
    };
    this.freshConnections.add(created);
    (this.connections ??= new Map(this.base.connections as ReadonlyMap<string, ConnectionAnalysis>)).set(id, created);
    return created;
  }
  addConnectionFinding(conn: ConnectionAnalysis, finding: Finding): void {
    conn.findings.push(finding);
    this.findingsChanged = true;
  }
  addGlobalFinding(finding: Finding): void {
    this.globalFindings.push(finding);
    this.findingsChanged = true;
  }

  finish(): AnalysisState {
    const exchanges = this.exchanges ?? this.base.exchanges;
    const connections = (this.connections ?? this.base.connections) as ReadonlyMap<string, ConnectionAnalysis>;
    let findings = this.base.findings;
    if (this.findingsChanged) {
      const all: Finding[] = [];
      for (const ex of exchanges.values()) all.push(...ex.findings);
      for (const conn of connections.values()) all.push(...conn.findings);
      all.push(...this.base.findings.filter((f) => f.rule === 'toolscope/analysis-error'), ...this.globalFindings);
      all.sort((a, b) => a.ref.seq - b.ref.seq);
      findings = all;
    }
    const calls = this.calls ?? this.base.calls;
    const callOrder = this.callOrder ?? this.base.callOrder;
    // A webhook call is recorded when its exchange is read, at the end of the batch, so in a batch that also
    // starts realtime calls (a whole session file is one batch) it lands after them. Every reader of the order
    // (timeline, report) wants start order: sort here, stably (the calls of one exchange share a start), and only
    // when needed, since live batches are nearly always in order already.
    if (this.callOrder && !inStartOrder(this.callOrder, calls)) {
      this.callOrder.sort((a, b) => (calls.get(a)?.startSeq ?? 0) - (calls.get(b)?.startSeq ?? 0));
    }
    const pending = this.pending ?? this.base.pending;
    if (this.earliestPending !== null && pending.size > 0) earliestPendingStart.set(pending, this.earliestPending);
    return {
      calls,
      callOrder,
      findings,
      tools: this.tools ?? this.base.tools,
      exchanges,
      connections,
      frameTypes: this.base.frameTypes.with(this.newFrameTypes),
      pending,
    };
  }

  private callMap(): Map<string, FunctionCall> {
    return (this.calls ??= new Map(this.base.calls));
  }
  private editableConnection(current: ConnectionAnalysis): ConnectionAnalysis {
    if (this.freshConnections.has(current)) return current;
    const copy: ConnectionAnalysis = {
      ...current,
      callKeys: new Map(current.callKeys),
      deltas: new Map(current.deltas),
      argsJudged: new Set(current.argsJudged),
      answeredFrom: new Map(current.answeredFrom),
      findings: current.findings.slice(),
    };
    this.freshConnections.add(copy);
    (this.connections ??= new Map(this.base.connections as ReadonlyMap<string, ConnectionAnalysis>)).set(copy.id, copy);
    return copy;
  }
}

function inStartOrder(order: readonly string[], calls: ReadonlyMap<string, FunctionCall>): boolean {
  let last = -Infinity;
  for (const key of order) {
    const seq = calls.get(key)?.startSeq ?? 0;
    if (seq < last) return false;
    last = seq;
  }
  return true;
}
