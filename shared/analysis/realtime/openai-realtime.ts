/**
 * OpenAI Realtime over WebSocket, GA and beta: tools declared in `session.update` (and echoed back in
 * `session.created` / `session.updated`), calls announced by argument deltas, `.done`, output items and
 * `response.done`, results sent as `conversation.item.create` with a `function_call_output` item. Unprefixed
 * OpenAI events on a NavTalk socket (its official samples answer calls this way) are read here too.
 */
import type { FindingDraft, RealtimeFrameInput, RealtimeFrameReading } from '../model.js';
import { isRecord } from '../model.js';
import { readArguments, readResult } from './call-payloads.js';
import { describeValue, field, has, messageTypeOf, quote, recordField, stringField, typeName } from './json-fields.js';
import { FROM_CLIENT, FROM_SERVER, wrongDirection } from './message-direction.js';
import { guardedDialect } from './reader-guard.js';
import { readEchoedTools, readRealtimeTools } from './realtime-tools.js';

const PREFIX = 'openai-rt';

export type CallStartReading = NonNullable<RealtimeFrameReading['callStart']>;

/**
 * What one OpenAI frame says. `response.done` lists every output item of a response, so it can announce several
 * calls at once, while the contract's reading has room for one `callStart`.
 */
export interface OpenAiFrameReading extends Omit<RealtimeFrameReading, 'callStart'> {
  callStarts: CallStartReading[];
}

/** Events a client may send (GA and beta). Anything else sent by a client is refused with an `error` event. */
const CLIENT_EVENTS = new Set([
  'session.update',
  'transcription_session.update',
  'input_audio_buffer.append',
  'input_audio_buffer.commit',
  'input_audio_buffer.clear',
  'output_audio_buffer.clear',
  'conversation.item.create',
  'conversation.item.retrieve',
  'conversation.item.truncate',
  'conversation.item.delete',
  'response.create',
  'response.cancel',
]);

/** Server event names a client sometimes sends by mistake (`session.updated` for `session.update`). */
const SERVER_EVENTS = new Set([
  'error',
  'session.created',
  'session.updated',
  'transcription_session.created',
  'transcription_session.updated',
  'conversation.created',
  'conversation.item.created',
  'conversation.item.added',
  'conversation.item.done',
  'conversation.item.retrieved',
  'conversation.item.truncated',
  'conversation.item.deleted',
  'input_audio_buffer.committed',
  'input_audio_buffer.cleared',
  'input_audio_buffer.speech_started',
  'input_audio_buffer.speech_stopped',
  'response.created',
  'response.done',
  'response.output_item.added',
  'response.output_item.done',
  'response.function_call_arguments.delta',
  'response.function_call_arguments.done',
  'rate_limits.updated',
]);

/** Frames that carry base64 audio: many and large, folded by the UI. */
const AUDIO_EVENTS = new Set(['input_audio_buffer.append', 'response.audio.delta', 'response.output_audio.delta']);

const PREFIXES = [
  'session.',
  'transcription_session.',
  'conversation.',
  'input_audio_buffer.',
  'output_audio_buffer.',
  'response.',
  'rate_limits.',
  'mcp_list_tools.',
];

/** Session fields only the beta interface has: their presence means `session.type` is not required. */
const BETA_SESSION_FIELDS = ['modalities', 'voice', 'input_audio_format', 'output_audio_format', 'input_audio_transcription', 'turn_detection', 'temperature', 'max_response_output_tokens'];
const GA_SESSION_FIELDS = ['audio', 'output_modalities'];

/** Whether a frame is OpenAI Realtime: its event names, minus NavTalk's own `conversation.connected.*` and RTVI envelopes. */
export function isOpenAiRealtimeMessage(json: Record<string, unknown>): boolean {
  const type = stringField(json, 'type');
  if (type === undefined || typeof field(json, 'label') === 'string') return false;
  if (type === 'error') return recordField(json, 'error') !== undefined;
  if (type.startsWith('conversation.connected.')) return false;
  return PREFIXES.some((prefix) => type.startsWith(prefix));
}

