/**
 * Problems in declared tools (`def/`): what makes a platform reject the declaration, the model misuse the tool,
 * or Toolscope unable to check the tool's calls. Each finding points at the event that declared the tool (seq 0
 * for tools from the config file, which no event carries) and, where it helps, at the path inside the tool.
 */
import type { FindingDraft, Severity, ToolDefinition } from '../model.js';
import { isRecord } from '../model.js';
import { childPath } from './json-path.js';
import { quote } from './quote.js';
import { analyseSchema, describe } from './schema-problems.js';

/** Start with a letter; letters, digits, `_` and `-`; at most 64 characters. The strictest of the platforms' rules. */
export const TOOL_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

const MAX_LISTED = 5;
/** Nested object parameters deeper than this are not walked for missing types and descriptions. */
const MAX_PROPERTY_DEPTH = 16;
/** Keywords that say what a value may be as well as `type` does. */
const TYPE_SUBSTITUTES = ['type', 'enum', 'const', '$ref', 'anyOf', 'oneOf', 'allOf', 'not'];
/** Where these appear, properties may come from elsewhere: `required` cannot be checked against `properties` alone. */
const OPEN_KEYWORDS = ['allOf', 'anyOf', 'oneOf', '$ref', 'patternProperties', 'dependentSchemas', 'if'];

/** Why a tool name is not valid, or null when it is. */
export function toolNameProblem(name: unknown): string | null {
  if (typeof name !== 'string' || name === '') return 'it is empty';
  if (TOOL_NAME.test(name)) return null;
  if (name.length > 64) return `it is ${name.length} characters long (at most 64)`;
  if (!/^[A-Za-z]/.test(name)) return `it starts with ${JSON.stringify(name[0])}, not a letter`;
  const bad = [...new Set(name.replace(/[A-Za-z0-9_-]/g, ''))].slice(0, 5);
  return `it contains ${bad.map((c) => (c === ' ' ? 'a space' : JSON.stringify(c))).join(', ')}`;
}

/** Never throws; anything that is not a tool definition is skipped. */
export function lintToolDefinitions(defs: ToolDefinition[]): FindingDraft[] {
  if (!Array.isArray(defs)) return [];
  const findings: FindingDraft[] = [];
  const names = new Map<string, { count: number; seq: number }>();
  for (const def of defs) {
    if (!isRecord(def)) continue;
    try {
      lintOne(def, findings);
    } catch {
      // Every check guards its input; this keeps one odd definition from hiding the findings of the others.
    }
    if (typeof def.name === 'string') {
      const seq = seqOf(def);
      const key = `${def.seq === null ? 'config' : seq}\u0000${def.name}`;
      const seen = names.get(key);
      if (seen) seen.count++;
      else names.set(key, { count: 1, seq });
    }
  }
  for (const [key, { count, seq }] of names) {
    if (count < 2) continue;
    const name = key.slice(key.indexOf('\u0000') + 1);
    findings.push({
      rule: 'def/duplicate-name',
      severity: 'error',
      message:
        `The tool ${quote(name)} is declared ${count} times in one declaration. Platforms either reject the declaration or keep ` +
        'only one of them, so which description and parameters the model follows is undefined. Remove the duplicates, or merge them.',
      seq,
    });
  }
  return findings;
}

function seqOf(def: ToolDefinition): number {
  return typeof def.seq === 'number' && Number.isFinite(def.seq) ? def.seq : 0;
}

