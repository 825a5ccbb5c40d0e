/**
 * Builds real event logs for the timeline tests: events get consecutive sequence numbers and a clock, are
 * folded by the traffic store and analysed by the analyzer exactly as the app does. No mocks.
 */
import { Analyzer, type AnalysisState } from '../../shared/analysis/analyzer.js';
import type { CapturedBody, LogEvent, NewEvent, WsDirection } from '../../shared/events.js';
import { emptyTrafficState, foldEvents, type TrafficState } from '../../shared/store/traffic-state.js';
import { callDone, callOutput } from '../support/realtime-messages.js';

export const UP: WsDirection = 'client-to-upstream';
export const DOWN: WsDirection = 'upstream-to-client';

export function textBody(data: string): CapturedBody {
  const size = Buffer.byteLength(data);
  return { encoding: 'utf8', data, size, truncated: false, cap: 1 << 20 };
}

export class EventLog {
  readonly events: LogEvent[] = [];
  seq = 0;

  constructor(public t = 1_000) {}

  append(event: NewEvent): LogEvent {
    const full = { ...event, seq: ++this.seq, t: this.t } as LogEvent;
    this.events.push(full);
    return full;
  }

  advance(ms: number): this {
    this.t += ms;
    return this;
  }

  routeUp(routeId: string, port = 7801, upstream = 'http://127.0.0.1:8000'): LogEvent {
    return this.append({ kind: 'route.up', routeId, listen: { host: '127.0.0.1', port }, upstream, timeoutMs: 30_000 });
  }

  routeError(routeId: string, message: string): LogEvent {
    return this.append({ kind: 'route.error', routeId, listen: { host: '127.0.0.1', port: 80 }, upstream: 'http://127.0.0.1:8000', message });
  }

  coreError(message: string): LogEvent {
    return this.append({ kind: 'core.error', context: 'test', message });
  }

  request(exchangeId: string, routeId: string, url: string, body?: unknown, options: { method?: string; headers?: [string, string][] } = {}): LogEvent {
    const event = this.append({
      kind: 'http.request',
      exchangeId,
      routeId,
      method: options.method ?? 'POST',
      url,
      httpVersion: '1.1',
      headers: [['content-type', 'application/json'], ...(options.headers ?? [])],
      remoteAddress: '127.0.0.1',
      upstreamUrl: `http://127.0.0.1:8000${url}`,
    });
    if (body !== undefined) this.requestBody(exchangeId, body);
    return event;
  }

  requestBody(exchangeId: string, body: unknown): LogEvent {
    const data = typeof body === 'string' ? body : JSON.stringify(body);
    return this.append({ kind: 'http.request.body', exchangeId, body: textBody(data) });
  }

  response(exchangeId: string, status: number, body?: unknown, contentType = 'application/json'): LogEvent {
    const event = this.append({ kind: 'http.response', exchangeId, status, statusMessage: status < 400 ? 'OK' : 'Error', headers: [['content-type', contentType]] });
    if (body !== undefined) this.responseBody(exchangeId, body);
    return event;
  }

  responseBody(exchangeId: string, body: unknown): LogEvent {
    const data = typeof body === 'string' ? body : JSON.stringify(body);
    return this.append({ kind: 'http.response.body', exchangeId, body: textBody(data) });
  }

  sse(exchangeId: string, index: number, type: string, data: string): LogEvent {
    const raw = `event: ${type}\ndata: ${data}\n\n`;
    return this.append({ kind: 'sse.event', exchangeId, index, raw, byteOffset: 0, byteLength: raw.length, dispatched: true, type, data });
  }

  wsOpen(connectionId: string, routeId: string, url = '/v1/realtime?model=gpt-realtime'): LogEvent {
    return this.append({
      kind: 'ws.open',
      connectionId,
      routeId,
      url,
      upstreamUrl: `ws://127.0.0.1:8000${url}`,
      headers: [],
      requestedProtocols: [],
      protocol: '',
      remoteAddress: '127.0.0.1',
    });
  }

  /** A text frame: a string as is, anything else as JSON. */
  frame(connectionId: string, direction: WsDirection, message: unknown): LogEvent {
    const data = typeof message === 'string' ? message : JSON.stringify(message);
    return this.append({ kind: 'ws.frame', connectionId, direction, opcode: 'text', encoding: 'utf8', data, size: Buffer.byteLength(data), truncated: false });
  }

