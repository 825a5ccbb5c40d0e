/**
 * The held item editor's text forms: headers as "Name: value" lines, and a body as text, checked as JSON when
 * it is JSON (by its content type, or because the captured body was), so an edit that breaks it is refused
 * with line and column before anything is released.
 */
import type { OutgoingBody } from '../../../../shared/bridge.js';
import type { CapturedBody, HeaderList } from '../../../../shared/events.js';
import { parseJsonText } from '../../../../shared/json/json-syntax.js';
import { locateJsonError } from '../code/json-error-locator.js';

export function headersText(headers: HeaderList): string {
  return headers.map(([name, value]) => `${name}: ${value}`).join('\n');
}

export type Checked<T> = { ok: true; value: T } | { ok: false; message: string; offset?: number };

export function parseHeadersText(text: string): Checked<HeaderList> {
  const headers: [string, string][] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim() : '';
    if (!name || /[\s()<>@,;:\\"/[\]?={}]/.test(name)) return { ok: false, message: `Headers, line ${i + 1}: write each header as "Name: value".` };
    headers.push([name, line.slice(colon + 1).trim()]);
  }
  return { ok: true, value: headers };
}

function contentType(headers: HeaderList): string {
  return headers.find(([name]) => name.toLowerCase() === 'content-type')?.[1].toLowerCase() ?? '';
}

export interface BodyDraft {
  /** The text to edit (empty for no body). */
  text: string;
  /** Checked as JSON before release. */
  json: boolean;
  /** Why the body cannot be edited (binary, cut at the capture cap); it then goes on as it was. */
  locked: string | null;
  /** The body as it was, to send unchanged when locked. */
  original: OutgoingBody | null;
}

export function bodyDraft(body: CapturedBody | null, headers: HeaderList): BodyDraft {
  const typedJson = contentType(headers).includes('json');
  if (body === null || body.size === 0) return { text: '', json: typedJson, locked: null, original: null };
  const original: OutgoingBody = { encoding: body.encoding, data: body.data };
  if (body.truncated) return { text: body.data, json: false, locked: `Only ${body.cap.toLocaleString()} of its ${body.size.toLocaleString()} bytes were captured, so the body cannot be edited.`, original };
  if (body.encoding === 'base64') return { text: '', json: false, locked: `The body is binary (${body.size.toLocaleString()} bytes), so it cannot be edited here.`, original };
  const parsed = body.data.trim() === '' ? null : parseJsonText(body.data);
  const json = typedJson || (parsed?.ok ?? false);
  return { text: json && parsed?.ok ? JSON.stringify(parsed.value, null, 2) : body.data, json, locked: null, original };
}

/** The body to send for the editor's text: null when empty, else UTF-8 text, JSON checked first. */
export function checkBodyText(text: string, json: boolean, what: string): Checked<OutgoingBody | null> {
  if (text.trim() === '' && text === '') return { ok: true, value: null };
  if (json && text.trim() !== '') {
    const parsed = parseJsonText(text, locateJsonError);
    if (!parsed.ok) return { ok: false, message: `${what}: ${parsed.message}`, offset: parsed.offset };
  }
  return { ok: true, value: { encoding: 'utf8', data: text } };
}

export function parseStatus(text: string): Checked<number> {
  const status = Number(text.trim());
  if (!Number.isInteger(status) || status < 100 || status > 599) return { ok: false, message: 'Status: a number from 100 to 599.' };
  return { ok: true, value: status };
}
