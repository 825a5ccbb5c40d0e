/**
 * What a mock sends, in the shape each dialect expects (shared/protocols/*.md), so the bot cannot tell a mock
 * from a backend: the reply to a webhook call, the bytes of a scripted SSE stream, and the result message(s)
 * a realtime client would send for a call.
 */
import type { Protocol } from '../analysis/model.js';
import { isRecord } from '../analysis/model.js';
import type { MockCall, WebhookFacts } from './mock-matcher.js';
import type { SseScriptEvent } from './mock-rule.js';
import { renderTemplate, type Rendered, type TemplateCall } from './mock-template.js';

export function templateCall(call: MockCall | null): TemplateCall | null {
  return call ? { functionName: call.functionName, toolCallId: call.callId, args: call.args } : null;
}

/** Vapi's `message.type`, when the request is a Vapi server message. */
export function vapiMessageType(facts: WebhookFacts): string | null {
  if (facts.dialect !== 'vapi' || !isRecord(facts.json)) return null;
  const message = facts.json.message;
  return isRecord(message) && typeof message.type === 'string' ? message.type : null;
}

/**
 * The JSON body answering a webhook request. Vapi `tool-calls` gets `{results: [{name, toolCallId, result}]}`
 * with one entry per call, in the order they came, the body rendered for each; the legacy `function-call` gets
 * `{result}`. Vapi ignores a result that is not a string (03-vapi-server-url.md), so anything else is sent as
 * compact JSON text, which also has no line breaks (Vapi drops results with those). Other dialects (Daily,
 * Retell, generic) get the rendered body as it is.
 */
export function webhookJsonReply(facts: WebhookFacts, body: unknown): Rendered {
  const type = vapiMessageType(facts);
  if (type === 'tool-calls' && facts.calls.length > 0) {
    const warnings: string[] = [];
    const results = facts.calls.map((call) => {
      const rendered = renderTemplate(body, templateCall(call));
      warnings.push(...rendered.warnings);
      return { name: call.functionName, toolCallId: call.callId ?? '', result: asText(rendered.value) };
    });
    return { value: { results }, warnings: unique(warnings) };
  }
  const rendered = renderTemplate(body, templateCall(facts.calls[0] ?? null));
  if (type === 'function-call') return { value: { result: asText(rendered.value) }, warnings: rendered.warnings };
  return rendered;
}

/** One scripted SSE event as the bytes to write, and how long to wait before writing them. */
export interface SseScriptStep {
  delayMs: number;
  text: string;
}

/**
 * The text of each scripted event: `event:` and `data:` lines and the blank line that ends the event. A data
 * string with line breaks becomes several `data:` lines (which a client joins back); other values are compact
 * JSON, as Daily requires one line per `data:`. `raw` is written exactly as given, broken or not: that is what
 * it is for.
 */
export function sseScript(events: readonly SseScriptEvent[], call: MockCall | null): Rendered<SseScriptStep[]> {
  const warnings: string[] = [];
  const steps = events.map((event) => {
    const delayMs = event.delayMs ?? 0;
    if (event.raw !== undefined) return { delayMs, text: event.raw };
    const lines: string[] = [];
    if (event.event !== undefined) lines.push(`event: ${event.event}`);
    if (event.data !== undefined) {
      const rendered = renderTemplate(event.data, templateCall(call));
      warnings.push(...rendered.warnings);
      for (const line of asText(rendered.value).split(/\r\n|\r|\n/)) lines.push(`data: ${line}`);
    }
    // An event with neither field is a keep-alive: a comment, which clients skip.
    if (lines.length === 0) lines.push(':');
    return { delayMs, text: `${lines.join('\n')}\n\n` };
  });
  return { value: steps, warnings: unique(warnings) };
}

export interface RealtimeReply {
  /** Messages to send to the server, in order, as the client would (each one JSON text frame). */
  messages: Record<string, unknown>[];
  warnings: string[];
}

/**
 * The result of a realtime call as the dialect's client sends it:
 * - OpenAI Realtime: `conversation.item.create` with a `function_call_output` item (output a JSON string),
 *   then `response.create` so the model speaks about it.
 * - NavTalk: the same two messages; every official NavTalk sample answers this way (05-navtalk.md), while the
 *   `realtime.function_call_output` shape is only inferred from the docs.
 * - RTVI: `llm-function-call-result` with function name, call id, arguments and a result that must be an
 *   object or a string (anything else is refused by Pipecat, so it is sent as JSON text).
 * - ElevenLabs: `client_tool_result` with a string result and `is_error: false`.
 */
export function realtimeReply(dialect: Protocol, call: MockCall, output: unknown, responseCreate: boolean): RealtimeReply {
  const rendered = renderTemplate(output, templateCall(call));
  const warnings = rendered.warnings;
  const callId = call.callId ?? '';
  switch (dialect) {
    case 'openai-realtime':
    case 'navtalk': {
      const messages: Record<string, unknown>[] = [
        { type: 'conversation.item.create', item: { type: 'function_call_output', call_id: callId, output: asText(rendered.value) } },
      ];
      if (responseCreate) messages.push({ type: 'response.create' });
      return { messages, warnings };
    }
    case 'rtvi':
      return {
        messages: [
          {
            label: 'rtvi-ai',
            type: 'llm-function-call-result',
            id: `toolscope-mock-${callId}`,
            data: {
              function_name: call.functionName,
              tool_call_id: callId,
              arguments: isRecord(call.args) ? call.args : {},
              result: isRecord(rendered.value) ? rendered.value : asText(rendered.value),
            },
          },
        ],
        warnings,
      };
    case 'elevenlabs':
      return { messages: [{ type: 'client_tool_result', tool_call_id: callId, result: asText(rendered.value), is_error: false }], warnings };
    default:
      return { messages: [], warnings: [...warnings, `a realtime reply for ${dialect} calls is not supported; the call was left unanswered`] };
  }
}

/** A string as it is; anything else as compact JSON (`undefined` as an empty string). */
function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  return JSON.stringify(value) ?? '';
}

function unique(items: string[]): string[] {
  return [...new Set(items)];
}
