/**
 * Vapi server URL messages (shared/protocols/03-vapi-server-url.md): every message is a POST of
 * `{message: {type, …}}`. `tool-calls` carries one or more calls, answered by `{results: [{toolCallId, result |
 * error}]}` with HTTP 200; the legacy `function-call` carries one call without an id, answered by `{result}`.
 * Other types are events (`status-update`, `end-of-call-report`) or requests for something other than a
 * function result (`transfer-destination-request`, `assistant-request`): they are labelled, not read as calls.
 *
 * Vapi fails quietly: an answer it cannot use is logged on its side as "no result returned" and the assistant
 * goes on without it, so every shape rule of the answer is checked here.
 */
import type { FindingDraft, ToolDefinition, WebhookAnalysis, WebhookCallReading, WebhookDialect, WebhookExchangeInput } from '../model.js';
import { isRecord } from '../model.js';
import { childPath } from '../tools/json-path.js';
import { arrayField, cut, describeValue, field, has, nearest, quote, readArguments, recordField, serialise, stringField } from './payload-values.js';
import { bodyState, finiteSeq, finiteTime, requestBodySeq, requestJson, response, type BodyState } from './webhook-exchange.js';

/** Message types of Vapi's server messages (OpenAPI `ServerMessage*`), so an unrelated `{message: {type}}` body is not taken for Vapi. */
const MESSAGE_TYPES = new Set([
  'assistant-request',
  'assistant.started',
  'call.deleted',
  'call.delete.failed',
  'call.endpointing.request',
  'chat.created',
  'chat.deleted',
  'conversation-update',
  'end-of-call-report',
  'function-call',
  'handoff-destination-request',
  'hang',
  'knowledge-base-request',
  'language-change-detected',
  'language-changed',
  'model-output',
  'phone-call-control',
  'session.created',
  'session.deleted',
  'session.updated',
  'speech-update',
  'status-update',
  'tool-calls',
  'tool-calls-result',
  'transcript',
  'transcript[transcriptType="final"]',
  'transfer-destination-request',
  'transfer-update',
  'user-interrupted',
  'voice-input',
  'voice-request',
]);

/** Tools Vapi runs itself: a server does not answer them (`dialKeypad` is the old name of `dtmf`). */
const BUILT_INS = new Set(['transferCall', 'endCall', 'dialKeypad', 'dtmf']);

/** Vapi gives up on an `assistant-request` answer after 7.5 s, end to end. */
const ASSISTANT_REQUEST_LIMIT_MS = 7500;

export function createVapiServerUrlDialect(): WebhookDialect {
  return {
    protocol: 'vapi',
    analyze(exchange: WebhookExchangeInput): WebhookAnalysis | null {
      try {
        return analyseVapi(exchange);
      } catch {
        return null;
      }
    },
  };
}

function analyseVapi(ex: WebhookExchangeInput): WebhookAnalysis | null {
  const body = requestJson(ex);
  const message = recordField(body, 'message');
  const type = stringField(message, 'type');
  if (!message || type === undefined) return null;
  if (!MESSAGE_TYPES.has(type) && !isRecord(field(message, 'call'))) return null;

  const analysis: WebhookAnalysis = { protocol: 'vapi', calls: [], findings: [] };
  const tools = new ToolCollector();
  tools.addAssistant(recordField(message, 'assistant'), requestBodySeq(ex));
  const answer = bodyState(ex);

  if (type === 'tool-calls') readToolCalls(ex, message, answer, analysis, tools);
  else if (type === 'function-call') readFunctionCall(ex, message, answer, analysis);
  else {
    analysis.label = type;
    if (type === 'transfer-destination-request') checkTransferDestination(answer, analysis);
    if (type === 'assistant-request') checkAssistantRequest(ex, answer, analysis, tools);
  }
  const definitions = tools.list();
  if (definitions.length > 0) analysis.toolDefinitions = definitions;
  return analysis;
}

// ---------------------------------------------------------------------------------------------------------
// tool-calls