  binaryFrame(connectionId: string, direction: WsDirection, size: number): LogEvent {
    const data = Buffer.alloc(size, 7).toString('base64');
    return this.append({ kind: 'ws.frame', connectionId, direction, opcode: 'binary', encoding: 'base64', data, size, truncated: false });
  }

  wsClose(connectionId: string): LogEvent {
    return this.append({ kind: 'ws.close', connectionId, code: 1000, reason: '', by: 'client' });
  }
}

// ---- OpenAI Realtime messages ----

export const appendAudio = (audio = 'AAAA') => ({ type: 'input_audio_buffer.append', audio });
export const audioDelta = (delta = 'AAAA') => ({ type: 'response.audio.delta', event_id: 'ev', response_id: 'resp_1', item_id: 'item_a', output_index: 0, content_index: 0, delta });
export const commitAudio = () => ({ type: 'input_audio_buffer.commit' });
export const responseCreated = () => ({ type: 'response.created', event_id: 'ev', response: { id: 'resp_1', object: 'realtime.response', status: 'in_progress' } });
export { callDone, callOutput };

// ---- Folding ----

export interface Folded {
  traffic: TrafficState;
  analysis: AnalysisState;
}

export function foldAll(events: readonly LogEvent[], analyzer = new Analyzer()): Folded {
  const traffic = foldEvents(emptyTrafficState(), events);
  const analysis = analyzer.fold(analyzer.initialState(), events, traffic);
  return { traffic, analysis };
}

/** Folds batch after batch, as the live store does; returns the state after each batch. */
export function foldBatches(batches: readonly (readonly LogEvent[])[], analyzer = new Analyzer()): Folded[] {
  let traffic = emptyTrafficState();
  let analysis = analyzer.initialState();
  const states: Folded[] = [];
  for (const batch of batches) {
    traffic = foldEvents(traffic, batch);
    analysis = analyzer.fold(analysis, batch, traffic);
    states.push({ traffic, analysis });
  }
  return states;
}

/** Cuts a list at the given positions (sorted, deduplicated, clamped) into consecutive batches. */
export function splitAt<T>(items: readonly T[], cuts: readonly number[]): T[][] {
  const points = [...new Set(cuts.map((c) => Math.max(0, Math.min(items.length, c))))].sort((a, b) => a - b);
  const batches: T[][] = [];
  let from = 0;
  for (const point of points) {
    if (point > from) batches.push(items.slice(from, point));
    from = Math.max(from, point);
  }
  if (from < items.length || batches.length === 0) batches.push(items.slice(from));
  return batches;
}

// ---- A session with every kind of call ----

export const dailyRequest = (callId: string, name: string, args: Record<string, unknown>) => ({ function_name: name, tool_call_id: callId, arguments: args });
export const vapiToolCalls = (callId: string, name: string, args: Record<string, unknown>) => ({
  message: {
    type: 'tool-calls',
    toolCallList: [{ id: callId, type: 'function', function: { name, arguments: args } }],
    call: { id: 'vapi-call-1' },
  },
});
export const retellRequest = (name: string, args: Record<string, unknown>) => ({ name, call: { call_id: 'retell_call_1', agent_id: 'agent_1' }, args });

/**
 * One batch with webhook calls (Daily, Vapi, Retell on routes r1 and r2) and realtime calls (OpenAI on two
 * connections of route r3). The keys, statuses and findings are asserted in timeline-filter.test.ts.
 */
