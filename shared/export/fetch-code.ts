/**
 * "Copy as fetch": the captured request as `await fetch(url, { method, headers, body })` for Node 18+ or a
 * browser console. Strings are JSON string literals (valid JavaScript, every character escaped as needed); a
 * binary body is rebuilt from its base64 so the bytes are exact. Accept-Encoding is left out: fetch negotiates
 * and decodes compression itself. Repeated headers are written once with their values joined, which is what
 * fetch's Headers does with them anyway (RFC 9110 §5.3 makes the two equal).
 */
import type { HeaderList } from '../events.js';
import type { CopyableRequest } from './copyable-request.js';
import { headerOf, resendOf } from './copyable-request.js';

/** Headers a browser's fetch drops without a word (Node sends them); named in a comment when present. */
const FORBIDDEN_IN_BROWSERS = /^(accept-charset|access-control-request-headers|access-control-request-method|cookie|cookie2|date|dnt|origin|referer|via|sec-.*|proxy-.*)$/i;

export function fetchCode(request: CopyableRequest): string {
  const resend = resendOf(request);
  const comments = [...resend.warnings];
  const headers = resend.headers.filter(([name]) => name.toLowerCase() !== 'accept-encoding');
  const options: string[] = [];
  const method = resend.method.toUpperCase();
  if (method !== 'GET') options.push(`method: ${JSON.stringify(resend.method)}`);
  if (headers.length > 0) {
    const joined = joinRepeated(headers);
    options.push(`headers: {\n    ${joined.map(([name, value]) => `${JSON.stringify(name)}: ${JSON.stringify(value)}`).join(',\n    ')},\n  }`);
    if (joined.length < headers.length) comments.push('Repeated headers are sent once, their values joined with ", " (as fetch does).');
  }

  const body = resend.body;
  const hasBytes = body !== null && (body.kind === 'base64' || body.text !== '');
  if (body !== null && (method === 'GET' || method === 'HEAD')) {
    if (hasBytes) comments.push(`fetch cannot send a body with ${method}: the captured body is left out.`);
  } else if (body !== null) {
    if (body.kind === 'base64') options.push(`body: Uint8Array.from(atob(${JSON.stringify(body.data)}), (c) => c.charCodeAt(0))`);
    // A string body without Content-Type would go out as text/plain; bytes go out without one, as captured.
    else if (headerOf(headers, 'content-type') === undefined) options.push(`body: new TextEncoder().encode(${JSON.stringify(body.text)})`);
    else options.push(`body: ${JSON.stringify(body.text)}`);
  }
  const forbidden = [...new Set(headers.map(([name]) => name).filter((name) => FORBIDDEN_IN_BROWSERS.test(name)))];
  if (forbidden.length > 0) comments.push(`In a browser, fetch silently leaves out ${forbidden.join(', ')} (Node sends them).`);

  const call = options.length === 0 ? `await fetch(${JSON.stringify(resend.url)});` : `await fetch(${JSON.stringify(resend.url)}, {\n  ${options.join(',\n  ')},\n});`;
  return [...comments.map((c) => `// ${c}`), call].join('\n');
}

/** One entry per name (case-insensitive), in first-seen order; Cookie values join with "; " as cookies do. */
function joinRepeated(headers: HeaderList): HeaderList {
  const joined = new Map<string, [string, string[]]>();
  for (const [name, value] of headers) {
    const entry = joined.get(name.toLowerCase()) ?? [name, []];
    entry[1].push(value);
    joined.set(name.toLowerCase(), entry);
  }
  return [...joined.values()].map(([name, values]) => [name, values.join(name.toLowerCase() === 'cookie' ? '; ' : ', ')]);
}
