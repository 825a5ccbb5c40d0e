/**
 * What breakpoints hold, as the UI lists it: the items held now (from the traffic's open pauses, completed by
 * the core's own list for holds whose events this page has not folded), which call a hold belongs to, and how
 * a past hold ended, in words. Pure functions of the traffic state, so the live view and a session file agree.
 */
import type { PausedItem } from '../bridge.js';
import type { EventOf, PauseStage, WsDirection } from '../events.js';
import type { FunctionCall } from '../analysis/model.js';
import type { ConnectionView, PauseView, TrafficState } from '../store/traffic-state.js';

export interface HeldItem {
  pauseId: string;
  stage: PauseStage;
  ruleId: string;
  /** The rule's name as the pause recorded it; empty when only the core's list named the item. */
  ruleName: string;
  exchangeId?: string;
  connectionId?: string;
  direction?: WsDirection;
  functionName: string | null;
  callId: string | null;
  /** Epoch milliseconds when the item goes on as it is unless someone acts first. */
  releaseAt: number;
  /** The `pause.start` event when this page has it (its held response or frame is in it); null otherwise. */
  start: EventOf<'pause.start'> | null;
}

/** Items held now: open pauses of the traffic, then those only the core knows of, in the order they were held. */
export function heldItems(traffic: TrafficState, core: readonly PausedItem[] = []): HeldItem[] {
  const items: HeldItem[] = [];
  const seen = new Set<string>();
  const ended = new Set<string>();
  const collect = (pauses: readonly PauseView[]) => {
    for (const pause of pauses) {
      if (pause.end !== null) {
        ended.add(pause.start.pauseId);
        continue;
      }
      seen.add(pause.start.pauseId);
      items.push(fromStart(pause.start));
    }
  };
  for (const exchange of traffic.exchanges.values()) if (exchange.pauses.length > 0) collect(exchange.pauses);
  for (const connection of traffic.connections.values()) if (connection.pauses.length > 0) collect(connection.pauses);
  for (const paused of core) {
    // An item whose end this page has seen is gone, even when the core's list was read before it ended.
    if (seen.has(paused.pauseId) || ended.has(paused.pauseId)) continue;
    items.push({
      pauseId: paused.pauseId,
      stage: paused.stage,
      ruleId: paused.ruleId,
      ruleName: '',
      ...(paused.exchangeId !== undefined ? { exchangeId: paused.exchangeId } : {}),
      ...(paused.connectionId !== undefined ? { connectionId: paused.connectionId } : {}),
      ...(paused.direction !== undefined ? { direction: paused.direction } : {}),
      functionName: paused.functionName,
      callId: null,
      releaseAt: paused.releaseAt,
      start: null,
    });
  }
  return items.sort((a, b) => (a.start?.seq ?? Infinity) - (b.start?.seq ?? Infinity) || a.releaseAt - b.releaseAt);
}

function fromStart(start: EventOf<'pause.start'>): HeldItem {
  return {
    pauseId: start.pauseId,
    stage: start.stage,
    ruleId: start.ruleId,
    ruleName: start.ruleName,
    ...(start.exchangeId !== undefined ? { exchangeId: start.exchangeId } : {}),
    ...(start.connectionId !== undefined ? { connectionId: start.connectionId } : {}),
    ...(start.direction !== undefined ? { direction: start.direction } : {}),
    functionName: start.functionName ?? null,
    callId: start.callId ?? null,
    releaseAt: start.t + start.timeoutMs,
    start,
  };
}

/** The `type` of a JSON text frame (`response.function_call_arguments.done`), else null. */
export function frameMessageType(data: string): string | null {
  if (!/^\s*\{/.test(data)) return null;
  try {
    const value = JSON.parse(data) as unknown;
    if (typeof value === 'object' && value !== null && 'type' in value && typeof (value as { type: unknown }).type === 'string') return (value as { type: string }).type;
  } catch {
    // Not JSON: no type.
  }
  return null;
}

/** A held item in a few words: "get_weather request", "frame to client response.function_call_arguments.done". */
export function describeHeld(item: Pick<HeldItem, 'stage' | 'functionName' | 'direction' | 'start'>): string {
  const fn = item.functionName ?? null;
  if (item.stage === 'frame') {
    const type = item.start?.frame?.encoding === 'utf8' ? frameMessageType(item.start.frame.data) : null;
    const way = item.direction === 'client-to-upstream' ? 'to server' : item.direction === 'upstream-to-client' ? 'to client' : '';
    return [fn ? `${fn} frame` : 'frame', way, type].filter(Boolean).join(' ');
  }
  return `${fn ?? 'webhook'} ${item.stage}`;
}

/** Whole seconds left before an item goes on by itself (never below 0). */
export function secondsLeft(releaseAt: number, now: number): number {
  return Math.max(0, Math.ceil((releaseAt - now) / 1000));
}

/**
 * The holds that belong to a call: every hold of its webhook exchange; on a connection, the holds that name
 * its call id (or, for a protocol without ids, its function).
 */
export function pausesOfCall(call: Pick<FunctionCall, 'source' | 'callId' | 'name'>, traffic: TrafficState): PauseView[] {
  const owner = call.source.kind === 'exchange' ? traffic.exchanges.get(call.source.id) : traffic.connections.get(call.source.id);
  return owner ? callPauses(call, owner.pauses) : [];
}

/** The holds of a call among its exchange's or connection's holds (`ownerPauses`). */
export function callPauses(call: Pick<FunctionCall, 'source' | 'callId' | 'name'>, ownerPauses: readonly PauseView[]): PauseView[] {
  if (ownerPauses.length === 0) return [];
  if (call.source.kind === 'exchange') return [...ownerPauses];
  return ownerPauses.filter((p) =>
    call.callId !== null ? p.start.callId === call.callId : !p.start.callId && p.start.functionName === call.name && call.name !== '',
  );
}

/** True while a breakpoint holds something of this call. */
export function isCallHeld(call: Pick<FunctionCall, 'source' | 'callId' | 'name'>, traffic: TrafficState): boolean {
  return pausesOfCall(call, traffic).some((p) => p.end === null);
}

/** The frame with exactly this sequence number, or undefined. */
export function frameBySeq(connection: ConnectionView, seq: number): EventOf<'ws.frame'> | undefined {
  const frames = connection.frames;
  let lo = 0;
  let hi = frames.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (frames[mid]!.seq < seq) lo = mid + 1;
    else hi = mid;
  }
  const frame = frames[lo];
  return frame && frame.seq === seq ? frame : undefined;
}

