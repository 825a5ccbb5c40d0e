/**
 * ElevenLabs Conversational AI (Agents) WebSocket: `client_tool_call` from the agent, `client_tool_result` from
 * the client. The schema requires only `type`, so a malformed result is accepted on the wire and silently fails:
 * without `tool_call_id` it answers nothing, and a tool with "Wait for response" leaves the agent stalled.
 */
import type { FindingDraft, RealtimeFrameInput, RealtimeFrameReading } from '../model.js';
import { isRecord } from '../model.js';
import { readArguments, readResult } from './call-payloads.js';
import { describeValue, field, has, messageTypeOf, quote, recordField, stringField } from './json-fields.js';
import { FROM_CLIENT, FROM_SERVER, wrongDirection } from './message-direction.js';
import { guardedDialect } from './reader-guard.js';

const PREFIX = 'elevenlabs';

const CLIENT_TYPES = new Set(['client_tool_result', 'conversation_initiation_client_data', 'pong', 'user_message', 'user_activity', 'user_audio_chunk']);
const SERVER_TYPES = new Set([
  'client_tool_call',
  'conversation_initiation_metadata',
  'ping',
  'audio',
  'agent_response',
  'agent_response_correction',
  'agent_chat_response_part',
  'agent_tool_response',
  'user_transcript',
  'tentative_user_transcript',
  'internal_tentative_agent_response',
  'interruption',
  'vad_score',
  'mcp_tool_call',
  'mcp_connection_status',
]);
/** Sent by either side. */
const SHARED_TYPES = new Set(['contextual_update']);

/** `{user_audio_chunk: "<base64>"}` has no type at all: it is named here by its one field. */
const USER_AUDIO_CHUNK = 'user_audio_chunk';

export function isElevenLabsMessage(json: Record<string, unknown>): boolean {
  if (typeof field(json, 'label') === 'string') return false;
  const type = field(json, 'type');
  if (type === undefined) return typeof field(json, USER_AUDIO_CHUNK) === 'string';
  return typeof type === 'string' && (CLIENT_TYPES.has(type) || SERVER_TYPES.has(type) || SHARED_TYPES.has(type));
}

export function readElevenLabsFrame(frame: RealtimeFrameInput): RealtimeFrameReading | null {
  const json = frame.json;
  if (!isElevenLabsMessage(json)) return null;
  const type = stringField(json, 'type') ?? USER_AUDIO_CHUNK;
  const reading: RealtimeFrameReading = { protocol: 'elevenlabs', messageType: messageTypeOf(type), findings: [] };
  if (type === 'audio' || type === USER_AUDIO_CHUNK) reading.audio = true;
  const expected = CLIENT_TYPES.has(type) ? FROM_CLIENT : SERVER_TYPES.has(type) ? FROM_SERVER : null;
  if (expected) {
    const finding = wrongDirection(PREFIX, type, expected, frame.direction, frame.seq);
    if (finding) {
      reading.findings.push(finding);
      return reading;
    }
  }
  if (type === 'client_tool_call') readToolCall(json, frame.seq, reading);
  else if (type === 'client_tool_result') readToolResult(json, frame.seq, reading);
  return reading;
}

export const elevenLabsDialect = guardedDialect('elevenlabs', readElevenLabsFrame);

function readToolCall(json: Record<string, unknown>, seq: number, reading: RealtimeFrameReading): void {
  const call = recordField(json, 'client_tool_call');
  const callId = stringField(call, 'tool_call_id') ?? null;
  const name = stringField(call, 'tool_name') ?? null;
  const start: NonNullable<RealtimeFrameReading['callStart']> = { callId, name };
  const parameters = field(call, 'parameters');
  const args = readArguments(parameters);
  if (args) {
    start.argsRaw = args.argsRaw;
    if (args.argsError !== undefined) start.argsError = args.argsError;
    else start.args = args.args;
  }
  reading.callStart = start;
  const callRef = callId !== null ? { callId } : {};
  if (callId === null || name === null) {
    const missing = callId === null ? 'tool_call_id' : 'tool_name';
    reading.findings.push({
      rule: `${PREFIX}/malformed-tool-call`,
      severity: 'warning',
      message: `This client_tool_call has ${missing} as ${describeValue(field(call, missing))}, where ElevenLabs sends a string: the client cannot ${callId === null ? 'answer it with a matching client_tool_result' : 'tell which tool to run'}.`,
      seq,
      path: `client_tool_call.${missing}`,
      ...callRef,
    });
  }
  if (isRecord(parameters) && has(parameters, 'tool_call_id')) {
    reading.findings.push({
      rule: `${PREFIX}/parameter-named-tool-call-id`,
      severity: 'warning',
      message:
        `${name ? quote(name) : 'This tool'} has a parameter named tool_call_id. The ElevenLabs Python SDK puts the call id into the parameters it ` +
        'passes to your handler under that same name, so the handler never sees the value the agent chose. Rename the parameter.',
      seq,
      path: 'client_tool_call.parameters.tool_call_id',
      ...callRef,
    });
  }
}

