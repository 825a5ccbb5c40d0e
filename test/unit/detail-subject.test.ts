/**
 * What the details pane shows for each kind of selection: the subject, its tabs, the tab it opens on, the
 * findings that belong to it, and where a finding's "Show event" jumps. Built on real folds of the traffic
 * and the analysis, as the renderer has them.
 */
import { describe, expect, it } from 'vitest';
import { Analyzer, type AnalysisState } from '../../shared/analysis/analyzer.js';
import type { LogEvent } from '../../shared/events.js';
import { appendExchange, SyntheticLog } from '../../shared/import/synthetic-log.js';
import { emptyTrafficState, foldEvents, type TrafficRow, type TrafficState } from '../../shared/store/traffic-state.js';
import {
  callsOfConnection,
  chooseTab,
  deriveDetail,
  frameIndexBySeq,
  locateEvent,
  rowBySeq,
  sameDetail,
  type DetailModel,
  type SubjectModel,
} from '../../renderer/src/state/detail-subject.js';
import { audioRunKey, type Selection } from '../../renderer/src/state/selection-store.js';
import { callDone as done, callOutput as output } from '../support/realtime-messages.js';

type Direction = 'client-to-upstream' | 'upstream-to-client';

const SSE_BODY =
  'event: action\ndata: {"service":"tts","action":"say","arguments":[{"name":"text","value":"héllo"}]}\n\n' +
  'event: update-config\ndata: {"config":[{"service":"tts","options":{"voice":"x"}}]}\n\n' +
  'event: action\ndata: {not json\n\n' +
  'data:close\n\n';