interface ToolCallEntry {
  call: WebhookCallReading;
  /** Built-in tools and async tools: Vapi does not use an answer. */
  resultIgnored: 'built-in' | 'async' | null;
}

function readToolCalls(ex: WebhookExchangeInput, message: Record<string, unknown>, answer: BodyState, analysis: WebhookAnalysis, tools: ToolCollector): void {
  const seq = requestBodySeq(ex);
  const withTools = arrayField(message, 'toolWithToolCallList') ?? [];
  for (const item of withTools) tools.addTool(item, seq);

  // toolCallList is the documented list; the other two repeat it in other shapes (and some senders fill only one).
  const toolCallList = arrayField(message, 'toolCallList');
  const toolCalls = arrayField(message, 'toolCalls');
  let raw: unknown[];
  if (toolCallList && toolCallList.length > 0) raw = toolCallList;
  else if (withTools.length > 0) raw = withTools.map((item) => field(item, 'toolCall') ?? item);
  else raw = toolCalls ?? [];

  const entries: ToolCallEntry[] = [];
  for (const item of raw) {
    if (!isRecord(item)) continue;
    const fn = recordField(item, 'function');
    const id = field(item, 'id');
    const callId = typeof id === 'string' && id !== '' ? id : null;
    const declared = callId ? withTools.find((w) => field(field(w, 'toolCall'), 'id') === callId) : undefined;
    const name = stringField(fn, 'name') ?? stringField(recordField(declared, 'function'), 'name') ?? stringField(declared, 'type') ?? stringField(item, 'type') ?? '';
    const args = readArguments(has(fn, 'arguments') ? field(fn, 'arguments') : field(fn, 'parameters'));
    const call: WebhookCallReading = { callId, name, args: args.args, argsRaw: args.argsRaw };
    if (args.argsError !== undefined) call.argsError = args.argsError;
    const declaredType = stringField(declared, 'type');
    const resultIgnored = BUILT_INS.has(name) || (declaredType !== undefined && BUILT_INS.has(declaredType)) ? 'built-in' : field(declared, 'async') === true ? 'async' : null;
    if (resultIgnored) call.expectsResult = false;
    entries.push({ call, resultIgnored });
  }
  analysis.calls = entries.map((e) => e.call);
  for (const entry of entries) {
    if (!entry.resultIgnored) continue;
    analysis.findings.push({
      rule: 'vapi/result-not-used',
      severity: 'info',
      message:
        entry.resultIgnored === 'built-in'
          ? `${cut(entry.call.name)} is a Vapi built-in tool: Vapi runs it itself and does not use an answer from your server, so no result is expected here.`
          : `${cut(entry.call.name) || 'This tool'} is declared "async": true, so Vapi does not wait for the answer and ignores its result. Make it synchronous if the assistant needs the result.`,
      seq,
      callId: entry.call.callId,
    });
  }
  if (entries.length === 0) {
    analysis.label = 'tool-calls';
    return;
  }
  // When every call is one Vapi does not wait for, what the server answers does not matter.
  const expected = entries.filter((e) => !e.resultIgnored);
  if (expected.length === 0) return;
  const answerable = readAnswerBody(answer, analysis, expected, 'tool-calls');
  if (!answerable) return;
  readResults(answerable, entries, analysis);
}

