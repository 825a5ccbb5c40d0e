/**
 * The UI's reading of breakpoint holds and injected frames: which items are held now (traffic first, then the
 * core's list), which call a hold belongs to, how a hold ended, and whether a call's result was injected.
 */
import { describe, expect, it } from 'vitest';
import type { LogEvent, NewEvent } from '../../shared/events.js';
import { emptyTrafficState, foldEvents } from '../../shared/store/traffic-state.js';
import { describeHeld, heldItems, isCallHeld, isResultInjected, pauseOutcome, pausesOfCall, secondsLeft } from '../../shared/breakpoints/held-items.js';
import type { FunctionCall } from '../../shared/analysis/model.js';

const T0 = 1_700_000_000_000;
function events(list: NewEvent[]): LogEvent[] {
  return list.map((e, i) => ({ ...e, seq: i + 1, t: T0 + i * 1000 }) as LogEvent);
}

const request: NewEvent = {
  kind: 'http.request',
  exchangeId: 'x1',
  routeId: 'r1',
  method: 'POST',
  url: '/weather',
  httpVersion: '1.1',
  headers: [['content-type', 'application/json']],
  remoteAddress: '127.0.0.1',
  upstreamUrl: 'http://127.0.0.1:8000/weather',
};
const open: NewEvent = {
  kind: 'ws.open',
  connectionId: 'c1',
  routeId: 'r1',
  url: '/v1/realtime',
  upstreamUrl: 'ws://127.0.0.1:8000/v1/realtime',
  headers: [],
  requestedProtocols: [],
  protocol: '',
  remoteAddress: '127.0.0.1',
};
const frameHold: NewEvent = {
  kind: 'pause.start',
  pauseId: 'p2',
  ruleId: 'bp2',
  ruleName: 'calls',
  stage: 'frame',
  connectionId: 'c1',
  direction: 'upstream-to-client',
  functionName: 'get_time',
  callId: 'call_2',
  timeoutMs: 30_000,
  frame: { opcode: 'text', encoding: 'utf8', data: '{"type":"response.function_call_arguments.done","call_id":"call_2"}', size: 10, truncated: false },
};

const webhookCall = { source: { kind: 'exchange', id: 'x1' }, callId: 'c', name: 'get_weather' } as const;
const realtimeCall = { source: { kind: 'connection', id: 'c1' }, callId: 'call_2', name: 'get_time' } as const;

describe('heldItems', () => {
  it('lists open pauses of exchanges and connections, with the time each goes on by itself', () => {
    const traffic = foldEvents(
      emptyTrafficState(),
      events([
        request,
        { kind: 'pause.start', pauseId: 'p1', ruleId: 'bp1', ruleName: 'weather', stage: 'request', exchangeId: 'x1', functionName: 'get_weather', callId: null, timeoutMs: 30_000 },
        open,
        frameHold,
      ]),
    );
    const items = heldItems(traffic);
    expect(items.map((i) => i.pauseId)).toEqual(['p1', 'p2']);
    expect(items[0]!.releaseAt).toBe(T0 + 1000 + 30_000);
    expect(describeHeld(items[0]!)).toBe('get_weather request');
    expect(describeHeld(items[1]!)).toBe('get_time frame to client response.function_call_arguments.done');
    expect(isCallHeld(webhookCall, traffic)).toBe(true);
    expect(isCallHeld(realtimeCall, traffic)).toBe(true);
    expect(isCallHeld({ ...realtimeCall, callId: 'call_9' }, traffic)).toBe(false);
  });

  it('drops ended pauses, even when the core listed them before they ended, and adds what only the core knows', () => {
    const traffic = foldEvents(
      emptyTrafficState(),
      events([
        request,
        { kind: 'pause.start', pauseId: 'p1', ruleId: 'bp1', ruleName: 'weather', stage: 'request', exchangeId: 'x1', functionName: 'get_weather', timeoutMs: 30_000 },
        { kind: 'pause.end', pauseId: 'p1', exchangeId: 'x1', action: 'edit', by: 'user' },
      ]),
    );
    const core = [
      { pauseId: 'p1', ruleId: 'bp1', stage: 'request' as const, exchangeId: 'x1', functionName: 'get_weather', releaseAt: T0 + 31_000 },
      { pauseId: 'p0', ruleId: 'bp1', stage: 'response' as const, exchangeId: 'x0', functionName: 'old', releaseAt: T0 + 5_000 },
    ];
    const items = heldItems(traffic, core);
    expect(items.map((i) => i.pauseId)).toEqual(['p0']);
    expect(items[0]!.start).toBeNull();
    expect(isCallHeld(webhookCall, traffic)).toBe(false);
    const [pause] = pausesOfCall(webhookCall, traffic);
    expect(pauseOutcome(pause!)).toBe('Released edited by the user after 1.0 s.');
  });

  it('counts seconds left up, never below zero', () => {
    expect(secondsLeft(T0 + 26_100, T0)).toBe(27);
    expect(secondsLeft(T0, T0 + 5)).toBe(0);
  });
});

describe('isResultInjected', () => {
  it('is true when the frame that answered the call was injected', () => {
    const traffic = foldEvents(
      emptyTrafficState(),
      events([
        open,
        { kind: 'ws.frame', connectionId: 'c1', direction: 'client-to-upstream', opcode: 'text', encoding: 'utf8', data: '{}', size: 2, truncated: false, origin: 'inject' },
        { kind: 'ws.frame', connectionId: 'c1', direction: 'client-to-upstream', opcode: 'text', encoding: 'utf8', data: '{}', size: 2, truncated: false },
      ]),
    );
    const call = (endSeq: number | null): Pick<FunctionCall, 'source' | 'endSeq' | 'resultRaw'> => ({ source: { kind: 'connection', id: 'c1' }, endSeq, resultRaw: 'x' });
    expect(isResultInjected(call(2), traffic)).toBe(true);
    expect(isResultInjected(call(3), traffic)).toBe(false);
    expect(isResultInjected(call(null), traffic)).toBe(false);
    expect(isResultInjected({ ...call(2), resultRaw: null }, traffic)).toBe(false);
  });
});