export function readOpenAiRealtimeFrameAll(frame: RealtimeFrameInput): OpenAiFrameReading | null {
  const json = frame.json;
  if (!isOpenAiRealtimeMessage(json)) return null;
  const type = stringField(json, 'type') ?? '';
  const reading: OpenAiFrameReading = { protocol: 'openai-realtime', messageType: messageTypeOf(type), findings: [], callStarts: [] };
  if (AUDIO_EVENTS.has(type)) reading.audio = true;
  const seq = frame.seq;

  if (frame.direction === FROM_CLIENT && !CLIENT_EVENTS.has(type)) {
    reading.findings.push(notAClientEvent(type, seq));
    return reading;
  }
  if (frame.direction === FROM_SERVER && CLIENT_EVENTS.has(type)) {
    const finding = wrongDirection(PREFIX, type, FROM_CLIENT, frame.direction, seq);
    if (finding) reading.findings.push(finding);
    return reading;
  }
  if (reading.audio) return reading;

  switch (type) {
    case 'session.update':
      readSessionUpdate(json, seq, reading);
      break;
    case 'session.created':
    case 'session.updated': {
      const tools = readEchoedTools(field(recordField(json, 'session'), 'tools'), 'openai-realtime', seq);
      if (tools.length > 0) reading.toolDefinitions = tools;
      break;
    }
    case 'response.function_call_arguments.delta': {
      const callId = stringField(json, 'call_id');
      const delta = stringField(json, 'delta');
      if (callId !== undefined && delta !== undefined) reading.argsDelta = { callId, delta };
      else reading.findings.push(malformedServerEvent(type, callId === undefined ? 'call_id' : 'delta', json, seq));
      break;
    }
    case 'response.function_call_arguments.done':
      readArgumentsDone(json, seq, reading);
      break;
    case 'response.output_item.added':
    case 'response.output_item.done':
    case 'conversation.item.created':
    case 'conversation.item.added':
    case 'conversation.item.done':
    case 'conversation.item.retrieved': {
      const item = recordField(json, 'item');
      if (item && field(item, 'type') === 'function_call') reading.callStarts.push(callFromItem(item).start);
      break;
    }
    case 'response.done':
      readResponseDone(json, seq, reading);
      break;
    case 'conversation.item.create':
      readItemCreate(json, seq, reading);
      break;
    case 'error':
      reading.findings.push(serverError(recordField(json, 'error') ?? {}, seq));
      break;
    default:
      break;
  }
  return reading;
}

/** The reading in the contract's shape: `response.done` keeps its first call. */
export function readOpenAiRealtimeFrame(frame: RealtimeFrameInput): RealtimeFrameReading | null {
  const reading = readOpenAiRealtimeFrameAll(frame);
  if (!reading) return null;
  const { callStarts, ...rest } = reading;
  // Every function_call item of a response is also announced by its own `.done` and `response.output_item.done`,
  // so the later items of a `response.done` are not lost to the analyzer.
  const first = callStarts[0];
  return first ? { ...rest, callStart: first } : rest;
}

export const openAiRealtimeDialect = guardedDialect('openai-realtime', readOpenAiRealtimeFrame);

function readSessionUpdate(json: Record<string, unknown>, seq: number, reading: OpenAiFrameReading): void {
  const session = recordField(json, 'session');
  if (!session) {
    reading.findings.push({
      rule: `${PREFIX}/invalid-session-update`,
      severity: 'error',
      message: `This session.update has no session object (session is ${describeValue(field(json, 'session'))}). OpenAI rejects it with an error event and keeps the previous session. Put the settings in "session": {…}.`,
      seq,
      path: 'session',
    });
    return;
  }
  let rejected = false;
  const sessionType = field(session, 'type');
  if (sessionType === undefined) {
    const gaFields = GA_SESSION_FIELDS.filter((key) => has(session, key));
    const betaFields = BETA_SESSION_FIELDS.filter((key) => has(session, key));
    if (gaFields.length > 0 || betaFields.length === 0) {
      rejected = gaFields.length > 0;
      reading.findings.push({
        rule: `${PREFIX}/session-type-missing`,
        severity: 'error',
        message:
          'This session.update has no session.type. The GA Realtime API requires type "realtime" (or "transcription"): it rejects the update with an ' +
          'error event and keeps the previous session, tools included. Add "type": "realtime" to the session.' +
          (gaFields.length > 0
            ? ` (The update uses the GA field ${gaFields.map((key) => `session.${key}`).join(' and ')}, so it is meant for the GA interface.)`
            : ' (Only the deprecated beta interface, with the OpenAI-Beta: realtime=v1 header, accepts a session without a type.)'),
        seq,
        path: 'session.type',
      });
    }
  } else if (sessionType !== 'realtime' && sessionType !== 'transcription') {
    rejected = true;
    reading.findings.push({
      rule: `${PREFIX}/session-type-unknown`,
      severity: 'error',
      message: `session.type is ${describeValue(sessionType)}; OpenAI accepts only "realtime" or "transcription" and rejects this session.update with an error event, keeping the previous session.`,
      seq,
      path: 'session.type',
    });
  }
  if (!has(session, 'tools')) return;
  const tools = readRealtimeTools(field(session, 'tools'), {
    protocol: 'openai-realtime',
    seq,
    prefix: PREFIX,
    path: 'session.tools',
    consequence: 'OpenAI rejects this session.update with an error event and keeps the previous session',
  });
  for (const finding of tools.findings) reading.findings.push(finding);
  if (!rejected && !tools.rejected) reading.toolDefinitions = tools.tools;
}