/** The answer's JSON object, once it is complete and Vapi uses it; findings for what stops Vapi from using it. */
function readAnswerBody(
  answer: BodyState,
  analysis: WebhookAnalysis,
  entries: ToolCallEntry[],
  type: string,
): { json: Record<string, unknown>; seq: number; t: number } | null {
  if (answer.kind === 'pending' || answer.kind === 'failed') return null;
  const callId = entries.length === 1 ? entries[0]!.call.callId : undefined;
  const withCall = (f: FindingDraft): FindingDraft => (callId !== undefined ? { ...f, callId } : f);
  if (answer.status !== 200) {
    analysis.findings.push(
      withCall({
        rule: 'vapi/non-200-status',
        severity: 'error',
        message: `The answer to this ${type} message has HTTP status ${answer.status}. Vapi uses only answers with status 200 and ignores this one, so the assistant gets no result. Answer 200, and report tool errors in the body.`,
        seq: answer.seq,
      }),
    );
    return null;
  }
  if (answer.kind === 'binary' || !answer.json.ok || !isRecord(answer.json.value)) {
    const what =
      answer.kind === 'binary'
        ? 'binary'
        : !answer.json.ok
          ? `not JSON (${cut(answer.json.error, 160)}${answer.text.trim() !== '' ? `: ${quote(answer.text)}` : ''})`
          : describeValue(answer.json.value);
    analysis.findings.push(
      withCall({
        rule: type === 'tool-calls' ? 'vapi/missing-results' : 'vapi/missing-legacy-result',
        severity: 'error',
        message:
          type === 'tool-calls'
            ? `The answer to this tool-calls message is ${what}, not {"results": [...]}. Vapi logs "no result returned" and the assistant goes on without a result. Answer {"results": [{"toolCallId": "...", "result": "..."}]}.`
            : `The answer to this function-call message is ${what}, not {"result": "..."}. Vapi gets no result for the function. Answer {"result": "..."}.`,
        seq: answer.seq,
      }),
    );
    return null;
  }
  return { json: answer.json.value, seq: answer.seq, t: answer.t };
}

