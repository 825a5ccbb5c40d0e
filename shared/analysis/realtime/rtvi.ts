/**
 * Pipecat RTVI messages on a WebSocket: the envelope `{label: "rtvi-ai", type, id?, data}`, function calls from
 * the bot (0.x–1.1 `llm-function-call` with `args`; ≥1.2 `llm-function-call-started` / `-in-progress` /
 * `-stopped`), results from the client (`llm-function-call-result` with `arguments` and `result`), and the
 * errors the bot answers with. Pipecat validates client messages with pydantic: a message that fails is
 * answered with `error` or `error-response` and has no effect, so it answers no call here either.
 */
import type { FindingDraft, RealtimeDialect, RealtimeFrameInput, RealtimeFrameReading } from '../model.js';
import { isRecord } from '../model.js';
import type { KnownBotConfig } from '../rtvi/rtvi-payload-linter.js';
import { lintAction, lintUpdateConfig } from '../rtvi/rtvi-payload-linter.js';
import { readArguments, readResult } from './call-payloads.js';
import { describeValue, field, firstString, has, messageTypeOf, quote, stringField, typeName } from './json-fields.js';
import { FROM_CLIENT, wrongDirection } from './message-direction.js';
import { guardedDialect } from './reader-guard.js';

const PREFIX = 'rtvi';
const LABEL = 'rtvi-ai';

/** Client messages current Pipecat handles. */
const CLIENT_TYPES = new Set([
  'client-ready',
  'disconnect-bot',
  'client-message',
  'send-text',
  'send-file',
  'dtmf',
  'ui-event',
  'ui-snapshot',
  'ui-cancel-job-group',
  'append-to-context',
  'llm-function-call-result',
  'raw-audio',
  'raw-audio-batch',
]);

/** RTVI 0.x client messages whose handlers Pipecat 1.0 removed: a current bot answers "Unsupported type". */
const REMOVED_CLIENT_TYPES = new Set(['update-config', 'action', 'describe-actions', 'describe-config', 'get-config']);

const SERVER_TYPES = new Set([
  'bot-ready',
  'error',
  'error-response',
  'metrics',
  'server-message',
  'server-response',
  'append-to-context-result',
  'ui-command',
  'ui-job-group',
  'user-started-speaking',
  'user-stopped-speaking',
  'bot-started-speaking',
  'bot-stopped-speaking',
  'user-mute-started',
  'user-mute-stopped',
  'user-transcription',
  'bot-output',
  'bot-transcription',
  'user-llm-text',
  'bot-llm-text',
  'bot-llm-started',
  'bot-llm-stopped',
  'bot-llm-search-response',
  'bot-tts-text',
  'bot-tts-started',
  'bot-tts-stopped',
  'llm-function-call',
  'llm-function-call-start',
  'llm-function-call-started',
  'llm-function-call-in-progress',
  'llm-function-call-stopped',
  // RTVI 0.x replies
  'action-response',
  'config',
  'actions-available',
  'config-available',
  'config-error',
  'storage-item-stored',
]);

const AUDIO_TYPES = new Set(['raw-audio', 'raw-audio-batch']);

export interface RtviReaderOptions {
  /** The RTVI protocol version the bot announced (`bot-ready` `data.version`), when known. */
  protocolVersion?: string;
  /** The Pipecat version of the bot (`bot-ready` `data.about.library_version`), when known. */
  pipecatVersion?: string;
  /** The bot's config as started, to check update-config services and options against. */
  knownConfig?: KnownBotConfig;
}

function isKnownType(type: string): boolean {
  return CLIENT_TYPES.has(type) || REMOVED_CLIENT_TYPES.has(type) || SERVER_TYPES.has(type);
}

/**
 * An RTVI message: labelled `rtvi-ai`, or labelled otherwise (a mistake to report) with an RTVI type or an RTVI-ish
 * label, or unlabelled with an RTVI type (kebab-case, which no other dialect here uses).
 */
