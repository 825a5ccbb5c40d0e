/**
 * Millis AI functions (shared/protocols/07-retell-millis.md): webhook tools `{name, description, webhook, header,
 * params: [{name, type, description, required}]}` and web-form functions `{name, type: "web_form", data: {param}}`.
 *
 * Two kinds of exchange are read:
 * - One that carries such definitions (an agent config POSTed to or fetched from Millis' API, or a tool config on
 *   its own): its functions become tool definitions, and mistakes in them become findings.
 * - A webhook call. Millis sends the bare parameters (plus `session_id`; the body shape is inferred), with no
 *   envelope, no function name and no call id, so content alone cannot tell it from any other JSON POST. It is
 *   read as a Millis call only when the dialect is given the tool configs and the request's path (and method)
 *   matches exactly one tool's `webhook` URL. Without configs, webhook calls stay unknown: better unknown than wrong.
 */
import type { FindingDraft, ToolDefinition, WebhookAnalysis, WebhookCallReading, WebhookDialect, WebhookExchangeInput } from '../model.js';
import { isRecord } from '../model.js';
import { childPath } from '../tools/json-path.js';
import { millisParamsToJsonSchema } from '../tools/millis-params.js';
import { arrayField, cut, field, has, quote, readArguments, recordField, serialise, stringField } from './payload-values.js';
import { bodyState, method, queryParams, requestBodySeq, requestJson, urlPath } from './webhook-exchange.js';

export interface MillisWebhookOptions {
  /** Millis tool configs (`{name, webhook, method?, exclude_session_id?}`), e.g. from toolscope.config.json: their webhook URLs identify calls. */
  tools?: readonly unknown[];
}

interface WebhookRoute {
  name: string;
  method: string;
  path: string;
  keepSessionId: boolean;
}

