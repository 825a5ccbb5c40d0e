/**
 * NavTalk's v2 WebSocket: a digital-human wrapper around OpenAI Realtime whose own messages are `realtime.*`
 * (`{type, data, raw_data?}`, raw_data being the OpenAI event it relays) plus `conversation.connected.*` and
 * `webrtc.signaling.*`. Tools go up as a JSON string in `realtime.input_function_call`; calls come down as
 * `realtime.response.function_call_arguments.done`, whose fields may be in `data`, in `raw_data`, or split.
 *
 * NavTalk's official samples answer calls with unprefixed OpenAI events (`conversation.item.create` with a
 * `function_call_output`, then `response.create`): those belong to the OpenAI reader, which reads them the same
 * way on either socket; the analyzer correlates them by call id within the connection.
 */
import type { WsDirection } from '../../events.js';
import type { FindingDraft, RealtimeFrameInput, RealtimeFrameReading } from '../model.js';
import { tryParseJson } from '../model.js';
import { readArguments, readResult } from './call-payloads.js';
import { describeValue, field, firstString, has, messageTypeOf, quote, recordField, stringField } from './json-fields.js';
import { FROM_CLIENT, FROM_SERVER, wrongDirection } from './message-direction.js';
import { guardedDialect } from './reader-guard.js';
import { readRealtimeTools } from './realtime-tools.js';

const PREFIX = 'navtalk';

const AUDIO_EVENTS = new Set(['realtime.input_audio_buffer.append', 'realtime.response.audio.delta']);

/** Connection events that end or refuse the session, with what they mean for the developer. */
const CONNECTION_FAILURES = new Map<string, string>([
  ['conversation.connected.fail', 'the connection to the avatar failed'],
  ['conversation.connected.insufficient_balance', 'the account has no balance left'],
  ['conversation.connected.gpu_full', 'no GPU is free to render the avatar'],
  ['conversation.connected.connection_limit_exceeded', 'the account has too many connections open'],
  ['conversation.connected.backend_error', "NavTalk's backend failed"],
]);

const TOOLS_REFUSED = 'NavTalk hands the tools to OpenAI Realtime, which rejects the whole declaration';

export function isNavTalkMessage(json: Record<string, unknown>): boolean {
  const type = stringField(json, 'type');
  if (type === undefined || typeof field(json, 'label') === 'string') return false;
  return type.startsWith('realtime.') || type.startsWith('conversation.connected.') || type.startsWith('webrtc.signaling.');
}

export function readNavTalkFrame(frame: RealtimeFrameInput): RealtimeFrameReading | null {
  const json = frame.json;
  if (!isNavTalkMessage(json)) return null;
  const type = stringField(json, 'type') ?? '';
  const reading: RealtimeFrameReading = { protocol: 'navtalk', messageType: messageTypeOf(type), findings: [] };
  if (AUDIO_EVENTS.has(type)) {
    reading.audio = true;
    return reading;
  }
  const expect = (direction: WsDirection): boolean => {
    const finding = wrongDirection(PREFIX, type, direction, frame.direction, frame.seq);
    if (finding) reading.findings.push(finding);
    return finding === null;
  };

  switch (type) {
    case 'realtime.input_function_call':
      if (expect(FROM_CLIENT)) readDeclaredTools(json, frame.seq, reading, 'list');
      break;
    case 'realtime.input_config':
      if (expect(FROM_CLIENT)) readDeclaredTools(json, frame.seq, reading, 'config');
      break;
    case 'realtime.response.function_call_arguments.delta':
      if (expect(FROM_SERVER)) readDelta(json, reading);
      break;
    case 'realtime.response.function_call_arguments.done':
      if (expect(FROM_SERVER)) readArgumentsDone(json, frame.seq, reading);
      break;
    case 'realtime.function_call_output':
      if (expect(FROM_CLIENT)) readOutput(json, frame.seq, reading);
      break;
    case 'realtime.error':
      reading.findings.push({
        rule: `${PREFIX}/server-error`,
        severity: 'error',
        message: `NavTalk reported an error: ${quote(errorText(json) ?? 'no message given', 300)}. The request it refers to had no effect.`,
        seq: frame.seq,
      });
      break;
    default:
      readConnectionEvent(type, json, frame.seq, reading);
      break;
  }
  return reading;
}

export const navTalkDialect = guardedDialect('navtalk', readNavTalkFrame);