export function isRtviMessage(json: Record<string, unknown>): boolean {
  const label = field(json, 'label');
  const type = field(json, 'type');
  if (label === LABEL) return true;
  if (typeof label === 'string') return (typeof type === 'string' && isKnownType(type)) || /rtvi|realtime-ai/i.test(label);
  return label === undefined && typeof type === 'string' && type.includes('-') && isKnownType(type);
}

export function readRtviFrame(frame: RealtimeFrameInput, options: RtviReaderOptions = {}): RealtimeFrameReading | null {
  const json = frame.json;
  if (!isRtviMessage(json)) return null;
  const rawType = field(json, 'type');
  const type = typeof rawType === 'string' ? rawType : '(no type)';
  const reading: RealtimeFrameReading = { protocol: 'rtvi', messageType: messageTypeOf(type), findings: [] };
  if (AUDIO_TYPES.has(type)) reading.audio = true;
  const seq = frame.seq;
  const fromClient = frame.direction === FROM_CLIENT;
  const data = field(json, 'data');
  const toolCallId = stringField(data, 'tool_call_id');
  const callRef = toolCallId !== undefined ? { callId: toolCallId } : {};

  if (!envelopeAccepted(json, type, fromClient, seq, reading, callRef)) return reading;
  if (reading.audio) return reading;

  if (fromClient && !CLIENT_TYPES.has(type)) {
    if (REMOVED_CLIENT_TYPES.has(type)) readRemovedMessage(json, type, seq, reading, options);
    else reading.findings.push(unsupportedClientMessage(type, seq));
    return reading;
  }
  if (!fromClient && (CLIENT_TYPES.has(type) || REMOVED_CLIENT_TYPES.has(type))) {
    const finding = wrongDirection(PREFIX, type, FROM_CLIENT, frame.direction, seq);
    if (finding) reading.findings.push(finding);
    return reading;
  }

  switch (type) {
    case 'llm-function-call':
      readFunctionCall(data, seq, reading);
      break;
    case 'llm-function-call-start':
    case 'llm-function-call-started': {
      // No tool_call_id: parallel calls cannot be told apart, so this names a call without identifying it.
      const name = stringField(data, 'function_name');
      if (name !== undefined) reading.callStart = { callId: null, name };
      break;
    }
    case 'llm-function-call-in-progress':
      readInProgress(data, seq, reading);
      break;
    case 'llm-function-call-stopped':
      readStopped(data, seq, reading);
      break;
    case 'llm-function-call-result':
      readFunctionResult(data, seq, reading);
      break;
    case 'error':
      reading.findings.push(botError(data, seq));
      break;
    case 'error-response':
      reading.findings.push(errorResponse(data, stringField(json, 'id'), seq));
      break;
    default:
      break;
  }
  return reading;
}

export function rtviDialect(options: RtviReaderOptions = {}): RealtimeDialect {
  return guardedDialect('rtvi', (frame) => readRtviFrame(frame, options));
}