function readArgumentsDone(json: Record<string, unknown>, seq: number, reading: OpenAiFrameReading): void {
  const callId = stringField(json, 'call_id') ?? null;
  // The beta event has no name: the analyzer takes it from the output item that announced the same call id.
  const name = stringField(json, 'name') ?? null;
  const start: CallStartReading = { callId, name };
  const args = readArguments(field(json, 'arguments'));
  if (args) {
    start.argsRaw = args.argsRaw;
    if (args.argsError !== undefined) start.argsError = args.argsError;
    else start.args = args.args;
    if (args.notObject) reading.findings.push(argumentsNotObject(args.notObject, name, callId, seq, 'arguments'));
  }
  if (callId === null || !args || typeof field(json, 'arguments') !== 'string') {
    reading.findings.push(malformedServerEvent('response.function_call_arguments.done', callId === null ? 'call_id' : 'arguments', json, seq));
  }
  reading.callStarts.push(start);
}

/** A `function_call` item; its arguments count once the item is complete (an in-progress item has `""`). */
function callFromItem(item: Record<string, unknown>): { start: CallStartReading; notObject?: string } {
  const start: CallStartReading = { callId: stringField(item, 'call_id') ?? null, name: stringField(item, 'name') ?? null };
  const status = field(item, 'status');
  const raw = field(item, 'arguments');
  const complete = status === 'completed' || status === 'incomplete' || (status === undefined && raw !== undefined && raw !== '');
  if (!complete) return { start };
  const args = readArguments(raw);
  if (!args) return { start };
  start.argsRaw = args.argsRaw;
  if (args.argsError !== undefined) start.argsError = args.argsError;
  else start.args = args.args;
  return args.notObject ? { start, notObject: args.notObject } : { start };
}

function readResponseDone(json: Record<string, unknown>, seq: number, reading: OpenAiFrameReading): void {
  const response = recordField(json, 'response');
  const output = field(response, 'output');
  if (Array.isArray(output)) {
    for (const item of output) {
      if (isRecord(item) && field(item, 'type') === 'function_call') reading.callStarts.push(callFromItem(item).start);
    }
  }
  if (field(response, 'status') === 'failed') {
    const error = recordField(recordField(response, 'status_details'), 'error');
    const detail = stringField(error, 'message') ?? stringField(error, 'code') ?? stringField(error, 'type');
    reading.findings.push({
      rule: `${PREFIX}/response-failed`,
      severity: 'error',
      message: `The response failed${detail ? `: ${quote(detail, 300)}` : ''}. The model produced no complete answer for this turn, so the caller hears nothing until the next response.create.`,
      seq,
      path: 'response.status_details',
    });
  }
}

