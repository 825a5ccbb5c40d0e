/**
 * Realtime mocks: when the server asks the client to call a function (OpenAI Realtime, NavTalk, RTVI,
 * ElevenLabs, as the analysis' readers recognise it) and a realtime rule matches, the result is sent to the
 * server on the client's behalf, after the rule's delay. The server's frame still reaches the client unchanged;
 * whether the client answers too is the user's business. A `realtime-drop` rule instead withholds the call's
 * frames from the client (see dropDecision).
 *
 * A call is announced by several messages (OpenAI: `.done`, `response.output_item.done`, `response.done`), so
 * each call id is answered at most once per connection, on the first complete announcement a rule matches.
 */
import type { HeaderList } from '../../../shared/events.js';
import type { RealtimeDialect, RealtimeFrameReading } from '../../../shared/analysis/model.js';
import { isRecord, tryParseJson } from '../../../shared/analysis/model.js';
import { readRealtimeFrame, realtimeDialects } from '../../../shared/analysis/realtime/realtime-dialects.js';
import { matchRealtimeRule, type MockCall } from '../../../shared/mocks/mock-matcher.js';
import { realtimeReply } from '../../../shared/mocks/mock-reply.js';
import type { MockRule } from '../../../shared/mocks/mock-rule.js';
import type { RouteContext } from '../route-context.js';

/**
 * Every message that announces a call names it so (OpenAI and NavTalk `function_call`, RTVI `llm-function-call…`,
 * ElevenLabs `client_tool_call`); base64 audio cannot contain `_`, so audio frames, the bulk of a session, are
 * skipped without being parsed.
 */
const CALL_HINT = /function_call|llm-function-call|client_tool_call/;

export interface AutoReplyConnection {
  url: string;
  headers: HeaderList;
  /** Sends a text frame to the upstream as if the client had, recording it; false when the socket is gone. */
  sendAsClient(text: string): boolean;
}

/** A frame to withhold from the client; `rule` is set on the frame where the drop rule took the call (its hit). */
export interface DropDecision {
  callId: string;
  rule: MockRule | null;
}

interface ConnectionState extends AutoReplyConnection {
  /** Call ids a rule already took. */
  handled: Set<string>;
  /** Names seen per call id: OpenAI's beta `.done` has no name, the output item that announced the call has. */
  names: Map<string, string>;
  /** Call ids a `realtime-drop` rule took: later frames naming them are withheld from the client too. */
  dropped: Set<string>;
  timers: Set<NodeJS.Timeout>;
}

export class RealtimeAutoReply {
  private readonly connections = new Map<string, ConnectionState>();
  private dialects: RealtimeDialect[] | null = null;

  constructor(private readonly route: RouteContext) {}

  open(connectionId: string, connection: AutoReplyConnection): void {
    this.connections.set(connectionId, { ...connection, handled: new Set(), names: new Map(), dropped: new Set(), timers: new Set() });
  }

  close(connectionId: string): void {
    const connection = this.connections.get(connectionId);
    if (!connection) return;
    for (const timer of connection.timers) clearTimeout(timer);
    this.connections.delete(connectionId);
  }

  closeAll(): void {
    for (const id of [...this.connections.keys()]) this.close(id);
  }

  /**
   * Before a text frame from the upstream is sent to the client (only while a `realtime-drop` rule is enabled):
   * whether to withhold it. A frame is withheld when a drop rule matches the call it completes, or when it names
   * a call already dropped (OpenAI's `response.output_item.done` after the `.done`). Frames of the call sent
   * before it was complete (OpenAI `response.output_item.added`, argument deltas) have already gone: the client
   * sees the call start but never its end, so it does not run it. Never throws; null means send as usual.
   */
  dropDecision(connectionId: string, text: string): DropDecision | null {
    const rules = this.route.mocks.realtimeRules();
    const connection = this.connections.get(connectionId);
    if (rules.length === 0 || !connection || !CALL_HINT.test(text)) return null;
    try {
      const reading = this.readCallFrame(text);
      const callId = reading?.callStart?.callId;
      if (!reading || callId === null || callId === undefined) return null;
      // `response.done` ends the whole response and may carry other items, so it still goes to the client
      // (its output lists the dropped call too: a client that runs calls from `response.done` will still see it).
      if (reading.messageType === 'response.done') return null;
      if (connection.dropped.has(callId)) return { callId, rule: null };
      const matched = this.matchCall(connection, rules, reading);
      if (!matched || matched.rule.handler.kind !== 'realtime-drop') return null;
      connection.handled.add(callId);
      connection.dropped.add(callId);
      return { callId, rule: matched.rule };
    } catch (error) {
      this.route.log.append({ kind: 'core.error', context: `mock rules ${connectionId}`, message: (error as Error).message });
      return null;
    }
  }

