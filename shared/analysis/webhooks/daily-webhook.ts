/**
 * Daily Bots `webhook_tools` (shared/protocols/01-daily-bots-webhook-tools.md): the bot POSTs
 * `{function_name, tool_call_id, arguments}`; the answer is either the result as one JSON body, or an SSE stream
 * of RTVI `action` / `update-config` events, where an `llm:function_result` action carries the result and
 * `data:close` ends the stream. The stream is one-way: nothing the bot rejects is ever reported back, which is
 * why each event is checked here.
 *
 * GET: Daily's docs allow `method: "GET"` but do not show how the call travels then. Read here as query
 * parameters (inferred, unverified): `function_name` and `tool_call_id`, and the arguments either as one
 * `arguments` parameter holding JSON or as the remaining parameters.
 */
import type { FindingDraft, SseEventInput, WebhookAnalysis, WebhookCallReading, WebhookDialect, WebhookExchangeInput } from '../model.js';
import { isRecord, tryParseJson } from '../model.js';
import { lintAction, lintUpdateConfig, readAction, type KnownBotConfig, type RtviFindingDraft } from '../rtvi/rtvi-payload-linter.js';
import { readDailyBotStart } from './daily-bot-start.js';
import { cut, describeValue, field, has, quote, readArguments, serialise } from './payload-values.js';
import { bodyState, finiteSeq, finiteTime, isEventStream, method, queryParams, requestBodySeq, requestJson, sseEvents } from './webhook-exchange.js';

export interface DailyWebhookOptions {
  /** The bot's config as `/bots/start` had it, to check update-config services and options against. */
  knownConfig?: KnownBotConfig;
}

export function createDailyWebhookDialect(options: DailyWebhookOptions = {}): WebhookDialect {
  const knownConfig = options?.knownConfig;
  return {
    protocol: 'daily',
    analyze(exchange: WebhookExchangeInput): WebhookAnalysis | null {
      try {
        return readDailyBotStart(exchange) ?? analyseDaily(exchange, knownConfig);
      } catch {
        // Every field is checked before use; an exchange that still trips the reader is shown as plain HTTP.
        return null;
      }
    },
  };
}

interface DailyRequest {
  callId: string | null;
  name: string;
  args: ReturnType<typeof readArguments>;
}

function analyseDaily(ex: WebhookExchangeInput, knownConfig: KnownBotConfig | undefined): WebhookAnalysis | null {
  const findings: FindingDraft[] = [];
  const request = readRequest(ex, findings);
  if (!request) return null;
  const call: WebhookCallReading = { callId: request.callId, name: request.name, args: request.args.args, argsRaw: request.args.argsRaw };
  if (request.args.argsError !== undefined) call.argsError = request.args.argsError;

  if (isEventStream(ex)) readStream(ex, request, call, findings, knownConfig);
  else readJsonAnswer(ex, request, call, findings);

  // Every finding of this exchange is about its one call.
  for (const finding of findings) if (finding.callId === undefined) finding.callId = request.callId;
  return { protocol: 'daily', calls: [call], findings };
}

// ---------------------------------------------------------------------------------------------------------
// request

function readRequest(ex: WebhookExchangeInput, findings: FindingDraft[]): DailyRequest | null {
  const body = requestJson(ex);
  const seq = requestBodySeq(ex);
  if (isRecord(body)) {
    const name = field(body, 'function_name');
    if (typeof name !== 'string' || name === '') return null;
    // function_name alone is too common a key to claim an exchange; Daily always sends the other two as well.
    if (!has(body, 'tool_call_id') && !has(body, 'arguments')) return null;
    return {
      callId: readCallId(field(body, 'tool_call_id'), seq, findings),
      name,
      args: readRequestArguments(field(body, 'arguments'), has(body, 'arguments'), seq, findings),
    };
  }
  if (body !== undefined) return null;
  // No JSON body: a GET (or any method without a body) carrying the call in its query.
  const params = queryParams(ex.url);
  const name = params.find(([key]) => key === 'function_name')?.[1];
  if (name === undefined || name === '' || !params.some(([key]) => key === 'tool_call_id')) return null;
  const callId = params.find(([key]) => key === 'tool_call_id')?.[1] ?? null;
  const argsParam = params.find(([key]) => key === 'arguments');
  let args: ReturnType<typeof readArguments>;
  if (argsParam) {
    args = readArguments(argsParam[1]);
  } else {
    const rest: Record<string, string> = {};
    for (const [key, value] of params) {
      if (key === 'function_name' || key === 'tool_call_id') continue;
      Object.defineProperty(rest, key, { value, enumerable: true, writable: true, configurable: true });
    }
    args = { args: rest, argsRaw: serialise(rest) };
  }
  findings.push({
    rule: 'daily/query-call',
    severity: 'info',
    message:
      `This ${method(ex) || 'request'} carries the call in its query string. Daily documents GET webhooks but not how they encode the call, ` +
      'so Toolscope reads function_name, tool_call_id and the arguments (one JSON "arguments" parameter, or the other parameters) from the query; check ' +
      'that your handler reads them the same way.',
    seq: finiteSeq(ex.requestSeq) ?? seq,
  });
  return { callId: callId === '' ? null : callId, name, args };
}

