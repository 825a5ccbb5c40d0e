/**
 * Redaction of HAR exports: which paths parse, what is replaced where, and properties over random input
 * (never throws, never mutates its input, idempotent, an SSE stream changes only in its redacted data lines).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Har, HarEntry, HarWebSocketMessage } from '../../shared/export/har-types.js';
import {
  DEFAULT_REDACTION_RULES,
  mergeRedactionRules,
  parseJsonPath,
  REDACTED,
  redactHar,
  type JsonPathSegment,
  type RedactionRules,
} from '../../shared/export/redaction.js';
import { parseToolscopeConfig } from '../../shared/config/toolscope-config.js';

const NO_PATHS: RedactionRules = { ...DEFAULT_REDACTION_RULES, jsonPaths: [] };

function entry(parts: { request?: Partial<HarEntry['request']>; response?: Partial<HarEntry['response']>; extra?: Partial<HarEntry> }): HarEntry {
  return {
    startedDateTime: '2026-11-23T15:57:03.000Z',
    time: 0,
    request: { method: 'POST', url: 'http://127.0.0.1:9000/', httpVersion: 'HTTP/1.1', cookies: [], headers: [], queryString: [], headersSize: -1, bodySize: 0, ...parts.request },
    response: {
      status: 200,
      statusText: 'OK',
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: [],
      content: { size: 0, mimeType: 'application/json' },
      redirectURL: '',
      headersSize: -1,
      bodySize: 0,
      ...parts.response,
    },
    cache: {},
    timings: { send: 0, wait: 0, receive: 0 },
    ...parts.extra,
  };
}

function har(...entries: HarEntry[]): Har {
  return { log: { version: '1.2', creator: { name: 'Toolscope', version: 'test' }, entries } };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

describe('redaction rules', () => {
  it('has defaults for credential headers and query parameters', () => {
    const headers = DEFAULT_REDACTION_RULES.headers.map((h) => h.toLowerCase());
    for (const name of ['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key', 'api-key', 'x-goog-api-key', 'x-vapi-secret']) expect(headers).toContain(name);
    for (const name of ['api_key', 'apikey', 'api-key', 'key', 'token', 'access_token', 'auth', 'secret', 'signature', 'sig']) expect(DEFAULT_REDACTION_RULES.queryParams).toContain(name);
    for (const path of DEFAULT_REDACTION_RULES.jsonPaths) expect(parseJsonPath(path).ok).toBe(true);
  });

  it('merges as a union, header and parameter names case-insensitively, JSON paths exactly', () => {
    const merged = mergeRedactionRules(
      { headers: ['Authorization', 'X-Custom'], queryParams: ['token'] },
      { headers: ['authorization', 'x-custom', 'X-Other'], queryParams: ['TOKEN', 'pin'], jsonPaths: ['a.b', 'A.b'] },
      { jsonPaths: ['a.b'] },
    );
    expect(merged).toEqual({ headers: ['Authorization', 'X-Custom', 'X-Other'], queryParams: ['token', 'pin'], jsonPaths: ['a.b', 'A.b'] });
    expect(mergeRedactionRules()).toEqual({ headers: [], queryParams: [], jsonPaths: [] });
  });

  it('is read from toolscope.config.json, where a bad JSON path is refused with its place', () => {
    const good = parseToolscopeConfig(JSON.stringify({ redaction: { headers: ['X-Secret'], jsonPaths: ['arguments.card_number'] } }));
    expect(good.ok && good.config.redaction).toEqual({ headers: ['X-Secret'], jsonPaths: ['arguments.card_number'] });
    const bad = parseToolscopeConfig(JSON.stringify({ redaction: { jsonPaths: ['ok', 'a..b'] } }));
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error).toMatch(/^redaction\.jsonPaths\.1: JSON path "a\.\.b"/);
    expect(parseToolscopeConfig(JSON.stringify({ redaction: { headers: 'Authorization' } })).ok).toBe(false);
  });
});

describe('parseJsonPath', () => {
  const key = (k: string): JsonPathSegment => ({ kind: 'key', key: k });
  it.each([
    ['$.a.b', true, [key('a'), key('b')]],
    ['a.b', false, [key('a'), key('b')]],
    ['a[0].b', false, [key('a'), { kind: 'index', index: 0 }, key('b')]],
    ['a[*].b', false, [key('a'), { kind: 'any' }, key('b')]],
    ['a.*.b', false, [key('a'), { kind: 'any' }, key('b')]],
    ["['x-y']", false, [key('x-y')]],
    ["$['x.y'][12]", true, [key('x.y'), { kind: 'index', index: 12 }]],
    ['["say \\"hi\\""].z', false, [key('say "hi"'), key('z')]],
    ['card_number', false, [key('card_number')]],
    ['x-api-key', false, [key('x-api-key')]],
  ])('accepts %s', (path, anchored, segments) => {
    expect(parseJsonPath(path)).toEqual({ ok: true, anchored, segments });
  });

  it.each(['', '$', 'a..b', 'a.', '.a', 'a[', 'a[x]', 'a[-1]', "['x", "['x'", 'a b', '$a', 'a]', 'a.[0]'])('refuses %j with a sentence', (path) => {
    const result = parseJsonPath(path);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain(`JSON path "${path}"`);
  });

  it('never throws, and reads back every path it can write', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), (text) => {
        parseJsonPath(text);
      }),
    );
    const segment = fc.oneof(
      fc.stringMatching(/^[A-Za-z_][\w-]{0,8}$/).map((k): JsonPathSegment => ({ kind: 'key', key: k })),
      fc.string({ maxLength: 6 }).map((k): JsonPathSegment => ({ kind: 'key', key: `q${k}` })),
      fc.nat({ max: 99 }).map((index): JsonPathSegment => ({ kind: 'index', index })),
      fc.constant<JsonPathSegment>({ kind: 'any' }),
    );
    const write = (segments: JsonPathSegment[]) =>
      '$' +
      segments
        .map((s) => (s.kind === 'index' ? `[${s.index}]` : s.kind === 'any' ? '[*]' : `['${s.key.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']`))
        .join('');
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 5 }), (segments) => {
        expect(parseJsonPath(write(segments))).toEqual({ ok: true, anchored: true, segments });
      }),
    );
  });
});

describe('redactHar', () => {
  it('redacts header values, cookies, query parameters, URL passwords and JSON paths everywhere they occur', () => {
    const rules = mergeRedactionRules(DEFAULT_REDACTION_RULES, { jsonPaths: ['arguments.card_number'] });
    const sse =
      'event: action\r\ndata: {"service":"llm","action":"function_result","arguments":[{"name":"arguments","value":{"card_number":"sse-secret"}}]}\r\n\r\n' +
      'data: {"arguments":{"card_number":"sse-secret-2","amount":5}}\r\n\r\ndata:close';
    const realtime = JSON.stringify({ type: 'response.function_call_arguments.done', call_id: 'c1', name: 'pay', arguments: JSON.stringify({ card_number: 'ws-secret', amount: 5 }) });
    const input = har(
      entry({
        request: {
          url: 'https://user:url-password@api.example.dev/hook?api_key=query-secret&lang=en&Token=t-secret#frag',
          headers: [
            { name: 'authorization', value: 'Bearer sk-secret-1' },
            { name: 'Cookie', value: 'sid=cookie-secret; theme=dark-secret' },
            { name: 'X-Api-Key', value: 'key-secret' },
            { name: 'Content-Type', value: 'application/json' },
          ],
          cookies: [{ name: 'sid', value: 'cookie-secret' }],
          queryString: [
            { name: 'api_key', value: 'query-secret' },
            { name: 'lang', value: 'en' },
          ],
          postData: { mimeType: 'application/json', text: '{\n  "function_name": "pay",\n  "arguments": {\n    "card_number": "4111-secret",\n    "amount": 5\n  }\n}\n' },
        },
        response: {
          headers: [{ name: 'Set-Cookie', value: 'session=setcookie-secret; Path=/; HttpOnly' }],
          cookies: [{ name: 'session', value: 'setcookie-secret', path: '/' }],
          content: { size: 0, mimeType: 'text/event-stream', text: sse },
          redirectURL: 'https://api.example.dev/next?access_token=redirect-secret',
        },
        extra: { _toolscope: { routeId: 'r1', url: '/hook?api_key=query-secret', listenUrl: 'http://127.0.0.1:7801/hook?api_key=query-secret' } },
      }),
      entry({
        request: {
          url: 'wss://api.example.dev/v1/realtime',
          headers: [{ name: 'Sec-WebSocket-Protocol', value: 'realtime, openai-insecure-api-key.sk-ws-secret' }],
          postData: { mimeType: 'application/x-www-form-urlencoded', text: 'user=me&password=form-secret', params: [{ name: 'password', value: 'form-secret' }] },
        },
        extra: {
          _resourceType: 'websocket',
          _webSocketMessages: [
            { type: 'receive', time: 1, opcode: 1, data: realtime },
            { type: 'send', time: 2, opcode: 1, data: '{"type":"conversation.item.create","item":{"type":"function_call","arguments":"{\\"card_number\\":\\"item-secret\\"}"}}' },
            { type: 'send', time: 3, opcode: 2, data: 'AAEC' },
          ],
        },
      }),
    );
    const { har: out, redacted } = redactHar(deepFreeze(input), rules);
    const text = JSON.stringify(out);
    for (const secret of ['url-password', 'query-secret', 't-secret', 'sk-secret-1', 'cookie-secret', 'dark-secret', 'key-secret', '4111-secret', 'setcookie-secret', 'sse-secret', 'redirect-secret', 'sk-ws-secret', 'form-secret', 'ws-secret', 'item-secret']) {
      expect(text).not.toContain(secret);
    }
    const [http, ws] = out.log.entries;
    expect(http!.request.url).toBe(`https://user:${REDACTED}@api.example.dev/hook?api_key=${REDACTED}&lang=en&Token=${REDACTED}#frag`);
    expect(http!.request.headers).toEqual([
      { name: 'authorization', value: `Bearer ${REDACTED}` },
      { name: 'Cookie', value: `sid=${REDACTED}; theme=${REDACTED}` },
      { name: 'X-Api-Key', value: REDACTED },
      { name: 'Content-Type', value: 'application/json' },
    ]);
    expect(http!.request.queryString).toEqual([
      { name: 'api_key', value: REDACTED },
      { name: 'lang', value: 'en' },
    ]);
    // The body keeps its layout; only the value at the path changed.
    expect(http!.request.postData!.text).toBe(`{\n  "function_name": "pay",\n  "arguments": {\n    "card_number": "${REDACTED}",\n    "amount": 5\n  }\n}\n`);
    expect(http!.response.headers).toEqual([{ name: 'Set-Cookie', value: `session=${REDACTED}; Path=/; HttpOnly` }]);
    expect(http!.response.cookies).toEqual([{ name: 'session', value: REDACTED, path: '/' }]);
    expect(http!._toolscope).toEqual({ routeId: 'r1', url: `/hook?api_key=${REDACTED}`, listenUrl: `http://127.0.0.1:7801/hook?api_key=${REDACTED}` });
    // Daily's [{name, value}] list counts as the object it stands for; every other byte of the stream stays.
    expect(http!.response.content.text).toBe(
      `event: action\r\ndata: {"service":"llm","action":"function_result","arguments":[{"name":"arguments","value":{"card_number":"${REDACTED}"}}]}\r\n\r\n` +
        `data: {"arguments":{"card_number":"${REDACTED}","amount":5}}\r\n\r\ndata:close`,
    );
    expect(ws!.request.headers).toEqual([{ name: 'Sec-WebSocket-Protocol', value: `realtime, openai-insecure-api-key.${REDACTED}` }]);
    expect(ws!.request.postData).toEqual({ mimeType: 'application/x-www-form-urlencoded', text: `user=me&password=${REDACTED}`, params: [{ name: 'password', value: REDACTED }] });
    const messages = ws!._webSocketMessages as HarWebSocketMessage[];
    const done = JSON.parse(messages[0]!.data) as { arguments: string; name: string };
    expect(done.name).toBe('pay');
    // A JSON string stays a JSON string, with the value inside it replaced.
    expect(JSON.parse(done.arguments)).toEqual({ card_number: REDACTED, amount: 5 });
    expect(messages[2]!.data).toBe('AAEC');
    expect(redacted).toBeGreaterThanOrEqual(20);
  });

  it('matches `a.b` at any depth and `$.a.b` only from the root', () => {
    const body = JSON.stringify({ card: 'top', nested: { card: 'deep', list: [{ card: 'in-list' }] }, text: JSON.stringify({ card: 'in-string' }) });
    const input = har(entry({ request: { postData: { mimeType: 'application/json', text: body } } }));
    const anywhere = redactHar(input, { ...NO_PATHS, jsonPaths: ['card'] });
    expect(anywhere.har.log.entries[0]!.request.postData!.text).not.toMatch(/top|deep|in-list|in-string/);
    expect(anywhere.redacted).toBe(4);
    const root = redactHar(input, { ...NO_PATHS, jsonPaths: ['$.card'] });
    const rootText = root.har.log.entries[0]!.request.postData!.text!;
    expect(rootText).not.toContain('top');
    expect(rootText).toContain('deep');
    expect(rootText).toContain('in-string');
    const indexed = redactHar(input, { ...NO_PATHS, jsonPaths: ['$.nested.list[0].card', '$.nested.*'] });
    expect(JSON.parse(indexed.har.log.entries[0]!.request.postData!.text!)).toMatchObject({ card: 'top', nested: { card: REDACTED, list: REDACTED } });
  });

  it('leaves text that is not JSON, base64 bodies and binary messages as they are', () => {
    const input = har(
      entry({
        request: { postData: { mimeType: 'application/json', text: '{"card_number": "x", broken' } },
        response: { content: { size: 4, mimeType: 'application/json', text: 'eyJjYXJkX251bWJlciI6IngifQ==', encoding: 'base64' } },
      }),
    );
    const { har: out, redacted } = redactHar(input, { ...NO_PATHS, jsonPaths: ['card_number'] });
    expect(out).toEqual(input);
    expect(redacted).toBe(0);
  });

  it('withholds a JSON body nested too deep to search instead of throwing or leaking it', () => {
    const deep = `${'{"a":'.repeat(50_000)}{"card_number":"deep-secret"}${'}'.repeat(50_000)}`;
    const input = har(entry({ request: { postData: { mimeType: 'application/json', text: deep } } }));
    const { har: out, redacted } = redactHar(input, { ...NO_PATHS, jsonPaths: ['card_number'] });
    expect(out.log.entries[0]!.request.postData!.text).toBe(REDACTED);
    expect(redacted).toBe(1);
  });

  it('rewrites only the data lines of an SSE stream that carry a redacted value, byte for byte otherwise', () => {
    const stream =
      '\uFEFF: comment with card_number\r\n' +
      'event: action\r\n' +
      'data:{"card_number":"one","keep":"\u00e9\u{1F600}"}\r\n' +
      '\r\n' +
      'id: 7\n' +
      'data: {"other":true}\n' +
      '\n' +
      'data: {"a":\n' +
      'data: {"card_number":"two"}}\n' +
      '\r' +
      'event: update-config\r' +
      'data: {"card_number":"partial"}';
    const input = har(entry({ response: { content: { size: 0, mimeType: 'text/event-stream; charset=utf-8', text: stream } } }));
    const { har: out, redacted } = redactHar(input, { ...NO_PATHS, jsonPaths: ['card_number'] });
    expect(out.log.entries[0]!.response.content.text).toBe(
      '\uFEFF: comment with card_number\r\n' +
        'event: action\r\n' +
        `data:{"card_number":"${REDACTED}","keep":"\u00e9\u{1F600}"}\r\n` +
        '\r\n' +
        'id: 7\n' +
        'data: {"other":true}\n' +
        '\n' +
        // One event's JSON spread over two data lines becomes one line.
        `data: {"a":{"card_number":"${REDACTED}"}}\n` +
        '\r' +
        'event: update-config\r' +
        `data: {"card_number":"${REDACTED}"}`,
    );
    expect(redacted).toBe(3);
  });

  describe('on random HAR-shaped input', () => {
    const secretNames = ['authorization', 'Cookie', 'X-Api-Key', 'Set-Cookie', 'Content-Type', 'X-Other'];
    const jsonText = fc.json({ maxDepth: 3 });
    const withSecret = fc
      .tuple(fc.dictionary(fc.constantFrom('card_number', 'a', 'arguments', 'b'), fc.oneof(fc.string(), fc.integer(), jsonText), { maxKeys: 4 }), fc.string())
      .map(([object, secret]) => JSON.stringify({ ...object, arguments: JSON.stringify({ card_number: secret }) }));
    const text = fc.oneof(fc.string(), jsonText, withSecret, fc.constant(REDACTED));
    const sseText = fc.array(fc.tuple(fc.constantFrom('data: ', 'data:', 'event: ', ': ', 'id: '), text, fc.constantFrom('\n', '\r\n', '\r', '\n\n', '\r\n\r\n')), { maxLength: 6 }).map((lines) => lines.map((l) => l.join('')).join(''));
    const header = fc.record({ name: fc.oneof(fc.constantFrom(...secretNames), fc.string()), value: fc.oneof(fc.string(), fc.constant('Bearer abc'), fc.constant('a=1; b')) });
    const nameValue = fc.record({ name: fc.oneof(fc.constantFrom('api_key', 'token', 'lang'), fc.string()), value: fc.string() });
    const url = fc.oneof(
      fc.webUrl({ withQueryParameters: true, withFragments: true }),
      fc.tuple(fc.webUrl(), fc.array(fc.tuple(fc.constantFrom('api_key', 'Token', 'x', '%zz'), fc.string()), { maxLength: 3 })).map(([base, params]) => `${base}?${params.map(([k, v]) => `${k}=${v}`).join('&')}`),
      fc.string().map((s) => `https://u:${s}@h.example/`),
    );
    const message = fc.record({ type: fc.constantFrom('send' as const, 'receive' as const), time: fc.double({ noNaN: true }), opcode: fc.constantFrom(1 as const, 2 as const), data: text });
    const randomEntry = fc
      .record({
        url,
        headers: fc.array(header, { maxLength: 4 }),
        cookies: fc.array(nameValue, { maxLength: 2 }),
        queryString: fc.array(nameValue, { maxLength: 3 }),
        postData: fc.option(fc.record({ mimeType: fc.constantFrom('application/json', 'application/x-www-form-urlencoded', ''), text, params: fc.array(nameValue, { maxLength: 2 }) }), { nil: undefined }),
        responseHeaders: fc.array(header, { maxLength: 3 }),
        content: fc.record({ size: fc.nat(), mimeType: fc.constantFrom('application/json', 'text/event-stream', 'text/plain'), text: fc.oneof(text, sseText), encoding: fc.constantFrom(undefined, 'base64' as const) }),
        messages: fc.option(fc.array(message, { maxLength: 3 }), { nil: undefined }),
      })
      .map((r) => {
        const content = r.content.encoding ? r.content : { size: r.content.size, mimeType: r.content.mimeType, text: r.content.text };
        return entry({
          request: { url: r.url, headers: r.headers, cookies: r.cookies, queryString: r.queryString, ...(r.postData ? { postData: r.postData } : {}) },
          response: { headers: r.responseHeaders, content },
          extra: r.messages ? { _webSocketMessages: r.messages } : {},
        });
      });
    const randomHar = fc.array(randomEntry, { maxLength: 3 }).map((entries) => har(...entries));
    const rules = mergeRedactionRules(DEFAULT_REDACTION_RULES, { jsonPaths: ['arguments.card_number', '$.a[*]', "['b'].*"] });

    it('never throws and never changes its input', () => {
      fc.assert(
        fc.property(randomHar, (input) => {
          const before = JSON.stringify(input);
          redactHar(deepFreeze(input), rules);
          expect(JSON.stringify(input)).toBe(before);
        }),
        { numRuns: 300 },
      );
    });

    it('is idempotent: a redacted HAR has nothing more to redact', () => {
      fc.assert(
        fc.property(randomHar, (input) => {
          const once = redactHar(input, rules);
          const twice = redactHar(once.har, rules);
          expect(twice.har).toEqual(once.har);
          expect(twice.redacted).toBe(0);
        }),
        { numRuns: 300 },
      );
    });

    it('keeps an SSE stream byte-identical except the data lines whose JSON held a redacted value', () => {
      const block = fc.tuple(
        fc.array(fc.tuple(fc.constantFrom('event: ', ': ', 'id: ', 'retry: '), fc.stringMatching(/^[^\r\n]*$/)), { maxLength: 2 }),
        fc.option(fc.oneof(withSecret, fc.stringMatching(/^[^\r\n]*$/)), { nil: undefined }),
        fc.constantFrom('\n', '\r\n', '\r'),
      );
      fc.assert(
        fc.property(fc.array(block, { maxLength: 5 }), fc.boolean(), (blocks, partialEnd) => {
          const lines: { text: string; end: string }[] = [];
          blocks.forEach(([fields, data, end], i) => {
            for (const [field, value] of fields) lines.push({ text: field + value, end });
            if (data !== undefined) lines.push({ text: `data: ${data}`, end });
            // The last block may end without its blank line: a partial block.
            if (!(partialEnd && i === blocks.length - 1)) lines.push({ text: '', end });
          });
          const stream = lines.map((l) => l.text + l.end).join('');
          const input = har(entry({ response: { content: { size: 0, mimeType: 'text/event-stream', text: stream } } }));
          const out = redactHar(input, { ...NO_PATHS, jsonPaths: ['arguments.card_number'] }).har.log.entries[0]!.response.content.text!;
          const outLines = out.split(/(?<=\r\n|\r(?!\n)|\n)/);
          const inLines = stream.split(/(?<=\r\n|\r(?!\n)|\n)/);
          expect(outLines.length).toBe(inLines.length);
          inLines.forEach((line, i) => {
            if (line === outLines[i]) return;
            // Only a data line whose JSON held the path changes, into the same line with the value replaced.
            expect(/^data: .*card_number/.test(line), `line ${i} changed: ${JSON.stringify(line)}`).toBe(true);
            expect(outLines[i]!.startsWith('data: ')).toBe(true);
            expect(outLines[i]).toContain(REDACTED);
          });
        }),
        { numRuns: 300 },
      );
    });
  });
});