  /** Records the `mock.hit` of a drop, after the relay logged the withheld frame (the analysis needs the call first). */
  recordDrop(connectionId: string, decision: DropDecision): void {
    if (decision.rule) this.hit(decision.rule, connectionId, decision.callId, []);
  }

  /** A text frame the upstream sent to the client (already relayed). Never throws. */
  onServerFrame(connectionId: string, text: string): void {
    const rules = this.route.mocks.realtimeRules();
    if (rules.length === 0) return;
    const connection = this.connections.get(connectionId);
    if (!connection || !CALL_HINT.test(text)) return;
    try {
      this.read(connectionId, connection, rules, text);
    } catch (error) {
      this.route.log.append({ kind: 'core.error', context: `mock rules ${connectionId}`, message: (error as Error).message });
    }
  }

  private readCallFrame(text: string): RealtimeFrameReading | null {
    const parsed = tryParseJson(text);
    if (!parsed.ok || !isRecord(parsed.value)) return null;
    this.dialects ??= realtimeDialects();
    // The readers' seq and time only place their findings, which are not wanted here.
    return readRealtimeFrame({ seq: 0, t: 0, direction: 'upstream-to-client', json: parsed.value, text }, this.dialects);
  }

  /** The first rule matching the complete call this frame announces, unless a rule already took that call. */
  private matchCall(connection: ConnectionState, rules: readonly MockRule[], reading: RealtimeFrameReading): { callId: string; call: MockCall; rule: MockRule } | null {
    const start = reading.callStart;
    if (!start || start.callId === null) return null;
    const callId = start.callId;
    if (start.name) connection.names.set(callId, start.name);
    if (connection.handled.has(callId)) return null;
    // Only a complete call can be answered: its arguments are final. RTVI at report level NAME sends none,
    // and its client runs the function with `{}`, so a named RTVI call counts as complete.
    const complete = start.argsRaw !== undefined || (reading.protocol === 'rtvi' && start.name !== null);
    if (!complete) return null;
    const call: MockCall = {
      callId,
      functionName: start.name ?? connection.names.get(callId) ?? '',
      args: start.argsRaw !== undefined ? start.args : {},
    };
    const rule = matchRealtimeRule(rules, {
      routeId: this.route.routeId,
      method: 'GET',
      url: connection.url,
      headers: connection.headers,
      dialect: reading.protocol,
      frameType: reading.messageType,
      call,
    });
    return rule ? { callId, call, rule } : null;
  }

  private read(connectionId: string, connection: ConnectionState, rules: readonly MockRule[], text: string): void {
    const reading = this.readCallFrame(text);
    if (!reading) return;
    const matched = this.matchCall(connection, rules, reading);
    if (!matched) return;
    const { callId, call, rule } = matched;
    connection.handled.add(callId);
    const handler = rule.handler;
    if (handler.kind === 'realtime-ignore') {
      this.hit(rule, connectionId, callId, []);
      return;
    }
    // A drop rule acts only in dropDecision, before relaying; a call first complete on a frame it lets through
    // (`response.done`) has already reached the client, so there is nothing left to drop.
    if (handler.kind !== 'realtime-reply') return;
    const reply = realtimeReply(reading.protocol, call, handler.output, handler.responseCreate);
    const send = () => {
      // The socket may have closed during the delay: then there is nobody to answer, and nothing to record.
      if (this.connections.get(connectionId) !== connection) return;
      this.hit(rule, connectionId, callId, reply.warnings);
      for (const message of reply.messages) if (!connection.sendAsClient(JSON.stringify(message))) return;
    };
    if (handler.delayMs <= 0) {
      send();
      return;
    }
    const timer = setTimeout(() => {
      connection.timers.delete(timer);
      try {
        send();
      } catch (error) {
        this.route.log.append({ kind: 'core.error', context: `mock rules ${connectionId}`, message: (error as Error).message });
      }
    }, handler.delayMs);
    connection.timers.add(timer);
  }

  private hit(rule: MockRule, connectionId: string, callId: string, warnings: readonly string[]): void {
    this.route.log.append({
      kind: 'mock.hit',
      ruleId: rule.id,
      ruleName: rule.name,
      handler: rule.handler.kind,
      connectionId,
      callId,
      ...(warnings.length > 0 ? { warnings: [...warnings] } : {}),
    });
    this.route.mocks.recordHit(rule.id);
  }
}
