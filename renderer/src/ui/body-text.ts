/** Helpers to show captured payloads: JSON detection, base64 sizes, hex dumps. */
import type { CapturedBody, HeaderList } from '../../../shared/events.js';

export type JsonParse = { ok: true; value: unknown } | { ok: false };

/** Parses only what looks like a JSON object or array; `"abc"` or `42` as a body is shown as text. */
export function parseJsonText(text: string): JsonParse {
  const first = text.trimStart()[0];
  if (first !== '{' && first !== '[') return { ok: false };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

export function base64ByteLength(data: string): number {
  const padding = data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0;
  return Math.max(0, Math.floor((data.length * 3) / 4) - padding);
}

/** A classic 16-bytes-a-line hex dump of the first `maxBytes` of a base64 payload. */
export function hexDump(base64: string, maxBytes = 256): string {
  let binary: string;
  try {
    binary = atob(base64.slice(0, Math.ceil(maxBytes / 3) * 4));
  } catch {
    return '(not valid base64)';
  }
  const lines: string[] = [];
  for (let offset = 0; offset < binary.length && offset < maxBytes; offset += 16) {
    const chunk = binary.slice(offset, Math.min(offset + 16, maxBytes));
    const hex: string[] = [];
    let ascii = '';
    for (let i = 0; i < chunk.length; i++) {
      const code = chunk.charCodeAt(i);
      hex.push(code.toString(16).padStart(2, '0'));
      ascii += code >= 0x20 && code < 0x7f ? chunk[i] : '.';
    }
    lines.push(`${offset.toString(16).padStart(8, '0')}  ${hex.join(' ').padEnd(47)}  ${ascii}`);
  }
  return lines.join('\n');
}

export function headerValue(headers: HeaderList, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [key, value] of headers) if (key.toLowerCase() === lower) return value;
  return undefined;
}

/** The full length of the body as the user thinks of it: decoded when it was decoded. */
export function bodyTotalBytes(body: CapturedBody): number {
  return body.decoded && body.decodedSize !== undefined ? body.decodedSize : body.size;
}

export function bodyCapturedBytes(body: CapturedBody): number {
  return Math.min(body.cap, bodyTotalBytes(body));
}
