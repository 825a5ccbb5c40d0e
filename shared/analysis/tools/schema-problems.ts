/**
 * Finds what makes a declared JSON Schema unusable: keywords with the wrong kind of value (`"type": "int"`,
 * `"required": true` inside a property), `$ref`s that point nowhere or outside the schema, `$ref` cycles that
 * never go into the value (a validator would loop forever), and schemas too deep or too complex to check.
 *
 * A JSON Schema validator does not check the schema itself: it silently treats a misspelt type as matching
 * nothing, or throws, or recurses forever. Platforms are stricter (OpenAI rejects the session update), and the
 * developer needs to know which keyword is wrong, so the schema is checked here first, without recursion.
 */
import type { SchemaDraft } from '@cfworker/json-schema';
import { isRecord } from '../model.js';
import { childPath, decodeSegment } from './json-path.js';
import { quote } from './quote.js';
import { checkPattern } from './regex-safety.js';

export interface SchemaProblem {
  path: string;
  message: string;
}

export interface RiskyPattern {
  /** The schema object holding the pattern (in the original schema). */
  holder: Record<string, unknown>;
  /** `pattern`, or the key inside `patternProperties`. */
  kind: 'pattern' | 'patternProperties';
  pattern: string;
  path: string;
  detail: string;
}

export interface SchemaAnalysis {
  problems: SchemaProblem[];
  /** Patterns a validator must not run: valid JSON Schema, but they may backtrack for ever or need non-Unicode mode. */
  riskyPatterns: RiskyPattern[];
  /** Schema objects with `"format": "url"`: the validator's URL regex backtracks exponentially on some strings. */
  riskyFormats: Record<string, unknown>[];
  draft: SchemaDraft;
}

/** Deeper than this, a tool schema is a mistake (or an attack on the validator's stack). */
export const MAX_SCHEMA_DEPTH = 64;
export const MAX_SCHEMA_NODES = 20_000;
/** How many subschemas one value may be checked against in place (allOf/anyOf/oneOf/$ref): bounds time and stack. */
export const MAX_IN_PLACE_EXPANSION = 2_000;

const TYPES = new Set(['string', 'number', 'integer', 'boolean', 'object', 'array', 'null']);
const TYPE_HINTS: Record<string, string> = {
  int: 'integer',
  long: 'integer',
  float: 'number',
  double: 'number',
  decimal: 'number',
  str: 'string',
  text: 'string',
  date: 'string (with "format": "date")',
  datetime: 'string (with "format": "date-time")',
  bool: 'boolean',
  list: 'array',
  tuple: 'array',
  dict: 'object',
  map: 'object',
  json: 'object',
};

const SINGLE_SCHEMA = ['additionalItems', 'unevaluatedItems', 'contains', 'additionalProperties', 'unevaluatedProperties', 'propertyNames', 'not', 'if', 'then', 'else'];
const SCHEMA_LIST = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];
const SCHEMA_MAP = ['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas'];
const NON_NEGATIVE_INTEGERS = ['minLength', 'maxLength', 'minItems', 'maxItems', 'minProperties', 'maxProperties', 'minContains', 'maxContains'];
/** Subschemas that apply to the same value as their parent, so a cycle through them never ends. */
const IN_PLACE_LISTS = ['allOf', 'anyOf', 'oneOf'];
const IN_PLACE_SINGLE = ['not', 'if', 'then', 'else'];

interface Frame {
  node: unknown;
  path: string;
  /** Set when the node is the schema of a property, to explain a misplaced `required: true`. */
  propertyName?: string;
}

