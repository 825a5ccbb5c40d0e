/**
 * Realtime mocks: when the server asks the client to call a function (OpenAI Realtime, NavTalk, RTVI,
 * ElevenLabs, as the analysis' readers recognise it) and a realtime rule matches, the result is sent to the
 * server on the client's behalf, after the rule's delay. The server's frame still reaches the client unchanged;
 * whether the client answers too is the user's business.
 *
 * A call is announced by several messages (OpenAI: `.done`, `response.output_item.done`, `response.done`), so
 * each call id is answered at most once per connection, on the first complete announcement a rule matches.
 */
import type { HeaderList } from '../../../shared/events.js';
import type { RealtimeDialect } from '../../../shared/analysis/model.js';
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

interface ConnectionState extends AutoReplyConnection {
  /** Call ids a rule already took. */
  handled: Set<string>;
  /** Names seen per call id: OpenAI's beta `.done` has no name, the output item that announced the call has. */
  names: Map<string, string>;
  timers: Set<NodeJS.Timeout>;
}

export class RealtimeAutoReply {
  private readonly connections = new Map<string, ConnectionState>();
  private dialects: RealtimeDialect[] | null = null;

  constructor(private readonly route: RouteContext) {}

  open(connectionId: string, connection: AutoReplyConnection): void {
    this.connections.set(connectionId, { ...connection, handled: new Set(), names: new Map(), timers: new Set() });
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

  private read(connectionId: string, connection: ConnectionState, rules: readonly MockRule[], text: string): void {
    const parsed = tryParseJson(text);
    if (!parsed.ok || !isRecord(parsed.value)) return;
    this.dialects ??= realtimeDialects();
    // The readers' seq and time only place their findings, which are not wanted here.
    const reading = readRealtimeFrame({ seq: 0, t: 0, direction: 'upstream-to-client', json: parsed.value, text }, this.dialects);
    const start = reading?.callStart;
    if (!reading || !start || start.callId === null) return;
    const callId = start.callId;
    if (start.name) connection.names.set(callId, start.name);
    if (connection.handled.has(callId)) return;
    // Only a complete call can be answered: its arguments are final. RTVI at report level NAME sends none,
    // and its client runs the function with `{}`, so a named RTVI call counts as complete.
    const complete = start.argsRaw !== undefined || (reading.protocol === 'rtvi' && start.name !== null);
    if (!complete) return;
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
    if (!rule) return;
    connection.handled.add(callId);
    const handler = rule.handler;
    if (handler.kind === 'realtime-ignore') {
      this.hit(rule, connectionId, callId, []);
      return;
    }
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
