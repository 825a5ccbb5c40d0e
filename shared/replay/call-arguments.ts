/**
 * The arguments of the function calls a webhook request carries, for the "Arguments" editor of Edit and
 * resend: find them in a request body of a known dialect, and put edited arguments back so the body stays
 * what that platform sends.
 *
 * - Daily Bots: `arguments` beside `function_name` and `tool_call_id`.
 * - Vapi `tool-calls`: `message.toolCallList[i].function.arguments`, possibly several calls in one request.
 *   Vapi sends each call's arguments more than once (`toolCalls[]`, `toolWithToolCallList[].toolCall`, same
 *   `id`); every copy of the edited call is rewritten, each in its own form, so a backend reading any of them
 *   gets the edit.
 * - Vapi legacy `function-call`: `message.functionCall.parameters`.
 *
 * Arguments travel as a JSON value or as a string holding JSON (OpenAI style). They are edited as the JSON
 * value; a string stays a string, re-serialised only when its value changed (unchanged arguments keep their
 * exact text, spacing included).
 */

export type ArgumentsDialect = 'daily' | 'vapi' | 'vapi-legacy';

export interface ArgumentsTarget {
  dialect: ArgumentsDialect;
  /** The call's position in the request (Vapi's `toolCallList` index; 0 otherwise). */
  index: number;
  name: string | null;
  callId: string | null;
  /** The arguments as a JSON value: parsed when they travel as a JSON string. */
  value: unknown;
  /** `json-string`: a string holding JSON; `value`: the JSON value itself (a string that is not JSON included). */
  encoding: 'value' | 'json-string';
  /** For a picker: "lookup_order (call_V4p…)". */
  label: string;
}

/** Every call's arguments in a parsed request body, in order; empty when the body is of no known dialect. */
export function findArguments(body: unknown): ArgumentsTarget[] {
  if (!isObject(body)) return [];
  if (typeof body.function_name === 'string' && has(body, 'arguments')) {
    const callId = typeof body.tool_call_id === 'string' ? body.tool_call_id : null;
    return [target('daily', 0, body.function_name, callId, body.arguments)];
  }
  const message = body.message;
  if (!isObject(message)) return [];
  if (Array.isArray(message.toolCallList)) {
    const found: ArgumentsTarget[] = [];
    message.toolCallList.forEach((item: unknown, index: number) => {
      if (!isObject(item) || !isObject(item.function) || !has(item.function, 'arguments')) return;
      const name = typeof item.function.name === 'string' ? item.function.name : null;
      const callId = typeof item.id === 'string' ? item.id : null;
      found.push(target('vapi', index, name, callId, item.function.arguments));
    });
    return found;
  }
  if (isObject(message.functionCall) && has(message.functionCall, 'parameters')) {
    const call = message.functionCall;
    return [target('vapi-legacy', 0, typeof call.name === 'string' ? call.name : null, null, call.parameters)];
  }
  return [];
}

/**
 * The body with `args` in place of the target's arguments (and of every copy of them), in the form they
 * travelled in. The input is not modified. Throws when the target is no longer in the body.
 */
export function replaceArguments(body: unknown, at: Pick<ArgumentsTarget, 'dialect' | 'index'>, args: unknown): unknown {
  const copy = cloneJson(body);
  if (!isObject(copy)) throw new Error('the body is not a JSON object');
  if (at.dialect === 'daily') {
    if (!has(copy, 'arguments')) throw new Error('the body has no "arguments"');
    copy.arguments = encodeLike(copy.arguments, args);
    return copy;
  }
  const message = copy.message;
  if (!isObject(message)) throw new Error('the body has no "message"');
  if (at.dialect === 'vapi-legacy') {
    if (!isObject(message.functionCall)) throw new Error('the body has no "message.functionCall"');
    message.functionCall.parameters = encodeLike(message.functionCall.parameters, args);
    return copy;
  }
  const item = Array.isArray(message.toolCallList) ? (message.toolCallList[at.index] as unknown) : undefined;
  if (!isObject(item) || !isObject(item.function)) throw new Error(`the body has no "message.toolCallList[${at.index}].function"`);
  item.function.arguments = encodeLike(item.function.arguments, args);
  const id = typeof item.id === 'string' && item.id !== '' ? item.id : null;
  // The copies Vapi sends beside toolCallList: the same call by its id, when the id names one call only.
  const unique = id !== null && (message.toolCallList as unknown[]).filter((other) => isObject(other) && other.id === id).length === 1;
  if (unique) {
    for (const other of Array.isArray(message.toolCalls) ? (message.toolCalls as unknown[]) : []) {
      if (isObject(other) && other.id === id && isObject(other.function) && has(other.function, 'arguments')) {
        other.function.arguments = encodeLike(other.function.arguments, args);
      }
    }
    for (const other of Array.isArray(message.toolWithToolCallList) ? (message.toolWithToolCallList as unknown[]) : []) {
      const call = isObject(other) ? other.toolCall : undefined;
      if (isObject(call) && call.id === id && isObject(call.function) && has(call.function, 'arguments')) {
        call.function.arguments = encodeLike(call.function.arguments, args);
      }
    }
  }
  return copy;
}

/** The arguments as the editor starts with them. */
export function argumentsText(target: ArgumentsTarget): string {
  return JSON.stringify(target.value, null, 2) ?? 'null';
}

/**
 * A rebuilt body as text, laid out like the body it came from: indented by two spaces when the original text
 * spans lines, compact otherwise.
 */
export function serialiseLike(originalText: string, value: unknown): string {
  return /\n/.test(originalText.trim()) ? JSON.stringify(value, null, 2) : JSON.stringify(value);
}

/** Deep equality of JSON values (key order does not matter, array order does). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    return keys.every((key) => has(b, key) && jsonEqual(a[key], b[key]));
  }
  return false;
}

function target(dialect: ArgumentsDialect, index: number, name: string | null, callId: string | null, raw: unknown): ArgumentsTarget {
  const decoded = decode(raw);
  const label = `${name ?? '(unnamed)'}${callId !== null ? ` (${callId})` : ''}`;
  return { dialect, index, name, callId, value: decoded.value, encoding: decoded.encoding, label };
}

function decode(raw: unknown): { value: unknown; encoding: ArgumentsTarget['encoding'] } {
  if (typeof raw !== 'string') return { value: raw, encoding: 'value' };
  try {
    return { value: JSON.parse(raw) as unknown, encoding: 'json-string' };
  } catch {
    return { value: raw, encoding: 'value' };
  }
}

/** `args` in the form of `previous`: a JSON string stays a JSON string, kept as it was when its value did not change. */
function encodeLike(previous: unknown, args: unknown): unknown {
  const decoded = decode(previous);
  if (decoded.encoding !== 'json-string') return args;
  return jsonEqual(decoded.value, args) ? previous : JSON.stringify(args);
}

function cloneJson(value: unknown): unknown {
  return value === undefined ? undefined : (JSON.parse(JSON.stringify(value)) as unknown);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function has(object: Record<string, unknown>, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(object, key);
}
