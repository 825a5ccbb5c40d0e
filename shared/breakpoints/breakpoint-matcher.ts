/**
 * Which breakpoint rule holds a webhook request, its response, or a WebSocket frame. Pure: the proxy gathers
 * the facts, this decides. The matcher fields mean what they mean for mock rules (shared/mocks/mock-matcher.ts):
 * the function name is read by the same dialect readers the analysis uses, whatever the dialect.
 *
 * - Webhook stages (`request`, `response`): a rule with `frameType` names a WebSocket message and never holds
 *   HTTP. The response stage matches on the request that asked for it (its route, path, call), since that is
 *   what the user knows when writing the rule.
 * - Frame stage: `frameType` is the frame's JSON `type` (any frame, not only call frames); `functionName` and
 *   `args` match a frame that carries a call of that function, either way: the server's call frame or the
 *   client's result (whose name is remembered from the call frames before it on the same connection). A
 *   binary frame, or one that is not JSON, matches only a rule without `frameType`, `functionName` and `args`.
 */
import type { WsDirection } from '../events.js';
import type { RealtimeDialect, RealtimeFrameReading } from '../analysis/model.js';
import { isRecord, tryParseJson } from '../analysis/model.js';
import { readRealtimeFrame } from '../analysis/realtime/realtime-dialects.js';
import { callMatches, requestMatches, type MockCall, type RequestFacts, type WebhookFacts } from '../mocks/mock-matcher.js';
import type { BreakpointRule } from './breakpoint-rule.js';

export type WebhookStage = 'request' | 'response';

export interface BreakpointMatch {
  rule: BreakpointRule;
  /** The call that made the rule match, or the item's first call when the rule names none; null when none. */
  call: MockCall | null;
}

/** Whether a rule may hold something of this webhook stage on this route (before the body is read). */
export function mayHoldWebhook(rule: BreakpointRule, stage: WebhookStage, routeId: string): boolean {
  return (
    rule.enabled &&
    rule.stage === stage &&
    rule.match.frameType === undefined &&
    (rule.match.routeId === undefined || rule.match.routeId === routeId)
  );
}

/** The first rule of `stage` that holds the request (or, at the response stage, the answer to it). */
export function matchWebhookBreakpoint(rules: readonly BreakpointRule[], stage: WebhookStage, facts: WebhookFacts): BreakpointMatch | null {
  for (const rule of rules) {
    if (!mayHoldWebhook(rule, stage, facts.routeId)) continue;
    const m = rule.match;
    if (!requestMatches(m, facts)) continue;
    if (m.functionName === undefined && m.args === undefined) return { rule, call: facts.calls[0] ?? null };
    // Vapi may send several calls in one message: the rule holds the message when any call matches.
    const call = facts.calls.find((c) => callMatches(m, c));
    if (call) return { rule, call };
  }
  return null;
}

/** What a frame rule looks at. */
export interface FrameFacts extends RequestFacts {
  direction: WsDirection;
  binary: boolean;
  /** The JSON `type` of a text frame that is a JSON object with a string `type`; null otherwise (or not read). */
  frameType: string | null;
  /** Whether the text parsed as JSON (an edit of such a frame must parse too). */
  json: boolean;
  /** The call the frame carries (its start or its result); null when none or not read. */
  call: MockCall | null;
}

/** What of a frame the enabled rules need read: parsing every audio frame is only paid for when a rule asks. */
export interface FrameNeeds {
  frameType: boolean;
  call: boolean;
}

/** Enabled frame rules, and what they need read from each frame. */
export function frameNeeds(rules: readonly BreakpointRule[]): FrameNeeds {
  let frameType = false;
  let call = false;
  for (const rule of rules) {
    if (!rule.enabled || rule.stage !== 'frame') continue;
    if (rule.match.frameType !== undefined) frameType = true;
    if (rule.match.functionName !== undefined || rule.match.args !== undefined) call = true;
  }
  return { frameType, call };
}