function lintOne(def: ToolDefinition, findings: FindingDraft[]): void {
  const seq = seqOf(def);
  const add = (rule: string, severity: Severity, message: string, path?: string) =>
    findings.push({ rule, severity, message, seq, ...(path !== undefined ? { path } : {}) });
  const tool = typeof def.name === 'string' && def.name !== '' ? `the tool ${quote(def.name)}` : 'a tool';

  const nameProblem = toolNameProblem(def.name);
  if (nameProblem) {
    const suggestion = suggestName(def.name);
    add(
      'def/invalid-name',
      'error',
      `The tool name ${typeof def.name === 'string' ? quote(def.name) : describe(def.name)} is not a valid identifier: ${nameProblem}. ` +
        'Names must start with a letter and hold only letters, digits, "_" and "-", at most 64 characters; platforms reject a ' +
        `declaration with any other name (OpenAI answers with an error), or the model cannot call the tool. ` +
        (suggestion ? `Rename it, for example ${quote(suggestion, 64)}.` : 'Give it a name.'),
      'name',
    );
  }

  if (typeof def.description !== 'string' || def.description.trim() === '') {
    add(
      'def/missing-description',
      'warning',
      `${tool.charAt(0).toUpperCase()}${tool.slice(1)} has no description. The model picks tools by their descriptions, so it may not call this one when it should, or ` +
        'call it when it should not. Say what the tool does and when to use it.',
      'description',
    );
  }

  const params = def.parameters;
  if (params === undefined || params === null) return;
  if (!isRecord(params)) {
    add(
      'def/parameters-not-object',
      'error',
      `The parameters of ${tool} are ${describe(params)}, not a JSON Schema object. Platforms expect {"type": "object", "properties": {…}} ` +
        'and reject the tool (OpenAI answers with an error) or call it without arguments.',
      'parameters',
    );
    return;
  }
  if (Object.keys(params).length === 0) return;
  if (params.type !== 'object') {
    const has = params.type === undefined ? 'no "type"' : `"type": ${typeof params.type === 'string' ? quote(params.type) : describe(params.type)}`;
    add(
      'def/parameters-not-object',
      'error',
      `The parameters schema of ${tool} has ${has}, not "type": "object". The arguments of a call are always one object of named ` +
        'values, and platforms such as OpenAI reject any other parameters schema. Set "type": "object" and list the arguments under "properties".',
      'parameters.type',
    );
  }

  const analysis = analyseSchema(params, 'parameters');
  if (analysis.problems.length > 0) {
    const listed = analysis.problems.slice(0, MAX_LISTED).map((p) => `${p.path}: ${p.message}`);
    const more = analysis.problems.length > MAX_LISTED ? `; and ${analysis.problems.length - MAX_LISTED} more` : '';
    add(
      'def/schema-invalid',
      'error',
      `The parameters schema of ${tool} is not valid JSON Schema: ${listed.join('; ')}${more}. Platforms reject the tool or ignore ` +
        "the broken part, and Toolscope cannot check this tool's arguments. Fix the schema.",
      analysis.problems[0]?.path,
    );
  }
  for (const risky of analysis.riskyPatterns.slice(0, MAX_LISTED)) {
    add(
      'def/pattern-not-checked',
      'info',
      `The pattern ${quote(risky.pattern)} of ${tool} is ${risky.detail}. Toolscope does not run it on arguments (it could ` +
        'freeze the app), and some platforms reject or ignore it. Simplify it if you rely on it.',
      risky.path,
    );
  }

  lintProperties(params, tool, add);
}

type Add = (rule: string, severity: Severity, message: string, path?: string) => void;