export function analyseSchema(schema: unknown, rootPath: string): SchemaAnalysis {
  const draft = draftOf(schema);
  const problems: SchemaProblem[] = [];
  const riskyPatterns: RiskyPattern[] = [];
  const riskyFormats: Record<string, unknown>[] = [];
  const shape = checkShape(schema);
  if (shape) {
    problems.push({ path: rootPath, message: shape });
    return { problems, riskyPatterns, riskyFormats, draft };
  }

  const schemaNodes = new Set<object>();
  const anchors = new Map<string, object>();
  const ids = new Map<string, object>();
  const refs: { holder: Record<string, unknown>; ref: string; path: string }[] = [];
  const stack: Frame[] = [{ node: schema, path: rootPath }];
  const problem = (path: string, message: string) => problems.push({ path, message });

  while (stack.length > 0) {
    const { node, path, propertyName } = stack.pop() as Frame;
    if (typeof node === 'boolean') continue;
    if (!isRecord(node)) {
      problem(path, `must be a schema (an object such as {"type": "string"}), not ${describe(node)}`);
      continue;
    }
    if (schemaNodes.has(node)) continue;
    schemaNodes.add(node);
    const at = (key: string) => childPath(path, key);

    checkType(node.type, at('type'), problem);
    if ('required' in node) checkRequired(node.required, at('required'), propertyName, problem);
    if ('enum' in node && (!Array.isArray(node.enum) || node.enum.length === 0)) {
      problem(at('enum'), Array.isArray(node.enum) ? 'is an empty list, so no value can ever match' : `must be a list of the allowed values, not ${describe(node.enum)}`);
    }
    for (const key of NON_NEGATIVE_INTEGERS) {
      if (key in node && !(typeof node[key] === 'number' && Number.isInteger(node[key]) && (node[key] as number) >= 0)) {
        problem(at(key), `must be a whole number of 0 or more, not ${describe(node[key])}`);
      }
    }
    for (const key of ['minimum', 'maximum']) {
      if (key in node && !isFiniteNumber(node[key])) problem(at(key), `must be a number, not ${describe(node[key])}`);
    }
    for (const key of ['exclusiveMinimum', 'exclusiveMaximum']) {
      if (!(key in node)) continue;
      const value = node[key];
      if (typeof value === 'boolean' && draft !== '4') {
        problem(at(key), `is ${value}, the draft-04 style; in later drafts it is the bound itself, for example "${key}": 0`);
      } else if (typeof value !== 'boolean' && !isFiniteNumber(value)) problem(at(key), `must be a number, not ${describe(value)}`);
    }
    if ('multipleOf' in node && !(isFiniteNumber(node.multipleOf) && node.multipleOf > 0)) {
      problem(at('multipleOf'), `must be a number greater than 0, not ${describe(node.multipleOf)}`);
    }
    if ('format' in node && typeof node.format !== 'string') problem(at('format'), `must be a string such as "date-time", not ${describe(node.format)}`);
    if (node.format === 'url') riskyFormats.push(node);
    if ('pattern' in node) {
      if (typeof node.pattern !== 'string') problem(at('pattern'), `must be a regular expression in a string, not ${describe(node.pattern)}`);
      else notePattern(node, 'pattern', node.pattern, at('pattern'), problems, riskyPatterns);
    }
    if ('dependentRequired' in node) {
      const value = node.dependentRequired;
      if (!isRecord(value) || !Object.values(value).every(isStringList)) {
        problem(at('dependentRequired'), 'must be an object whose values are lists of property names');
      }
    }

    if (typeof node.$anchor === 'string') anchors.set(node.$anchor, node);
    const id = typeof node.$id === 'string' ? node.$id : typeof node.id === 'string' && draft === '4' ? node.id : undefined;
    if (id !== undefined) {
      if (id.startsWith('#')) anchors.set(id.slice(1), node);
      else ids.set(id.replace(/#$/, ''), node);
    }
    if ('$ref' in node) {
      if (typeof node.$ref !== 'string') problem(at('$ref'), `must be a string such as "#/$defs/address", not ${describe(node.$ref)}`);
      else refs.push({ holder: node, ref: node.$ref, path: at('$ref') });
    }

    // Children, pushed in reverse so problems come out in document order.
    const children: Frame[] = [];
    if ('items' in node) {
      const items = node.items;
      if (Array.isArray(items)) items.forEach((item, i) => children.push({ node: item, path: childPath(at('items'), i) }));
      else children.push({ node: items, path: at('items') });
    }
    for (const key of SINGLE_SCHEMA) {
      if (key in node) children.push({ node: node[key], path: at(key) });
    }
    for (const key of SCHEMA_LIST) {
      if (!(key in node)) continue;
      const list = node[key];
      if (!Array.isArray(list) || (list.length === 0 && key !== 'prefixItems')) {
        problem(at(key), Array.isArray(list) ? 'is an empty list; it needs at least one schema' : `must be a list of schemas, not ${describe(list)}`);
        continue;
      }
      list.forEach((item, i) => children.push({ node: item, path: childPath(at(key), i) }));
    }
    for (const key of SCHEMA_MAP) {
      if (!(key in node)) continue;
      const map = node[key];
      if (!isRecord(map)) {
        problem(at(key), `must be an object of schemas, not ${describe(map)}`);
        continue;
      }
      for (const [name, value] of Object.entries(map)) {
        if (key === 'patternProperties') notePattern(node, 'patternProperties', name, childPath(at(key), name), problems, riskyPatterns);
        children.push({ node: value, path: childPath(at(key), name), ...(key === 'properties' ? { propertyName: name } : {}) });
      }
    }
    if ('dependencies' in node) {
      const deps = node.dependencies;
      if (!isRecord(deps)) problem(at('dependencies'), `must be an object, not ${describe(deps)}`);
      else {
        for (const [name, value] of Object.entries(deps)) {
          if (!isStringList(value)) children.push({ node: value, path: childPath(at('dependencies'), name) });
        }
      }
    }
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i] as Frame);
  }

  const refTargets = new Map<object, unknown>();
  for (const { holder, ref, path } of refs) {
    const target = resolveRef(schema, ref, anchors, ids);
    if (target === undefined) {
      const remote = /^[a-z][a-z0-9+.-]*:/i.test(ref) || !ref.startsWith('#');
      problem(
        path,
        remote
          ? `points outside this schema (${quote(ref)}): platforms do not fetch other documents, so nothing can resolve it`
          : `points at nothing: ${quote(ref)} is not a location in this schema`,
      );
    } else if (typeof target !== 'boolean' && !(typeof target === 'object' && target !== null && schemaNodes.has(target))) {
      problem(path, `points at ${quote(ref)}, which is not a schema`);
    } else refTargets.set(holder, target);
  }
  if (problems.length === 0) checkExpansion(schema, schemaNodes, refTargets, rootPath, problem);
  return { problems, riskyPatterns, riskyFormats, draft };
}