/** Label, type, id and data as Pipecat validates them; false when the message is dropped or refused. */
function envelopeAccepted(
  json: Record<string, unknown>,
  type: string,
  fromClient: boolean,
  seq: number,
  reading: RealtimeFrameReading,
  callRef: { callId?: string },
): boolean {
  const label = field(json, 'label');
  const what = type === 'llm-function-call-result' ? 'this function result' : `this ${typeName(type)}`;
  if (label !== LABEL) {
    const receiver = fromClient
      ? `Current Pipecat drops it with only a log line on the server ("Ignoring not RTVI message"), so the bot never sees ${what}; RTVI 0.x bots answered an error event instead.`
      : `RTVI clients look for the label "rtvi-ai", so the client may ignore ${what}.`;
    reading.findings.push({
      rule: label === undefined ? `${PREFIX}/missing-label` : `${PREFIX}/wrong-label`,
      severity: 'error',
      message: `${label === undefined ? 'This RTVI message has no label' : `label is ${quote(String(label))}`}, not "rtvi-ai". ${receiver} Set "label": "rtvi-ai".`,
      seq,
      path: 'label',
      ...callRef,
    });
    return false;
  }
  const refused = fromClient
    ? `Pipecat refuses it with an error event "Invalid RTVI transport message" and ignores ${what}.`
    : 'RTVI clients cannot handle it.';
  if (typeof field(json, 'type') !== 'string') {
    reading.findings.push(invalidEnvelope(`type is ${describeValue(field(json, 'type'))}, not a string. ${refused}`, 'type', seq, callRef));
    return false;
  }
  if (!fromClient) return true;
  const id = field(json, 'id');
  if (id === undefined) {
    reading.findings.push({
      rule: `${PREFIX}/missing-id`,
      severity: 'error',
      message: `This ${typeName(type)} from the client has no id, which Pipecat requires on every client message: ${refused} client-js adds one itself; a hand-built message must too.`,
      seq,
      path: 'id',
      ...callRef,
    });
    return false;
  }
  if (typeof id !== 'string') {
    reading.findings.push(invalidEnvelope(`id is ${describeValue(id)}, not a string. ${refused}`, 'id', seq, callRef));
    return false;
  }
  const data = field(json, 'data');
  if (data !== undefined && data !== null && !isRecord(data)) {
    reading.findings.push(invalidEnvelope(`data is ${describeValue(data)}; Pipecat accepts only an object or null. ${refused}`, 'data', seq, callRef));
    return false;
  }
  return true;
}

function invalidEnvelope(message: string, path: string, seq: number, callRef: { callId?: string }): FindingDraft {
  return { rule: `${PREFIX}/invalid-envelope`, severity: 'error', message, seq, path, ...callRef };
}

/** 0.x `llm-function-call`: `args` (not `arguments`) inline. */
function readFunctionCall(data: unknown, seq: number, reading: RealtimeFrameReading): void {
  const callId = stringField(data, 'tool_call_id') ?? null;
  const name = stringField(data, 'function_name') ?? null;
  const start: NonNullable<RealtimeFrameReading['callStart']> = { callId, name };
  const args = readArguments(has(data, 'args') ? field(data, 'args') : field(data, 'arguments'));
  if (args) {
    start.argsRaw = args.argsRaw;
    if (args.argsError !== undefined) start.argsError = args.argsError;
    else start.args = args.args;
  }
  if (callId === null) reading.findings.push(malformedServerEvent('llm-function-call', 'tool_call_id', data, seq));
  reading.callStart = start;
}

/** What the event carries depends on the bot's function_call_report_level (NONE by default). */
function readInProgress(data: unknown, seq: number, reading: RealtimeFrameReading): void {
  const callId = stringField(data, 'tool_call_id') ?? null;
  const name = stringField(data, 'function_name') ?? null;
  const start: NonNullable<RealtimeFrameReading['callStart']> = { callId, name };
  const args = readArguments(field(data, 'arguments'));
  if (args) {
    start.argsRaw = args.argsRaw;
    if (args.argsError !== undefined) start.argsError = args.argsError;
    else start.args = args.args;
  }
  reading.callStart = start;
  if (callId === null) {
    reading.findings.push(malformedServerEvent('llm-function-call-in-progress', 'tool_call_id', data, seq));
    return;
  }
  if (name === null) {
    reading.findings.push({
      rule: `${PREFIX}/report-level-none`,
      severity: 'info',
      message:
        'This llm-function-call-in-progress carries only the tool_call_id (the bot\'s function_call_report_level is NONE, the default). Fine when the ' +
        'bot runs the function itself; but a client-side handler never fires for it (client-js needs function_name), so if the client is meant to ' +
        'answer, no result is sent and the bot waits until its timeout. Set the report level to NAME or FULL for such functions.',
      seq,
      callId,
    });
  } else if (!has(data, 'arguments')) {
    reading.findings.push({
      rule: `${PREFIX}/report-level-name`,
      severity: 'info',
      message: `This llm-function-call-in-progress names ${quote(name)} but carries no arguments (report level NAME): a client-side handler runs with arguments {}. Use report level FULL if the client runs this function.`,
      seq,
      callId,
    });
  }
}

