/**
 * The webhook readers in the order they are tried: most specific content first, so a reader that matches on
 * little (Millis webhook calls, matched by configured URL) never claims an exchange a more specific one knows.
 *
 * ElevenLabs server tools have no reader: their request is a plain REST call built from the tool's configured
 * path, query and body, with no envelope, function name or call id (shared/protocols/06-elevenlabs.md), so no
 * content tells one apart from any other API request.
 */
import type { WebhookAnalysis, WebhookDialect, WebhookExchangeInput } from '../model.js';
import type { KnownBotConfig } from '../rtvi/rtvi-payload-linter.js';
import { createDailyWebhookDialect } from './daily-webhook.js';
import { createMillisWebhookDialect } from './millis-webhook.js';
import { createRetellCustomFunctionDialect } from './retell-custom-function.js';
import { createVapiServerUrlDialect } from './vapi-server-url.js';

export interface WebhookDialectOptions {
  /** The bot's config as `/bots/start` had it, to check Daily update-config services and options against. */
  knownConfig?: KnownBotConfig;
  /** Millis tool configs, whose webhook URLs identify Millis calls (which nothing in their content does). */
  millisTools?: readonly unknown[];
}

export function webhookDialects(options: WebhookDialectOptions = {}): WebhookDialect[] {
  const knownConfig = options?.knownConfig;
  const millisTools = options?.millisTools;
  return [
    // `{message: {type}}` with a known Vapi type.
    createVapiServerUrlDialect(),
    // `{function_name, tool_call_id | arguments}`, and the `/bots/start` body.
    createDailyWebhookDialect(knownConfig ? { knownConfig } : {}),
    // `{name, call: {call_id | agent_id}, args}`, or any JSON with X-Retell-Signature.
    createRetellCustomFunctionDialect(),
    // Bodies holding Millis function definitions; calls only by configured webhook URL.
    createMillisWebhookDialect(millisTools ? { tools: millisTools } : {}),
  ];
}

/** The first dialect that reads the exchange as its own; null when none does (the exchange stays plain HTTP). */
export function readWebhookExchange(input: WebhookExchangeInput, dialects: readonly WebhookDialect[]): WebhookAnalysis | null {
  if (!Array.isArray(dialects)) return null;
  for (const dialect of dialects) {
    let reading: WebhookAnalysis | null = null;
    try {
      reading = dialect.analyze(input);
    } catch {
      // A dialect that throws reads the exchange as not its own; the next one may still know it.
      reading = null;
    }
    if (reading) return reading;
  }
  return null;
}