function readResults(answer: { json: Record<string, unknown>; seq: number; t: number }, entries: ToolCallEntry[], analysis: WebhookAnalysis): void {
  const { json, seq, t } = answer;
  const results = field(json, 'results');
  const findings = analysis.findings;
  const onlyCall = entries.length === 1 ? entries[0]!.call.callId : undefined;
  if (!Array.isArray(results)) {
    let shape: string;
    if (results !== undefined) shape = `"results" is ${describeValue(results)}, not a list`;
    else if (has(json, 'toolCallId') || has(json, 'tool_call_id')) shape = 'it is one result entry without the {"results": [...]} list around it';
    else if (has(json, 'result')) shape = 'it has "result" at the top level, the answer shape of the legacy function-call message';
    else if (typeof field(json, 'error') === 'string') shape = `it has only a top-level "error" (${quote(field(json, 'error') as string)})`;
    else shape = `it has no "results" (keys: ${Object.keys(json).slice(0, 6).map((k) => quote(k, 30)).join(', ') || 'none'})`;
    findings.push({
      rule: 'vapi/missing-results',
      severity: 'error',
      message:
        `The answer to this tool-calls message has no "results" list: ${shape}. Vapi logs "no result returned" and the assistant goes on ` +
        'without a result. Answer {"results": [{"toolCallId": "<the id from toolCallList>", "result": "..."}]}.',
      seq,
      path: results !== undefined ? 'results' : '',
      ...(onlyCall !== undefined ? { callId: onlyCall } : {}),
    });
    return;
  }

  const byId = new Map<string, ToolCallEntry>();
  for (const entry of entries) if (entry.call.callId !== null && !byId.has(entry.call.callId)) byId.set(entry.call.callId, entry);
  /** Calls some entry was meant for (a near id, a snake_case key): their missing result is already explained. */
  const explained = new Set<ToolCallEntry>();
  results.forEach((item, k) => {
    const path = childPath('results', k);
    if (!isRecord(item)) {
      findings.push({
        rule: 'vapi/invalid-result-entry',
        severity: 'error',
        message: `results[${k}] is ${describeValue(item)}, not {"toolCallId": "...", "result": "..."}. Vapi cannot use it.`,
        seq,
        path,
      });
      return;
    }
    const id = field(item, 'toolCallId');
    if (typeof id !== 'string') {
      const alias = ['tool_call_id', 'toolCallID', 'tool_callId', 'toolcallid', 'toolCall_id'].find((key) => typeof field(item, key) === 'string');
      if (alias) {
        const aliasId = field(item, alias) as string;
        const target = byId.get(aliasId);
        if (target) explained.add(target);
        findings.push({
          rule: 'vapi/snake-case-id',
          severity: 'error',
          message:
            `results[${k}] names its call with "${alias}", but Vapi reads only "toolCallId" (camelCase). It matches the result to no call and logs ` +
            `"no result returned"${target ? `, so ${cut(target.call.name) || 'the call'} (${quote(aliasId)}) gets no result` : ''}. Rename the key to "toolCallId".`,
          seq,
          path: childPath(path, alias),
          ...(target ? { callId: target.call.callId } : {}),
        });
        return;
      }
      const other = ['id', 'callId', 'call_id'].find((key) => typeof field(item, key) === 'string');
      const target = other ? byId.get(field(item, other) as string) : undefined;
      if (target) explained.add(target);
      findings.push({
        rule: 'vapi/invalid-result-entry',
        severity: 'error',
        message:
          `results[${k}] has ${id === undefined ? 'no "toolCallId"' : `"toolCallId" as ${describeValue(id)}`}${other ? ` (it has "${other}")` : ''}, so Vapi ` +
          'cannot tell which call it answers and drops it. Set "toolCallId" to the id from toolCallList.',
        seq,
        path: id === undefined ? path : childPath(path, 'toolCallId'),
        ...(target ? { callId: target.call.callId } : {}),
      });
      return;
    }
    const entry = byId.get(id);
    if (!entry) {
      const near = nearest(id, byId.keys(), Math.max(2, Math.floor(id.length / 8)));
      const target = near ? byId.get(near) : undefined;
      if (target) explained.add(target);
      const known = [...byId.keys()];
      findings.push({
        rule: 'vapi/unknown-tool-call-id',
        severity: 'error',
        message:
          `results[${k}] answers toolCallId ${quote(id)}, which no call in this message has` +
          (near ? `; the nearest is ${quote(near)} (${cut(target?.call.name ?? '') || 'a call'}), which differs by a few characters` : known.length > 0 ? ` (calls: ${known.slice(0, 5).map((c) => quote(c)).join(', ')})` : '') +
          '. Vapi matches ids exactly, so it attaches this result to nothing and logs "no result returned". Copy the id from toolCallList unchanged.',
        seq,
        path: childPath(path, 'toolCallId'),
        ...(target ? { callId: target.call.callId } : {}),
      });
      return;
    }
    readResultEntry(item, path, entry, findings, seq, t);
  });

  for (const entry of entries) {
    if (entry.call.result || entry.resultIgnored || explained.has(entry)) continue;
    // An entry that was read but had neither result nor error already has its finding.
    if (entry.call.callId !== null && results.some((r) => field(r, 'toolCallId') === entry.call.callId)) continue;
    findings.push({
      rule: 'vapi/missing-result',
      severity: 'error',
      message:
        entry.call.callId === null
          ? `${cut(entry.call.name) || 'A call'} has no id in the message, so no entry of "results" can answer it.`
          : `No entry of "results" has toolCallId ${quote(entry.call.callId)}, so ${cut(entry.call.name) || 'this call'} gets no result (Vapi logs "no result ` +
            'returned"). Answer every call of the message, in the order they came.',
      seq,
      path: 'results',
      callId: entry.call.callId,
    });
  }
}

