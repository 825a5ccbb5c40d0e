/**
 * "Copy as curl": a captured request as a command that sends the same bytes again.
 *
 * bash: the body goes through `--data-binary` (`-d` would strip newlines and treat `@` as a file name) in an
 * ANSI-C quoted word; a body that is not text, or text with a NUL (which a bash string cannot hold), is piped in
 * from its base64 (`printf '%s' … | base64 -d | curl --data-binary @- …`), and a large text body is piped in
 * from `printf` too: Linux refuses a single program argument over 128 KiB, and printf, a bash builtin, is not
 * subject to that. `-X` only where curl would not infer
 * the method. A kept Accept-Encoding comes with `--compressed`, so the answer is decoded instead of printing
 * compressed bytes. Anything the command cannot reproduce is said in a `#` comment above it.
 *
 * PowerShell: see powershell-command.ts (in PowerShell, `curl` means Invoke-WebRequest).
 */
import type { CopyableRequest, Resend } from './copyable-request.js';
import { headerOf, resendOf } from './copyable-request.js';
import { powershellCommand } from './powershell-command.js';
import { bashWord } from './shell-quote.js';
import { bytesToBase64, textToUtf8 } from '../base64-utf8.js';
import { utf8ByteLength } from '../text-bytes.js';

export function curlCommand(request: CopyableRequest, shell: 'bash' | 'powershell'): string {
  return shell === 'powershell' ? powershellCommand(request) : bashCurl(resendOf(request));
}

/** Text bodies larger than this (UTF-8 bytes) go through stdin rather than as one argument of curl. */
const LARGE_ARGUMENT = 64 * 1024;

function bashCurl(resend: Resend): string {
  const args: string[] = [];
  // A URL with [ ] { } would be expanded by curl's globbing into several requests.
  if (/[[\]{}]/.test(resend.url)) args.push('--globoff');
  const body = resend.body;
  const bytes = body === null ? null : body.kind === 'base64' ? body.data : body.text.includes('\u0000') ? bytesToBase64(textToUtf8(body.text)) : null;
  const piped = bytes !== null || (body?.kind === 'text' && utf8ByteLength(body.text) > LARGE_ARGUMENT);
  const method = resend.method.toUpperCase();
  if (body === null) {
    if (method === 'HEAD') args.push('--head');
    else if (method !== 'GET') args.push(`-X ${bashWord(resend.method)}`);
  } else if (method !== 'POST') args.push(`-X ${bashWord(resend.method)}`);

  for (const [name, value] of resend.headers) {
    // `-H 'Name:'` would remove the header; `Name;` is curl's way to send it empty.
    args.push(`-H ${bashWord(value === '' ? `${name};` : `${name}: ${value}`)}`);
  }
  // With a body and no Content-Type, curl adds application/x-www-form-urlencoded; the captured request had none.
  if (body !== null && headerOf(resend.headers, 'content-type') === undefined) args.push(`-H ${bashWord('Content-Type:')}`);
  const acceptEncoding = headerOf(resend.headers, 'accept-encoding');
  if (acceptEncoding !== undefined && !/^\s*identity\s*$/i.test(acceptEncoding)) args.push('--compressed');

  if (piped) args.push('--data-binary @-');
  else if (body !== null && body.kind === 'text') args.push(`--data-binary ${bashWord(body.text)}`);

  const comments = resend.warnings.map((w) => `# ${w}`);
  let start = 'curl';
  if (bytes !== null) start = `printf '%s' ${bashWord(bytes)} | base64 -d | curl`;
  else if (piped && body?.kind === 'text') start = `printf '%s' ${bashWord(body.text)} | curl`;
  const lines = [`${start} ${bashWord(resend.url)}`, ...args];
  return [...comments, lines.join(' \\\n  ')].join('\n');
}