function readToolResult(json: Record<string, unknown>, seq: number, reading: RealtimeFrameReading): void {
  const rawCallId = field(json, 'tool_call_id');
  const callId = typeof rawCallId === 'string' ? rawCallId : null;
  const findings: FindingDraft[] = [];
  const openAiFields = ['call_id', 'output'].filter((key) => has(json, key) && !has(json, key === 'call_id' ? 'tool_call_id' : 'result'));
  const strayId = stringField(json, 'call_id');

  if (openAiFields.length > 0) {
    const rename = openAiFields.map((key) => (key === 'call_id' ? 'call_id → tool_call_id' : 'output → result')).join(', ');
    findings.push({
      rule: `${PREFIX}/openai-shaped-result`,
      severity: 'error',
      message:
        `This client_tool_result uses the OpenAI Realtime field${openAiFields.length > 1 ? 's' : ''} ${openAiFields.join(' and ')}. ElevenLabs accepts it ` +
        `without complaint but reads only tool_call_id, result and is_error, so ${callId === null ? 'the result answers no call and the agent stalls waiting for it' : 'the agent gets an empty result'}. ` +
        `Rename ${rename}.`,
      seq,
      path: openAiFields[0] ?? 'call_id',
      ...(callId !== null ? { callId } : strayId !== undefined ? { callId: strayId } : {}),
    });
  } else if (callId === null) {
    findings.push({
      rule: `${PREFIX}/missing-tool-call-id`,
      severity: 'error',
      message:
        `This client_tool_result has no tool_call_id (it is ${describeValue(rawCallId)}). ElevenLabs accepts it, but it answers no call: a tool with ` +
        '"Wait for response" leaves the agent stalled until it times out. Echo client_tool_call.tool_call_id at the top level of the result.',
      seq,
      path: 'tool_call_id',
    });
  }
  const result = field(json, 'result');
  const callRef = callId !== null ? { callId } : {};
  if (result !== undefined && typeof result !== 'string') {
    findings.push({
      rule: `${PREFIX}/non-string-result`,
      severity: 'warning',
      message:
        `result is ${describeValue(result)}; the ElevenLabs schema says string. The Python SDK sends objects like this and the agent usually copes, ` +
        'but what the LLM sees is up to ElevenLabs: send JSON.stringify(result) to be sure.',
      seq,
      path: 'result',
      ...callRef,
    });
  } else if (result === undefined && !openAiFields.includes('output')) {
    findings.push({
      rule: `${PREFIX}/missing-result`,
      severity: 'warning',
      message: 'This client_tool_result has no result, so the agent gets an empty answer from the tool. Put the tool output in result, as a string.',
      seq,
      path: 'result',
      ...callRef,
    });
  }
  const isError = field(json, 'is_error');
  if (isError !== undefined && typeof isError !== 'boolean') {
    findings.push({
      rule: `${PREFIX}/is-error-not-boolean`,
      severity: 'warning',
      message: `is_error is ${describeValue(isError)}, not true or false, so whether the agent treats this result as a failure is undefined. Send a boolean.`,
      seq,
      path: 'is_error',
      ...callRef,
    });
  }
  for (const finding of findings) reading.findings.push(finding);
  if (callId === null) return;
  reading.callResult = { callId, ...readResult(result), isError: isError === true };
}
