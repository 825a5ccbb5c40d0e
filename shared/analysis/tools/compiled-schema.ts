/**
 * A declared parameters schema made ready to check arguments, once per schema object.
 *
 * `@cfworker/json-schema` is used rather than ajv because ajv compiles schemas with `new Function`, which the
 * renderer's Content Security Policy (no 'unsafe-eval') forbids, and the same analysis runs in the core and in
 * the renderer. cfworker interprets the schema instead, so every hazard of the schema (depth, `$ref` cycles,
 * backtracking regexes) must be defused before it runs: schema-problems.ts finds them.
 */
import { Validator, type Schema } from '@cfworker/json-schema';
import { isRecord } from '../model.js';
import { quote, shorten } from './quote.js';
import { analyseSchema, type RiskyPattern, type SchemaProblem } from './schema-problems.js';

export type CompiledSchema =
  | {
      ok: true;
      validator: Validator;
      /** Set when arguments cannot be checked at all (the reason, for a person). */
      unchecked: string | null;
      /** `pattern`s left out of the check, and why. */
      skippedPatterns: RiskyPattern[];
    }
  | { ok: false; problems: SchemaProblem[] };

/** Compiled per schema object: a session repeats the same tools in 100,000 calls. */
const cache = new WeakMap<object, CompiledSchema>();

/** Never throws; a schema that cannot be used comes back with the problems that say why. */
export function compileSchema(schema: unknown, rootPath = 'parameters'): CompiledSchema {
  const cacheable = typeof schema === 'object' && schema !== null;
  if (cacheable) {
    const hit = cache.get(schema);
    if (hit) return hit;
  }
  const compiled = compileUncached(schema, rootPath);
  if (cacheable) cache.set(schema, compiled);
  return compiled;
}

function compileUncached(schema: unknown, rootPath: string): CompiledSchema {
  try {
    const analysis = analyseSchema(schema, rootPath);
    if (analysis.problems.length > 0) return { ok: false, problems: analysis.problems };
    const patternKeys = analysis.riskyPatterns.filter((p) => p.kind === 'patternProperties');
    const skippedPatterns = analysis.riskyPatterns.filter((p) => p.kind === 'pattern');
    // The validator annotates the schema objects it is given (non-enumerable properties), and the declaration
    // belongs to the event log: it gets a copy, from which the patterns it must not run are left out.
    const copy = copyJson(schema, new Set(skippedPatterns.map((p) => p.holder)), new Set(analysis.riskyFormats));
    const validator = new Validator(copy as Schema | boolean, analysis.draft, false);
    const unchecked =
      patternKeys.length > 0
        ? `its patternProperties key ${quote(patternKeys[0]?.pattern ?? '')} is ${patternKeys[0]?.detail}, so it cannot be run safely`
        : null;
    return { ok: true, validator, unchecked, skippedPatterns };
  } catch (error) {
    return { ok: false, problems: [{ path: rootPath, message: `cannot be compiled (${shorten(error instanceof Error ? error.message : String(error), 200)})` }] };
  }
}

/** A tree copy of a JSON value (depth already bounded), without the `pattern`s and `format: url`s it must not run. */
function copyJson(value: unknown, patternHolders: Set<object>, urlFormatHolders: Set<object>): unknown {
  if (Array.isArray(value)) return value.map((item) => copyJson(item, patternHolders, urlFormatHolders));
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    if (key === 'pattern' && patternHolders.has(value)) continue;
    if (key === 'format' && urlFormatHolders.has(value)) continue;
    // defineProperty: a property named "__proto__" must stay a property, not become the prototype.
    Object.defineProperty(out, key, { value: copyJson(child, patternHolders, urlFormatHolders), enumerable: true, writable: true, configurable: true });
  }
  return out;
}