function readCallId(value: unknown, seq: number, findings: FindingDraft[]): string | null {
  if (typeof value === 'string' && value !== '') return value;
  findings.push({
    rule: 'daily/request-shape',
    severity: 'warning',
    message:
      `The request has ${value === undefined ? 'no "tool_call_id"' : `"tool_call_id" as ${describeValue(value)}`}. Daily always sends the LLM's call id ` +
      'as a string, and a streamed llm:function_result must repeat it, so the result cannot be matched to this call.',
    seq,
    path: 'tool_call_id',
  });
  return typeof value === 'number' && Number.isFinite(value) ? String(value) : null;
}

function readRequestArguments(value: unknown, present: boolean, seq: number, findings: FindingDraft[]): ReturnType<typeof readArguments> {
  if (isRecord(value)) return readArguments(value);
  if (typeof value === 'string') {
    const reading = readArguments(value);
    if (reading.argsError === undefined) {
      findings.push({
        rule: 'daily/arguments-as-string',
        severity: 'warning',
        message:
          'The request has "arguments" as a JSON string, not an object. Daily sends the parsed object, so a handler written for Daily ' +
          '(body.arguments.order_number) finds no fields in a string. Send the object itself.',
        seq,
        path: 'arguments',
      });
    }
    return reading;
  }
  findings.push({
    rule: 'daily/request-shape',
    severity: 'warning',
    message: present
      ? `The request has "arguments" as ${describeValue(value)}, not an object. Daily sends the LLM's arguments as an object ({} when there are none).`
      : 'The request has no "arguments". Daily always sends the LLM\'s arguments as an object ({} when there are none).',
    seq,
    path: 'arguments',
  });
  return present ? readArguments(value) : { args: undefined, argsRaw: '' };
}

// ---------------------------------------------------------------------------------------------------------
// non-streaming answer: the JSON body is the result

function readJsonAnswer(ex: WebhookExchangeInput, request: DailyRequest, call: WebhookCallReading, findings: FindingDraft[]): void {
  const body = bodyState(ex);
  if (body.kind === 'pending' || body.kind === 'failed') return;
  if (body.kind === 'binary') {
    findings.push({
      rule: 'daily/non-json-result',
      severity: 'error',
      message: `The answer to ${cut(request.name)} is binary, not JSON. Daily uses the JSON body as the function result, so the LLM gets no usable result.`,
      seq: body.seq,
    });
    return;
  }
  if (!body.json.ok) {
    const looksLikeSse = /^\uFEFF?(event|data):/.test(body.text.trimStart());
    findings.push({
      rule: 'daily/non-json-result',
      severity: 'error',
      message: looksLikeSse
        ? `The answer to ${cut(request.name)} is an SSE stream, but its Content-Type is not text/event-stream, so the bot reads the body as a JSON result ` +
          'and fails: none of its actions run and the LLM gets no result. Send "Content-Type: text/event-stream" (and set "streaming": true for this tool).'
        : `The answer to ${cut(request.name)} is not JSON (${body.text.trim() === '' ? 'the body is empty' : `${cut(body.json.error, 160)}: ${quote(body.text)}`}). Daily uses the JSON ` +
        'body as the function result, so the LLM gets no usable result and usually apologises or retries. Answer with a JSON object, e.g. ' +
        '{"status": "shipped"}; to stream RTVI actions instead, send Content-Type: text/event-stream and set "streaming": true for this tool.',
      seq: body.seq,
    });
    call.result = { value: body.text, raw: body.text, isError: true, seq: body.seq, t: body.t };
    return;
  }
  if (!isRecord(body.json.value)) {
    findings.push({
      rule: 'daily/non-object-result',
      severity: 'warning',
      message:
        `The answer to ${cut(request.name)} is ${describeValue(body.json.value)}, not a JSON object. Daily documents "a JSON object" as the function result; ` +
        'other values reach the LLM as they are or are dropped, depending on the model. Wrap it, e.g. {"result": ...}.',
      seq: body.seq,
    });
  }
  call.result = { value: body.json.value, raw: body.text, isError: false, seq: body.seq, t: body.t };
}

