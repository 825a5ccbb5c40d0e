/**
 * "Copy as curl / PowerShell / fetch" for real: the generated bash command runs under bash with Debian's curl,
 * and the generated fetch code runs under Node, against a loopback server that records the raw method, URL,
 * headers and body bytes; both must deliver exactly what was captured. PowerShell is not installed here, so its
 * quoting is checked by parsing the generated expressions with PowerShell's single-quote rules.
 */
import { spawn, spawnSync } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CapturedBody, HeaderList, LogEvent } from '../../shared/events.js';
import { copyableRequestOf, type CopyableRequest } from '../../shared/export/copyable-request.js';
import { curlCommand } from '../../shared/export/curl-command.js';
import { fetchCode } from '../../shared/export/fetch-code.js';
import { bashWord, powershellString } from '../../shared/export/shell-quote.js';
import { emptyTrafficState, foldEvents } from '../../shared/store/traffic-state.js';

/**
 * Runs a script fed on stdin, as a terminal feeds what the user pastes: a command line given as one argument
 * would itself hit Linux's 128 KiB limit for a single argument, which the generated commands avoid.
 */
function runScript(program: string, args: string[], script: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`${program} exited ${code}: ${stderr}`))));
    child.stdin.end(script);
  });
}
const haveCurl = spawnSync('curl', ['--version']).status === 0;

interface Received {
  method: string;
  url: string;
  headers: HeaderList;
  body: Buffer;
}

let server: http.Server;
let origin: string;
const received: Received[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const headers: HeaderList = [];
      for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i]!, req.rawHeaders[i + 1]!]);
      received.push({ method: req.method ?? '', url: req.url ?? '', headers, body: Buffer.concat(chunks) });
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function text(data: string): CapturedBody {
  const size = Buffer.byteLength(data);
  return { encoding: 'utf8', data, size, truncated: false, cap: size };
}

function binary(bytes: number[]): CapturedBody {
  return { encoding: 'base64', data: Buffer.from(bytes).toString('base64'), size: bytes.length, truncated: false, cap: bytes.length };
}

/** The headers a resend leaves out, written here again on purpose rather than imported from the code under test. */
const DROPPED = new Set(['host', 'content-length', 'connection', 'keep-alive', 'transfer-encoding', 'expect', 'te', 'upgrade', 'proxy-connection']);

interface Case {
  name: string;
  request: (origin: string) => CopyableRequest;
  /** The exact body bytes the server must get. */
  bytes: Buffer;
  /** Not for fetch (it cannot send a body with GET, or sets its own Accept-Encoding). */
  fetchSkips?: string[];
}

const JSON_BODY = '{\n  "quote": "it\'s \\"quoted\\"",\n  "shell": "$HOME `id` $(rm -rf /) !! !$ \\\\ \\\\n",\n  "unicode": "é ü 日本 😀 \u2028 \u2019",\n  "crlf": "a\r\nb\tc\u0001\u007f"\n}\n';

const BIG_BODY = JSON.stringify({ audio: 'UklGRiQAAABXQVZF'.repeat(18_000), note: "it's \n big" });