function readResultEntry(item: Record<string, unknown>, path: string, entry: ToolCallEntry, findings: FindingDraft[], seq: number, t: number): void {
  const call = entry.call;
  const callId = call.callId;
  const label = `${cut(call.name) || 'the call'} (${quote(callId ?? '')})`;
  if (call.result) {
    findings.push({
      rule: 'vapi/duplicate-result',
      severity: 'warning',
      message: `${label} is answered twice in "results"; Vapi uses one of them and drops the other. Send one entry per call.`,
      seq,
      path,
      callId,
    });
    return;
  }
  const hasResult = has(item, 'result') && field(item, 'result') !== undefined;
  const hasError = has(item, 'error') && field(item, 'error') !== undefined;
  if (!hasResult && !hasError) {
    findings.push({
      rule: 'vapi/invalid-result-entry',
      severity: 'error',
      message: `The entry for ${label} has neither "result" nor "error", so Vapi has nothing to give the assistant. Add "result": "..." (or "error": "...").`,
      seq,
      path,
      callId,
    });
    return;
  }
  const key = hasResult ? 'result' : 'error';
  const value = field(item, key);
  let isError = !hasResult;
  const name = field(item, 'name');
  if (typeof name === 'string' && call.name !== '' && name !== call.name) {
    findings.push({
      rule: 'vapi/result-name-mismatch',
      severity: 'warning',
      message: `The entry for ${label} says "name": ${quote(name)}. Vapi matches by toolCallId, so the result still goes to ${cut(call.name)}, but the name suggests it was meant for another call.`,
      seq,
      path: childPath(path, 'name'),
      callId,
    });
  }
  if (typeof value !== 'string') {
    findings.push({
      rule: 'vapi/object-result',
      severity: 'warning',
      message:
        `"${key}" for ${label} is ${describeValue(value)}, not a string. Vapi's docs require a string; other values are not guaranteed to ` +
        `reach the assistant as sent (some are dropped as "no result returned"). Send ${Array.isArray(value) || isRecord(value) ? 'JSON.stringify(...) of it, or a sentence' : 'it as a string'}.`,
      seq,
      path: childPath(path, key),
      callId,
    });
  } else if (/[\r\n]/.test(value)) {
    isError = true;
    findings.push({
      rule: 'vapi/multiline-result',
      severity: 'error',
      message:
        `"${key}" for ${label} contains a line break. Vapi ignores results with line breaks (its troubleshooting guide), so the assistant ` +
        'gets nothing. Put it on one line: join the lines with "; " or send single-line JSON.',
      seq,
      path: childPath(path, key),
      callId,
    });
  }
  call.result = { value, raw: typeof value === 'string' ? value : serialise(value), isError, seq, t };
}


// ---------------------------------------------------------------------------------------------------------
// legacy function-call

function readFunctionCall(ex: WebhookExchangeInput, message: Record<string, unknown>, answer: BodyState, analysis: WebhookAnalysis): void {
  const fn = recordField(message, 'functionCall');
  const args = readArguments(field(fn, 'parameters'));
  const call: WebhookCallReading = { callId: null, name: stringField(fn, 'name') ?? '', args: args.args, argsRaw: args.argsRaw };
  if (args.argsError !== undefined) call.argsError = args.argsError;
  analysis.calls = [call];
  const entry: ToolCallEntry = { call, resultIgnored: BUILT_INS.has(call.name) ? 'built-in' : null };
  const body = readAnswerBody(answer, analysis, [entry], 'function-call');
  if (!body) return;
  const { json, seq, t } = body;
  if (!has(json, 'result')) {
    const results = arrayField(json, 'results');
    analysis.findings.push({
      rule: 'vapi/missing-legacy-result',
      severity: 'error',
      message: results
        ? 'The answer to this legacy function-call message is in the tool-calls shape ({"results": [...]}). A function-call is answered with {"result": "..."}; Vapi gets no result for the function.'
        : `The answer to this function-call message has no "result" (keys: ${Object.keys(json).slice(0, 6).map((k) => quote(k, 30)).join(', ') || 'none'}). Vapi gets no result for the function. Answer {"result": "..."}.`,
      seq,
      path: '',
      callId: null,
    });
    return;
  }
  const value = field(json, 'result');
  if (typeof value !== 'string') {
    analysis.findings.push({
      rule: 'vapi/object-result',
      severity: 'warning',
      message: `"result" is ${describeValue(value)}, not a string. Vapi expects a string for function-call results; send JSON.stringify(...) of it, or a sentence.`,
      seq,
      path: 'result',
      callId: null,
    });
  }
  call.result = { value, raw: typeof value === 'string' ? value : serialise(value), isError: false, seq, t };
}

// ---------------------------------------------------------------------------------------------------------
// requests that are not function calls

