/**
 * "Copy as curl (PowerShell)": in PowerShell, `curl` is Invoke-WebRequest (Windows PowerShell 5.1) or a
 * curl.exe whose quoting differs by version, so the command is an Invoke-WebRequest that runs the same in
 * Windows PowerShell 5.1 and PowerShell 7:
 * - `-UseBasicParsing` (5.1 otherwise needs Internet Explorer; 7 accepts and ignores it);
 * - the body as bytes (`[System.Text.Encoding]::UTF8.GetBytes(…)` or `[Convert]::FromBase64String(…)`), because
 *   a string body is re-encoded by 5.1 (ISO-8859-1 unless the content type names a charset);
 * - Content-Type and User-Agent through -ContentType and -UserAgent, which 5.1 requires;
 * - repeated headers joined with ", " (a hashtable holds one value per name; RFC 9110 §5.3 allows the join);
 * - Accept-Encoding left out: both versions negotiate and decode compression themselves.
 */
import type { CopyableRequest } from './copyable-request.js';
import { headerOf, resendOf } from './copyable-request.js';
import { powershellLiteral, powershellString } from './shell-quote.js';

/** The methods -Method accepts in both versions; others need -CustomMethod (PowerShell 6 and later). */
const METHODS: Record<string, string> = {
  GET: 'Get',
  HEAD: 'Head',
  POST: 'Post',
  PUT: 'Put',
  DELETE: 'Delete',
  TRACE: 'Trace',
  OPTIONS: 'Options',
  MERGE: 'Merge',
  PATCH: 'Patch',
};

export function powershellCommand(request: CopyableRequest): string {
  const resend = resendOf(request);
  const comments = [...resend.warnings];
  const args = ['-UseBasicParsing', `-Uri ${powershellLiteral(resend.url)}`];
  const method = METHODS[resend.method.toUpperCase()];
  if (method) args.push(`-Method ${method}`);
  else {
    args.push(`-CustomMethod ${powershellLiteral(resend.method)}`);
    comments.push(`-CustomMethod needs PowerShell 6 or later; Windows PowerShell 5.1 cannot send ${resend.method}.`);
  }

  const joined = new Map<string, { name: string; values: string[] }>();
  for (const [name, value] of resend.headers) {
    const lower = name.toLowerCase();
    if (lower === 'content-type' || lower === 'user-agent' || lower === 'accept-encoding') continue;
    const entry = joined.get(lower) ?? { name, values: [] };
    entry.values.push(value);
    joined.set(lower, entry);
  }
  const userAgent = headerOf(resend.headers, 'user-agent');
  if (userAgent !== undefined) args.push(`-UserAgent ${powershellLiteral(userAgent)}`);
  if (joined.size > 0) {
    const pairs = [...joined.values()].map(({ name, values }) => `${powershellLiteral(name)} = ${powershellLiteral(values.join(name.toLowerCase() === 'cookie' ? '; ' : ', '))}`);
    args.push(`-Headers @{ ${pairs.join('; ')} }`);
    if ([...joined.values()].some((h) => h.values.length > 1)) comments.push('Repeated headers are sent once, their values joined with ", ".');
    if (joined.has('cookie')) comments.push('Windows PowerShell 5.1 does not send a Cookie header given in -Headers; PowerShell 7 does.');
  }
  const contentType = headerOf(resend.headers, 'content-type');
  if (contentType !== undefined) args.push(`-ContentType ${powershellLiteral(contentType)}`);

  const body = resend.body;
  if (body !== null && (body.kind === 'base64' || body.text !== '')) {
    args.push(
      body.kind === 'base64'
        ? `-Body ([Convert]::FromBase64String(${powershellLiteral(body.data)}))`
        : `-Body ([System.Text.Encoding]::UTF8.GetBytes(${powershellString(body.text)}))`,
    );
    if (method === 'Get' || method === 'Head') comments.push(`Windows PowerShell 5.1 refuses a body on ${resend.method}; PowerShell 7 sends it.`);
  }

  // A backtick at the end of a line continues the command in both versions.
  return [...comments.map((c) => `# ${c}`), `Invoke-WebRequest ${args.join(' `\n  ')}`].join('\n');
}
