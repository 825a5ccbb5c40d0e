/**
 * Test helpers: the tool declarations of the protocol fixtures as ToolDefinitions, built the way the protocol
 * readers (another part of the analysis) build them at runtime, and the arguments of the matching calls.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Protocol, ToolDefinition } from '../../../shared/analysis/model.js';
import { isRecord } from '../../../shared/analysis/model.js';
import { millisParamsToJsonSchema } from '../../../shared/analysis/tools/millis-params.js';

export const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
export const fixtureDir = path.resolve(repoRoot, '../shared/fixtures/protocols');
export const haveFixtures = fs.existsSync(fixtureDir);
export const whenFixtures = (title: string) => (haveFixtures ? title : `${title} — skipped: ${fixtureDir} not found (clone shared/ beside the repo)`);

export function fixtureJson(name: string): unknown {
  return JSON.parse(fs.readFileSync(path.join(fixtureDir, name), 'utf8'));
}

/** The value at a path of keys and indexes; undefined when the path does not exist. */
export function at(value: unknown, ...keys: (string | number)[]): unknown {
  let node = value;
  for (const key of keys) {
    if (typeof key === 'number') node = Array.isArray(node) ? node[key] : undefined;
    else node = isRecord(node) ? node[key] : undefined;
  }
  return node;
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** A flat tool `{type: "function", name, description, parameters}` (OpenAI Realtime, NavTalk). */
export function flatTool(tool: unknown, protocol: Protocol | 'config', seq: number | null): ToolDefinition {
  const description = at(tool, 'description');
  const parameters = at(tool, 'parameters');
  return {
    name: String(at(tool, 'name') ?? ''),
    ...(typeof description === 'string' ? { description } : {}),
    ...(parameters !== undefined ? { parameters } : {}),
    protocol,
    seq,
  };
}

/** `session.update` → its tools. */
export function sessionUpdateTools(name: string, seq = 1): ToolDefinition[] {
  return list(at(fixtureJson(name), 'session', 'tools')).map((tool) => flatTool(tool, 'openai-realtime', seq));
}

/** `realtime.input_function_call`: the tools are a JSON string in data.content (or, broken, the array itself). */
export function navtalkTools(name: string, seq = 1): ToolDefinition[] {
  const content = at(fixtureJson(name), 'data', 'content');
  const tools: unknown = typeof content === 'string' ? JSON.parse(content) : content;
  return list(tools).map((tool) => flatTool(tool, 'navtalk', seq));
}

/** A Millis function: `params[]` turned into a JSON Schema. */
export function millisTool(fn: unknown, params: unknown, seq: number | null = null): ToolDefinition {
  const { schema } = millisParamsToJsonSchema(params);
  const description = at(fn, 'description');
  return {
    name: String(at(fn, 'name') ?? ''),
    ...(typeof description === 'string' ? { description } : {}),
    ...(schema ? { parameters: schema } : {}),
    protocol: 'millis',
    seq,
  };
}

/** Daily's /bots/start config: the llm service's `tools` option, in the Chat Completions shape. */
export function dailyConfigTools(name: string): ToolDefinition[] {
  const tools: ToolDefinition[] = [];
  for (const service of list(at(fixtureJson(name), 'config'))) {
    if (at(service, 'service') !== 'llm') continue;
    for (const option of list(at(service, 'options'))) {
      if (at(option, 'name') !== 'tools') continue;
      for (const tool of list(at(option, 'value'))) {
        const fn = at(tool, 'function');
        tools.push(flatTool(isRecord(fn) ? fn : tool, 'config', null));
      }
    }
  }
  return tools;
}

/** Arguments as they travelled (a JSON string, or an object) → [parsed, raw]. */
export function parsedArguments(raw: unknown): [unknown, string] {
  if (typeof raw === 'string') return [JSON.parse(raw), raw];
  return [raw, JSON.stringify(raw)];
}
