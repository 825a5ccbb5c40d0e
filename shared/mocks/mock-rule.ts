/**
 * Mock rules as data: a matcher and a handler, serializable, so the same definition lives in
 * `toolscope.config.json`, crosses the bridge to the UI, and is carried out by the proxy. (Like mockttp's rule
 * definitions: what a rule *is* stays apart from the code that runs it, which is in electron/proxy/mocks/.)
 *
 * Rules are evaluated in order; the first enabled rule whose matcher matches answers. A matcher with no field
 * set matches everything of its kind (webhook handlers match HTTP requests, realtime handlers WebSocket calls).
 */
import { z } from 'zod';

/** Strings in handler bodies may hold `{{args.city}}`, `{{toolCallId}}`, `{{functionName}}` (see mock-template.ts). */
export const mockMatcherSchema = z
  .object({
    /** The called function's name, whatever the dialect (Daily, Vapi, Retell, generic webhook, Realtime …). */
    functionName: z.string().min(1).optional(),
    /** Only on this route (its id, as the routes bar and the config file's order give it). */
    routeId: z.string().min(1).optional(),
    /** HTTP method, case-insensitive. */
    method: z.string().min(1).optional(),
    /** Path of the request (without the query); `*` matches any run of characters, e.g. `/tools/*`. */
    path: z.string().min(1).optional(),
    /** A request header that must be present, and equal `value` when given (case-insensitive name). */
    header: z.object({ name: z.string().min(1), value: z.string().optional() }).optional(),
    /** A condition on the call's arguments: a JSON path (syntax of shared/export/redaction.ts) that exists, or equals. */
    args: z.object({ path: z.string().min(1), equals: z.unknown().optional() }).optional(),
    /** On a WebSocket: the realtime message type that carries the call, e.g. `response.function_call_arguments.done`. */
    frameType: z.string().min(1).optional(),
  })
  .strict();
export type MockMatcher = z.infer<typeof mockMatcherSchema>;

const headersSchema = z.record(z.string(), z.string());

export const sseScriptEventSchema = z
  .object({
    /** Wait this long after the previous event (or the request) before sending this one. */
    delayMs: z.number().int().nonnegative().max(600_000).default(0),
    /** `event:` line; omitted for a plain `data:` message. */
    event: z.string().optional(),
    /** `data:` payload: a string as is, anything else as JSON; templates apply to strings inside. */
    data: z.unknown().optional(),
    /** Bytes sent exactly as written instead of event/data, for deliberately broken streams. */
    raw: z.string().optional(),
  })
  .strict();
export type SseScriptEvent = z.infer<typeof sseScriptEventSchema>;

export const webhookHandlerSchema = z.discriminatedUnion('kind', [
  /** Reply with JSON. For a Vapi `tool-calls` request the body becomes the result inside `{results: [{toolCallId, result}]}`. */
  z
    .object({
      kind: z.literal('json'),
      status: z.number().int().min(100).max(599).default(200),
      headers: headersSchema.optional(),
      body: z.unknown(),
    })
    .strict(),
  /** Reply with a scripted SSE stream (Daily Bots streaming webhooks). */
  z
    .object({
      kind: z.literal('sse'),
      status: z.number().int().min(100).max(599).default(200),
      headers: headersSchema.optional(),
      events: z.array(sseScriptEventSchema),
    })
    .strict(),
  /** Wait, then forward to the real upstream as usual. */
  z.object({ kind: z.literal('delay'), delayMs: z.number().int().nonnegative().max(600_000) }).strict(),
  /** Answer with an error status (and an optional body). */
  z
    .object({
      kind: z.literal('fail'),
      status: z.number().int().min(400).max(599),
      body: z.unknown().optional(),
    })
    .strict(),
  /** Close the connection without an answer. */
  z.object({ kind: z.literal('close') }).strict(),
  /** Never answer, to test the bot's timeout (the proxy's own timeout still ends it). */
  z.object({ kind: z.literal('no-answer') }).strict(),
]);
export type WebhookHandler = z.infer<typeof webhookHandlerSchema>;

export const realtimeHandlerSchema = z.discriminatedUnion('kind', [
  /**
   * When the server asks the client to call a function, answer it to the server on the client's behalf with
   * the dialect's result message and the call's id (and `response.create` where the dialect needs one).
   */
  z
    .object({
      kind: z.literal('realtime-reply'),
      delayMs: z.number().int().nonnegative().max(600_000).default(0),
      /** The function's output (templates apply); sent as the dialect expects it (a JSON string for OpenAI). */
      output: z.unknown(),
      /** Send `response.create` after the output (OpenAI Realtime, NavTalk); default true. */
      responseCreate: z.boolean().default(true),
    })
    .strict(),
  /** Let the call go unanswered by the mock (the client may still answer it). */
  z.object({ kind: z.literal('realtime-ignore') }).strict(),
  /**
   * Drop the call: the frames that complete it (OpenAI `response.function_call_arguments.done` and the
   * `response.output_item.done` with its call id; the single call frame of RTVI, ElevenLabs, NavTalk) never
   * reach the client, to test how the conversation copes when the client does not act on a call. Frames sent
   * before the call was complete (OpenAI's `response.output_item.added`, argument deltas) have already gone.
   */
  z.object({ kind: z.literal('realtime-drop') }).strict(),
]);
export type RealtimeHandler = z.infer<typeof realtimeHandlerSchema>;

export const mockRuleSchema = z
  .object({
    id: z.string().min(1),
    name: z.string().default(''),
    enabled: z.boolean().default(true),
    match: mockMatcherSchema.default({}),
    handler: z.union([webhookHandlerSchema, realtimeHandlerSchema]),
  })
  .strict();
export type MockRule = z.infer<typeof mockRuleSchema>;
export type MockRuleInput = z.input<typeof mockRuleSchema>;

export const mockRulesSchema = z.array(mockRuleSchema).superRefine((rules, ctx) => {
  const seen = new Set<string>();
  rules.forEach((rule, index) => {
    if (seen.has(rule.id)) ctx.addIssue({ code: 'custom', path: [index, 'id'], message: `duplicate rule id "${rule.id}"` });
    seen.add(rule.id);
  });
});

export function isRealtimeHandler(handler: MockRule['handler']): handler is RealtimeHandler {
  return handler.kind === 'realtime-reply' || handler.kind === 'realtime-ignore' || handler.kind === 'realtime-drop';
}