// ---------------------------------------------------------------------------------------------------------
// streaming answer: SSE events of RTVI messages

const FUNCTION_RESULT = 'llm:function_result';

interface StreamState {
  closedBy: SseEventInput | null;
  /** Non-dispatched `event: close` blocks seen (no data line). */
  dataLessClose: boolean;
  /** llm:function_result actions seen, whether accepted or not. */
  resultAttempts: number;
  afterClose: SseEventInput[];
}

function readStream(
  ex: WebhookExchangeInput,
  request: DailyRequest,
  call: WebhookCallReading,
  findings: FindingDraft[],
  knownConfig: KnownBotConfig | undefined,
): void {
  const state: StreamState = { closedBy: null, dataLessClose: false, resultAttempts: 0, afterClose: [] };
  for (const event of sseEvents(ex)) {
    const at = eventRef(event);
    if (event.dispatched !== true) {
      if (isDataLessClose(event.raw)) {
        state.dataLessClose = true;
        if (!state.closedBy) findings.push(closeWithoutData(at));
      }
      continue;
    }
    const type = typeof event.type === 'string' ? event.type : 'message';
    const data = typeof event.data === 'string' ? event.data : '';
    if (state.closedBy) {
      state.afterClose.push(event);
      continue;
    }
    if (type === 'message' && data.trim() === 'close') {
      state.closedBy = event;
      continue;
    }
    if (type === 'close') {
      state.closedBy = event;
      findings.push({
        rule: 'daily/close-as-event-type',
        severity: 'info',
        message:
          'The stream ends with an event named "close" (event: close plus a data line). Daily\'s own examples end with a plain "data:close" ' +
          'event; whether the hosted bot also stops on a "close" event type is not documented. Prefer "data:close" followed by a blank line.',
        ...at,
      });
      continue;
    }
    if (type === 'action' || type === 'update-config') {
      readRtviEvent(event, type, data, request, call, findings, state, knownConfig);
      continue;
    }
    findings.push(unknownEvent(type, data, at));
  }

  if (state.afterClose.length > 0) {
    const first = state.afterClose[0]!;
    const closeSeq = state.closedBy?.seq;
    const results = state.afterClose.filter((e) => e.type === 'action' && typeof e.data === 'string' && e.data.includes('function_result')).length;
    // A result after the close is explained here, not again as a missing result.
    state.resultAttempts += results;
    findings.push({
      rule: 'daily/event-after-close',
      severity: results > 0 ? 'error' : 'warning',
      message:
        `${state.afterClose.length === 1 ? 'An event follows' : `${state.afterClose.length} events follow`} the close${closeSeq !== undefined ? ` (event #${closeSeq})` : ''}. ` +
        `The close ends the stream for the bot, so it most likely never reads ${state.afterClose.length === 1 ? 'it' : 'them'}` +
        `${results > 0 ? ', including the llm:function_result: the call gets no result' : ''}. Send "data:close" last.`,
      ...eventRef(first),
    });
  }

  const end = isRecord(ex.sseEnd) ? ex.sseEnd : null;
  // A stream that was cut or failed has its own findings (sse/stream-cut, http/aborted); only a finished stream is judged here.
  if (!end || end.complete === false || isRecord(ex.ended)) return;
  const leftover = typeof end.leftover === 'string' && end.leftover.trim() !== '' ? end.leftover : null;
  const endRef: Omit<FindingDraft, 'rule' | 'severity' | 'message'> = { seq: finiteSeq(end.seq) ?? requestBodySeq(ex) };
  if (leftover !== null && finiteSeq(end.leftoverOffset) !== undefined) {
    endRef.byteOffset = end.leftoverOffset as number;
  }
  // A JSON answer sent as text/event-stream: one cause, one finding.
  if (sseEvents(ex).length === 0 && leftover !== null && tryParseJson(leftover).ok) {
    findings.push({
      rule: 'daily/json-as-event-stream',
      severity: 'error',
      message:
        `The answer to ${cut(request.name)} is declared as an SSE stream (Content-Type: text/event-stream) but its body is a plain JSON value ` +
        'with no SSE events, so the bot finds no llm:function_result in it and the LLM gets no result. Either answer with Content-Type: ' +
        'application/json (and "streaming": false for this tool), or send the result as "event: action" / "data: {...}" followed by "data:close".',
      ...endRef,
    });
    return;
  }
  if (!state.closedBy && !state.dataLessClose) {
    if (leftover !== null && isDataLessClose(leftover)) {
      findings.push(closeWithoutData(endRef));
    } else {
      const lost = leftover !== null && /(^|[\r\n])data:\s?close\s*$/.test(leftover);
      findings.push({
        rule: 'daily/missing-close',
        severity: 'error',
        message: lost
          ? 'The stream ends with "data:close" but no blank line after it, so the close is never dispatched: the bot does not see the end of ' +
            'the stream and may keep waiting until the connection times out. End the stream with "data:close" and an empty line.'
          : 'The stream ended without "data:close". Daily\'s streamed answers end with a "data:close" event followed by a blank line; ' +
            'without it the bot does not see the end of the stream and may keep waiting until the connection times out. Send "data:close\\n\\n" last.',
        ...endRef,
      });
    }
  }
  if (!call.result && state.resultAttempts === 0) {
    const dropped = leftover !== null && leftover.includes('function_result');
    findings.push({
      rule: 'daily/no-function-result',
      severity: 'error',
      message: dropped
        ? `The stream's last event holds an llm:function_result, but it has no blank line after it, so the bot drops it: ${cut(request.name)} ` +
          `(${request.callId === null ? 'no call id' : cut(request.callId)}) gets no result and the LLM waits or answers without it. End every event with an empty line.`
        : `The stream ended without an llm:function_result action that the bot could read. In a streamed answer that action is the only way ` +
          `the result reaches the LLM, so ${cut(request.name)} (${request.callId === null ? 'no call id' : cut(request.callId)}) gets no result. Send event: action with ` +
          `{"service": "llm", "action": "function_result", "arguments": [function_name, tool_call_id, arguments, result]} before "data:close".`,
      ...endRef,
    });
  }
}

function readRtviEvent(
  event: SseEventInput,
  type: 'action' | 'update-config',
  data: string,
  request: DailyRequest,
  call: WebhookCallReading,
  findings: FindingDraft[],
  state: StreamState,
  knownConfig: KnownBotConfig | undefined,
): void {
  const at = eventRef(event);
  const parsed = tryParseJson(data);
  if (!parsed.ok) {
    const pretty = data.trim() === '{' || data.trim() === '[';
    const isResult = type === 'action' && /function_result/.test(event.raw);
    if (isResult) state.resultAttempts++;
    findings.push({
      rule: 'daily/invalid-json-payload',
      severity: 'error',
      message:
        `The data of this "${type}" event is not JSON (${data.trim() === '' ? 'it is empty' : `${quote(data)}: ${cut(parsed.error, 160)}`}), so the bot ignores the ` +
        `${type}${isResult ? ' and the call gets no result' : ''}. ` +
        (pretty
          ? 'The JSON is spread over several lines and only the first has "data:": SSE drops the others. Send the JSON on one "data:" line.'
          : 'Send one JSON object per event.'),
      ...at,
    });
    return;
  }
  const payload = parsed.value;
  const lint: RtviFindingDraft[] = type === 'action' ? lintAction(payload) : lintUpdateConfig(payload, knownConfig, { dailyServices: true });
  for (const draft of lint) findings.push({ ...draft, ...at, ...(draft.path !== undefined && draft.path !== '' ? { path: draft.path } : {}) });
  if (type !== 'action') return;

  const action = readAction(payload);
  if (action.name !== FUNCTION_RESULT) return;
  state.resultAttempts++;
  // The linter explains every reason the bot rejects the action; a rejected result is attached to nothing.
  if (lint.some((f) => f.severity === 'error') || !action.valid || !action.args) return;
  const args = action.args;
  const toolCallId = args.get('tool_call_id');
  const functionName = args.get('function_name');
  if (request.callId !== null && toolCallId !== request.callId) {
    findings.push({
      rule: 'daily/result-call-id-mismatch',
      severity: 'error',
      message:
        `This llm:function_result names tool_call_id ${typeof toolCallId === 'string' ? quote(toolCallId) : describeValue(toolCallId)}, but the bot called ` +
        `${cut(request.name)} with ${quote(request.callId)}. The bot attaches the result to no pending call, so the LLM never gets it. Echo the ` +
        'tool_call_id from the request.',
      ...at,
      path: argumentPath(payload, 'tool_call_id'),
    });
    return;
  }
  if (typeof functionName === 'string' && functionName !== request.name) {
    findings.push({
      rule: 'daily/result-name-mismatch',
      severity: 'error',
      message:
        `This llm:function_result names function ${quote(functionName)}, but the call ${request.callId !== null ? `${quote(request.callId)} ` : ''}was ` +
        `${quote(request.name)}. The result does not match the call it answers, so the bot drops it or feeds the LLM a result for the wrong function. ` +
        'Echo function_name from the request.',
      ...at,
      path: argumentPath(payload, 'function_name'),
    });
    return;
  }
  if (call.result) {
    findings.push({
      rule: 'daily/duplicate-function-result',
      severity: 'warning',
      message:
        `A second llm:function_result for ${cut(request.name)} (the first was event #${call.result.seq}). The call already has its result, so the bot ` +
        'ignores this one or makes the LLM answer twice. Send one result per call.',
      ...at,
    });
    return;
  }
  const value = args.get('result');
  call.result = { value, raw: serialise(value), isError: false, seq: event.seq, t: finiteTime(event.t, 0) };
}

function eventRef(event: SseEventInput): Omit<FindingDraft, 'rule' | 'severity' | 'message'> {
  const ref: Omit<FindingDraft, 'rule' | 'severity' | 'message'> = { seq: event.seq };
  const offset = finiteSeq(event.byteOffset);
  const length = finiteSeq(event.byteLength);
  if (offset !== undefined && length !== undefined && offset >= 0 && length >= 0) {
    ref.byteOffset = offset;
    ref.byteLength = length;
  }
  return ref;
}

/** The JSON path of a named action argument's value, e.g. `arguments[1].value`. */
function argumentPath(payload: unknown, name: string): string {
  const args = field(payload, 'arguments');
  if (Array.isArray(args)) {
    for (let i = args.length - 1; i >= 0; i--) if (field(args[i], 'name') === name) return `arguments[${i}].value`;
  }
  return 'arguments';
}

/** A block with `event: close` and no data line, which SSE never dispatches. */
function isDataLessClose(raw: string): boolean {
  let closeNamed = false;
  for (const line of raw.split(/\r\n|\r|\n/)) {
    if (line.startsWith('data')) {
      const rest = line.slice(4);
      if (rest === '' || rest.startsWith(':')) return false;
    }
    if (/^event:\s?close\s*$/.test(line)) closeNamed = true;
  }
  return closeNamed;
}

function closeWithoutData(at: Omit<FindingDraft, 'rule' | 'severity' | 'message'>): FindingDraft {
  return {
    rule: 'daily/close-without-data',
    severity: 'error',
    message:
      'This "event: close" has no data line. An SSE event without data is never dispatched, so the bot never sees this close ' +
      'and does not know the stream has ended; it may keep waiting until the connection times out. Send "data:close" followed by a blank line instead.',
    ...at,
  };
}

function unknownEvent(type: string, data: string, at: Omit<FindingDraft, 'rule' | 'severity' | 'message'>): FindingDraft {
  const parsed = data.trimStart().startsWith('{') ? tryParseJson(data) : null;
  const value = parsed?.ok ? parsed.value : undefined;
  if (type === 'message' && isRecord(value)) {
    const meant = has(value, 'action') && has(value, 'service') ? 'action' : has(value, 'config') ? 'update-config' : null;
    if (meant) {
      return {
        rule: 'daily/missing-event-name',
        severity: 'error',
        message:
          `This event has no "event:" line, so it is dispatched as a plain "message" event, but its data is ${meant === 'action' ? 'an action' : 'an update-config'}. ` +
          `The bot acts only on events named "${meant}" and ignores this one${meant === 'action' && data.includes('function_result') ? ', so the call gets no result' : ''}. ` +
          `Put "event: ${meant}" on the line before "data:".`,
        ...at,
      };
    }
  }
  return {
    rule: 'daily/unknown-event',
    severity: 'warning',
    message:
      `${type === 'message' ? `This event has no "event:" line and its data is ${quote(data)}` : `The event type ${quote(type)} is not one Daily's streamed answers use`}. ` +
      'The bot handles "action" and "update-config" events and the "data:close" that ends the stream; it most likely ignores this one.',
    ...at,
  };
}
