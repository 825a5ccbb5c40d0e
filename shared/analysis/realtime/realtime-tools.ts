/**
 * The tools list of an OpenAI Realtime session (`session.tools`), which NavTalk forwards as is: flat entries
 * `{type: "function", name, description, parameters}`. The Chat Completions shape `{type: "function", function:
 * {…}}` is the classic mistake: the server rejects the whole update and keeps its old tools, so the model never
 * sees the tool and simply never calls it.
 */
import type { FindingDraft, Protocol, ToolDefinition } from '../model.js';
import { isRecord } from '../model.js';
import { childPath } from '../tools/json-path.js';
import { describeValue, field, quote, recordField, stringField } from './json-fields.js';

/** Past this many refused entries the list is reported as refused without naming each one. */
const MAX_LISTED = 10;

export interface RealtimeToolsReading {
  tools: ToolDefinition[];
  findings: FindingDraft[];
  /** True when the platform refuses the declaration as a whole, so none of its tools take effect. */
  rejected: boolean;
}

export interface RealtimeToolsContext {
  protocol: Protocol;
  seq: number;
  /** Rule prefix of the dialect that declares the tools, e.g. `openai-rt`. */
  prefix: string;
  /** Path of the list in the message, e.g. `session.tools`. */
  path: string;
  /** What refuses a bad declaration and what happens then, e.g. `OpenAI rejects this session.update`. */
  consequence: string;
}

/** Reads a declared tools list and reports entries the platform refuses. Never throws. */
export function readRealtimeTools(list: unknown, ctx: RealtimeToolsContext): RealtimeToolsReading {
  const findings: FindingDraft[] = [];
  let refused = 0;
  const add = (rule: string, message: string, path: string) => {
    refused++;
    if (findings.length < MAX_LISTED) findings.push({ rule: `${ctx.prefix}/${rule}`, severity: 'error', message, seq: ctx.seq, path });
  };
  if (!Array.isArray(list)) {
    add('tools-not-a-list', `The tools are ${describeValue(list)}, not a list of tools. ${ctx.consequence}, so the model has no tools to call.`, ctx.path);
    return { tools: [], findings, rejected: true };
  }
  const tools: ToolDefinition[] = [];
  list.forEach((entry: unknown, index) => {
    const path = childPath(ctx.path, index);
    if (!isRecord(entry)) {
      add('invalid-tool', `Tool ${index + 1} is ${describeValue(entry)}, not a tool object. ${ctx.consequence}.`, path);
      return;
    }
    const type = field(entry, 'type');
    // MCP servers and other non-function tools are declared differently and are not called as functions.
    if (type !== undefined && type !== 'function') return;
    const nested = recordField(entry, 'function');
    const name = stringField(entry, 'name');
    if (nested && name === undefined) {
      const nestedName = stringField(nested, 'name');
      add(
        'nested-tool-shape',
        `Tool ${nestedName ? quote(nestedName) : index + 1} uses the Chat Completions shape {type: "function", function: {name, …}}. ` +
          `Realtime tools are flat: {type: "function", name, description, parameters}. ${ctx.consequence}, so the model never sees this tool. ` +
          'Move name, description and parameters up out of "function".',
        childPath(path, 'function'),
      );
      return;
    }
    if (name === undefined) {
      add('tool-without-name', `Tool ${index + 1} has no name (it is ${describeValue(field(entry, 'name'))}). ${ctx.consequence}; give every tool a string name.`, childPath(path, 'name'));
      return;
    }
    const tool: ToolDefinition = { name, protocol: ctx.protocol, seq: ctx.seq };
    const description = stringField(entry, 'description');
    if (description !== undefined) tool.description = description;
    if (field(entry, 'parameters') !== undefined) tool.parameters = field(entry, 'parameters');
    tools.push(tool);
  });
  return { tools, findings, rejected: refused > 0 };
}

/** The tools a server echoes back (`session.created`, `session.updated`): what it applied, read without complaint. */
export function readEchoedTools(list: unknown, protocol: Protocol, seq: number): ToolDefinition[] {
  if (!Array.isArray(list)) return [];
  const tools: ToolDefinition[] = [];
  for (const entry of list) {
    const name = stringField(entry, 'name');
    const type = field(entry, 'type');
    if (name === undefined || (type !== undefined && type !== 'function')) continue;
    const tool: ToolDefinition = { name, protocol, seq };
    const description = stringField(entry, 'description');
    if (description !== undefined) tool.description = description;
    if (field(entry, 'parameters') !== undefined) tool.parameters = field(entry, 'parameters');
    tools.push(tool);
  }
  return tools;
}
