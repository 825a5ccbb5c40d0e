/**
 * "Mock this": a captured function call turned into a mock rule that answers the same call the same way, so a
 * developer can keep working when the backend is down, or freeze an answer while changing the bot.
 *
 * The rule matches the function's name (and the route, when the call came through one of this run's routes). A
 * webhook answer becomes a `json` reply with the captured status and body; a streamed answer becomes an `sse`
 * script of the captured blocks, byte for byte (`raw`), with their captured timing; a realtime call becomes a
 * `realtime-reply` with the output the client sent (null when it sent none).
 */
import type { EventOf } from '../events.js';
import type { FunctionCall } from '../analysis/model.js';
import { tryParseJson } from '../analysis/model.js';
import type { ExchangeView, TrafficState } from '../store/traffic-state.js';
import type { MockMatcher, MockRule, SseScriptEvent } from './mock-rule.js';

/** The longest wait a script event may have (the rule schema's limit). */
const MAX_DELAY_MS = 600_000;

export function ruleFromCall(call: FunctionCall, traffic: TrafficState, existingIds: Iterable<string> = []): MockRule | { error: string } {
  const base = {
    id: uniqueRuleId(call.name, existingIds),
    name: `${call.name || 'call'}: captured answer`,
    enabled: true,
    match: matcherFor(call, traffic),
  };
  if (call.source.kind === 'connection') {
    const output = call.resultRaw === null ? null : call.result === undefined ? call.resultRaw : call.result;
    return {
      ...base,
      handler: {
        kind: 'realtime-reply',
        delayMs: 0,
        output,
        // Only these dialects start the next response with a message of their own.
        responseCreate: call.protocol === 'openai-realtime' || call.protocol === 'navtalk',
      },
    };
  }
  const exchange = traffic.exchanges.get(call.source.id);
  if (!exchange) return { error: `the exchange of this call (${call.source.id}) is not in the traffic` };
  const response = exchange.response;
  // No answer from the backend (still waiting, unreachable, or Toolscope's own 502/504): a rule to fill in.
  if (!response || response.synthetic) return { ...base, handler: { kind: 'json', status: 200, body: null } };
  if (exchange.sse.length > 0 || exchange.sseEnd) return { ...base, handler: { kind: 'sse', status: response.status, events: sseScript(exchange) } };

  const body = exchange.responseBody;
  if (body && body.truncated) return { error: `the captured answer was cut at ${body.cap} bytes, so it cannot be copied whole` };
  if (body && body.encoding !== 'utf8') return { error: 'the captured answer is binary, not JSON' };
  const text = body?.data ?? '';
  const parsed = text.trim() === '' ? null : tryParseJson(text);
  if (parsed && !parsed.ok) {
    // An error status with a text body is still worth reproducing; a 200 that is not JSON is not a JSON reply.
    if (response.status >= 400) return { ...base, handler: { kind: 'fail', status: response.status, body: text } };
    return { error: `the captured answer is not JSON (${parsed.error}), so a JSON reply cannot reproduce it` };
  }
  const json = parsed ? parsed.value : null;
  // Vapi's {results: [{toolCallId, result}]} envelope is written by the mock for each call: the rule keeps the result.
  const vapiResult = call.protocol === 'vapi' && call.callId !== null;
  return { ...base, handler: { kind: 'json', status: response.status, body: vapiResult ? (call.result ?? null) : json } };
}

function matcherFor(call: FunctionCall, traffic: TrafficState): MockMatcher {
  const match: MockMatcher = {};
  if (call.name) match.functionName = call.name;
  // Imported traffic names a route no proxy listens on; a rule tied to it would never match.
  if (call.routeId !== null && traffic.routes.has(call.routeId)) match.routeId = call.routeId;
  return match;
}

/**
 * Each captured block as sent, waiting as long after the one before as it did then (the first one after the
 * request), and the text after the last blank line, which a client drops, as a last raw event.
 */
function sseScript(exchange: ExchangeView): SseScriptEvent[] {
  const events: SseScriptEvent[] = [];
  let previousT = exchange.startT;
  const blocks = [...exchange.sse].sort((a, b) => a.index - b.index);
  for (const block of blocks) {
    events.push({ delayMs: delayBetween(previousT, block.t), raw: block.raw });
    previousT = block.t;
  }
  const end: EventOf<'sse.end'> | null = exchange.sseEnd;
  if (end?.leftover) events.push({ delayMs: delayBetween(previousT, end.t), raw: end.leftover });
  return events;
}

function delayBetween(from: number, to: number): number {
  return Math.min(MAX_DELAY_MS, Math.max(0, Math.round(to - from)));
}

/** `mock-<function>-<n>` with the smallest n not taken. */
export function uniqueRuleId(functionName: string, existingIds: Iterable<string>): string {
  const taken = new Set(existingIds);
  // Ids are typed into the config file and shown in the UI: keep them to one plain word.
  const stem = `mock-${functionName.trim().replace(/[^A-Za-z0-9_.-]+/g, '_') || 'call'}`;
  for (let n = 1; ; n++) {
    const id = `${stem}-${n}`;
    if (!taken.has(id)) return id;
  }
}