/**
 * `data.content` is double-encoded: a JSON string holding the tools list (`input_function_call`) or the session
 * config `{voice, prompt, tools?}` (`input_config`).
 */
function readDeclaredTools(json: Record<string, unknown>, seq: number, reading: RealtimeFrameReading, holds: 'list' | 'config'): void {
  const data = recordField(json, 'data');
  const content = field(data, 'content');
  const type = reading.messageType;
  const add = (rule: string, message: string) => reading.findings.push({ rule: `${PREFIX}/${rule}`, severity: 'error', message, seq, path: 'data.content' });
  if (content === undefined) {
    add('missing-content', `This ${type} has no data.content, so NavTalk registers ${holds === 'list' ? 'no tools and the avatar never calls any' : 'no settings'}.`);
    return;
  }
  let value: unknown = content;
  if (typeof content === 'string') {
    const parsed = tryParseJson(content);
    if (!parsed.ok) {
      add('content-not-json', `data.content of this ${type} is not valid JSON (${parsed.error}), so NavTalk cannot read ${holds === 'list' ? 'the tools' : 'the settings'}.`);
      return;
    }
    value = parsed.value;
  } else {
    add(
      'content-not-string',
      `data.content is ${describeValue(content)} itself, but NavTalk expects it as a JSON string (JSON.stringify(${holds === 'list' ? 'tools' : 'config'})), ` +
        `as its SDK sends it. Sent this way NavTalk is unlikely to register ${holds === 'list' ? 'the tools, and the avatar then never calls them' : 'the settings'}.`,
    );
  }
  let list: unknown = value;
  let path = 'data.content';
  if (holds === 'config') {
    if (!has(value, 'tools')) return;
    list = field(value, 'tools');
    path = 'data.content.tools';
  }
  const tools = readRealtimeTools(list, { protocol: 'navtalk', seq, prefix: PREFIX, path, consequence: TOOLS_REFUSED });
  for (const finding of tools.findings) reading.findings.push(finding);
  if (!tools.rejected) reading.toolDefinitions = tools.tools;
}

function readDelta(json: Record<string, unknown>, reading: RealtimeFrameReading): void {
  const data = recordField(json, 'data');
  const raw = recordField(json, 'raw_data');
  const callId = stringField(data, 'call_id') ?? stringField(raw, 'call_id');
  const delta = stringField(data, 'delta') ?? stringField(raw, 'delta');
  if (callId !== undefined && delta !== undefined) reading.argsDelta = { callId, delta };
}

/** The documented fields are in `data`; captured frames had `data: {}` with everything in `raw_data` (valid). */
function readArgumentsDone(json: Record<string, unknown>, seq: number, reading: RealtimeFrameReading): void {
  const data = recordField(json, 'data');
  const raw = recordField(json, 'raw_data');
  const callId = stringField(data, 'call_id') ?? stringField(raw, 'call_id') ?? null;
  const name = firstString(data, ['function_name', 'name']) ?? stringField(raw, 'name') ?? null;
  const argsValue = has(data, 'arguments') ? field(data, 'arguments') : field(raw, 'arguments');
  const argsPath = has(data, 'arguments') ? 'data.arguments' : 'raw_data.arguments';
  const callRef = callId !== null ? { callId } : {};
  const fn = name ? quote(name) : 'this call';
  const start: NonNullable<RealtimeFrameReading['callStart']> = { callId, name };
  const args = readArguments(argsValue);
  if (args) {
    start.argsRaw = args.argsRaw;
    if (args.argsError !== undefined) start.argsError = args.argsError;
    else start.args = args.args;
    if (typeof argsValue === 'object' && argsValue !== null && !Array.isArray(argsValue)) {
      reading.findings.push({
        rule: `${PREFIX}/object-arguments`,
        severity: 'info',
        message:
          `NavTalk sent the arguments of ${fn} as an object rather than the documented JSON string. This is tolerated, but a handler that calls ` +
          'JSON.parse(arguments) throws on it: accept both (typeof arguments === "string" ? JSON.parse(arguments) : arguments).',
        seq,
        path: argsPath,
        ...callRef,
      });
    } else if (args.notObject) {
      reading.findings.push({
        rule: `${PREFIX}/arguments-not-object`,
        severity: 'warning',
        message: `The arguments of ${fn} are ${args.notObject}, not a JSON object of named parameters; a handler that reads arguments.someField gets nothing.`,
        seq,
        path: argsPath,
        ...callRef,
      });
    }
  }
  if (callId === null) {
    reading.findings.push({
      rule: `${PREFIX}/call-without-id`,
      severity: 'error',
      message: `This call of ${fn} has no call id in data.call_id or raw_data.call_id. The client cannot answer it (a function_call_output needs the call id), so the avatar waits and stays silent.`,
      seq,
      path: 'data.call_id',
    });
  }
  if (name === null) {
    reading.findings.push({
      rule: `${PREFIX}/call-without-name`,
      severity: 'warning',
      message: 'This call names no function in data.function_name, data.name or raw_data.name, so a client cannot tell which function to run.',
      seq,
      path: 'data.function_name',
      ...callRef,
    });
  }
  reading.callStart = start;
}