/** The draft named by `$schema`; 2020-12 (what OpenAI and most platforms describe) when none is named. */
function draftOf(schema: unknown): SchemaDraft {
  const named = isRecord(schema) && typeof schema.$schema === 'string' ? schema.$schema : '';
  if (named.includes('draft-04') || named.includes('draft-03')) return '4';
  if (named.includes('draft-06') || named.includes('draft-07')) return '7';
  if (named.includes('2019-09')) return '2019-09';
  return '2020-12';
}

/** Depth and size of the whole value, every nested object counted (a validator walks those too). */
function checkShape(schema: unknown): string | null {
  const stack: { value: unknown; depth: number }[] = [{ value: schema, depth: 1 }];
  let nodes = 0;
  while (stack.length > 0) {
    const { value, depth } = stack.pop() as { value: unknown; depth: number };
    if (typeof value !== 'object' || value === null) continue;
    nodes++;
    if (depth > MAX_SCHEMA_DEPTH) return `is nested more than ${MAX_SCHEMA_DEPTH} levels deep (or refers to itself as an object), too deep to check`;
    if (nodes > MAX_SCHEMA_NODES) return `has more than ${MAX_SCHEMA_NODES} objects and lists, too large to check`;
    const values = Array.isArray(value) ? value : Object.values(value);
    for (const child of values) if (typeof child === 'object' && child !== null) stack.push({ value: child, depth: depth + 1 });
  }
  return null;
}

function checkType(type: unknown, path: string, problem: (path: string, message: string) => void): void {
  if (type === undefined) return;
  const list = Array.isArray(type) ? type : [type];
  if (Array.isArray(type) && type.length === 0) {
    problem(path, 'is an empty list, so no value can ever match');
    return;
  }
  for (const entry of list) {
    if (typeof entry === 'string' && TYPES.has(entry)) continue;
    if (typeof entry !== 'string') {
      problem(path, `must be a type name such as "string", or a list of them, not ${describe(entry)}`);
      continue;
    }
    const lower = entry.toLowerCase();
    const hint = TYPES.has(lower) ? lower : TYPE_HINTS[lower];
    problem(
      path,
      `${quote(entry)} is not a JSON Schema type${hint ? `; did you mean ${hint.startsWith('string (') ? hint : JSON.stringify(hint)}?` : ''} ` +
        '(the types are string, number, integer, boolean, object, array and null)',
    );
  }
}

function checkRequired(value: unknown, path: string, propertyName: string | undefined, problem: (path: string, message: string) => void): void {
  if (isStringList(value)) return;
  if (typeof value === 'boolean') {
    problem(
      path,
      `is ${value}: in JSON Schema, "required" is a list of property names on the parent object` +
        (propertyName !== undefined ? ` (put ${quote(propertyName)} in the parent's "required" list)` : '') +
        '; a boolean here is the old draft-03 form, which validators and platforms ignore or reject',
    );
    return;
  }
  problem(path, `must be a list of property names, not ${describe(value)}`);
}

