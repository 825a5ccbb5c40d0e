/**
 * The Daily Bots `/bots/start` request, when it passes through the proxy: it declares the LLM's tools (the
 * `tools` option of the `llm` service) and routes them to webhooks (`webhook_tools`). The tools become tool
 * definitions, so the webhook calls that follow are checked against their schemas.
 */
import type { FindingDraft, ToolDefinition, WebhookAnalysis, WebhookExchangeInput } from '../model.js';
import { isRecord } from '../model.js';
import { childPath } from '../tools/json-path.js';
import { arrayField, field, quoteList, recordField, stringField } from './payload-values.js';
import { requestBodySeq, requestJson } from './webhook-exchange.js';

export function readDailyBotStart(ex: WebhookExchangeInput): WebhookAnalysis | null {
  const body = requestJson(ex);
  if (!isRecord(body)) return null;
  const webhookTools = recordField(body, 'webhook_tools');
  const config = arrayField(body, 'config');
  if (!webhookTools && !(typeof field(body, 'bot_profile') === 'string' && config)) return null;

  const seq = requestBodySeq(ex);
  const tools: ToolDefinition[] = [];
  let declaresTools = false;
  config?.forEach((entry) => {
    if (stringField(entry, 'service') !== 'llm') return;
    for (const option of arrayField(entry, 'options') ?? []) {
      if (stringField(option, 'name') !== 'tools') continue;
      const list = arrayField(option, 'value');
      if (!list) continue;
      declaresTools = true;
      for (const tool of list) {
        const def = toolDefinition(tool, seq);
        if (def) tools.push(def);
      }
    }
  });

  const findings: FindingDraft[] = [];
  if (webhookTools && declaresTools) {
    const declared = new Set(tools.map((t) => t.name));
    const routed = Object.keys(webhookTools).filter((name) => name !== '*' && !declared.has(name));
    if (routed.length > 0) {
      findings.push({
        rule: 'daily/webhook-tool-not-declared',
        severity: 'info',
        message:
          `webhook_tools routes ${quoteList(routed)}, but the llm "tools" option does not declare ${routed.length === 1 ? 'it' : 'them'}. webhook_tools only ` +
          "routes calls; the LLM calls only functions it was told about, so this webhook is never called unless the tool is declared elsewhere (e.g. by llm:set_context).",
        seq,
        path: childPath('webhook_tools', routed[0]!),
      });
    }
  }
  const analysis: WebhookAnalysis = { protocol: 'daily', label: 'bots/start', calls: [], findings };
  if (tools.length > 0) analysis.toolDefinitions = tools;
  return analysis;
}

/** A tool as the llm option lists it: OpenAI Chat Completions (`{type, function: {…}}`), flat, or Anthropic (`input_schema`). */
function toolDefinition(tool: unknown, seq: number): ToolDefinition | null {
  const fn = recordField(tool, 'function') ?? (isRecord(tool) ? tool : null);
  if (!fn) return null;
  const name = field(fn, 'name');
  if (typeof name !== 'string') return null;
  const def: ToolDefinition = { name, protocol: 'daily', seq };
  const description = field(fn, 'description');
  if (typeof description === 'string') def.description = description;
  const parameters = field(fn, 'parameters') ?? field(fn, 'input_schema');
  if (parameters !== undefined) def.parameters = parameters;
  return def;
}