/**
 * Every message that carries a call or its result names it so (OpenAI and NavTalk `function_call…`, RTVI
 * `llm-function-call…`, ElevenLabs `client_tool_call`/`client_tool_result`); base64 audio cannot contain `_`
 * or `-`-joined words like these, so audio frames are not handed to the readers.
 */
const CALL_HINT = /function_call|function-call|client_tool|tool_call/;

/** Calls seen on one connection (name and arguments by call id), so a result frame can be matched by its call's name. */
export class FrameCallMemory {
  private readonly calls = new Map<string, { name: string | null; args: unknown }>();

  constructor(private readonly limit = 1000) {}

  get(callId: string): { name: string | null; args: unknown } | undefined {
    return this.calls.get(callId);
  }

  remember(callId: string, name: string | null, args: unknown): void {
    const known = this.calls.get(callId);
    const next = { name: name ?? known?.name ?? null, args: args !== undefined ? args : known?.args };
    this.calls.delete(callId);
    this.calls.set(callId, next);
    // Oldest first out: a long session keeps only the recent calls, which are the ones results answer.
    if (this.calls.size > this.limit) this.calls.delete(this.calls.keys().next().value as string);
  }
}

/**
 * Reads what the rules need from one frame. `text` is the frame's text (null for a binary frame). Never throws:
 * a dialect reader that fails leaves the frame without a call.
 */
export function readFrameFacts(
  request: RequestFacts,
  direction: WsDirection,
  text: string | null,
  needs: FrameNeeds,
  dialects: () => readonly RealtimeDialect[],
  memory: FrameCallMemory,
): FrameFacts {
  const facts: FrameFacts = { ...request, direction, binary: text === null, frameType: null, json: false, call: null };
  if (text === null || (!needs.frameType && !needs.call)) return facts;
  const hinted = needs.call && CALL_HINT.test(text);
  if (!needs.frameType && !hinted) return facts;
  const parsed = tryParseJson(text);
  if (!parsed.ok) return facts;
  facts.json = true;
  if (!isRecord(parsed.value)) return facts;
  const type = parsed.value.type;
  if (typeof type === 'string') facts.frameType = type;
  if (!hinted) return facts;
  let reading: RealtimeFrameReading | null = null;
  try {
    reading = readRealtimeFrame({ seq: 0, t: 0, direction, json: parsed.value, text }, dialects());
  } catch {
    reading = null;
  }
  facts.call = reading ? callOf(reading, memory) : null;
  return facts;
}

function callOf(reading: RealtimeFrameReading, memory: FrameCallMemory): MockCall | null {
  const start = reading.callStart;
  if (start) {
    const args = start.argsRaw !== undefined ? start.args : undefined;
    if (start.callId !== null) memory.remember(start.callId, start.name, args);
    const known = start.callId !== null ? memory.get(start.callId) : undefined;
    const name = start.name ?? known?.name ?? null;
    if (name === null) return null;
    return { callId: start.callId, functionName: name, args: args !== undefined ? args : known?.args };
  }
  const result = reading.callResult;
  if (result) {
    const known = result.callId !== null ? memory.get(result.callId) : undefined;
    const name = result.functionName ?? known?.name ?? null;
    if (name === null) return null;
    return { callId: result.callId, functionName: name, args: known?.args };
  }
  return null;
}

/** The first frame rule that holds this frame. */
export function matchFrameBreakpoint(rules: readonly BreakpointRule[], facts: FrameFacts): BreakpointMatch | null {
  for (const rule of rules) {
    if (!rule.enabled || rule.stage !== 'frame') continue;
    if (rule.direction !== undefined && rule.direction !== facts.direction) continue;
    const m = rule.match;
    if (!requestMatches(m, facts)) continue;
    if (m.frameType !== undefined && m.frameType !== facts.frameType) continue;
    if (m.functionName === undefined && m.args === undefined) return { rule, call: facts.call };
    if (facts.call && callMatches(m, facts.call)) return { rule, call: facts.call };
  }
  return null;
}