/**
 * `cancelled` ends the call unanswered; otherwise the call is done, and with report level FULL `result` is what
 * the function returned. When the bot runs the function itself this is the only result on the wire.
 */
function readStopped(data: unknown, seq: number, reading: RealtimeFrameReading): void {
  const callId = stringField(data, 'tool_call_id');
  if (callId === undefined) {
    reading.findings.push(malformedServerEvent('llm-function-call-stopped', 'tool_call_id', data, seq));
    return;
  }
  if (field(data, 'cancelled') === true) {
    reading.callCancelled = { callId };
    return;
  }
  const name = stringField(data, 'function_name');
  reading.callResult = { callId, ...readResult(field(data, 'result')), isError: false, ...(name !== undefined ? { functionName: name } : {}) };
}

/**
 * Pipecat validates the result as `{function_name: str, tool_call_id: str, arguments: dict, result: dict | str}`;
 * anything else is answered with `error-response "Invalid message"` and the bot never gets the result.
 */
function readFunctionResult(data: unknown, seq: number, reading: RealtimeFrameReading): void {
  const callId = stringField(data, 'tool_call_id');
  const name = stringField(data, 'function_name');
  const callRef = callId !== undefined ? { callId } : {};
  const refused = 'Pipecat answers error-response "Invalid message" and the bot never gets the result: the call waits until its timeout.';
  const problems: FindingDraft[] = [];
  const add = (rule: string, message: string, path: string) =>
    problems.push({ rule: `${PREFIX}/${rule}`, severity: 'error', message: `${message} ${refused}`, seq, path, ...callRef });

  if (!isRecord(data)) {
    add('function-result-missing-field', `This llm-function-call-result has data ${describeValue(data)} instead of {function_name, tool_call_id, arguments, result}.`, 'data');
    for (const finding of problems) reading.findings.push(finding);
    return;
  }
  const missing: string[] = [];
  if (name === undefined) missing.push(`function_name (${describeValue(field(data, 'function_name'))})`);
  if (callId === undefined) missing.push(`tool_call_id (${describeValue(field(data, 'tool_call_id'))})`);
  const args = field(data, 'arguments');
  if (args === undefined && has(data, 'args')) {
    add(
      'function-result-args-key',
      'This llm-function-call-result has "args" where "arguments" belongs (the bot\'s llm-function-call says args, but the result must say arguments).',
      'data.args',
    );
  } else if (!isRecord(args)) {
    missing.push(`arguments (${describeValue(args)}, must be an object)`);
  }
  if (missing.length > 0) {
    add('function-result-missing-field', `This llm-function-call-result lacks a valid ${missing.join(', ')}.`, 'data');
  }
  const result = field(data, 'result');
  if (typeof result !== 'string' && !isRecord(result)) {
    add(
      'function-result-bad-result',
      `result is ${describeValue(result)}, but Pipecat accepts only an object or a string.` +
        (Array.isArray(result) ? ' Wrap the list in an object ({"items": […]}) or send it as a JSON string.' : ''),
      'data.result',
    );
  }
  for (const finding of problems) reading.findings.push(finding);
  if (problems.length > 0 || callId === undefined) return;
  reading.callResult = { callId, ...readResult(result), isError: false, ...(name !== undefined ? { functionName: name } : {}) };
}