/** Walks object schemas (nested properties and array items) for untyped and undescribed parameters and bad `required`. */
function lintProperties(root: Record<string, unknown>, tool: string, add: Add): void {
  const untyped: string[] = [];
  const undescribed: string[] = [];
  const stack: { node: Record<string, unknown>; path: string; depth: number }[] = [{ node: root, path: 'parameters', depth: 0 }];
  const visited = new Set<object>();
  while (stack.length > 0) {
    const { node, path, depth } = stack.pop() as { node: Record<string, unknown>; path: string; depth: number };
    if (visited.has(node) || depth > MAX_PROPERTY_DEPTH) continue;
    visited.add(node);
    const properties = isRecord(node.properties) ? node.properties : null;
    checkRequired(node, properties, path, tool, add);
    if (isRecord(node.items)) stack.push({ node: node.items, path: childPath(path, 'items'), depth: depth + 1 });
    if (!properties) continue;
    const entries = Object.entries(properties);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, sub] = entries[i] as [string, unknown];
      if (!isRecord(sub)) continue;
      const subPath = childPath(childPath(path, 'properties'), key);
      stack.push({ node: sub, path: subPath, depth: depth + 1 });
    }
    for (const [key, sub] of entries) {
      if (!isRecord(sub)) continue;
      const subPath = childPath(childPath(path, 'properties'), key);
      if (!TYPE_SUBSTITUTES.some((keyword) => keyword in sub)) untyped.push(subPath);
      if (typeof sub.description !== 'string' || sub.description.trim() === '') undescribed.push(subPath);
    }
  }
  if (untyped.length > 0) {
    add(
      'def/parameter-missing-type',
      'warning',
      `${countOf(untyped, 'parameter')} of ${tool} ${untyped.length === 1 ? 'has' : 'have'} no type: ${listPaths(untyped)}. The model may then ` +
        'send any kind of value (a number as text, an object for a string) and nothing catches it. Add a "type", for example "string".',
      untyped[0],
    );
  }
  if (undescribed.length > 0) {
    add(
      'def/parameter-missing-description',
      'info',
      `${countOf(undescribed, 'parameter')} of ${tool} ${undescribed.length === 1 ? 'has' : 'have'} no description: ${listPaths(undescribed)}. ` +
        'The model guesses meaning and format from the name alone; a description with an example (say "order number as read out, ' +
        'like A-20931") makes its arguments more accurate.',
      undescribed[0],
    );
  }
}

function checkRequired(node: Record<string, unknown>, properties: Record<string, unknown> | null, path: string, tool: string, add: Add): void {
  if (!Array.isArray(node.required) || node.required.length === 0) return;
  if (OPEN_KEYWORDS.some((keyword) => keyword in node)) return;
  if (node.additionalProperties !== undefined && node.additionalProperties !== false) return;
  const missing = node.required.filter((key): key is string => typeof key === 'string' && !(properties && Object.prototype.hasOwnProperty.call(properties, key)));
  if (missing.length === 0) return;
  const declared = properties ? Object.keys(properties) : [];
  add(
    'def/required-unknown-property',
    'error',
    `${path === 'parameters' ? 'The parameters schema' : `The object schema at ${path}`} of ${tool} requires ${missing.slice(0, MAX_LISTED).map((k) => quote(k)).join(', ')}, but declares no such ` +
      `propert${missing.length === 1 ? 'y' : 'ies'} (declared: ${declared.length > 0 ? declared.slice(0, 10).map((k) => quote(k)).join(', ') : 'none'}). ` +
      'The model is told to send a value it knows nothing about, strict platforms reject the schema, and calls fail the check unless ' +
      'the model invents it. Add the property, or fix the name in "required".',
    childPath(path, 'required'),
  );
}

function countOf(paths: string[], noun: string): string {
  return paths.length === 1 ? `One ${noun}` : `${paths.length} ${noun}s`;
}

function listPaths(paths: string[]): string {
  const shown = paths.slice(0, MAX_LISTED).map((p) => p.replace(/^parameters\.properties\./, '').replace(/\.properties\./g, '.'));
  return shown.join(', ') + (paths.length > MAX_LISTED ? ` and ${paths.length - MAX_LISTED} more` : '');
}

/** A valid name close to the given one, to put in the message; null when nothing usable is left. */
function suggestName(name: unknown): string | null {
  if (typeof name !== 'string') return null;
  const cleaned = name
    .trim()
    .replace(/[^A-Za-z0-9_-]+/g, '_')
    .replace(/^[^A-Za-z]+/, '')
    .slice(0, 64)
    .replace(/_+$/, '');
  return cleaned !== '' && TOOL_NAME.test(cleaned) ? cleaned : null;
}