export function mixedSession(): EventLog {
  const log = new EventLog();
  log.routeUp('r1', 7801);
  log.routeUp('r2', 7802);
  log.routeUp('r3', 7803, 'wss://api.openai.com');
  // x1: Daily, answered fast.
  log.request('x1', 'r1', '/orders', dailyRequest('call_order', 'lookup_order', { order_number: 'A-20931' }));
  log.advance(40).response('x1', 200, { order_number: 'A-20931', status: 'shipped', eta: '2025-03-14' });
  // w1: realtime, audio then a call answered, then a call left pending.
  log.advance(10).wsOpen('w1', 'r3');
  log.advance(10).frame('w1', UP, appendAudio());
  log.frame('w1', DOWN, callDone('call_a', 'get_weather', '{"city":"Oslo"}'));
  log.advance(20).frame('w1', UP, callOutput('call_a', '{"temp":4,"sky":"Drizzle"}'));
  // x2: Daily, answered over the latency budget (a warning).
  log.advance(10).request('x2', 'r1', '/weather', dailyRequest('call_slow', 'get_weather', { city: 'Bergen' }));
  log.advance(2_000).response('x2', 200, { temp: 9 });
  // x3: Vapi, answered with an error result (status error, no problem finding of its own).
  log.advance(10).request('x3', 'r2', '/vapi/tools', vapiToolCalls('call_vapi', 'lookup_order', { order_number: 'B-1' }));
  log.advance(30).response('x3', 200, { results: [{ name: 'lookup_order', toolCallId: 'call_vapi', error: 'Order B-1 was not found.' }] });
  // x4: Retell, the backend fails with 500 (an error finding and an info finding).
  log.advance(10).request('x4', 'r2', '/retell', retellRequest('transfer_call', { department: 'Billing' }));
  log.advance(30).response('x4', 500, { error: 'boom' });
  // x5: Retell "args only" (signed): ok, with only an info finding.
  log.advance(10).request('x5', 'r2', '/retell/args', { note: 'Lactose FREE' }, { headers: [['x-retell-signature', 'v=1']] });
  log.advance(30).response('x5', 200, '"noted"');
  log.advance(10).frame('w1', DOWN, callDone('call_b', 'book_table', '{"people":2}'));
  // w2: a second connection on the same route with a pending call.
  log.advance(10).wsOpen('w2', 'r3');
  log.frame('w2', DOWN, callDone('call_c', 'hang_up', '{}'));
  return log;
}

export function sseEnd(log: EventLog, exchangeId: string, events: number): LogEvent {
  return log.append({ kind: 'sse.end', exchangeId, events, leftover: null, leftoverOffset: null, complete: true });
}

export const dailyFunctionResult = (callId: string, name: string, args: Record<string, unknown>, result: unknown) =>
  JSON.stringify({
    service: 'llm',
    action: 'function_result',
    arguments: [
      { name: 'function_name', value: name },
      { name: 'tool_call_id', value: callId },
      { name: 'arguments', value: args },
      { name: 'result', value: result },
    ],
  });

/**
 * Traffic of every row kind: routes, JSON and SSE webhook exchanges (one answered 503), a realtime connection
 * with audio, a slow call and a binary frame, a core error and a route error. Sequence numbers in comments.
 */
export function trafficSession(): EventLog {
  const log = new EventLog();
  log.routeUp('r1', 7801); // 1
  log.routeUp('r2', 7802); // 2
  log.request('x1', 'r1', '/weather', dailyRequest('call_w', 'get_weather', { city: 'Oslo' })); // 3, 4
  log.advance(20).response('x1', 200, { temp: 4 }); // 5, 6
  log.request('x2', 'r2', '/orders/stream', dailyRequest('call_s', 'lookup_order', { order_number: 'A-1' })); // 7, 8
  log.advance(20).response('x2', 200, undefined, 'text/event-stream'); // 9
  log.sse('x2', 0, 'action', dailyFunctionResult('call_s', 'lookup_order', { order_number: 'A-1' }, { status: 'Shipped' })); // 10
  log.append({ kind: 'sse.event', exchangeId: 'x2', index: 1, raw: 'data:close\n\n', byteOffset: 0, byteLength: 12, dispatched: true, type: 'message', data: 'close' }); // 11
  sseEnd(log, 'x2', 2); // 12
  log.request('x3', 'r2', '/broken', dailyRequest('call_b', 'book_table', { people: 2 })); // 13, 14
  log.advance(20).response('x3', 503, { error: 'Down' }); // 15, 16
  log.wsOpen('w1', 'r1'); // 17
  log.frame('w1', UP, appendAudio()); // 18  w1#0
  log.frame('w1', UP, appendAudio()); // 19  w1#1
  log.frame('w1', DOWN, callDone('call_rt', 'hang_up', '{"reason":"Done"}')); // 20  w1#2
  log.frame('w1', UP, appendAudio()); // 21  w1#3
  log.advance(3_000).frame('w1', UP, callOutput('call_rt', 'Bye')); // 22  w1#4 (slow: a warning)
  log.binaryFrame('w1', DOWN, 10); // 23  w1#5
  log.coreError('Disk FULL'); // 24
  log.routeError('r4', 'Port 80 in use'); // 25
  return log;
}
