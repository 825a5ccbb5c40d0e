/**
 * Builds event-log events for input that was not captured by the proxy (a raw SSE stream, one JSON payload,
 * a HAR file), so `toolscope report` analyses it with exactly the code that analyses live traffic.
 */
import type { HeaderList, LogEvent, NewEvent } from '../events.js';
import { SseStreamReader } from '../sse/sse-stream-reader.js';
import { utf8ByteLength } from '../text-bytes.js';
import { tryParseJson } from '../analysis/model.js';
import { readAction } from '../analysis/rtvi/rtvi-payload-linter.js';

/** Assigns sequence numbers and times to events in order. */
export class SyntheticLog {
  readonly events: LogEvent[] = [];
  private seq = 0;

  constructor(private t = 0) {}

  append(event: NewEvent, at?: number): LogEvent {
    if (at !== undefined) this.t = Math.max(this.t, at);
    const full = { ...event, seq: ++this.seq, t: this.t } as LogEvent;
    this.events.push(full);
    return full;
  }

  /** Moves the clock on (for inputs with timings, like HAR). */
  advance(ms: number): void {
    this.t += ms;
  }
}

export function textBody(text: string) {
  return { encoding: 'utf8' as const, data: text, size: utf8ByteLength(text), truncated: false, cap: utf8ByteLength(text) };
}

export interface SyntheticExchange {
  exchangeId: string;
  method: string;
  url: string;
  requestHeaders: HeaderList;
  requestBody: string;
  status: number | null;
  responseHeaders: HeaderList;
  responseBody: string | null;
  /** Milliseconds from request to response head, and to the end of the body. */
  waitMs?: number;
  receiveMs?: number;
  startT?: number;
}

/** Appends one whole HTTP exchange; an SSE response is cut into events as the proxy would. */
export function appendExchange(log: SyntheticLog, x: SyntheticExchange): void {
  log.append(
    {
      kind: 'http.request',
      exchangeId: x.exchangeId,
      routeId: 'imported',
      method: x.method,
      url: x.url,
      httpVersion: '1.1',
      headers: x.requestHeaders,
      remoteAddress: '',
      upstreamUrl: x.url,
    },
    x.startT,
  );
  log.append({ kind: 'http.request.body', exchangeId: x.exchangeId, body: textBody(x.requestBody) });
  if (x.status === null) return;
  log.advance(x.waitMs ?? 0);
  log.append({ kind: 'http.response', exchangeId: x.exchangeId, status: x.status, statusMessage: '', headers: x.responseHeaders });
  const body = x.responseBody ?? '';
  const contentType = x.responseHeaders.find(([name]) => name.toLowerCase() === 'content-type')?.[1] ?? '';
  if (/text\/event-stream/i.test(contentType)) {
    const reader = new SseStreamReader();
    const blocks = reader.push(body);
    const end = reader.end();
    const all = [...blocks, ...end.blocks];
    const step = all.length > 0 ? (x.receiveMs ?? 0) / all.length : 0;
    for (const block of all) {
      log.advance(step);
      log.append({ kind: 'sse.event', exchangeId: x.exchangeId, ...block });
    }
    log.append({
      kind: 'sse.end',
      exchangeId: x.exchangeId,
      events: all.length,
      leftover: end.leftover,
      leftoverOffset: end.leftoverOffset,
      complete: true,
    });
  } else log.advance(x.receiveMs ?? 0);
  log.append({ kind: 'http.response.body', exchangeId: x.exchangeId, body: textBody(body) });
}

/**
 * A raw SSE stream, as a tool backend's streaming answer to a Daily Bots webhook call. The call itself is not
 * in the file; it is rebuilt from the stream's `llm:function_result` action when there is one, so the stream
 * is checked against the call it claims to answer.
 */
export function eventsFromSseText(text: string): LogEvent[] {
  const log = new SyntheticLog();
  appendExchange(log, {
    exchangeId: 'x1',
    method: 'POST',
    url: '/',
    requestHeaders: [['content-type', 'application/json']],
    requestBody: JSON.stringify(callFromFunctionResult(text)),
    status: 200,
    responseHeaders: [['content-type', 'text/event-stream']],
    responseBody: text,
  });
  return log.events;
}

function callFromFunctionResult(sse: string): { function_name: string; tool_call_id: string; arguments: unknown } {
  const reader = new SseStreamReader();
  for (const block of [...reader.push(sse), ...reader.end().blocks]) {
    if (block.type !== 'action' || !block.data) continue;
    const parsed = tryParseJson(block.data);
    const action = parsed.ok ? readAction(parsed.value) : null;
    if (action?.name !== 'llm:function_result' || !action.args) continue;
    const name = action.args.get('function_name');
    const id = action.args.get('tool_call_id');
    return {
      function_name: typeof name === 'string' ? name : 'unknown_function',
      tool_call_id: typeof id === 'string' ? id : 'unknown_call',
      arguments: action.args.get('arguments') ?? {},
    };
  }
  return { function_name: 'unknown_function', tool_call_id: 'unknown_call', arguments: {} };
}

/** One JSON message sent on a WebSocket, in the given direction. */
export function eventsFromFrame(text: string, direction: 'client-to-upstream' | 'upstream-to-client'): LogEvent[] {
  const log = new SyntheticLog();
  log.append({
    kind: 'ws.open',
    connectionId: 'w1',
    routeId: 'imported',
    url: '/',
    upstreamUrl: '/',
    headers: [],
    requestedProtocols: [],
    protocol: '',
    remoteAddress: '',
  });
  log.append({ kind: 'ws.frame', connectionId: 'w1', direction, opcode: 'text', encoding: 'utf8', data: text, size: utf8ByteLength(text), truncated: false });
  return log.events;
}

/** One JSON body, as a webhook request (the platform's call) with no answer yet. */
export function eventsFromWebhookRequest(text: string): LogEvent[] {
  const log = new SyntheticLog();
  appendExchange(log, {
    exchangeId: 'x1',
    method: 'POST',
    url: '/',
    requestHeaders: [['content-type', 'application/json']],
    requestBody: text,
    status: null,
    responseHeaders: [],
    responseBody: null,
  });
  return log.events;
}