function checkTransferDestination(answer: BodyState, analysis: WebhookAnalysis): void {
  if (answer.kind === 'pending' || answer.kind === 'failed') return;
  const json = answer.kind === 'text' && answer.json.ok ? answer.json.value : undefined;
  let problem: string | null = null;
  let path = '';
  if (answer.status !== 200) problem = `it has HTTP status ${answer.status}; Vapi uses only answers with status 200`;
  else if (!isRecord(json)) problem = `it is ${answer.kind === 'binary' ? 'binary' : json === undefined ? 'not JSON' : describeValue(json)}, not an object`;
  else if (has(json, 'destination')) {
    const destination = field(json, 'destination');
    path = 'destination';
    const type = field(destination, 'type');
    if (!isRecord(destination)) problem = `"destination" is ${describeValue(destination)}, not {"type": "number", "number": "+1…"}`;
    else if (type === 'number' && typeof field(destination, 'number') !== 'string') problem = 'the number destination has no "number"';
    else if (type === 'sip' && typeof field(destination, 'sipUri') !== 'string') problem = 'the sip destination has no "sipUri"';
    else if (type !== 'number' && type !== 'sip' && type !== 'assistant') problem = `"destination.type" is ${describeValue(type)}, not "number" or "sip"`;
  } else if (!has(json, 'error') && !has(json, 'message')) {
    problem = `it has neither "destination", "message" nor "error" (keys: ${Object.keys(json).slice(0, 6).map((k) => quote(k, 30)).join(', ') || 'none'})`;
  }
  if (!problem) return;
  analysis.findings.push({
    rule: 'vapi/invalid-transfer-destination',
    severity: 'error',
    message:
      `Vapi cannot use the answer to this transfer-destination-request: ${problem}. The transfer fails and the caller stays on the line with the ` +
      'assistant. Answer {"destination": {"type": "number", "number": "+1…"}} (or "sip" with "sipUri"), or {"error": "..."}.',
    seq: answer.seq,
    path,
  });
}

function checkAssistantRequest(ex: WebhookExchangeInput, answer: BodyState, analysis: WebhookAnalysis, tools: ToolCollector): void {
  const res = response(ex);
  if (res && !res.synthetic) {
    const elapsed = finiteTime(res.t, 0) - finiteTime(ex.requestT, 0);
    if (elapsed > ASSISTANT_REQUEST_LIMIT_MS) {
      analysis.findings.push({
        rule: 'vapi/slow-assistant-request',
        severity: 'error',
        message: `The answer to this assistant-request took ${Math.round(elapsed)} ms. Vapi waits at most 7.5 s end to end, then drops the call. Answer faster (cache the assistant, or return an assistantId).`,
        seq: finiteSeq(res.seq) ?? requestBodySeq(ex),
      });
    }
  }
  if (answer.kind === 'text' && answer.json.ok) tools.addAssistant(recordField(answer.json.value, 'assistant'), answer.seq);
}

// ---------------------------------------------------------------------------------------------------------
// tool definitions

/** Tools the message (or an assistant in the answer) declares; the first declaration of a name wins. */
class ToolCollector {
  private readonly tools = new Map<string, ToolDefinition>();

  /** `assistant.model.tools` (`{type: "function", function: {…}}`) and the older `assistant.model.functions`. */
  addAssistant(assistant: Record<string, unknown> | undefined, seq: number): void {
    const model = recordField(assistant, 'model');
    for (const tool of arrayField(model, 'tools') ?? []) this.addTool(tool, seq);
    for (const fn of arrayField(model, 'functions') ?? []) this.addFunction(fn, seq);
  }

  /** A tool with a function definition; built-ins without one (`{type: "endCall"}`) declare nothing to check. */
  addTool(tool: unknown, seq: number): void {
    const fn = recordField(tool, 'function');
    if (fn) this.addFunction(fn, seq);
  }

  private addFunction(fn: unknown, seq: number): void {
    const name = field(fn, 'name');
    if (typeof name !== 'string' || this.tools.has(name)) return;
    const def: ToolDefinition = { name, protocol: 'vapi', seq };
    const description = field(fn, 'description');
    if (typeof description === 'string') def.description = description;
    if (has(fn, 'parameters')) def.parameters = field(fn, 'parameters');
    this.tools.set(name, def);
  }

  list(): ToolDefinition[] {
    return [...this.tools.values()];
  }
}