function readItemCreate(json: Record<string, unknown>, seq: number, reading: OpenAiFrameReading): void {
  const item = recordField(json, 'item');
  if (!item) {
    reading.findings.push({
      rule: `${PREFIX}/invalid-item`,
      severity: 'error',
      message: `This conversation.item.create has no item object (item is ${describeValue(field(json, 'item'))}). OpenAI rejects it with an error event and adds nothing to the conversation.`,
      seq,
      path: 'item',
    });
    return;
  }
  const itemType = field(item, 'type');
  if (itemType === 'function_call') {
    // A client restoring earlier turns creates the call itself, then its output.
    const { start, notObject } = callFromItem(item);
    if (notObject) reading.findings.push(argumentsNotObject(notObject, start.name, start.callId, seq, 'item.arguments'));
    reading.callStarts.push(start);
    return;
  }
  if (itemType !== 'function_call_output') return;

  const rawCallId = field(item, 'call_id');
  const callId = typeof rawCallId === 'string' ? rawCallId : null;
  const output = field(item, 'output');
  let rejected = false;
  if (callId === null) {
    rejected = true;
    reading.findings.push({
      rule: `${PREFIX}/output-missing-call-id`,
      severity: 'error',
      message:
        `This function_call_output has no call_id (it is ${describeValue(rawCallId)}). OpenAI requires the call_id of the function call it answers ` +
        'and rejects the item with an error event, so the model never gets the result. Copy call_id from response.function_call_arguments.done.',
      seq,
      path: 'item.call_id',
    });
  } else if (callId.startsWith('item_')) {
    reading.findings.push({
      rule: `${PREFIX}/item-id-as-call-id`,
      severity: 'error',
      message:
        `call_id ${quote(callId)} is an item id (item_…), not a call id (call_…). The output cannot be matched to its function call, so the model ` +
        'never gets the result. Use the call_id field of response.function_call_arguments.done, not its item_id.',
      seq,
      path: 'item.call_id',
      callId,
    });
  }
  if (output === undefined) {
    rejected = true;
    reading.findings.push({
      rule: `${PREFIX}/output-missing`,
      severity: 'error',
      message: 'This function_call_output has no output. OpenAI requires output as a string and rejects the item with an error event; the model never gets a result. Send the result as a string, e.g. JSON.stringify(result).',
      seq,
      path: 'item.output',
      ...(callId !== null ? { callId } : {}),
    });
  } else if (typeof output !== 'string') {
    rejected = true;
    reading.findings.push({
      rule: `${PREFIX}/object-output`,
      severity: 'error',
      message:
        `output is ${describeValue(output)}, but OpenAI Realtime requires a string. It rejects the item with an error event, so the model never gets the ` +
        'result and stays silent. Send JSON.stringify(result) instead.',
      seq,
      path: 'item.output',
      ...(callId !== null ? { callId } : {}),
    });
  }
  // A refused item never reaches the conversation: no result to record, and a corrected resend is then the first.
  if (rejected || typeof output !== 'string') return;
  reading.callResult = { callId, ...readResult(output), isError: false };
}

function serverError(error: Record<string, unknown>, seq: number): FindingDraft {
  const message = stringField(error, 'message');
  const code = stringField(error, 'code') ?? stringField(error, 'type');
  const param = stringField(error, 'param');
  const eventId = stringField(error, 'event_id');
  return {
    rule: `${PREFIX}/server-error`,
    severity: 'error',
    message:
      `OpenAI Realtime reported an error${code ? ` (${typeName(code)})` : ''}: ${message ? quote(message, 300) : 'no message given'}${param ? `, about ${typeName(param)}` : ''}. ` +
      (eventId
        ? `The client event ${quote(eventId)} it refers to was refused and had no effect; the session carries on as before.`
        : 'The client event that caused it had no effect; set event_id on client events to see which one it was.'),
    seq,
    path: 'error',
  };
}

function notAClientEvent(type: string, seq: number): FindingDraft {
  const isServerEvent = SERVER_EVENTS.has(type) || (type.startsWith('response.') && type.endsWith('.delta'));
  const guess = [...CLIENT_EVENTS].find((client) => type === `${client}d` || type === `${client}s` || type === `${client}ed`);
  return {
    rule: `${PREFIX}/not-a-client-event`,
    severity: isServerEvent ? 'error' : 'warning',
    message:
      `${typeName(type)} is not an event a client may send to OpenAI Realtime${isServerEvent ? ' (it is a server event)' : ''}: the server answers with an error event and ignores it.` +
      (guess ? ` Did you mean ${guess}?` : ''),
    seq,
    path: 'type',
  };
}

function malformedServerEvent(type: string, missing: string, json: Record<string, unknown>, seq: number): FindingDraft {
  return {
    rule: `${PREFIX}/malformed-server-event`,
    severity: 'warning',
    message: `This ${type} has ${missing} as ${describeValue(field(json, missing))}, where OpenAI always sends a string: it does not come from OpenAI as documented (a mock or another relay?), and clients that rely on ${missing} will fail.`,
    seq,
    path: missing,
  };
}

function argumentsNotObject(what: string, name: string | null, callId: string | null, seq: number, path: string): FindingDraft {
  return {
    rule: `${PREFIX}/arguments-not-object`,
    severity: 'warning',
    message: `The arguments of ${name ? quote(name) : 'this call'} are ${what}, not a JSON object of named parameters; a tool that reads arguments.someField gets nothing.`,
    seq,
    path,
    ...(callId !== null ? { callId } : {}),
  };
}
