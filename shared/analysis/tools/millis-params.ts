/**
 * Millis AI declares a function's arguments as `params: [{name, type, description, required}]`, not as a JSON
 * Schema (shared/protocols/07-retell-millis.md). To check Millis calls like every other tool's, the list is
 * turned into the JSON Schema it means; what does not fit the Param shape is reported alongside.
 */
import { isRecord } from '../model.js';
import { childPath } from './json-path.js';
import { quote } from './quote.js';
import { describe } from './schema-problems.js';

export interface MillisParamsSchema {
  type: 'object';
  properties: Record<string, Record<string, unknown>>;
  required?: string[];
}

export interface MillisParamsConversion {
  /** The schema the params declare; undefined when `params` is not a Param list at all. */
  schema: MillisParamsSchema | undefined;
  /** What does not fit Millis' Param shape, with the path inside the function (`params[1].name`). */
  problems: { path: string; message: string }[];
}

/** Types Millis users write that JSON Schema spells otherwise. */
const TYPE_ALIASES: Record<string, string> = {
  int: 'integer',
  long: 'integer',
  float: 'number',
  double: 'number',
  decimal: 'number',
  str: 'string',
  text: 'string',
  bool: 'boolean',
  list: 'array',
  dict: 'object',
};

/** Never throws. `params` absent means a function without arguments. */
export function millisParamsToJsonSchema(params: unknown, basePath = 'params'): MillisParamsConversion {
  const problems: MillisParamsConversion['problems'] = [];
  if (params === undefined || params === null) return { schema: { type: 'object', properties: {} }, problems };
  if (!Array.isArray(params)) {
    const looksLikeSchema = isRecord(params) && ('properties' in params || params.type === 'object');
    problems.push({
      path: basePath,
      message: looksLikeSchema
        ? 'is a JSON Schema object, but Millis expects a list of {name, type, description, required} entries'
        : `must be a list of {name, type, description, required} entries, not ${describe(params)}`,
    });
    return { schema: undefined, problems };
  }

  const properties: Record<string, Record<string, unknown>> = {};
  const required: string[] = [];
  params.forEach((param, index) => {
    const path = childPath(basePath, index);
    if (!isRecord(param)) {
      problems.push({ path, message: `must be an object {name, type, description, required}, not ${describe(param)}` });
      return;
    }
    if (typeof param.name !== 'string' || param.name === '') {
      problems.push({ path: childPath(path, 'name'), message: 'is missing: every param needs a name' });
      return;
    }
    if (Object.prototype.hasOwnProperty.call(properties, param.name)) {
      problems.push({ path: childPath(path, 'name'), message: `${quote(param.name)} is declared twice; the later one wins` });
    }
    const property: Record<string, unknown> = {};
    if (typeof param.type === 'string' && param.type !== '') {
      const lower = param.type.toLowerCase();
      property.type = TYPE_ALIASES[lower] ?? lower;
    } else if (param.type !== undefined) {
      problems.push({ path: childPath(path, 'type'), message: `must be a type name such as "string", not ${describe(param.type)}` });
    }
    if (typeof param.description === 'string') property.description = param.description;
    if (param.required === true) required.push(param.name);
    else if (param.required !== undefined && param.required !== false) {
      problems.push({ path: childPath(path, 'required'), message: `must be true or false, not ${describe(param.required)}` });
      if (param.required === 'true') required.push(param.name);
    }
    Object.defineProperty(properties, param.name, { value: property, enumerable: true, writable: true, configurable: true });
  });
  const unique = [...new Set(required)];
  return { schema: { type: 'object', properties, ...(unique.length > 0 ? { required: unique } : {}) }, problems };
}
