/**
 * Turns the validator's output units into what a bot developer reads: `arguments.city: must be string, got
 * number`. cfworker reports every level of a failure (`properties` → `$ref` → `type`) and every branch of a
 * failed `anyOf`; only the innermost cause of each failure is kept, and a failed `anyOf` is one message.
 */
import type { OutputUnit } from '@cfworker/json-schema';
import { childPath, pointerToPath } from './json-path.js';

export interface ReadableError {
  /** e.g. `arguments.city` */
  path: string;
  /** e.g. `must be string, got number` */
  message: string;
}

/** Levels that only say "something below failed": the unit below says what. */
const WRAPPERS = new Set([
  '$ref',
  '$recursiveRef',
  'properties',
  'patternProperties',
  'additionalProperties',
  'unevaluatedProperties',
  'items',
  'prefixItems',
  'additionalItems',
  'unevaluatedItems',
  'allOf',
  'if',
  'dependentSchemas',
]);
/** Failures whose inner units (each branch tried) would only confuse: the failure itself is the message. */
const OPAQUE = new Set(['anyOf', 'oneOf', 'not', 'contains', 'propertyNames']);

export function readableErrors(units: readonly OutputUnit[], root: string): ReadableError[] {
  const opaquePrefixes = units.filter((u) => OPAQUE.has(u.keyword)).map((u) => `${u.keywordLocation}/`);
  const undeclared = new Set<string>();
  for (const unit of units) {
    if (unit.keyword !== 'additionalProperties') continue;
    const key = /^Property "(.*)" does not match additional properties schema\.$/s.exec(unit.error)?.[1];
    if (key !== undefined) undeclared.add(childPath(pointerToPath(unit.instanceLocation, root), key));
  }

  const out: ReadableError[] = [];
  const seen = new Set<string>();
  for (const unit of units) {
    if (WRAPPERS.has(unit.keyword)) continue;
    if (unit.keyword === 'dependencies' && unit.error.includes('dependant schema')) continue;
    if (opaquePrefixes.some((prefix) => unit.keywordLocation.startsWith(prefix))) continue;
    const path = pointerToPath(unit.instanceLocation, root);
    const readable = describeUnit(unit, path, undeclared);
    const id = `${readable.path}\u0000${readable.message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(readable);
  }
  return out;
}

function describeUnit(unit: OutputUnit, path: string, undeclared: Set<string>): ReadableError {
  const text = unit.error;
  const at = (message: string, where = path): ReadableError => ({ path: where, message });
  switch (unit.keyword) {
    case 'type': {
      const match = /^Instance type "(\w+)" is invalid\. Expected "(.*)"\.$/s.exec(text);
      if (match) return at(`must be ${orList(match[2]?.split('", "') ?? [])}, got ${match[1]}`);
      break;
    }
    case 'required': {
      const key = /^Instance does not have required property "(.*)"\.$/s.exec(text)?.[1];
      if (key !== undefined) return at('is required but missing', childPath(path, key));
      break;
    }
    case 'const': {
      const value = /^Instance does not match (.*)\.$/s.exec(text)?.[1];
      if (value !== undefined) return at(`must be exactly ${short(value)}`);
      break;
    }
    case 'enum': {
      const values = /^Instance does not match any of (.*)\.$/s.exec(text)?.[1];
      if (values !== undefined) return at(`must be one of ${short(values)}`);
      break;
    }
    case 'minLength':
    case 'maxLength': {
      const match = /\((\d+) [<>] (\d+)\)/.exec(text);
      if (match) return at(`must be ${unit.keyword === 'minLength' ? 'at least' : 'at most'} ${match[2]} characters long, got ${match[1]}`);
      break;
    }
    case 'minItems':
    case 'maxItems': {
      const match = /\((\d+) [<>] (\d+)\)/.exec(text);
      if (match) return at(`must have ${unit.keyword === 'minItems' ? 'at least' : 'at most'} ${match[2]} items, has ${match[1]}`);
      break;
    }
    case 'minProperties':
    case 'maxProperties': {
      const bound = /(\d+) properties/.exec(text)?.[1];
      if (bound !== undefined) return at(`must have ${unit.keyword === 'minProperties' ? 'at least' : 'at most'} ${bound} properties`);
      break;
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const match = /^(.*) is (less|greater) than (or equal to )?\s*(.*)\.$/s.exec(text);
      if (match) {
        const [, got, side, orEqual, bound] = match;
        const rule = side === 'less' ? (orEqual ? 'greater than' : 'at least') : orEqual ? 'less than' : 'at most';
        return at(`must be ${rule} ${bound}, got ${got}`);
      }
      break;
    }
    case 'multipleOf': {
      const divisor = / is not a multiple of (.*)\.$/s.exec(text)?.[1];
      if (divisor !== undefined) return at(`must be a multiple of ${divisor}`);
      break;
    }
    case 'pattern':
      return at('does not match the declared pattern');
    case 'format': {
      const format = /format "(.*)"\.$/s.exec(text)?.[1];
      if (format !== undefined) return at(`must be a valid ${format} (format "${format}")`);
      break;
    }
    case 'uniqueItems': {
      const match = /indexes (\d+) and (\d+)/.exec(text);
      if (match) return at(`must not contain duplicates: items ${match[1]} and ${match[2]} are equal`);
      break;
    }
    case 'anyOf':
      return at('does not match any of the allowed forms (anyOf)');
    case 'oneOf': {
      const matches = Number(/\((\d+) matches\)/.exec(text)?.[1] ?? '0');
      return at(matches === 0 ? 'does not match any of the allowed forms (oneOf)' : `matches ${matches} of the allowed forms, but must match exactly one (oneOf)`);
    }
    case 'not':
      return at('has a form that is explicitly not allowed (not)');
    case 'propertyNames': {
      const key = /^Property name "(.*)" does not match schema\.$/s.exec(text)?.[1];
      if (key !== undefined) return at(`has a property name that is not allowed: ${JSON.stringify(key)}`);
      break;
    }
    case 'dependentRequired':
    case 'dependencies': {
      const match = /^Instance has "(.*)" but does not have "(.*)"\.$/s.exec(text);
      if (match) return at(`has ${JSON.stringify(match[1])}, so it must also have ${JSON.stringify(match[2])}`);
      break;
    }
    case 'false':
      return at(undeclared.has(path) ? 'is not a declared property, and the schema allows no others (additionalProperties: false)' : 'is not allowed here');
    default:
      break;
  }
  return at(text.replace(/^Instance /, '').replace(/\.$/, ''));
}

function orList(items: string[]): string {
  if (items.length <= 1) return items[0] ?? 'nothing';
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

function short(text: string, max = 120): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
