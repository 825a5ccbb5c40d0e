/**
 * toolscope.config.json: what a team commits beside its bot. This version reads routes, the latency budget,
 * the bot's known config (to check update-config against) and tool definitions; mocks and breakpoints come
 * with their features. Unknown keys are kept, not refused, so a newer file still loads.
 */
import { mockRulesSchema } from '../mocks/mock-rule.js';
import { z } from 'zod';
import type { AnalysisOptions } from '../analysis/analyzer.js';
import type { ToolDefinition } from '../analysis/model.js';
import { normaliseKnownConfig } from '../analysis/rtvi/rtvi-payload-linter.js';
import { parseJsonPath } from '../export/redaction.js';

const routeEntry = z.union([
  z.string(),
  z.object({ listen: z.union([z.number(), z.string()]), upstream: z.string(), timeoutMs: z.number().int().positive().optional() }),
]);

/** A bad JSON path is refused here, with its position, rather than silently redacting nothing. */
const jsonPathEntry = z.string().superRefine((path, ctx) => {
  const parsed = parseJsonPath(path);
  if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.error });
});

const toolEntry = z.object({ name: z.string(), description: z.string().optional(), parameters: z.unknown().optional() });

export const toolscopeConfigSchema = z
  .object({
    $schema: z.string().optional(),
    routes: z.array(routeEntry).optional(),
    /** A result slower than this gets call/slow-result (default 1500). */
    latencyBudgetMs: z.number().positive().optional(),
    /** A realtime call with no result this long after it started is unanswered (default 30000). */
    unansweredAfterMs: z.number().positive().optional(),
    /** The bot's config as sent to /bots/start: its `config` list, or the whole body. */
    botConfig: z.unknown().optional(),
    /** Tool definitions, when the platform does not send them on the wire. */
    tools: z.array(toolEntry).optional(),
    /** Mock rules, in order (see shared/mocks/mock-rule.ts). */
    mocks: mockRulesSchema.optional(),
    /** Added to the default redaction rules of exports (`toolscope export`, the UI's HAR export). */
    redaction: z
      .object({
        headers: z.array(z.string().min(1)).optional(),
        queryParams: z.array(z.string().min(1)).optional(),
        jsonPaths: z.array(jsonPathEntry).optional(),
      })
      .optional(),
    /** `toolscope replay`: JSON paths left out of both answers before comparing (timestamps, ids). */
    replay: z.object({ ignore: z.array(jsonPathEntry).optional() }).optional(),
  })
  .passthrough();
export type ToolscopeConfig = z.infer<typeof toolscopeConfigSchema>;

export type ConfigResult = { ok: true; config: ToolscopeConfig } | { ok: false; error: string };

/** Parses the file's text; errors name the place (line and column for JSON syntax, the path otherwise). */
export function parseToolscopeConfig(text: string): ConfigResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `not valid JSON: ${jsonErrorWithPosition(text, error)}` };
  }
  const parsed = toolscopeConfigSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, error: issue ? `${issue.path.join('.') || '(top level)'}: ${issue.message}` : 'invalid' };
  }
  return { ok: true, config: parsed.data };
}

export function analysisOptionsFrom(config: ToolscopeConfig): AnalysisOptions {
  const options: AnalysisOptions = {};
  if (config.latencyBudgetMs !== undefined) options.latencyBudgetMs = config.latencyBudgetMs;
  if (config.unansweredAfterMs !== undefined) options.unansweredAfterMs = config.unansweredAfterMs;
  const known = config.botConfig === undefined ? undefined : normaliseKnownConfig(config.botConfig);
  if (known) options.knownBotConfig = known;
  if (config.tools && config.tools.length > 0) {
    options.configTools = config.tools.map((tool): ToolDefinition => ({
      name: tool.name,
      ...(tool.description !== undefined ? { description: tool.description } : {}),
      ...(tool.parameters !== undefined ? { parameters: tool.parameters } : {}),
      protocol: 'config',
      seq: null,
    }));
  }
  return options;
}

function jsonErrorWithPosition(text: string, error: unknown): string {
  const message = (error instanceof Error ? error.message : String(error)).replace(/ in JSON at position \d+.*$/, '');
  const position = firstBadCharacter(text);
  if (position === null) return message;
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  const column = position - before.lastIndexOf('\n');
  return `${message.split('\n')[0]!.split(/, "|, \.\.\./)[0]} at line ${line}, column ${column}`;
}

/**
 * Where JSON.parse gives up, found without a parser of our own (Node 20's messages do not always say):
 * a prefix that ends before the bad character fails only for being incomplete, one that includes it fails
 * for a syntax error. That is monotonic in the prefix length, so a binary search finds the character.
 */
function firstBadCharacter(text: string): number | null {
  const broken = (n: number): boolean => {
    try {
      JSON.parse(text.slice(0, n));
      return false;
    } catch (error) {
      const message = error instanceof Error ? error.message : '';
      if (/end of (JSON )?(input|data)/i.test(message)) return false;
      // "Expected ',' or '}' … at position N" with N at the end of the prefix: incomplete, not wrong.
      const at = /at position (\d+)/.exec(message);
      return !(at && Number(at[1]) >= n);
    }
  };
  if (!broken(text.length)) return null;
  let low = 0;
  let high = text.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (broken(mid)) high = mid;
    else low = mid + 1;
  }
  return Math.max(0, low - 1);
}
