/**
 * Checks a call's arguments against the JSON Schema its tool declared, and turns what is wrong into findings.
 * A model may produce arguments that break the declared schema (a number as text, a missing required value, a
 * misspelt parameter): the tool backend receives them anyway, and fails or misreads them.
 */
import type { FindingDraft, ToolDefinition } from '../model.js';
import { isRecord, tryParseJson } from '../model.js';
import { compileSchema } from './compiled-schema.js';
import { childPath } from './json-path.js';
import { quote, shorten } from './quote.js';
import { describe } from './schema-problems.js';
import { readableErrors } from './validation-messages.js';

export interface ArgumentValidation {
  /**
   * `valid`: the arguments match. `invalid`: they break the schema (see errors). `schema-invalid`: the schema
   * itself is broken. `unchecked`: they could not be checked (too large, too deep, not JSON, unsafe pattern).
   */
  status: 'valid' | 'invalid' | 'schema-invalid' | 'unchecked';
  valid: boolean;
  /** Readable, with the JSON path: `arguments.city: must be string, got number`. At most MAX_ERRORS. */
  errors: string[];
  /** How many errors there were in all; `errors` lists the first MAX_ERRORS. */
  errorCount: number;
  /** Path of the first error, e.g. `arguments.city`. */
  firstPath?: string;
  /** Parts of the schema that were not checked, and why. */
  notes: string[];
}

export const MAX_ERRORS = 5;
/** Property names come from the model: long ones are cut in messages and paths. */
const MAX_ERROR_CHARS = 300;
const MAX_PATH = 200;
/** LLM arguments are small; past these sizes a check would only cost time (and a validator walks them recursively). */
const MAX_ARGUMENT_DEPTH = 64;
const MAX_ARGUMENT_NODES = 10_000;
const MAX_ARGUMENT_TEXT = 1024 * 1024;

/** Never throws. No schema (undefined or null) means nothing to check: valid. */
export function validateArguments(schema: unknown, args: unknown): ArgumentValidation {
  if (schema === undefined || schema === null) return { status: 'valid', valid: true, errors: [], errorCount: 0, notes: [] };
  const compiled = compileSchema(schema);
  if (!compiled.ok) {
    const first = compiled.problems[0];
    const error = `the parameters schema is invalid: ${first ? `${first.path}: ${first.message}` : 'it cannot be compiled'}`;
    return { status: 'schema-invalid', valid: false, errors: [error], errorCount: 1, notes: [] };
  }
  const notes = compiled.skippedPatterns.map((p) => `${p.path} was not checked: the pattern is ${p.detail}`);
  if (compiled.unchecked) return unchecked(`the parameters schema cannot be run safely: ${compiled.unchecked}`, notes);
  const shape = argumentShapeProblem(args);
  if (shape) return unchecked(shape, notes);
  let units;
  try {
    units = compiled.validator.validate(args).errors;
  } catch (error) {
    return unchecked(`the validator failed on them (${shorten(error instanceof Error ? error.message : String(error), 200)})`, notes);
  }
  const readable = readableErrors(units, 'arguments');
  if (readable.length === 0) return { status: 'valid', valid: true, errors: [], errorCount: 0, notes };
  return {
    status: 'invalid',
    valid: false,
    errors: readable.slice(0, MAX_ERRORS).map((e) => shorten(`${e.path}: ${e.message}`, MAX_ERROR_CHARS)),
    errorCount: readable.length,
    ...(readable[0] ? { firstPath: shorten(readable[0].path, MAX_PATH) } : {}),
    notes,
  };
}

function unchecked(reason: string, notes: string[]): ArgumentValidation {
  return { status: 'unchecked', valid: false, errors: [reason], errorCount: 1, notes };
}

/** Only JSON values, not too deep, not too many, not too long: what a validator can walk quickly and safely. */
function argumentShapeProblem(args: unknown): string | null {
  const stack: { value: unknown; depth: number }[] = [{ value: args, depth: 1 }];
  let nodes = 0;
  let text = 0;
  while (stack.length > 0) {
    const { value, depth } = stack.pop() as { value: unknown; depth: number };
    nodes++;
    if (nodes > MAX_ARGUMENT_NODES) return `the arguments have more than ${MAX_ARGUMENT_NODES} values, too many to check`;
    if (depth > MAX_ARGUMENT_DEPTH) return `the arguments are nested more than ${MAX_ARGUMENT_DEPTH} levels deep, too deep to check`;
    if (typeof value === 'string') {
      text += value.length;
      if (text > MAX_ARGUMENT_TEXT) return 'the arguments hold more than 1 MiB of text, too much to check';
      continue;
    }
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) return 'the arguments hold a number JSON cannot carry';
      continue;
    }
    if (value === null || typeof value === 'boolean') continue;
    if (Array.isArray(value)) {
      for (const item of value) stack.push({ value: item, depth: depth + 1 });
      continue;
    }
    if (isRecord(value)) {
      for (const key of Object.keys(value)) {
        text += key.length;
        stack.push({ value: value[key], depth: depth + 1 });
      }
      continue;
    }
    return `the arguments hold ${describe(value)}, which is not JSON`;
  }
  return null;
}