const audio = { type: 'input_audio_buffer.append', audio: 'AAAA'.repeat(50) };
const sessionUpdate = {
  type: 'session.update',
  session: { type: 'realtime', tools: [{ type: 'function', name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string', description: 'City' } } } }] },
};

/**
 * A session with a route, a JSON webhook call (x1), a streamed webhook call with broken events (x2), a
 * realtime connection (w1) with audio, an answered and an unanswered call, a second connection with one
 * call (w2), and a core error.
 */
function session(): LogEvent[] {
  const log = new SyntheticLog(1_000);
  log.append({ kind: 'route.up', routeId: 'r1', listen: { host: '127.0.0.1', port: 7801 }, upstream: 'http://127.0.0.1:8000', timeoutMs: 30_000 });
  appendExchange(log, {
    exchangeId: 'x1',
    method: 'POST',
    url: '/weather',
    requestHeaders: [['content-type', 'application/json']],
    requestBody: JSON.stringify({ function_name: 'get_weather', tool_call_id: 'call_7', arguments: { city: 'Paris' } }),
    status: 200,
    responseHeaders: [['content-type', 'application/json']],
    responseBody: JSON.stringify({ temperature: 21 }),
    waitMs: 12,
  });
  appendExchange(log, {
    exchangeId: 'x2',
    method: 'POST',
    url: '/stream',
    requestHeaders: [['content-type', 'application/json']],
    requestBody: JSON.stringify({ function_name: 'get_weather', tool_call_id: 'c1', arguments: { city: 'Paris' } }),
    status: 200,
    responseHeaders: [['content-type', 'text/event-stream']],
    responseBody: SSE_BODY,
  });
  log.append({ kind: 'ws.open', connectionId: 'w1', routeId: 'r1', url: '/v1/realtime', upstreamUrl: 'ws://x/v1/realtime', headers: [], requestedProtocols: [], protocol: '', remoteAddress: '127.0.0.1' });
  const frame = (connectionId: string, direction: Direction, message: unknown) => {
    log.advance(10);
    const data = JSON.stringify(message);
    log.append({ kind: 'ws.frame', connectionId, direction, opcode: 'text', encoding: 'utf8', data, size: data.length, truncated: false });
  };
  frame('w1', 'client-to-upstream', sessionUpdate); // frame 0
  frame('w1', 'client-to-upstream', audio); // 1
  frame('w1', 'client-to-upstream', audio); // 2
  frame('w1', 'upstream-to-client', done('call_1', 'get_weather', '{"city":"Oslo"}')); // 3
  frame('w1', 'upstream-to-client', done('call_2', 'get_time', '{}')); // 4
  frame('w1', 'client-to-upstream', output('call_1', '{"temperature":4}')); // 5
  log.append({ kind: 'ws.frame', connectionId: 'w1', direction: 'upstream-to-client', opcode: 'binary', encoding: 'base64', data: 'AAECAw==', size: 4, truncated: false }); // 6
  log.advance(10);
  log.append({ kind: 'ws.close', connectionId: 'w1', code: 1000, reason: '', by: 'client' });
  log.append({ kind: 'ws.open', connectionId: 'w2', routeId: 'r1', url: '/v1/realtime', upstreamUrl: 'ws://x/v1/realtime', headers: [], requestedProtocols: [], protocol: '', remoteAddress: '127.0.0.1' });
  frame('w2', 'upstream-to-client', done('call_9', 'get_weather', '{"city":"Rome"}'));
  log.append({ kind: 'core.error', context: 'session file', message: 'disk full' });
  return log.events;
}

function build(events = session()): { traffic: TrafficState; analysis: AnalysisState } {
  const traffic = foldEvents(emptyTrafficState(), events);
  const analyzer = new Analyzer();
  return { traffic, analysis: analyzer.fold(analyzer.initialState(), events, traffic) };
}

const { traffic, analysis } = build();

function rowOf(predicate: (row: TrafficRow) => boolean): TrafficRow {
  const row = traffic.rows.find(predicate);
  if (!row) throw new Error('no such row');
  return row;
}
const exchangeRow = (id: string) => rowOf((r) => r.kind === 'exchange' && r.id === id);
const connectionRow = (id: string) => rowOf((r) => r.kind === 'connection' && r.id === id);
const sseRow = (exchangeId: string, index: number) => rowOf((r) => r.kind === 'sse' && r.exchangeId === exchangeId && r.index === index);
const frameRow = (connectionId: string, index: number) => rowOf((r) => r.kind === 'frame' && r.connectionId === connectionId && r.index === index);

function subject(selection: Selection, state = { traffic, analysis }): SubjectModel {
  const model = deriveDetail(selection, state.traffic, state.analysis);
  if (model.kind !== 'subject') throw new Error(`expected a subject, got ${model.kind}`);
  return model;
}

const none = { lastTab: null, chosenFor: null, opened: null };

describe('deriveDetail', () => {
  it('shows nothing without a selection', () => {
    expect(deriveDetail(null, traffic, analysis)).toEqual({ kind: 'none' });
  });

  it('gives an exchange row with one call the Call, Request and Response tabs, opening on the response', () => {
    const model = subject({ kind: 'row', row: exchangeRow('x1') });
    expect(model.subject).toEqual({ kind: 'exchange', exchangeId: 'x1', callKey: 'x1/call_7' });
    expect(model.tabs).toEqual(['call', 'request', 'response', 'findings']);
    expect(model.defaultTab).toBe('response');
    expect(model.findings).toBe(analysis.exchanges.get('x1')!.findings);
  });

  it('opens an exchange without a response on its request', () => {
    const log = new SyntheticLog(0);
    appendExchange(log, { exchangeId: 'p', method: 'GET', url: '/slow', requestHeaders: [], requestBody: '', status: null, responseHeaders: [], responseBody: null });
    const state = build(log.events);
    const model = subject({ kind: 'row', row: state.traffic.rows[0]! }, state);
    expect(model.tabs).toEqual(['request', 'response', 'findings']);
    expect(model.defaultTab).toBe('request');
  });

  it('opens an SSE row on its event in the SSE events tab, with the stream findings', () => {
    const model = subject({ kind: 'row', row: sseRow('x2', 1) });
    expect(model.subject).toEqual({ kind: 'sse', exchangeId: 'x2', callKey: 'x2/c1', focusSseIndex: 1 });
    expect(model.tabs).toEqual(['call', 'request', 'response', 'sse', 'findings']);
    expect(model.defaultTab).toBe('sse');
    expect(model.findings.map((f) => f.rule)).toEqual(expect.arrayContaining(['rtvi/options-not-list', 'sse/invalid-json-data']));
  });

  it('lists a connection with several calls in its Connection tab, without a Call tab', () => {
    const model = subject({ kind: 'row', row: connectionRow('w1') });
    expect(model.subject).toEqual({ kind: 'connection', connectionId: 'w1' });
    expect(model.tabs).toEqual(['connection', 'frames', 'findings']);
    expect(model.defaultTab).toBe('connection');
    expect(model.findings).toBe(analysis.connections.get('w1')!.findings);
    expect(callsOfConnection(analysis, 'w1').map((c) => c.name)).toEqual(['get_weather', 'get_time']);
  });

  it('gives a connection with exactly one call the Call tab', () => {
    const model = subject({ kind: 'row', row: connectionRow('w2') });
    expect(model.subject.callKey).toBe('w2/call_9');
    expect(model.tabs).toEqual(['call', 'connection', 'frames', 'findings']);
  });

  it('opens a frame row on the frame in the Frames tab, with the call the frame belongs to', () => {
    const call = subject({ kind: 'row', row: frameRow('w1', 3) });
    expect(call.subject).toEqual({ kind: 'frame', connectionId: 'w1', focusFrameIndex: 3, callKey: 'w1/call_1' });
    expect(call.tabs).toEqual(['call', 'connection', 'frames', 'findings']);
    expect(call.defaultTab).toBe('frames');

    const audioFrame = subject({ kind: 'row', row: frameRow('w1', 1) });
    expect(audioFrame.subject.callKey).toBeUndefined();
    expect(audioFrame.tabs).toEqual(['connection', 'frames', 'findings']);
  });

  it('opens an audio run in the Frames tab at its first frame', () => {
    const model = subject({ kind: 'audio', connectionId: 'w1', first: 1, last: 2 });
    expect(model.subject).toEqual({ kind: 'audio', connectionId: 'w1', audioRange: { first: 1, last: 2 }, focusFrameIndex: 1 });
    expect(model.defaultTab).toBe('frames');
    expect(model.key).toBe(audioRunKey('w1', 1));
  });

  it('shows a realtime call with its connection, focused on the frame that started it, and only its own findings', () => {
    const model = subject({ kind: 'call', callKey: 'w1/call_2' });
    expect(model.subject).toEqual({ kind: 'call', callKey: 'w1/call_2', connectionId: 'w1', focusFrameIndex: 4 });
    expect(model.tabs).toEqual(['call', 'connection', 'frames', 'findings']);
    expect(model.defaultTab).toBe('call');
    expect(model.findings.map((f) => f.rule)).toEqual(['call/unanswered']);
    expect(model.findings.every((f) => f.callKey === 'w1/call_2')).toBe(true);
  });

  it('shows a webhook call with its exchange tabs and all the findings of an exchange that carries only it', () => {
    const model = subject({ kind: 'call', callKey: 'x2/c1' });
    expect(model.subject).toEqual({ kind: 'call', callKey: 'x2/c1', exchangeId: 'x2' });
    expect(model.tabs).toEqual(['call', 'request', 'response', 'sse', 'findings']);
    expect(model.findings).toBe(analysis.exchanges.get('x2')!.findings);
  });

  it('keeps route and core-error rows as simple details', () => {
    const route = rowOf((r) => r.kind === 'route');
    const error = rowOf((r) => r.kind === 'error');
    expect(deriveDetail({ kind: 'row', row: route }, traffic, analysis)).toEqual({ kind: 'route', row: route });
    expect(deriveDetail({ kind: 'row', row: error }, traffic, analysis)).toEqual({ kind: 'core-error', row: error });
  });

  it('says when the selection is no longer in the view', () => {
    const empty = emptyTrafficState();
    const emptyAnalysis = new Analyzer().initialState();
    expect(deriveDetail({ kind: 'call', callKey: 'w1/call_1' }, empty, emptyAnalysis)).toEqual({ kind: 'missing', what: 'call' });
    expect(deriveDetail({ kind: 'row', row: exchangeRow('x1') }, empty, emptyAnalysis)).toEqual({ kind: 'missing', what: 'exchange' });
    expect(deriveDetail({ kind: 'row', row: frameRow('w1', 0) }, empty, emptyAnalysis)).toEqual({ kind: 'missing', what: 'frame' });
    expect(deriveDetail({ kind: 'audio', connectionId: 'w1', first: 1, last: 2 }, empty, emptyAnalysis)).toEqual({ kind: 'missing', what: 'audio run' });
  });
});

describe('chooseTab', () => {
  const exchange = subject({ kind: 'row', row: exchangeRow('x1') });
  const connection = subject({ kind: 'row', row: connectionRow('w1') });
  const sse = subject({ kind: 'row', row: sseRow('x2', 1) });

  it("uses the subject's default until the user chooses", () => {
    expect(chooseTab(exchange, none)).toBe('response');
    expect(chooseTab(connection, none)).toBe('connection');
  });

  it('keeps the last chosen tab for the next subject that has it, else falls back to the default', () => {
    const chosen = { lastTab: 'request' as const, chosenFor: exchange.key, opened: null };
    expect(chooseTab(subject({ kind: 'row', row: exchangeRow('x2') }), chosen)).toBe('request');
    expect(chooseTab(connection, chosen)).toBe('connection');
    expect(chooseTab(connection, { lastTab: 'findings', chosenFor: 'x', opened: null })).toBe('findings');
  });

  it('opens an SSE event or a frame on its own tab, unless the user chose another for that very selection', () => {
    expect(chooseTab(sse, { lastTab: 'request', chosenFor: exchange.key, opened: null })).toBe('sse');
    expect(chooseTab(sse, { lastTab: 'request', chosenFor: sse.key, opened: null })).toBe('request');
  });

  it('opens the tab a jump asked for, for that selection only', () => {
    const opened = { tab: 'request' as const, forKey: exchange.key };
    expect(chooseTab(exchange, { lastTab: 'findings', chosenFor: 'x', opened })).toBe('request');
    expect(chooseTab(subject({ kind: 'row', row: exchangeRow('x2') }), { lastTab: 'findings', chosenFor: 'x', opened })).toBe('findings');
  });
});

describe('locateEvent', () => {
  it('finds SSE events and frames as rows of their own', () => {
    const sse = traffic.exchanges.get('x2')!.sse[2]!;
    expect(locateEvent(traffic, sse.seq)).toEqual({ row: sseRow('x2', 2), tab: 'sse' });
    const frame = traffic.connections.get('w1')!.frames[4]!;
    expect(locateEvent(traffic, frame.seq)).toEqual({ row: frameRow('w1', 4), tab: 'frames' });
  });

  it("jumps to the owner's row and tab for bodies, stream ends and closes", () => {
    const x1 = traffic.exchanges.get('x1')!;
    expect(locateEvent(traffic, x1.requestBodySeq!)).toEqual({ row: exchangeRow('x1'), tab: 'request' });
    expect(locateEvent(traffic, x1.responseBodySeq!)).toEqual({ row: exchangeRow('x1'), tab: 'response' });
    expect(locateEvent(traffic, traffic.exchanges.get('x2')!.sseEnd!.seq)).toEqual({ row: exchangeRow('x2'), tab: 'sse' });
    expect(locateEvent(traffic, traffic.connections.get('w1')!.close!.seq)).toEqual({ row: connectionRow('w1'), tab: 'connection' });
  });

  it('finds the event of every finding of the session', () => {
    for (const list of [...analysis.exchanges.values()].map((x) => x.findings).concat([...analysis.connections.values()].map((c) => c.findings))) {
      for (const finding of list) expect(locateEvent(traffic, finding.ref.seq), finding.rule).not.toBeNull();
    }
  });

  it('returns null for an event not in the view', () => {
    expect(locateEvent(traffic, 10_000)).toBeNull();
    expect(locateEvent(emptyTrafficState(), 1)).toBeNull();
  });
});

describe('lookups by sequence number', () => {
  it('rowBySeq finds exact rows only', () => {
    for (const row of traffic.rows) expect(rowBySeq(traffic.rows, row.seq)).toBe(row);
    expect(rowBySeq(traffic.rows, traffic.exchanges.get('x1')!.requestBodySeq!)).toBeNull();
  });

  it('frameIndexBySeq finds a frame, else the next one, else null', () => {
    const frames = traffic.connections.get('w1')!.frames;
    frames.forEach((frame, i) => expect(frameIndexBySeq(frames, frame.seq)).toBe(i));
    expect(frameIndexBySeq(frames, 0)).toBe(0);
    expect(frameIndexBySeq(frames, frames.at(-1)!.seq + 1)).toBeNull();
    expect(frameIndexBySeq([], 5)).toBeNull();
  });
});

describe('sameDetail', () => {
  it('is true for a batch that did not change the subject, false when it did', () => {
    const events = session();
    const analyzer = new Analyzer();
    const before = foldEvents(emptyTrafficState(), events);
    const analysedBefore = analyzer.fold(analyzer.initialState(), events, before);
    const selection: Selection = { kind: 'row', row: before.rows.find((r) => r.kind === 'exchange' && r.id === 'x1')! };
    const a: DetailModel = deriveDetail(selection, before, analysedBefore);

    const last = events.at(-1)!;
    const later: LogEvent[] = [{ kind: 'core.error', seq: last.seq + 1, t: last.t + 5, context: 'x', message: 'elsewhere' }];
    const after = foldEvents(before, later);
    const analysedAfter = analyzer.fold(analysedBefore, later, after);
    const b = deriveDetail(selection, after, analysedAfter);
    expect(b).not.toBe(a);
    expect(sameDetail(a, b)).toBe(true);

    const other = deriveDetail({ kind: 'row', row: before.rows.find((r) => r.kind === 'exchange' && r.id === 'x2')! }, before, analysedBefore);
    expect(sameDetail(a, other)).toBe(false);
    expect(sameDetail({ kind: 'none' }, { kind: 'none' })).toBe(true);
  });
});