const cases: Case[] = [
  {
    name: 'JSON with quotes, newlines, unicode, $, backticks, !, backslashes and control characters',
    request: (o) => ({
      method: 'POST',
      url: `${o}/tools/lookup?call=1`,
      headers: [
        ['Host', '127.0.0.1:7801'],
        ['Content-Type', 'application/json; charset=utf-8'],
        ['Content-Length', String(Buffer.byteLength(JSON_BODY))],
        ['Connection', 'keep-alive, X-Hop'],
        ['X-Hop', 'only for the old connection'],
        ['X-Custom', `va'l"ue $x \`y\` !z`],
        ['Authorization', 'Bearer whk_test_3f9a'],
      ],
      body: text(JSON_BODY),
    }),
    bytes: Buffer.from(JSON_BODY, 'utf8'),
  },
  {
    name: 'a form-encoded PUT',
    request: (o) => ({
      method: 'PUT',
      url: `${o}/settings`,
      headers: [
        ['Content-Type', 'application/x-www-form-urlencoded'],
        ['Content-Length', '36'],
      ],
      body: text('secret=whk%27x&note=a+b%26c&empty='),
    }),
    bytes: Buffer.from('secret=whk%27x&note=a+b%26c&empty='),
  },
  {
    name: 'a GET with a query (brackets included) and an empty body',
    request: (o) => ({ method: 'GET', url: `${o}/search?q=a%20b&ids[]=1&f={x}`, headers: [['Accept', 'application/json']], body: text('') }),
    bytes: Buffer.alloc(0),
  },
  {
    name: 'a binary body with NUL and 0xFF bytes',
    request: (o) => ({ method: 'POST', url: `${o}/upload`, headers: [['Content-Type', 'application/octet-stream']], body: binary([0, 255, 1, 2, 0, 0x41, 10, 13, 0xfe, 0x80, 0]) }),
    bytes: Buffer.from([0, 255, 1, 2, 0, 0x41, 10, 13, 0xfe, 0x80, 0]),
  },
  {
    name: 'repeated and empty headers, compression asked for, a PATCH without a Content-Type',
    request: (o) => ({
      method: 'PATCH',
      url: `${o}/multi`,
      headers: [
        ['X-Multi', 'one'],
        ['Accept-Encoding', 'gzip, deflate'],
        ['X-Multi', 'two'],
        ['X-Empty', ''],
      ],
      body: text('line1\nline2\n'),
    }),
    bytes: Buffer.from('line1\nline2\n'),
    fetchSkips: ['accept-encoding'],
  },
  {
    name: 'text with a NUL character',
    request: (o) => ({ method: 'POST', url: `${o}/nul`, headers: [['Content-Type', 'text/plain']], body: text('a\u0000b\u0000') }),
    bytes: Buffer.from('a\u0000b\u0000', 'utf8'),
  },
  {
    // Linux refuses one program argument over 128 KiB: a body this big must not be one.
    name: 'a 300 KB JSON body',
    request: (o) => ({ method: 'POST', url: `${o}/big`, headers: [['Content-Type', 'application/json']], body: text(BIG_BODY) }),
    bytes: Buffer.from(BIG_BODY, 'utf8'),
  },
  {
    name: 'a DELETE with an empty framed body',
    request: (o) => ({ method: 'DELETE', url: `${o}/item/7`, headers: [['Content-Length', '0']], body: text('') }),
    bytes: Buffer.alloc(0),
  },
];

/** `expected` appears in `actual` in order (other headers may come between), compared name-insensitively. */
function expectHeadersSent(actual: HeaderList, expected: HeaderList, label: string): void {
  let from = 0;
  for (const [name, value] of expected) {
    const at = actual.findIndex(([n, v], i) => i >= from && n.toLowerCase() === name.toLowerCase() && v === value);
    expect(at, `${label}: header ${name}: ${value} in ${JSON.stringify(actual)}`).toBeGreaterThanOrEqual(0);
    from = at + 1;
  }
}

/** What fetch's Headers makes of repeated names: one header, values joined with ", ". */
function combined(headers: HeaderList): HeaderList {
  const out: HeaderList = [];
  for (const [name, value] of headers) {
    const same = out.find(([n]) => n.toLowerCase() === name.toLowerCase());
    if (same) same[1] = `${same[1]}, ${value}`;
    else out.push([name, value]);
  }
  return out;
}