export function createMillisWebhookDialect(options: MillisWebhookOptions = {}): WebhookDialect {
  const routes = webhookRoutes(options?.tools);
  return {
    protocol: 'millis',
    analyze(exchange: WebhookExchangeInput): WebhookAnalysis | null {
      try {
        return readDefinitions(exchange) ?? readCall(exchange, routes);
      } catch {
        return null;
      }
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// definitions

function isWebhookTool(value: unknown): value is Record<string, unknown> {
  return isRecord(value) && typeof field(value, 'name') === 'string' && typeof field(value, 'webhook') === 'string';
}

function isWebForm(value: unknown): value is Record<string, unknown> {
  return isRecord(value) && field(value, 'type') === 'web_form' && typeof field(value, 'name') === 'string' && isRecord(field(value, 'data'));
}

/** Millis functions in a payload, with their paths: the payload itself, or the lists of an agent config (`config.tools`, `millis_functions`). */
function findFunctions(payload: unknown): { fn: Record<string, unknown>; path: string }[] {
  if (isWebhookTool(payload) || isWebForm(payload)) return [{ fn: payload, path: '' }];
  const found: { fn: Record<string, unknown>; path: string }[] = [];
  const holders: { obj: unknown; path: string }[] = [{ obj: payload, path: '' }];
  const config = recordField(payload, 'config') ?? recordField(payload, 'agent_config');
  if (config) holders.push({ obj: config, path: has(payload, 'config') ? 'config' : 'agent_config' });
  for (const { obj, path } of holders) {
    for (const key of ['tools', 'millis_functions', 'functions']) {
      (arrayField(obj, key) ?? []).forEach((fn, i) => {
        if (isWebhookTool(fn) || isWebForm(fn)) found.push({ fn, path: childPath(childPath(path, key), i) });
      });
    }
  }
  return found;
}

function readDefinitions(ex: WebhookExchangeInput): WebhookAnalysis | null {
  const requestSeq = requestBodySeq(ex);
  let functions = findFunctions(requestJson(ex));
  let seq = requestSeq;
  if (functions.length === 0) {
    const answer = bodyState(ex);
    if (answer.kind !== 'text' || !answer.json.ok) return null;
    functions = findFunctions(answer.json.value);
    seq = answer.seq;
  }
  if (functions.length === 0) return null;
  const findings: FindingDraft[] = [];
  const toolDefinitions = functions.map(({ fn, path }) => definition(fn, path, seq, findings));
  return { protocol: 'millis', label: functions.length === 1 ? 'millis function config' : 'millis agent config', calls: [], findings, toolDefinitions };
}

function definition(fn: Record<string, unknown>, base: string, seq: number, findings: FindingDraft[]): ToolDefinition {
  const name = field(fn, 'name') as string;
  const def: ToolDefinition = { name, protocol: 'millis', seq };
  const description = field(fn, 'description');
  if (typeof description === 'string') def.description = description;
  const at = (key: string) => childPath(base, key);

  if (isWebForm(fn)) {
    const data = field(fn, 'data') as Record<string, unknown>;
    if (!has(data, 'param') && Array.isArray(field(data, 'params'))) {
      findings.push({
        rule: 'millis/web-form-params-list',
        severity: 'error',
        message:
          `The web form ${quote(name)} has "data.params" (a list), but a Millis web form takes exactly one field as "data.param" (an object). ` +
          'Millis does not read "params", so the form has no field to fill. Use "data": {"param": {"name", "type", "description", "required"}}, one form per field.',
        seq,
        path: childPath(at('data'), 'params'),
      });
      return def;
    }
    const param = field(data, 'param');
    if (param === undefined) return def;
    const conversion = millisParamsToJsonSchema([param], childPath(at('data'), 'param'));
    reportParamProblems(name, conversion.problems.map((p) => ({ ...p, path: p.path.replace(/\.param\[0\]/, '.param') })), seq, findings);
    if (conversion.schema) def.parameters = conversion.schema;
    return def;
  }

  const webhook = field(fn, 'webhook') as string;
  if (!/^https?:\/\/[^\s/]+/i.test(webhook.trim())) {
    findings.push({
      rule: 'millis/invalid-webhook-url',
      severity: 'error',
      message: `The webhook of ${quote(name)} is ${quote(webhook)}, not an http(s) URL, so Millis cannot call it. Give the full URL, e.g. "https://example.com/tools/${cut(name, 40)}".`,
      seq,
      path: at('webhook'),
    });
  }
  const conversion = millisParamsToJsonSchema(field(fn, 'params'), at('params'));
  if (!conversion.schema) {
    const problem = conversion.problems[0];
    findings.push({
      rule: 'millis/params-not-list',
      severity: 'error',
      message:
        `"params" of ${quote(name)} ${problem?.message ?? 'is not a list'}. Millis does not read JSON Schema here, so the LLM is told of no ` +
        'parameters and calls the tool without arguments. Write "params": [{"name": "order_number", "type": "string", "description": "...", "required": true}].',
      seq,
      path: problem?.path ?? at('params'),
    });
    return def;
  }
  reportParamProblems(name, conversion.problems, seq, findings);
  def.parameters = conversion.schema;
  return def;
}

function reportParamProblems(name: string, problems: { path: string; message: string }[], seq: number, findings: FindingDraft[]): void {
  if (problems.length === 0) return;
  const listed = problems.slice(0, 5).map((p) => `${p.path} ${p.message}`);
  findings.push({
    rule: 'millis/invalid-param',
    severity: 'warning',
    message:
      `The parameters of ${quote(name)} do not fit Millis' {name, type, description, required} shape: ${listed.join('; ')}` +
      `${problems.length > 5 ? `; and ${problems.length - 5} more` : ''}. Millis may drop such a parameter, and the LLM then never sends it.`,
    seq,
    path: problems[0]!.path,
  });
}

// ---------------------------------------------------------------------------------------------------------
// webhook calls

function webhookRoutes(tools: unknown): WebhookRoute[] {
  if (!Array.isArray(tools)) return [];
  const routes: WebhookRoute[] = [];
  for (const tool of tools) {
    if (!isWebhookTool(tool)) continue;
    const path = urlPath(field(tool, 'webhook'));
    if (path === '') continue;
    routes.push({
      name: field(tool, 'name') as string,
      method: (stringField(tool, 'method') ?? 'POST').toUpperCase(),
      path: path.replace(/\/+$/, '') || '/',
      keepSessionId: field(tool, 'exclude_session_id') !== true,
    });
  }
  return routes;
}

function readCall(ex: WebhookExchangeInput, routes: WebhookRoute[]): WebhookAnalysis | null {
  if (routes.length === 0) return null;
  const path = urlPath(ex.url).replace(/\/+$/, '') || '/';
  const verb = method(ex);
  const matches = routes.filter((r) => r.path === path && r.method === verb);
  // Two tools on one URL cannot be told apart without a function name in the request.
  if (matches.length === 0 || new Set(matches.map((m) => m.name)).size > 1) return null;
  const route = matches[0]!;

  const body = requestJson(ex);
  let params: Record<string, unknown>;
  if (isRecord(body)) params = { ...body };
  else if (body === undefined && (typeof ex.requestBody !== 'string' || ex.requestBody.trim() === '')) {
    params = {};
    for (const [key, value] of queryParams(ex.url)) Object.defineProperty(params, key, { value, enumerable: true, writable: true, configurable: true });
  } else return null;
  if (route.keepSessionId) delete params.session_id;
  const args = readArguments(params);
  const call: WebhookCallReading = { callId: null, name: route.name, args: args.args, argsRaw: isRecord(body) ? serialise(params) : args.argsRaw };

  const answer = bodyState(ex);
  if (answer.kind === 'text') {
    call.result = { value: answer.json.ok ? answer.json.value : answer.text, raw: answer.text, isError: false, seq: answer.seq, t: answer.t };
  }
  return { protocol: 'millis', calls: [call], findings: [] };
}