function readOutput(json: Record<string, unknown>, seq: number, reading: RealtimeFrameReading): void {
  const data = recordField(json, 'data');
  const rawCallId = field(data, 'call_id');
  const callId = typeof rawCallId === 'string' ? rawCallId : null;
  const output = field(data, 'output');
  const callRef = callId !== null ? { callId } : {};
  const findings: FindingDraft[] = [];
  if (callId === null) {
    findings.push({
      rule: `${PREFIX}/output-missing-call-id`,
      severity: 'error',
      message:
        `This realtime.function_call_output has no data.call_id (it is ${describeValue(rawCallId)}), so it cannot be matched to the call it answers: ` +
        'the avatar never gets the result and stays silent. Copy call_id from the realtime.response.function_call_arguments.done it answers.',
      seq,
      path: 'data.call_id',
    });
  } else if (callId.startsWith('item_')) {
    findings.push({
      rule: `${PREFIX}/item-id-as-call-id`,
      severity: 'error',
      message: `data.call_id ${quote(callId)} is an item id (item_…), not a call id (call_…): the result cannot be matched to its call. Use call_id, not item_id.`,
      seq,
      path: 'data.call_id',
      callId,
    });
  }
  if (output === undefined) {
    findings.push({
      rule: `${PREFIX}/output-missing`,
      severity: 'error',
      message: 'This realtime.function_call_output has no data.output, so the avatar gets no result. Send the result as a string in data.output.',
      seq,
      path: 'data.output',
      ...callRef,
    });
  } else if (typeof output !== 'string') {
    findings.push({
      rule: `${PREFIX}/object-output`,
      severity: 'error',
      message:
        `data.output is ${describeValue(output)}, but it must be a string: NavTalk passes it on to OpenAI Realtime, which rejects a non-string output, ` +
        'so the avatar never gets the result. Send JSON.stringify(result).',
      seq,
      path: 'data.output',
      ...callRef,
    });
  }
  for (const finding of findings) reading.findings.push(finding);
  // A refused output never reaches the model: no result to record, and a corrected resend is then the first.
  if (callId === null || typeof output !== 'string') return;
  reading.callResult = { callId, ...readResult(output), isError: false };
}

function readConnectionEvent(type: string, json: Record<string, unknown>, seq: number, reading: RealtimeFrameReading): void {
  const failure = CONNECTION_FAILURES.get(type);
  const text = errorText(json);
  const detail = text ? ` (${quote(text, 300)})` : '';
  if (failure) {
    reading.findings.push({
      rule: `${PREFIX}/connection-failed`,
      severity: 'error',
      message: `NavTalk refused or ended the session: ${failure}${detail}. The avatar does not answer on this connection, and calls still open here get no reply.`,
      seq,
    });
  } else if (type === 'conversation.connected.close') {
    reading.findings.push({ rule: `${PREFIX}/connection-closed`, severity: 'info', message: `NavTalk closed the session${detail}.`, seq });
  } else if (type === 'conversation.connected.warning') {
    reading.findings.push({ rule: `${PREFIX}/connection-warning`, severity: 'info', message: `NavTalk warned about the session${detail}.`, seq });
  }
}

function errorText(json: Record<string, unknown>): string | undefined {
  const data = recordField(json, 'data');
  return (
    stringField(json, 'message') ??
    firstString(data, ['message', 'error']) ??
    stringField(recordField(data, 'error'), 'message') ??
    stringField(recordField(recordField(json, 'raw_data'), 'error'), 'message')
  );
}