function expectSame(got: Received, request: CopyableRequest, bytes: Buffer, label: string, skip: string[] = [], combine = false): void {
  const url = new URL(request.url);
  expect(got.method, label).toBe(request.method);
  expect(got.url, label).toBe(url.pathname + url.search);
  expect(got.body.equals(bytes), `${label}: body ${JSON.stringify(got.body.toString('latin1'))}`).toBe(true);
  const connectionNamed = request.headers.filter(([n]) => n.toLowerCase() === 'connection').flatMap(([, v]) => v.split(',').map((t) => t.trim().toLowerCase()));
  const kept = request.headers.filter(([n]) => !DROPPED.has(n.toLowerCase()) && !connectionNamed.includes(n.toLowerCase()) && !skip.includes(n.toLowerCase()));
  expectHeadersSent(got.headers, combine ? combined(kept) : kept, label);
  // Dropped headers are the client's own now: the host is the server's, the length the body's.
  expect(got.headers.find(([n]) => n.toLowerCase() === 'host')?.[1], label).toBe(url.host);
  expect(got.headers.some(([n]) => n.toLowerCase() === 'x-hop'), label).toBe(false);
  const length = got.headers.find(([n]) => n.toLowerCase() === 'content-length')?.[1];
  if (length !== undefined) expect(Number(length), label).toBe(bytes.length);
  if (request.body && request.body.data !== '' && !request.headers.some(([n]) => n.toLowerCase() === 'content-type')) {
    expect(got.headers.some(([n]) => n.toLowerCase() === 'content-type'), `${label}: no Content-Type added`).toBe(false);
  }
}

