/**
 * Placeholders in mock bodies: `{{args.city}}`, `{{args.a.b}}`, `{{args.items[0]}}`, `{{toolCallId}}`,
 * `{{functionName}}`, filled from the call the mock answers.
 *
 * A string that is exactly one placeholder takes the value itself, so `"{{args.count}}"` stays a number and
 * `"{{args}}"` the whole object; inside a longer string values are interpolated as text. A value that is not
 * there renders as an empty string and leaves a warning, because a mock must always answer: a rule with a typo
 * is something to report, never a reason to break the exchange. Nothing here throws.
 */
import { parseJsonPath, type JsonPathSegment } from '../export/redaction.js';
import { isRecord } from '../analysis/model.js';

/** The call a mock answers; null fields when the request carries no call (a plain HTTP request). */
export interface TemplateCall {
  functionName: string | null;
  toolCallId: string | null;
  /** Parsed arguments; undefined when there are none or they are not JSON. */
  args: unknown;
}

export interface Rendered<T = unknown> {
  value: T;
  /** One sentence per problem, e.g. `template {{args.city}}: the call has no argument city`. */
  warnings: string[];
}

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;
const WHOLE = /^\{\{\s*([^{}]*?)\s*\}\}$/;

/** Renders every string inside a JSON value (object keys are left alone). */
export function renderTemplate(value: unknown, call: TemplateCall | null): Rendered {
  const warnings = new Set<string>();
  let rendered: unknown;
  try {
    rendered = renderValue(value, call, warnings, 0);
  } catch (error) {
    // Only reachable with a value no JSON parse produces (a getter that throws); answer it unrendered.
    warnings.add(`template: could not render the body (${error instanceof Error ? error.message : String(error)})`);
    rendered = value;
  }
  return { value: rendered, warnings: [...warnings] };
}

/** Renders one string; a lone placeholder may give a non-string value. */
export function renderString(text: string, call: TemplateCall | null): Rendered {
  const warnings = new Set<string>();
  return { value: renderText(text, call, warnings), warnings: [...warnings] };
}

const MAX_DEPTH = 200;

function renderValue(value: unknown, call: TemplateCall | null, warnings: Set<string>, depth: number): unknown {
  if (depth > MAX_DEPTH) return value;
  if (typeof value === 'string') return renderText(value, call, warnings);
  if (Array.isArray(value)) return value.map((item) => renderValue(item, call, warnings, depth + 1));
  if (isRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      // defineProperty, so a key named __proto__ stays a plain key.
      Object.defineProperty(out, key, { value: renderValue(item, call, warnings, depth + 1), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return value;
}

function renderText(text: string, call: TemplateCall | null, warnings: Set<string>): unknown {
  if (!text.includes('{{')) return text;
  const whole = WHOLE.exec(text);
  if (whole) {
    const resolved = resolve(whole[1]!, call, warnings);
    return resolved.found ? resolved.value : resolved.keep ? text : '';
  }
  return text.replace(PLACEHOLDER, (match, name: string) => {
    const resolved = resolve(name, call, warnings);
    if (!resolved.found) return resolved.keep ? match : '';
    return typeof resolved.value === 'string' ? resolved.value : JSON.stringify(resolved.value) ?? '';
  });
}

type Resolved = { found: true; value: unknown } | { found: false; keep: boolean };

function resolve(name: string, call: TemplateCall | null, warnings: Set<string>): Resolved {
  const label = `template {{${name}}}`;
  if (name === 'toolCallId' || name === 'functionName') {
    const value = call ? (name === 'toolCallId' ? call.toolCallId : call.functionName) : null;
    if (value !== null && value !== '') return { found: true, value };
    warnings.add(call ? `${label}: the call has no ${name === 'toolCallId' ? 'call id' : 'function name'}` : `${label}: the request carries no function call`);
    return { found: false, keep: false };
  }
  if (name === 'args' || name.startsWith('args.') || name.startsWith('args[')) {
    if (!call) {
      warnings.add(`${label}: the request carries no function call`);
      return { found: false, keep: false };
    }
    if (call.args === undefined) {
      warnings.add(`${label}: the call's arguments could not be read`);
      return { found: false, keep: false };
    }
    if (name === 'args') return { found: true, value: call.args };
    const rest = name.startsWith('args.') ? name.slice(5) : name.slice(4);
    const path = parseJsonPath(rest);
    if (!path.ok) {
      warnings.add(`${label}: ${path.error}`);
      return { found: false, keep: false };
    }
    const found = walk(call.args, path.segments);
    if (found.found) return found;
    warnings.add(`${label}: the call has no argument ${rest}`);
    return { found: false, keep: false };
  }
  // Not ours: braces in a body may be meant literally (a template language of the bot's own).
  warnings.add(`${label}: unknown placeholder, kept as written (use args.…, toolCallId or functionName)`);
  return { found: false, keep: true };
}

function walk(root: unknown, segments: readonly JsonPathSegment[]): Resolved {
  let current: unknown = root;
  for (const segment of segments) {
    if (segment.kind === 'key' && isRecord(current) && Object.prototype.hasOwnProperty.call(current, segment.key)) current = current[segment.key];
    else if (segment.kind === 'index' && Array.isArray(current) && segment.index < current.length) current = current[segment.index];
    else return { found: false, keep: false };
  }
  return current === undefined ? { found: false, keep: false } : { found: true, value: current };
}
