/**
 * Carries out a webhook rule's handler on one exchange: answers with JSON or a scripted SSE stream, fails,
 * closes, holds, or delays and forwards. Template problems become warnings on the `mock.hit`; anything that
 * throws ends the exchange through `fail`, never in the proxy.
 */
import http from 'node:http';
import type { HeaderList } from '../../../shared/events.js';
import type { WebhookFacts } from '../../../shared/mocks/mock-matcher.js';
import { sseScript, templateCall, webhookJsonReply, type SseScriptStep } from '../../../shared/mocks/mock-reply.js';
import type { MockRule, WebhookHandler } from '../../../shared/mocks/mock-rule.js';
import { renderTemplate } from '../../../shared/mocks/mock-template.js';
import type { MockExchange, MockResponse } from './mock-exchange.js';
import { FRAMING_HEADERS } from '../outgoing-bytes.js';

export function runWebhookMock(rule: MockRule, handler: WebhookHandler, facts: WebhookFacts, exchange: MockExchange): void {
  const callId = facts.calls[0]?.callId ?? null;
  try {
    switch (handler.kind) {
      case 'json': {
        const reply = webhookJsonReply(facts, handler.body);
        exchange.hit(callId, reply.warnings);
        sendJson(exchange, handler.status, handler.headers, reply.value);
        return;
      }
      case 'fail': {
        const body = handler.body === undefined ? { error: 'mocked_failure', rule: rule.name || rule.id } : handler.body;
        const rendered = renderTemplate(body, templateCall(facts.calls[0] ?? null));
        exchange.hit(callId, rendered.warnings);
        sendJson(exchange, handler.status, undefined, rendered.value);
        return;
      }
      case 'sse': {
        const script = sseScript(handler.events, facts.calls[0] ?? null);
        exchange.hit(callId, script.warnings);
        const headers: HeaderList = [
          ['content-type', 'text/event-stream'],
          ['cache-control', 'no-cache'],
        ];
        const response = exchange.respond(handler.status, withUserHeaders(headers, handler.headers));
        playScript(exchange, response, script.value, 0);
        return;
      }
      case 'delay':
        exchange.hit(callId, []);
        exchange.later(handler.delayMs, () => exchange.forward());
        return;
      case 'close':
        exchange.hit(callId, []);
        exchange.close(`mock rule ${ruleLabel(rule)} closed the connection without answering`);
        return;
      case 'no-answer':
        exchange.hit(callId, []);
        exchange.hold(`mock rule ${ruleLabel(rule)} never answers (no-answer)`);
        return;
    }
  } catch (error) {
    exchange.fail(error);
  }
}

export function ruleLabel(rule: MockRule): string {
  return JSON.stringify(rule.name || rule.id);
}

function sendJson(exchange: MockExchange, status: number, userHeaders: Record<string, string> | undefined, value: unknown): void {
  // A body left out of the rule answers an empty JSON value rather than nothing: the bot asked for JSON.
  const payload = Buffer.from(JSON.stringify(value) ?? 'null');
  const headers = withUserHeaders([['content-type', 'application/json']], userHeaders);
  headers.push(['content-length', String(payload.length)]);
  exchange.respond(status, headers).end(payload);
}

/** The rule's headers replace defaults of the same name; framing headers are the proxy's to set. */
function withUserHeaders(defaults: HeaderList, user: Record<string, string> | undefined): HeaderList {
  if (!user) return defaults;
  const names = new Set(Object.keys(user).map((name) => name.toLowerCase()));
  const out: HeaderList = defaults.filter(([name]) => !names.has(name.toLowerCase()));
  for (const [name, value] of Object.entries(user)) if (!FRAMING_HEADERS.has(name.toLowerCase())) out.push([name, value]);
  return out;
}

/** Each event waits its own delay after the previous one, so gaps are what the script says. */
function playScript(exchange: MockExchange, response: MockResponse, steps: readonly SseScriptStep[], index: number): void {
  if (index >= steps.length) {
    response.end();
    return;
  }
  const step = steps[index]!;
  exchange.later(step.delayMs, () => {
    response.write(step.text);
    playScript(exchange, response, steps, index + 1);
  });
}

export function statusMessage(status: number): string {
  return http.STATUS_CODES[status] ?? '';
}