describe('curl (bash)', () => {
  it.skipIf(!haveCurl).each(cases)('$name: bash runs it and the server gets the same bytes', async ({ name, request, bytes }) => {
    const captured = request(origin);
    const command = curlCommand(captured, 'bash');
    expect(command).not.toMatch(/\s-d\s+[$']/);
    received.length = 0;
    const stdout = await runScript('bash', ['-s'], `${command} --silent --show-error\n`);
    expect(stdout, command).toBe('ok');
    expect(received, command).toHaveLength(1);
    expectSame(received[0]!, captured, bytes, `${name}\n${command}`);
  });

  it('infers the method where curl would and says -X only where it must', () => {
    const request = (method: string, body: CapturedBody | null, headers: HeaderList = []): CopyableRequest => ({ method, url: 'http://h/x', headers, body });
    expect(curlCommand(request('GET', null), 'bash')).toBe("curl 'http://h/x'");
    expect(curlCommand(request('POST', text('{}'), [['content-type', 'application/json']]), 'bash')).toBe("curl 'http://h/x' \\\n  -H 'content-type: application/json' \\\n  --data-binary '{}'");
    expect(curlCommand(request('HEAD', null), 'bash')).toBe("curl 'http://h/x' \\\n  --head");
    expect(curlCommand(request('DELETE', null), 'bash')).toBe("curl 'http://h/x' \\\n  -X 'DELETE'");
    expect(curlCommand(request('GET', text('q')), 'bash')).toContain("-X 'GET'");
  });

  it('a truncated body is said in a comment above the command, never silently', () => {
    const body: CapturedBody = { encoding: 'utf8', data: '{"a":"012', size: 5000, truncated: true, cap: 9 };
    const command = curlCommand({ method: 'POST', url: 'http://h/x', headers: [['content-type', 'application/json']], body }, 'bash');
    expect(command.split('\n')[0]).toBe('# The captured body is incomplete: 9 of 5000 bytes were kept, so this sends only those.');
    expect(curlCommand({ method: 'POST', url: 'http://h/x', headers: [], body }, 'powershell').split('\n')[0]).toBe(
      '# The captured body is incomplete: 9 of 5000 bytes were kept, so this sends only those.',
    );
    expect(fetchCode({ method: 'POST', url: 'http://h/x', headers: [], body }).split('\n')[0]).toBe('// The captured body is incomplete: 9 of 5000 bytes were kept, so this sends only those.');
  });

  it('a body that was decoded from gzip goes out decoded, without Content-Encoding, and says so', async () => {
    const body: CapturedBody = { encoding: 'utf8', data: '{"zipped":true}', size: 35, truncated: false, cap: 35, contentEncoding: 'gzip', decoded: true, decodedSize: 15 };
    const captured: CopyableRequest = { method: 'POST', url: `${origin}/gz`, headers: [['Content-Type', 'application/json'], ['Content-Encoding', 'gzip']], body };
    const command = curlCommand(captured, 'bash');
    expect(command.split('\n')[0]).toBe('# The body was sent gzip-encoded; this sends it decoded, without Content-Encoding.');
    if (!haveCurl) return;
    received.length = 0;
    await runScript('bash', ['-s'], `${command} --silent\n`);
    expect(received[0]!.body.toString()).toBe('{"zipped":true}');
    expect(received[0]!.headers.some(([n]) => n.toLowerCase() === 'content-encoding')).toBe(false);
  });

  it('quotes any text so that bash hands over exactly its bytes', () => {
    const special = fc.constantFrom("'", '\\', '$', '`', '!', '"', '\n', '\r', '\t', '\u0001', '\u001b', '\u007f', 'é', '😀', '\u2019', '\u2028', 'a', ' ', '*', '~', '#', '%', '{', '}', '[', ';', '&', '|', 'x1', '0');
    const words = fc.oneof(fc.string({ unit: special, maxLength: 30 }), fc.string({ unit: 'binary', maxLength: 30 }).map((s) => s.replace(/\u0000/g, '')));
    fc.assert(
      fc.property(words, (word) => {
        const result = spawnSync('bash', ['-c', `printf '%s' ${bashWord(word)}`]);
        expect(result.status).toBe(0);
        expect(result.stdout.equals(Buffer.from(word, 'utf8')), `${JSON.stringify(word)} -> ${bashWord(word)}`).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});

describe('fetch', () => {
  it.each(cases.filter((c) => c.request('http://h').method !== 'GET' || c.bytes.length === 0))('$name: Node runs it and the server gets the same bytes', async ({ name, request, bytes, fetchSkips }) => {
    const captured = request(origin);
    const code = fetchCode(captured);
    received.length = 0;
    // The generated code as it is: an ES module allows the top-level await.
    await runScript(process.execPath, ['--input-type=module'], code);
    expect(received, code).toHaveLength(1);
    expectSame(received[0]!, captured, bytes, `${name}\n${code}`, fetchSkips, true);
  });

  it('a GET with a body leaves the body out and says so', () => {
    const code = fetchCode({ method: 'GET', url: 'http://h/x', headers: [], body: text('q') });
    expect(code).toBe('// fetch cannot send a body with GET: the captured body is left out.\nawait fetch("http://h/x");');
  });
});

/**
 * PowerShell's single-quoted strings as its tokenizer reads them: any of ' ‘ ’ ‚ ‛ ends the string, unless the
 * next character is one of them too, which then stands for itself. Plus the `[char]0x…` and `+` the generator
 * joins them with. Returns the string value, or throws on anything else.
 */
function evaluatePowershellString(expression: string): string {
  const quotes = "'\u2018\u2019\u201a\u201b";
  let i = 0;
  const literal = (): string => {
    if (!quotes.includes(expression[i]!)) throw new Error(`expected a quote at ${i} in ${expression}`);
    i++;
    let value = '';
    for (;;) {
      if (i >= expression.length) throw new Error(`unterminated string in ${expression}`);
      const ch = expression[i]!;
      if (quotes.includes(ch)) {
        if (i + 1 < expression.length && quotes.includes(expression[i + 1]!)) {
          value += expression[i + 1];
          i += 2;
          continue;
        }
        i++;
        return value;
      }
      value += ch;
      i++;
    }
  };
  const term = (): string => {
    const char = /^\[char\]0x([0-9A-F]{2,4})/.exec(expression.slice(i));
    if (char) {
      i += char[0].length;
      return String.fromCharCode(parseInt(char[1]!, 16));
    }
    return literal();
  };
  if (expression[0] !== '(') {
    const value = literal();
    if (i !== expression.length) throw new Error(`trailing text in ${expression}`);
    return value;
  }
  i = 1;
  let value = term();
  while (expression.startsWith(' + ', i)) {
    i += 3;
    value += term();
  }
  if (expression.slice(i) !== ')') throw new Error(`unexpected ${expression.slice(i)} in ${expression}`);
  return value;
}

describe('curl (PowerShell): Invoke-WebRequest, checked without PowerShell', () => {
  it('string expressions give back exactly the text, smart quotes and control characters included', () => {
    const special = fc.constantFrom("'", '\u2018', '\u2019', '\u201a', '\u201b', '"', '`', '$', '\n', '\r', '\u0000', '\u0085', '\u2028', 'é', '😀', 'a', ' ', '[char]', '+', ')');
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: special, maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 })), (value) => {
        const expression = powershellString(value);
        expect(evaluatePowershellString(expression), expression).toBe(value);
      }),
      { numRuns: 500 },
    );
  });

  it('writes a command for both Windows PowerShell 5.1 and PowerShell 7', () => {
    const command = curlCommand(
      {
        method: 'POST',
        url: "http://127.0.0.1:7801/tools?q=it's",
        headers: [
          ['Host', '127.0.0.1:7801'],
          ['Content-Type', 'application/json'],
          ['User-Agent', 'Daily/1.0'],
          ['X-Multi', 'one'],
          ['X-Multi', 'two'],
          ['Accept-Encoding', 'gzip'],
          ['Content-Length', '22'],
        ],
        body: text('{"a":"it\'s\n\u2019ok"}'),
      },
      'powershell',
    );
    expect(command).toBe(
      [
        '# Repeated headers are sent once, their values joined with ", ".',
        'Invoke-WebRequest -UseBasicParsing `',
        "  -Uri 'http://127.0.0.1:7801/tools?q=it''s' `",
        '  -Method Post `',
        "  -UserAgent 'Daily/1.0' `",
        "  -Headers @{ 'X-Multi' = 'one, two' } `",
        "  -ContentType 'application/json' `",
        "  -Body ([System.Text.Encoding]::UTF8.GetBytes(('{\"a\":\"it''s' + [char]0x0A + '\u2019\u2019ok\"}')))",
      ].join('\n'),
    );
    const body = /GetBytes\((.*)\)\)$/.exec(command)![1]!;
    expect(evaluatePowershellString(body)).toBe('{"a":"it\'s\n\u2019ok"}');
  });

  it('binary bodies as base64 bytes, other methods with -CustomMethod', () => {
    const bytes = curlCommand({ method: 'PUT', url: 'http://h/u', headers: [], body: binary([0, 255, 10]) }, 'powershell');
    expect(bytes).toBe("Invoke-WebRequest -UseBasicParsing `\n  -Uri 'http://h/u' `\n  -Method Put `\n  -Body ([Convert]::FromBase64String('AP8K'))");
    const custom = curlCommand({ method: 'PURGE', url: 'http://h/u', headers: [], body: null }, 'powershell');
    expect(custom.split('\n')[0]).toBe('# -CustomMethod needs PowerShell 6 or later; Windows PowerShell 5.1 cannot send PURGE.');
    expect(custom).toContain("-CustomMethod 'PURGE'");
  });
});

describe('copyableRequestOf', () => {
  const events: LogEvent[] = [
    { seq: 1, t: 1, kind: 'http.request', exchangeId: 'x1', routeId: 'r1', method: 'POST', url: '/tools?x=1', httpVersion: '1.1', headers: [['host', '127.0.0.1:7801']], remoteAddress: '127.0.0.1', upstreamUrl: 'https://hooks.example.dev/base/tools?x=1' },
    { seq: 2, t: 2, kind: 'http.request.body', exchangeId: 'x1', body: text('{}') },
  ];
  const exchange = foldEvents(emptyTrafficState(), events).exchanges.get('x1')!;

  it('aims at the upstream URL or the route address', () => {
    expect(copyableRequestOf(exchange, 'upstream')).toEqual({ method: 'POST', url: 'https://hooks.example.dev/base/tools?x=1', headers: [['host', '127.0.0.1:7801']], body: text('{}') });
    expect(copyableRequestOf(exchange, 'proxy', { host: '127.0.0.1', port: 7801 })?.url).toBe('http://127.0.0.1:7801/tools?x=1');
    expect(copyableRequestOf(exchange, 'proxy', { host: '0.0.0.0', port: 7801 })?.url).toBe('http://127.0.0.1:7801/tools?x=1');
    expect(copyableRequestOf(exchange, 'proxy', { host: '::', port: 7801 })?.url).toBe('http://[::1]:7801/tools?x=1');
    expect(copyableRequestOf(exchange, 'proxy')).toBeNull();
  });
});
