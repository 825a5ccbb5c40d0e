import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { toolscopeConfigSchema, type ToolscopeConfig } from '../../shared/config/toolscope-config.js';
import { parseConfigText, type LoadedConfig } from '../core/config-watcher.js';
import { UsageError } from './usage-error.js';

/** Reads toolscope.config.json for a command; a broken file is one clear line and exit code 2. */
export function readConfigFile(file: string): ToolscopeConfig {
  return loadConfigFile(file).config;
}

/** The file with its text, for `serve`, which watches it and compares later versions with this one. */
export function loadConfigFile(file: string): LoadedConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read config ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const result = parseConfigText(text);
  if (!result.ok) throw new UsageError(`config ${file}: ${result.error}`);
  return { file: path.resolve(file), text, config: result.config };
}

// ---- The JSON Schema that editors complete the file with (schema/toolscope.config.schema.json) ----

type JsonSchema = Record<string, unknown>;

/**
 * The JSON Schema of toolscope.config.json, generated from the zod schema so the two cannot drift apart
 * (scripts/config-schema.mjs writes it; a test compares). Zod's comments do not travel, so the descriptions an
 * editor shows are added here. What JSON Schema cannot say is left to Toolscope, which refuses it on load with the
 * place: rule ids that repeat, and JSON paths of `redaction.jsonPaths` that do not parse.
 */
export function configJsonSchema(): JsonSchema {
  const generated = z.toJSONSchema(toolscopeConfigSchema, { io: 'input' }) as JsonSchema;
  const { $schema, ...rest } = generated;
  const schema: JsonSchema = {
    $schema,
    title: 'toolscope.config.json',
    description: 'Settings of Toolscope, the proxy and inspector for the function calls of voice AI bots. Commit it beside your bot.',
    ...rest,
  };
  const properties = child(schema, 'properties');
  describe(properties, '$schema', 'Where editors find this schema.');
  describe(properties, 'routes', 'Routes to open at start: "LISTEN=UPSTREAM" (as --route), or {listen, upstream, timeoutMs}. Read once at start.');
  describe(properties, 'latencyBudgetMs', 'A result slower than this gets call/slow-result (default 1500).');
  describe(properties, 'unansweredAfterMs', 'A realtime call with no result this long after it started is unanswered (default 30000).');
  describe(properties, 'botConfig', 'The bot\'s config as sent to /bots/start (its "config" list, or the whole body): update-config is checked against it.');
  describe(properties, 'tools', 'Tool definitions, when the platform does not send them on the wire: arguments are checked against their parameters.');
  describe(properties, 'redaction', 'Added to the default redaction rules of exports (headers, query parameters, JSON paths such as "$.message.call.customer.number").');
  describe(properties, 'replay', 'toolscope replay: "ignore" lists JSON paths left out of both answers before comparing, e.g. "updatedAt" (any depth), "$.meta.id", "items[*].id".');
  describe(
    properties,
    'mocks',
    'Mock rules, in order: the first enabled rule whose "match" fits answers the call. Ids must be unique. Saved here by the UI; edits apply while Toolscope runs.',
  );

  const rule = child(child(properties, 'mocks'), 'items');
  const ruleProperties = child(rule, 'properties');
  describe(ruleProperties, 'id', 'Unique id of the rule (hit counts and the UI refer to it).');
  describe(ruleProperties, 'enabled', 'A disabled rule is kept but never matches.');
  describe(ruleProperties, 'match', 'What the rule answers; fields left out match anything. Webhook handlers answer HTTP requests, realtime handlers calls on a WebSocket.');
  describe(ruleProperties, 'handler', 'How the rule answers. Strings in bodies may hold {{args.city}}, {{toolCallId}}, {{functionName}}.');
  const matchProperties = child(child(ruleProperties, 'match'), 'properties');
  describe(matchProperties, 'functionName', 'The called function\'s name, whatever the dialect (Daily, Vapi, Retell, Realtime …).');
  describe(matchProperties, 'routeId', 'Only on this route (r1, r2 … in the order the routes open).');
  describe(matchProperties, 'path', 'Path of the request without the query; * matches any run of characters, e.g. /tools/*.');
  describe(matchProperties, 'args', 'A condition on the arguments: a JSON path that exists, or equals "equals".');
  describe(matchProperties, 'frameType', 'On a WebSocket: the message type that carries the call, e.g. response.function_call_arguments.done.');

  const handlerKinds: Record<string, string> = {
    json: 'Reply with JSON. For a Vapi tool-calls request the body is the result, put in {results: [{toolCallId, result}]} for you.',
    sse: 'Reply with a scripted SSE stream (Daily Bots streaming webhooks); each event waits delayMs after the previous one. "raw" sends bytes as written, for broken streams.',
    delay: 'Wait delayMs, then forward to the real upstream as usual.',
    fail: 'Answer with an error status (and an optional body).',
    close: 'Close the connection without an answer.',
    'no-answer': 'Never answer, to test the bot\'s timeout (the route\'s timeout still ends it).',
    'realtime-reply': 'On a WebSocket, answer the call to the server on the client\'s behalf with "output" (and response.create where the dialect needs it).',
    'realtime-ignore': 'Let the call go unanswered by the mock (the client may still answer it).',
    'realtime-drop': 'Drop the call: the frames that complete it never reach the client (earlier ones, e.g. OpenAI output_item.added, already have), so the client does not run it.',
  };
  const described = new Set<string>();
  for (const group of list(child(ruleProperties, 'handler'), 'anyOf')) {
    for (const variant of list(group, 'oneOf')) {
      const kind = child(child(variant, 'properties'), 'kind').const;
      if (typeof kind !== 'string' || !(kind in handlerKinds)) throw new Error(`config schema: no description for handler kind ${String(kind)}`);
      variant.description = handlerKinds[kind];
      described.add(kind);
    }
  }
  const missing = Object.keys(handlerKinds).filter((kind) => !described.has(kind));
  if (missing.length > 0) throw new Error(`config schema: handler kinds not found: ${missing.join(', ')}`);
  return schema;
}

/** The schema file's exact text. */
export function configJsonSchemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}

// The schema's shape is zod's to decide; a place that moved is an error here, not a description silently lost.
function child(node: JsonSchema, key: string): JsonSchema {
  const value = node[key];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`config schema: no object at "${key}"`);
  return value as JsonSchema;
}

function list(node: JsonSchema, key: string): JsonSchema[] {
  const value = node[key];
  if (!Array.isArray(value)) throw new Error(`config schema: no list at "${key}"`);
  return value as JsonSchema[];
}

function describe(properties: JsonSchema, key: string, text: string): void {
  // Put first, so an editor's hover and a reader of the file see it before the details.
  const { description: _old, ...rest } = child(properties, key);
  properties[key] = { description: text, ...rest };
}