function readRemovedMessage(json: Record<string, unknown>, type: string, seq: number, reading: RealtimeFrameReading, options: RtviReaderOptions): void {
  const pipecatMajor = majorVersion(options.pipecatVersion);
  const removed = pipecatMajor !== null && pipecatMajor >= 1;
  const stillSupported = pipecatMajor === null && majorVersion(options.protocolVersion) === 0;
  if (!stillSupported) {
    reading.findings.push({
      rule: `${PREFIX}/removed-message`,
      severity: removed ? 'error' : 'warning',
      message:
        (removed
          ? `This bot runs Pipecat ${typeName(options.pipecatVersion ?? '')}, which no longer handles ${type} (removed in Pipecat 1.0): it `
          : `${type} is an RTVI 0.x message that Pipecat 1.0 removed. A bot on Pipecat 1.0 or later `) +
        `answers error-response "Unsupported type ${type}" and changes nothing. Only RTVI 0.x bots (the Daily Bots era) apply it; ` +
        'bot-ready data.version and data.about.library_version say which the bot is. On current Pipecat, send a client-message and handle it in the bot.',
      seq,
      path: 'type',
    });
  }
  if (removed) return;
  // Where the bot may still apply it, its shape decides whether anything is applied at all.
  const data = field(json, 'data');
  const drafts = type === 'update-config' ? lintUpdateConfig(data, options.knownConfig, 'data') : type === 'action' ? lintAction(data, 'data') : [];
  for (const draft of drafts) reading.findings.push({ ...draft, seq });
}

function unsupportedClientMessage(type: string, seq: number): FindingDraft {
  return {
    rule: `${PREFIX}/unsupported-client-message`,
    severity: 'warning',
    message:
      `${typeName(type)} is not a message the client sends${SERVER_TYPES.has(type) ? ' (it is one the bot sends)' : ''}: Pipecat answers error-response "Unsupported type ${typeName(type)}" ` +
      'and ignores it. For custom data use a client-message {t, d}.',
    seq,
    path: 'type',
  };
}

function botError(data: unknown, seq: number): FindingDraft {
  // client-js once typed this as {message, fatal} while Pipecat sends {error, fatal}: read both.
  const text = firstString(data, ['error', 'message']);
  const fatal = field(data, 'fatal') === true;
  return {
    rule: `${PREFIX}/bot-error`,
    severity: 'error',
    message:
      `The bot reported ${fatal ? 'a fatal error (the session ends)' : 'an error'}: ${text !== undefined ? quote(text, 300) : 'no message given'}.` +
      (text?.startsWith('Invalid RTVI transport message') ? ' A client message failed validation (no id, or data not an object) and was ignored.' : ''),
    seq,
    path: 'data.error',
  };
}

function errorResponse(data: unknown, id: string | undefined, seq: number): FindingDraft {
  const text = firstString(data, ['error', 'message']);
  const unsupported = text?.startsWith('Unsupported type') === true;
  return {
    rule: `${PREFIX}/error-response`,
    severity: 'error',
    message:
      `The bot refused the client message${id !== undefined ? ` ${quote(id)}` : ''}: ${text !== undefined ? quote(text, 300) : 'no reason given'}. That request had no effect.` +
      (unsupported ? ' The bot does not handle that message type (Pipecat 1.0 removed update-config, action, describe-* and get-config).' : ''),
    seq,
    path: 'data.error',
  };
}

function malformedServerEvent(type: string, missing: string, data: unknown, seq: number): FindingDraft {
  return {
    rule: `${PREFIX}/malformed-server-event`,
    severity: 'warning',
    message: `This ${type} has ${missing} as ${describeValue(field(data, missing))}, where Pipecat sends a string: the client cannot tell which call it is about, and cannot answer it.`,
    seq,
    path: `data.${missing}`,
  };
}

function majorVersion(version: string | undefined): number | null {
  const match = version === undefined ? null : /^\s*v?(\d+)\./.exec(version);
  return match ? Number(match[1]) : null;
}