function notePattern(
  holder: Record<string, unknown>,
  kind: RiskyPattern['kind'],
  pattern: string,
  path: string,
  problems: SchemaProblem[],
  risky: RiskyPattern[],
): void {
  const verdict = checkPattern(pattern);
  if (verdict.ok) return;
  if (verdict.reason === 'invalid') problems.push({ path, message: `${quote(pattern)} is not a valid regular expression (${verdict.detail})` });
  else risky.push({ holder, kind, pattern, path, detail: verdict.reason === 'backtracking' ? verdict.detail : `not valid in Unicode mode (${verdict.detail})` });
}

/** `#`, `#/json/pointer`, `#anchor`, or an `$id` declared in the schema (optionally followed by a fragment). */
function resolveRef(root: unknown, ref: string, anchors: Map<string, object>, ids: Map<string, object>): unknown {
  let base: unknown = root;
  let fragment = ref;
  const hash = ref.indexOf('#');
  if (hash !== 0) {
    const document = hash < 0 ? ref : ref.slice(0, hash);
    const identified = ids.get(document);
    if (identified === undefined) return undefined;
    base = identified;
    fragment = hash < 0 ? '#' : ref.slice(hash);
  }
  if (fragment === '#' || fragment === '') return base;
  if (!fragment.startsWith('#/')) return anchors.get(decodeSegment(fragment.slice(1)));
  let node: unknown = base;
  for (const raw of fragment.slice(2).split('/')) {
    const segment = decodeSegment(raw);
    if (Array.isArray(node)) {
      if (!/^(?:0|[1-9][0-9]*)$/.test(segment)) return undefined;
      node = node[Number(segment)];
    } else if (isRecord(node) && Object.prototype.hasOwnProperty.call(node, segment)) node = node[segment];
    else return undefined;
  }
  return node;
}

/**
 * How many subschemas one value is checked against without going into it (allOf/anyOf/oneOf/not/if/$ref): a
 * cycle there never ends, and a chain or fan-out of thousands exhausts time and stack. Iterative, memoised.
 */
function checkExpansion(
  root: unknown,
  schemaNodes: Set<object>,
  refTargets: Map<object, unknown>,
  rootPath: string,
  problem: (path: string, message: string) => void,
): void {
  const inPlace = (node: Record<string, unknown>): object[] => {
    const out: object[] = [];
    const add = (value: unknown) => {
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) out.push(value);
    };
    for (const key of IN_PLACE_LISTS) if (Array.isArray(node[key])) (node[key] as unknown[]).forEach(add);
    for (const key of IN_PLACE_SINGLE) add(node[key]);
    if (isRecord(node.dependentSchemas)) Object.values(node.dependentSchemas).forEach(add);
    if (isRecord(node.dependencies)) Object.values(node.dependencies).forEach(add);
    if (refTargets.has(node)) add(refTargets.get(node));
    if (node.$recursiveRef === '#') add(root);
    return out;
  };
  const size = new Map<object, number>();
  const active = new Set<object>();
  for (const start of schemaNodes) {
    if (size.has(start)) continue;
    const stack: { node: object; children: object[]; next: number }[] = [];
    const enter = (node: object) => {
      active.add(node);
      stack.push({ node, children: inPlace(node as Record<string, unknown>), next: 0 });
    };
    enter(start);
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as { node: object; children: object[]; next: number };
      if (top.next < top.children.length) {
        const child = top.children[top.next++] as object;
        if (size.has(child)) continue;
        if (active.has(child)) {
          problem(
            rootPath,
            'has a $ref cycle that never goes into the value (a schema that refers back to itself through $ref, allOf, anyOf or ' +
              'oneOf): a validator following it never ends',
          );
          return;
        }
        enter(child);
        continue;
      }
      let total = 1;
      for (const child of top.children) total = Math.min(total + (size.get(child) ?? 0), Number.MAX_SAFE_INTEGER);
      size.set(top.node, total);
      active.delete(top.node);
      stack.pop();
      if (total > MAX_IN_PLACE_EXPANSION) {
        problem(
          rootPath,
          `is too complex to check: one value would be checked against more than ${MAX_IN_PLACE_EXPANSION} subschemas ` +
            '(through $ref, allOf, anyOf and oneOf)',
        );
        return;
      }
    }
  }
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((entry) => typeof entry === 'string');
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
    case 'number':
      return `the number ${value}`;
    case 'boolean':
      return `${value}`;
    case 'object':
      return 'an object';
    case 'undefined':
      return 'nothing';
    default:
      return `a ${typeof value}`;
  }
}