/**
 * Findings about one call's arguments against its tool. `seq` is 0: the caller knows which event carried the
 * arguments and sets it. Returns nothing when the arguments could not be parsed (the caller reports that).
 */
export function lintArguments(tool: ToolDefinition, args: unknown, argsRaw: string): FindingDraft[] {
  try {
    return lintArgumentsUnsafe(tool, args, argsRaw);
  } catch {
    // Every step above guards its input; this is the last line that keeps a bad call from stopping the analysis.
    return [];
  }
}

function lintArgumentsUnsafe(tool: ToolDefinition, args: unknown, argsRaw: string): FindingDraft[] {
  if (!isRecord(tool) || args === undefined) return [];
  const name = typeof tool.name === 'string' && tool.name !== '' ? shorten(tool.name, 60) : 'this tool';
  if (!isRecord(args)) return [notAnObject(name, args, typeof argsRaw === 'string' ? argsRaw : '')];
  const schema = tool.parameters;
  if (schema === undefined || schema === null) return [];

  const findings: FindingDraft[] = [];
  const result = validateArguments(schema, args);
  if (result.status === 'invalid') {
    const more = result.errorCount > result.errors.length ? `; and ${result.errorCount - result.errors.length} more` : '';
    findings.push({
      rule: 'call/arguments-schema',
      severity: 'error',
      message:
        `The arguments of ${name} do not match its declared parameters: ${result.errors.join('; ')}${more}. The tool receives them ` +
        'anyway and may fail or misread them: make the parameter descriptions more precise (the model follows them), use strict ' +
        'mode where the platform has it, or make the backend check its input.',
      seq: 0,
      ...(result.firstPath ? { path: result.firstPath } : {}),
    });
  } else if (result.status === 'schema-invalid' || result.status === 'unchecked') {
    findings.push({
      rule: 'call/arguments-unchecked',
      severity: 'info',
      message:
        `The arguments of ${name} were not checked against its declared parameters: ${result.errors[0] ?? 'unknown reason'}.` +
        (result.status === 'schema-invalid' ? ' The def/schema-invalid finding on the declaration says what to fix.' : ''),
      seq: 0,
    });
  }
  if (result.status === 'valid' || result.status === 'invalid') {
    const extra = undeclaredKeys(schema, args);
    if (extra.length > 0) findings.push(undeclaredFinding(name, schema, extra));
  }
  return findings;
}

function notAnObject(name: string, args: unknown, argsRaw: string): FindingDraft {
  const sent = argsRaw.trim() === '' ? '' : ` (sent as ${quote(argsRaw)})`;
  let what = `${describe(args)}${sent}, not a JSON object`;
  if (typeof args === 'string') {
    const inner = tryParseJson(args);
    if (inner.ok && isRecord(inner.value)) {
      what = `a JSON string that holds an object${sent}, not the object itself: they were encoded twice`;
    }
  }
  return {
    rule: 'call/arguments-not-object',
    severity: 'error',
    message:
      `The arguments of ${name} are ${what}. Function calls always carry one object of named arguments, so the tool cannot read them ` +
      'by name. Send the arguments as a JSON object, encoded once.',
    seq: 0,
    path: 'arguments',
  };
}

/**
 * Top-level arguments the schema does not declare, when the schema leaves them allowed only by omission (no
 * additionalProperties, no combinators): the model misspelt or invented a parameter, and the backend most likely
 * ignores it.
 */
function undeclaredKeys(schema: unknown, args: Record<string, unknown>): string[] {
  if (!isRecord(schema) || !isRecord(schema.properties)) return [];
  const open = ['additionalProperties', 'patternProperties', 'unevaluatedProperties', 'allOf', 'anyOf', 'oneOf', '$ref', 'if', 'dependentSchemas', 'dependencies'];
  if (open.some((key) => key in schema)) return [];
  const declared = schema.properties;
  return Object.keys(args).filter((key) => !Object.prototype.hasOwnProperty.call(declared, key));
}

function undeclaredFinding(name: string, schema: unknown, extra: string[]): FindingDraft {
  const declared = isRecord(schema) && isRecord(schema.properties) ? Object.keys(schema.properties) : [];
  const shown = extra.slice(0, MAX_ERRORS).map((key) => quote(key));
  const list = shown.length === 1 ? shown[0] : `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
  const more = extra.length > shown.length ? ` (and ${extra.length - shown.length} more)` : '';
  const declaredText = declared.length > 0 ? declared.slice(0, 10).map((key) => quote(key)).join(', ') : 'none';
  return {
    rule: 'call/arguments-undeclared-property',
    severity: 'warning',
    message:
      `The arguments of ${name} include ${list}${more}, which ${extra.length === 1 ? 'is not a declared parameter' : 'are not declared parameters'} ` +
      `(declared: ${declaredText}). The backend most likely ignores ${extra.length === 1 ? 'it' : 'them'}, so what the model meant to pass is lost. ` +
      'Check the parameter names and descriptions, or add "additionalProperties": false so strict platforms keep the model to the schema.',
    seq: 0,
    path: shorten(childPath('arguments', extra[0] ?? ''), MAX_PATH),
  };
}
