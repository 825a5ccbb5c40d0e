/**
 * What the UI sends on a live WebSocket when the user injects: the result message of a realtime call in its
 * dialect (the same messages a `realtime-reply` mock sends, with the call's id), and a frame typed by hand,
 * checked before it crosses the bridge so a typo is reported where it is.
 */
import type { FunctionCall, Protocol } from '../analysis/model.js';
import { realtimeReply } from '../mocks/mock-reply.js';
import { base64ToBytes } from '../base64-utf8.js';
import { parseJsonText } from '../json/json-syntax.js';
import type { ConnectionView } from '../store/traffic-state.js';

/** Dialects whose client sends a result message the composer can write. */
export const INJECTABLE_RESULT_PROTOCOLS: ReadonlySet<Protocol> = new Set(['openai-realtime', 'navtalk', 'rtvi', 'elevenlabs']);

/** Dialects where the model only speaks about a result after the client's own `response.create`. */
export function needsResponseCreate(protocol: Protocol): boolean {
  return protocol === 'openai-realtime' || protocol === 'navtalk';
}

export interface ComposedResult {
  /** The result message (without `response.create`), to edit. */
  message: Record<string, unknown>;
  /** Pretty-printed, for the editor. */
  text: string;
}

/**
 * The dialect's result message for a call: its captured result as the output, or an empty output for a call
 * that has none yet. Null for a call that is not a realtime call of a dialect the composer knows.
 */
export function composeResult(call: Pick<FunctionCall, 'protocol' | 'callId' | 'name' | 'args' | 'result' | 'resultRaw' | 'source'>): ComposedResult | null {
  if (call.source.kind !== 'connection' || !INJECTABLE_RESULT_PROTOCOLS.has(call.protocol)) return null;
  const output = call.resultRaw === null ? '' : call.result === undefined ? call.resultRaw : call.result;
  // Templates are for rules: a captured result is sent as it was, so "{{" in it is escaped from the renderer
  // by passing it through as the rendered value's own text (realtimeReply renders strings inside it).
  const reply = realtimeReply(call.protocol, { callId: call.callId, functionName: call.name, args: call.args }, protectTemplates(output), false);
  const message = reply.messages[0];
  if (!message) return null;
  const restored = restoreTemplates(message) as Record<string, unknown>;
  return { message: restored, text: JSON.stringify(restored, null, 2) };
}

/** The `response.create` a client sends after its result (OpenAI Realtime, NavTalk). */
export const RESPONSE_CREATE_TEXT = JSON.stringify({ type: 'response.create' });

const OPEN = '\u0000toolscope-open\u0000';
const CLOSE = '\u0000toolscope-close\u0000';

function protectTemplates(value: unknown): unknown {
  if (typeof value === 'string') return value.split('{{').join(OPEN).split('}}').join(CLOSE);
  if (Array.isArray(value)) return value.map(protectTemplates);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, protectTemplates(v)]));
  return value;
}

function restoreTemplates(value: unknown): unknown {
  if (typeof value === 'string') return value.split(OPEN).join('{{').split(CLOSE).join('}}');
  if (Array.isArray(value)) return value.map(restoreTemplates);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, restoreTemplates(v)]));
  return value;
}

/** How the user typed a frame: JSON (checked), any text, or bytes in base64. */
export type FrameFormat = 'json' | 'text' | 'binary';

export type CheckedFrame =
  | { ok: true; opcode: 'text' | 'binary'; data: string }
  | { ok: false; message: string; offset?: number };

/**
 * Checks a typed frame: JSON must parse (the message names line and column, and `offset` where to put the
 * cursor); base64 must decode. `compact` sends JSON on one line, as realtime clients do.
 */
export function checkFrameText(format: FrameFormat, text: string, options: { compact?: boolean; locate?: (text: string) => number } = {}): CheckedFrame {
  if (format === 'binary') {
    const bytes = base64ToBytes(text);
    if (bytes === null) return { ok: false, message: 'This is not base64: use the letters A–Z, a–z, digits, + and / (or - and _), with = padding at the end.' };
    return { ok: true, opcode: 'binary', data: text.replace(/\s+/g, '') };
  }
  if (format === 'text') return { ok: true, opcode: 'text', data: text };
  if (text.trim() === '') return { ok: false, message: 'The frame is empty: type a JSON message, or choose "Text" to send an empty frame.', offset: 0 };
  const parsed = parseJsonText(text, options.locate);
  if (!parsed.ok) return { ok: false, message: parsed.message, offset: parsed.offset };
  return { ok: true, opcode: 'text', data: options.compact ? JSON.stringify(parsed.value) : text };
}

/** The format a captured frame is best edited in. */
export function frameFormatOf(opcode: 'text' | 'binary', data: string): FrameFormat {
  if (opcode === 'binary') return 'binary';
  return parseJsonText(data).ok && /^\s*[[{]/.test(data) ? 'json' : 'text';
}

/**
 * Why nothing can be injected on this connection now, in a sentence; null when it is open. `readOnly` is set
 * while a recorded session is on screen (its connections are not the core's live ones).
 */
export function injectBlockedReason(connection: Pick<ConnectionView, 'state' | 'close'> | undefined, readOnly: boolean): string | null {
  if (readOnly) return 'This is a recorded session: frames can only be sent on live connections.';
  if (!connection) return 'This connection is not in the live traffic.';
  if (connection.state === 'failed') return 'This connection never opened: the upstream refused the upgrade.';
  if (connection.state === 'closed') {
    const close = connection.close;
    return `The connection is closed${close ? ` (by the ${close.by}, code ${close.code})` : ''}: nothing can be sent on it.`;
  }
  return null;
}
