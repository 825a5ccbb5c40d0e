/**
 * Retell AI custom functions (shared/protocols/07-retell-millis.md): the agent sends `{name, call, args}` (POST by
 * default), signed with `X-Retell-Signature`, and gives the LLM whatever the body of a 2xx answer is (string or
 * JSON, at most 15,000 characters). There is no call id: the exchange is the call.
 *
 * Recognising it: `{name, call: {call_id | agent_id}, args}` is specific enough on its own. The "args only"
 * payload option sends the bare arguments object, which content cannot tell from any other JSON POST; it is
 * read as Retell only when the request carries `X-Retell-Signature` (which Retell sends on every custom-function
 * request) and the body is not one of Retell's signed event webhooks (`{event, call}`, shown as labelled events).
 * Without the header such a request stays unknown: better unknown than wrong.
 */
import type { FindingDraft, WebhookAnalysis, WebhookCallReading, WebhookDialect, WebhookExchangeInput } from '../model.js';
import { isRecord } from '../model.js';
import { field, has, readArguments, recordField, stringField } from './payload-values.js';
import { bodyState, requestBodySeq, requestHeader, requestJson } from './webhook-exchange.js';

/** Retell's documented cap on what it passes to the LLM. */
export const RETELL_RESULT_LIMIT = 15_000;

export function createRetellCustomFunctionDialect(): WebhookDialect {
  return {
    protocol: 'retell',
    analyze(exchange: WebhookExchangeInput): WebhookAnalysis | null {
      try {
        return analyseRetell(exchange);
      } catch {
        return null;
      }
    },
  };
}

function analyseRetell(ex: WebhookExchangeInput): WebhookAnalysis | null {
  const body = requestJson(ex);
  if (!isRecord(body)) return null;
  const signed = requestHeader(ex, 'x-retell-signature') !== undefined;
  const seq = requestBodySeq(ex);
  const findings: FindingDraft[] = [];
  let call: WebhookCallReading;

  const name = field(body, 'name');
  const callInfo = recordField(body, 'call');
  const fullShape =
    typeof name === 'string' &&
    name !== '' &&
    callInfo !== undefined &&
    (typeof field(callInfo, 'call_id') === 'string' || typeof field(callInfo, 'agent_id') === 'string') &&
    (has(body, 'args') || signed);
  if (fullShape) {
    const args = readArguments(has(body, 'args') ? field(body, 'args') : {});
    call = { callId: null, name: name as string, args: args.args, argsRaw: args.argsRaw };
    if (args.argsError !== undefined) call.argsError = args.argsError;
  } else if (signed) {
    const event = stringField(body, 'event');
    if (event !== undefined) return { protocol: 'retell', label: event, calls: [], findings: [] };
    const args = readArguments(body);
    call = { callId: null, name: '', args: args.args, argsRaw: args.argsRaw };
    findings.push({
      rule: 'retell/args-only',
      severity: 'info',
      message:
        'This signed Retell request has only the arguments in its body (the "args only" payload option), so it does not say which function ' +
        'was called: Toolscope cannot check the arguments against a tool. Turn the option off to get {name, call, args}.',
      seq,
      callId: null,
    });
  } else {
    return null;
  }

  const answer = bodyState(ex);
  if (answer.kind === 'failed' && answer.status >= 400) {
    findings.push({
      rule: 'retell/retried-on-failure',
      severity: 'info',
      message:
        `This call failed (HTTP ${answer.status}). Retell retries a failed custom-function request up to 2 times, so the handler may run three ` +
        'times for one call: make it idempotent (e.g. key side effects on call.call_id and the arguments).',
      seq: requestBodySeq(ex),
      callId: null,
    });
  } else if (answer.kind === 'text') {
    const value = answer.json.ok ? answer.json.value : answer.text;
    call.result = { value, raw: answer.text, isError: false, seq: answer.seq, t: answer.t };
    if (answer.text.length > RETELL_RESULT_LIMIT) {
      findings.push({
        rule: 'retell/result-too-long',
        severity: 'warning',
        message:
          `The answer is ${answer.text.length} characters long. Retell passes at most ${RETELL_RESULT_LIMIT} ` +
          'characters to the LLM, so the rest is cut off (and a long result slows the turn). Return only what the agent needs to say.',
        seq: answer.seq,
        callId: null,
      });
    }
  }
  return { protocol: 'retell', calls: [call], findings };
}