/** True when a realtime call's result is a frame the user injected from the UI. */
export function isResultInjected(call: Pick<FunctionCall, 'source' | 'endSeq' | 'resultRaw'>, traffic: TrafficState): boolean {
  if (call.source.kind !== 'connection' || call.endSeq === null || call.resultRaw === null) return false;
  const connection = traffic.connections.get(call.source.id);
  return connection ? frameBySeq(connection, call.endSeq)?.origin === 'inject' : false;
}

/** How a hold ended, in a sentence: "Released edited by the user after 4.2 s." */
export function pauseOutcome(pause: PauseView): string {
  const end = pause.end;
  if (end === null) return 'Held now.';
  const after = formatSeconds(end.t - pause.start.t);
  const what =
    end.action === 'continue'
      ? 'Released as it was'
      : end.action === 'edit'
        ? 'Released edited'
        : end.action === 'answer'
          ? 'Answered by the user (the upstream never saw it)'
          : 'Dropped';
  const by = end.by === 'user' ? 'by the user' : end.by === 'timeout' ? 'when nobody acted within the timeout' : 'because its side went away';
  return `${what} ${by} after ${after}.${end.message ? ` ${end.message}` : ''}`;
}

function formatSeconds(ms: number): string {
  return ms < 10_000 ? `${(Math.max(0, ms) / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}

/**
 * The hold a frame came out of. The relay records a frame hold's `pause.end` and, right after it, the frame it
 * let go (sent as it was, edited, or recorded as not sent), so that frame's seq follows the end's at once.
 * Undefined for a frame no breakpoint held.
 */
export function holdOfFrame(pauses: readonly PauseView[], frame: Pick<EventOf<'ws.frame'>, 'seq' | 'direction'>): PauseView | undefined {
  if (pauses.length === 0) return undefined;
  return pauses.find((p) => p.end !== null && p.start.stage === 'frame' && p.end.seq + 1 === frame.seq && (p.start.direction ?? frame.direction) === frame.direction);
}

/** How a frame that went through a hold (or a mock's drop) reads: a short badge and a sentence; null for a plain frame. */
export function frameFateWords(frame: Pick<EventOf<'ws.frame'>, 'direction' | 'dropped'>, hold: PauseView | undefined): { badge: string; sentence: string } | null {
  const other = frame.direction === 'upstream-to-client' ? 'the client' : 'the upstream';
  if (!hold || hold.end === null) {
    return frame.dropped ? { badge: 'dropped by mock', sentence: `Withheld by a realtime-drop mock rule: ${other} never got it.` } : null;
  }
  const rule = `“${hold.start.ruleName || hold.start.ruleId}”`;
  const end = hold.end;
  const after = formatSeconds(end.t - hold.start.t);
  if (end.action === 'drop') {
    return end.by === 'closed'
      ? { badge: 'dropped', sentence: `Held at breakpoint ${rule}; the connection closed meanwhile, so ${other} never got it.` }
      : { badge: 'dropped', sentence: `Dropped at breakpoint ${rule}${end.by === 'timeout' ? ' when its timeout ran out' : ' by the user'}: ${other} never got it.` };
  }
  if (end.action === 'edit') return { badge: 'edited', sentence: `Released edited at breakpoint ${rule} after ${after}: this is what ${other} got, not what ${frame.direction === 'upstream-to-client' ? 'the upstream' : 'the client'} sent.` };
  return {
    badge: 'held',
    sentence: `Held at breakpoint ${rule} for ${after}, then released as it was${end.by === 'timeout' ? ' when nobody acted within the timeout' : ' by the user'}.${end.message ? ` ${end.message}` : ''}`,
  };
}
