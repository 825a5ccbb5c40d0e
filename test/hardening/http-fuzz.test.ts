/**
 * Byte-exactness fuzz (issue 8): random requests and responses through a route, each compared with the same
 * request sent directly to the same backend. Random methods (incl. extension tokens), paths with queries,
 * legal header names and values (repeated ones, obs-text), request and response bodies mostly small but some
 * of 1–4 MiB, binary or text, content-length or chunked, random write chunking on both sides, status codes
 * incl. 204/304, and SSE streams with mixed CRLF/LF/CR line ends split at random points.
 *
 * For each case: the backend saw the same method, URL, end-to-end headers and body bytes either way; the
 * client got the same status, reason, end-to-end headers and body SHA-256; and the capture recorded the
 * request and response with their real sizes (truncated exactly past the cap, the kept bytes exact), and for
 * SSE the same dispatched events as eventsource-parser reading the direct bytes.
 *
 * fast-check runs with a fixed seed and a bounded number of runs (FUZZ_SEED / FUZZ_RUNS override them).
 */
import crypto from 'node:crypto';
import http from 'node:http';
import { createParser } from 'eventsource-parser';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_BODY_CAP } from '../../electron/proxy/body-capture.js';
import type { EventOf, LogEvent } from '../../shared/events.js';
import { Cleanup, LOOPBACK, endToEndHeaders, sha256, startBackend, startProxy, within, type Backend, type Proxy } from '../support/proxy-harness.js';
import { capturedBytes } from './hardening-support.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20260808);
const HTTP_RUNS = Number(process.env.FUZZ_RUNS ?? 1000);
const SSE_RUNS = Math.max(1, Math.round(HTTP_RUNS / 2));
const KiB = 1024;
const MiB = 1024 * KiB;
const CAP = DEFAULT_BODY_CAP;

// ---- Body material: slices of fixed pools, so a case is small to describe and quick to build ----

const POOL_SIZE = 4 * MiB + 64 * KiB;
const BINARY_POOL = pseudoRandomBytes(POOL_SIZE);
const TEXT_POOL = Buffer.from(
  'Zürich ☃ snow, 東京 rain 🌧️, {"tool_call_id":"call_1","args":{"city":"Köln"}} \u{1F600}\u{10FFFD} '.repeat(Math.ceil(POOL_SIZE / 90)),
).subarray(0, POOL_SIZE);

function pseudoRandomBytes(size: number): Buffer {
  // Deterministic, so a failing seed reproduces the same bytes.
  const out = Buffer.alloc(size);
  let block = crypto.createHash('sha256').update('toolscope-fuzz').digest();
  for (let at = 0; at < size; at += block.length) {
    block.copy(out, at);
    block = crypto.createHash('sha256').update(block).digest();
  }
  return out;
}

interface BodySpec {
  pool: 'binary' | 'text';
  offset: number;
  size: number;
}

function bodyBytes(spec: BodySpec): Buffer {
  const pool = spec.pool === 'binary' ? BINARY_POOL : TEXT_POOL;
  const start = spec.offset % (pool.length - spec.size + 1);
  return pool.subarray(start, start + spec.size);
}

/** Cuts `bytes` at the given positions (taken modulo its length), in order. */
function cut(bytes: Buffer, cuts: number[]): Buffer[] {
  if (bytes.length === 0) return [];
  const points = [...new Set(cuts.map((c) => c % bytes.length).filter((c) => c > 0))].sort((a, b) => a - b);
  const pieces: Buffer[] = [];
  let from = 0;
  for (const point of points) {
    pieces.push(bytes.subarray(from, point));
    from = point;
  }
  pieces.push(bytes.subarray(from));
  return pieces;
}

// ---- Arbitraries (shrink-friendly: constants, small integers, short arrays) ----

const TOKEN_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-.^_`|~".split('');
const token = (maxLength: number) => fc.string({ unit: fc.constantFrom(...TOKEN_CHARS), minLength: 1, maxLength });

/** A legal field value: VCHAR, SP/HTAB inside, obs-text (sent as latin1); no leading or trailing whitespace. */
const headerValue = fc
  .string({
    unit: fc.oneof(
      { weight: 12, arbitrary: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)) },
      { weight: 2, arbitrary: fc.constantFrom(' ', '\t') },
      { weight: 1, arbitrary: fc.integer({ min: 0x80, max: 0xff }).map((c) => String.fromCharCode(c)) },
    ),
    maxLength: 40,
  })
  .map((value) => value.replace(/^[ \t]+|[ \t]+$/g, ''));

const size = fc.oneof(
  { weight: 14, arbitrary: fc.constant(0) },
  { weight: 30, arbitrary: fc.integer({ min: 1, max: 2 * KiB }) },
  { weight: 6, arbitrary: fc.integer({ min: 2 * KiB, max: 256 * KiB }) },
  { weight: 1, arbitrary: fc.integer({ min: 1 * MiB - 4, max: 4 * MiB }) },
);
const bodySpec = fc.record({ pool: fc.constantFrom<BodySpec['pool']>('binary', 'text'), offset: fc.nat(), size });
const cuts = fc.array(fc.nat(), { maxLength: 6 });

/** Distinct names (case-insensitively), each with one to three values: repeated headers. */
function headerList(names: fc.Arbitrary<string>): fc.Arbitrary<[string, string][]> {
  return fc
    .uniqueArray(fc.tuple(names, fc.array(headerValue, { minLength: 1, maxLength: 3 })), { maxLength: 6, selector: ([name]) => name.toLowerCase() })
    .map((entries) => entries.flatMap(([name, values]) => values.map((value): [string, string] => [name, value])));
}

const requestHeaderNames = fc.oneof(
  { weight: 4, arbitrary: token(12).map((t) => `x-${t}`) },
  { weight: 1, arbitrary: fc.constantFrom('Accept', 'user-agent', 'Authorization', 'Content-Type', 'cookie', 'X-Request-Id', 'accept-language', 'If-None-Match') },
);
const responseHeaderNames = fc.oneof(
  { weight: 4, arbitrary: token(12).map((t) => `X-${t}`) },
  { weight: 1, arbitrary: fc.constantFrom('set-cookie', 'Cache-Control', 'ETag', 'vary', 'Content-Language', 'Link', 'WWW-Authenticate', 'x-powered-by') },
);

const PATH_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@".split('');
const pathAndQuery = fc
  .tuple(
    fc.array(fc.oneof({ weight: 5, arbitrary: fc.string({ unit: fc.constantFrom(...PATH_CHARS), maxLength: 10 }) }, { weight: 1, arbitrary: fc.constantFrom('%2F', '%20', '..', '.', '%E2%98%83', '') }), { maxLength: 4 }),
    // No parameter at all is an empty query ("/x?"), which goes upstream as it is (wire-fidelity.ts).
    fc.option(fc.array(fc.tuple(token(6), fc.string({ unit: fc.constantFrom(...PATH_CHARS, '?', '/', '%41'), maxLength: 12 })), { maxLength: 4 })),
  )
  .map(([segments, query]) => `/${segments.join('/')}${query === null ? '' : `?${query.map(([k, v]) => `${k}=${v}`).join('&')}`}`);

const method = fc.oneof(
  { weight: 10, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE') },
  // Extension methods llhttp knows, and arbitrary tokens (which Node's parser refuses with 400, directly and through the proxy alike).
  { weight: 2, arbitrary: fc.constantFrom('OPTIONS', 'PURGE', 'REPORT', 'SEARCH', 'PROPFIND', 'MKCOL', 'LINK', 'UNLINK', 'NOTIFY') },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'.split('')), minLength: 3, maxLength: 8 }) },
);

interface RequestCase {
  method: string;
  path: string;
  headers: [string, string][];
  body: BodySpec;
  framing: 'length' | 'chunked';
  cuts: number[];
  keepAlive: boolean;
}

const requestCase: fc.Arbitrary<RequestCase> = fc.record({
  method,
  path: pathAndQuery,
  headers: headerList(requestHeaderNames),
  body: bodySpec,
  framing: fc.constantFrom<RequestCase['framing']>('length', 'chunked'),
  cuts,
  keepAlive: fc.boolean(),
});

interface ResponseCase {
  status: number;
  reason: string | null;
  headers: [string, string][];
  contentType: string | null;
  framing: 'length' | 'chunked';
  /** Either a plain body, or an SSE text rendered from events. */
  body: BodySpec | { sse: string };
  cuts: number[];
}

const status = fc.oneof(
  { weight: 8, arbitrary: fc.constant(200) },
  { weight: 3, arbitrary: fc.constantFrom(201, 202, 206, 301, 302, 400, 401, 404, 409, 418, 422, 429, 500, 502, 503) },
  { weight: 2, arbitrary: fc.constantFrom(204, 304) },
);
// Empty too: "HTTP/1.1 200 " reaches the client as it is, not as "200 OK" (wire-fidelity.ts).
const reason = fc.option(
  fc.oneof(
    { weight: 4, arbitrary: fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz ABCDEFGHIJ-'.split('')), minLength: 1, maxLength: 20 }).map((r) => r.trim()).filter((r) => r.length > 0) },
    { weight: 1, arbitrary: fc.constant('') },
  ),
  { freq: 3 },
);

const responseCase: fc.Arbitrary<ResponseCase> = fc.record({
  status,
  reason,
  headers: headerList(responseHeaderNames),
  contentType: fc.constantFrom(null, 'application/json', 'application/octet-stream', 'text/plain; charset=utf-8', 'application/json; charset=utf-8'),
  framing: fc.constantFrom<ResponseCase['framing']>('length', 'chunked'),
  body: bodySpec,
  cuts,
});

// SSE: events with random fields and comments, each line ended by CRLF, LF or a lone CR, maybe a trailing
// unfinished event, written in pieces cut at random byte offsets (mid-line, mid-character, between CR and LF).
const lineEnd = fc.constantFrom('\r\n', '\n', '\r');
const sseText = fc.string({ unit: 'grapheme', maxLength: 24 }).map((s) => s.replace(/[\r\n]/g, ''));
const sseLine = fc.oneof(
  { weight: 6, arbitrary: sseText.map((v) => `data: ${v}`) },
  { weight: 1, arbitrary: sseText.map((v) => `data:${v}`) },
  { weight: 2, arbitrary: token(10).map((v) => `event: ${v}`) },
  { weight: 1, arbitrary: sseText.map((v) => `id: ${v}`) },
  { weight: 1, arbitrary: fc.nat(100_000).map((v) => `retry: ${v}`) },
  { weight: 1, arbitrary: sseText.map((v) => `:${v}`) },
  { weight: 1, arbitrary: fc.constantFrom('data', 'event', 'unknown: field', 'data:  two spaces', 'event:') },
);
const sseBody = fc
  .tuple(
    fc.array(fc.tuple(fc.array(fc.tuple(sseLine, lineEnd), { minLength: 1, maxLength: 5 }), lineEnd), { maxLength: 10 }),
    fc.option(fc.tuple(sseLine, fc.constantFrom('', '\n', '\r', '\r\n'))),
  )
  .map(([events, tail]) => {
    let text = events.map(([lines, end]) => lines.map(([line, eol]) => line + eol).join('') + end).join('');
    if (tail) text += tail[0] + tail[1];
    return text;
  });

const sseResponseCase: fc.Arbitrary<ResponseCase> = fc.record({
  status: fc.constant(200),
  reason: fc.constant(null),
  headers: headerList(responseHeaderNames),
  contentType: fc.constantFrom('text/event-stream', 'text/event-stream; charset=utf-8'),
  framing: fc.constantFrom<ResponseCase['framing']>('chunked', 'length'),
  body: sseBody.map((sse) => ({ sse })),
  cuts: fc.array(fc.nat(), { maxLength: 12 }),
});

// ---- Backend, client, comparison ----

const NO_BODY = new Set([204, 304]);

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  bodySha256: string;
  bodySize: number;
}

interface Received {
  status: number;
  statusMessage: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  complete: boolean;
  error: string | null;
}

function responseBytes(response: ResponseCase): Buffer {
  if (NO_BODY.has(response.status)) return Buffer.alloc(0);
  return 'sse' in response.body ? Buffer.from(response.body.sse, 'utf8') : bodyBytes(response.body);
}

function writeInPieces(stream: NodeJS.WritableStream & { end(chunk?: Buffer): unknown }, pieces: Buffer[]): void {
  let i = 0;
  const next = () => {
    if (i >= pieces.length) return void stream.end();
    stream.write(pieces[i++]!, () => setImmediate(next));
  };
  next();
}

function send(port: number, request: RequestCase, via: string, agent: http.Agent | false): Promise<Received> {
  const body = bodyBytes(request.body);
  const headers: string[] = ['Host', `${LOOPBACK}:${port}`, 'x-fuzz-via', via];
  for (const [name, value] of request.headers) headers.push(name, value);
  if (request.framing === 'length') headers.push('Content-Length', String(body.length));
  else if (body.length > 0) headers.push('Transfer-Encoding', 'chunked');
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let response: http.IncomingMessage | null = null;
    let done = false;
    const finish = (error: string | null) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve({
        status: response?.statusCode ?? 0,
        statusMessage: response?.statusMessage ?? '',
        headers: response?.headers ?? {},
        body: Buffer.concat(chunks),
        complete: error === null && (response?.complete ?? false),
        error,
      });
    };
    const req = http.request({ host: LOOPBACK, port, method: request.method, path: request.path, headers, agent, setHost: false });
    const timer = setTimeout(() => {
      finish('no complete response within 20 s');
      req.destroy();
    }, 20_000);
    req.on('error', (error) => finish(error.message));
    req.on('response', (res) => {
      response = res;
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', (error) => finish(error.message));
      res.on('end', () => finish(res.complete ? null : 'response ended before it was complete'));
      res.on('close', () => finish(res.complete ? null : 'response closed before it was complete'));
    });
    writeInPieces(req, cut(body, request.cuts));
  });
}

/**
 * End-to-end request headers as the backend parsed them, without the test's own marker. A request without a
 * body may go upstream with `content-length: 0` (Node's client frames an ended, empty request so): the same message.
 */
function requestHeadersSeen(headers: http.IncomingHttpHeaders): Record<string, string | string[]> {
  const out = endToEndHeaders(headers);
  delete out['x-fuzz-via'];
  if (out['content-length'] === '0') delete out['content-length'];
  // Node's client sends repeated Cookie values as one line joined with "; " (RFC 6265: one Cookie header), so
  // two empty cookies arrive as ";" instead of "; ": compare the cookie-pairs.
  if (typeof out.cookie === 'string') out.cookie = out.cookie.split(';').map((pair) => pair.trim()).join('; ');
  return out;
}

/** The events a client would dispatch from these bytes (eventsource-parser, fed as a client is fed). */
function dispatchedByParser(bytes: Buffer): { type: string; data: string; id?: string }[] {
  const out: { type: string; data: string; id?: string }[] = [];
  const parser = createParser({ onEvent: (event) => out.push({ type: event.event ?? 'message', data: event.data, ...(event.id !== undefined ? { id: event.id } : {}) }) });
  let text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
  // eventsource-parser holds a final CR back in case an LF follows; at the end of the stream it is a line end.
  if (text.endsWith('\r')) text += '\n';
  parser.feed(text);
  return out;
}

describe('byte-exactness fuzz', () => {
  const cleanup = new Cleanup();
  const cases = new Map<string, ResponseCase>();
  const seen = new Map<string, Seen>();
  let backend: Backend;
  let proxy: Proxy;
  let directAgent: http.Agent;
  let proxyAgent: http.Agent;
  let nextId = 0;

  beforeAll(async () => {
    backend = await startBackend(cleanup, (req, res) => {
      const id = /^\/f\/(\d+)\//.exec(req.url ?? '')?.[1];
      const response = id === undefined ? undefined : cases.get(id);
      const hash = crypto.createHash('sha256');
      let bodySize = 0;
      req.on('data', (chunk: Buffer) => {
        hash.update(chunk);
        bodySize += chunk.length;
      });
      req.on('end', () => {
        seen.set(`${id}:${String(req.headers['x-fuzz-via'])}`, { method: req.method ?? '', url: req.url ?? '', headers: req.headers, bodySha256: hash.digest('hex'), bodySize });
        if (!response) {
          res.writeHead(404);
          res.end();
          return;
        }
        const body = responseBytes(response);
        const headers: string[] = [];
        for (const [name, value] of response.headers) headers.push(name, value);
        if (response.contentType) headers.push('Content-Type', response.contentType);
        if (response.framing === 'length' && !NO_BODY.has(response.status)) headers.push('Content-Length', String(body.length));
        if (response.reason !== null) res.writeHead(response.status, response.reason, headers);
        else res.writeHead(response.status, headers);
        writeInPieces(res, cut(body, response.cuts));
      });
    });
    proxy = await startProxy(cleanup, backend.url);
    directAgent = new http.Agent({ keepAlive: true, maxSockets: 2 });
    proxyAgent = new http.Agent({ keepAlive: true, maxSockets: 2 });
    cleanup.add(() => directAgent.destroy());
    cleanup.add(() => proxyAgent.destroy());
  });
  afterAll(() => cleanup.run());

  /** Sends the case directly and through the proxy, and checks everything the issue names. */
  async function check(request: RequestCase, response: ResponseCase): Promise<void> {
    const id = String(nextId++);
    cases.set(id, response);
    const sent = { ...request, path: `/f/${id}${request.path}` };
    const requestBody = bodyBytes(request.body);
    const expectedBody = responseBytes(response);
    try {
      const direct = await send(backend.port, sent, 'direct', request.keepAlive ? directAgent : false);
      const proxied = await send(proxy.port, sent, 'proxy', request.keepAlive ? proxyAgent : false);

      const reachedBackend = seen.get(`${id}:direct`);
      if (!reachedBackend) {
        // Node's parser refused the request (an unknown method token): the proxy refuses it too, and never
        // forwards it. With a body still coming, the refusal may race the client's writes into a reset, on
        // either path; what must not happen is an answer from the backend.
        expect([400, 0]).toContain(direct.status);
        expect([400, 0]).toContain(proxied.status);
        expect(seen.has(`${id}:proxy`)).toBe(false);
        return;
      }
      expect(proxied.status).toBe(direct.status);
      // The backend really got what was sent, directly and through the proxy.
      expect(direct.error).toBeNull();
      expect(reachedBackend.bodySha256).toBe(sha256(requestBody));
      const throughProxy = seen.get(`${id}:proxy`);
      expect(throughProxy, 'the proxied request reached the backend').toBeDefined();
      expect(throughProxy!.method).toBe(reachedBackend.method);
      expect(throughProxy!.url).toBe(reachedBackend.url);
      expect(throughProxy!.bodySize).toBe(reachedBackend.bodySize);
      expect(throughProxy!.bodySha256).toBe(reachedBackend.bodySha256);
      expect(requestHeadersSeen(throughProxy!.headers)).toEqual(requestHeadersSeen(reachedBackend.headers));

      // The client got the same answer either way.
      expect(direct.status).toBe(response.status);
      expect(sha256(direct.body)).toBe(sha256(expectedBody));
      expect(proxied.error).toBeNull();
      expect(proxied.complete).toBe(true);
      expect(proxied.statusMessage).toBe(direct.statusMessage);
      expect(endToEndHeaders(proxied.headers)).toEqual(endToEndHeaders(direct.headers));
      expect(proxied.body.length).toBe(direct.body.length);
      expect(sha256(proxied.body)).toBe(sha256(direct.body));

      await checkCapture(sent, requestBody, response, direct.body);
    } finally {
      cases.delete(id);
      seen.delete(`${id}:direct`);
      seen.delete(`${id}:proxy`);
    }
  }

  async function checkCapture(request: RequestCase, requestBody: Buffer, response: ResponseCase, responseBody: Buffer): Promise<void> {
    const { core } = proxy;
    const events = core.log.all();
    // Search from the end: the newest exchange with this (unique) URL.
    let exchange: EventOf<'http.request'> | undefined;
    for (let i = events.length - 1; i >= 0 && !exchange; i--) {
      const event = events[i]!;
      if (event.kind === 'http.request' && event.url === request.path) exchange = event;
    }
    expect(exchange, `an http.request event for ${request.path}`).toBeDefined();
    expect(exchange!.method).toBe(request.method);
    const id = exchange!.exchangeId;
    const mine = await within(finalEvents(core.log, id), 5_000, `the final events of ${id}`);

    const requestCaptured = mine.find((e): e is EventOf<'http.request.body'> => e.kind === 'http.request.body');
    expect(requestCaptured, 'http.request.body').toBeDefined();
    expectCaptured(requestCaptured!.body, requestBody);

    const head = mine.find((e): e is EventOf<'http.response'> => e.kind === 'http.response');
    expect(head?.status).toBe(response.status);
    const responseCaptured = mine.find((e): e is EventOf<'http.response.body'> => e.kind === 'http.response.body');
    expect(responseCaptured, 'http.response.body').toBeDefined();
    expectCaptured(responseCaptured!.body, responseBody);

    if ('sse' in response.body) {
      const recorded = mine
        .filter((e): e is EventOf<'sse.event'> => e.kind === 'sse.event' && e.dispatched)
        .map((e) => ({ type: e.type!, data: e.data!, ...(e.id !== undefined ? { id: e.id } : {}) }));
      expect(recorded).toEqual(dispatchedByParser(responseBody));
      const end = mine.find((e) => e.kind === 'sse.end');
      expect(end).toMatchObject({ complete: true });
    }
  }

  function expectCaptured(body: EventOf<'http.response.body'>['body'], sent: Buffer): void {
    expect(body.size).toBe(sent.length);
    expect(body.truncated).toBe(sent.length > CAP);
    const kept = capturedBytes(body);
    const expected = sent.subarray(0, Math.min(CAP, sent.length));
    if (body.truncated && body.encoding === 'utf8') {
      // A text body cut at the cap keeps whole characters only.
      expect(expected.subarray(0, kept.length).equals(kept)).toBe(true);
      expect(expected.length - kept.length).toBeLessThan(4);
    } else {
      expect(kept.length, `captured ${body.encoding} body length`).toBe(expected.length);
      expect(sha256(kept)).toBe(sha256(expected));
    }
  }

  it(`passes ${HTTP_RUNS} random exchanges byte for byte (seed ${SEED})`, async () => {
    await fc.assert(
      fc.asyncProperty(requestCase, responseCase, (request, response) => check(request, response)),
      { seed: SEED, numRuns: HTTP_RUNS, endOnFailure: false, interruptAfterTimeLimit: 240_000, markInterruptAsFailure: false },
    );
  }, 300_000);

  it(`passes ${SSE_RUNS} random SSE streams byte for byte and records the events a client dispatches (seed ${SEED})`, async () => {
    await fc.assert(
      fc.asyncProperty(requestCase, sseResponseCase, (request, response) => check(request, response)),
      { seed: SEED + 1, numRuns: SSE_RUNS, interruptAfterTimeLimit: 240_000, markInterruptAsFailure: false },
    );
  }, 300_000);
});

/** Resolves with an exchange's events once its final one (body, error or abort) is in the log. */
async function finalEvents(log: { all(): readonly LogEvent[] }, exchangeId: string): Promise<LogEvent[]> {
  for (let round = 0; round < 1_000; round++) {
    const mine = log.all().filter((e) => 'exchangeId' in e && e.exchangeId === exchangeId);
    const final = mine.some((e) => e.kind === 'http.response.body' || e.kind === 'http.error' || e.kind === 'http.aborted');
    const sseOpen = mine.some((e) => e.kind === 'http.response') && isSse(mine) && !mine.some((e) => e.kind === 'sse.end');
    if (final && !sseOpen) return mine;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return log.all().filter((e) => 'exchangeId' in e && e.exchangeId === exchangeId);
}

function isSse(events: LogEvent[]): boolean {
  const head = events.find((e) => e.kind === 'http.response');
  if (!head || head.kind !== 'http.response') return false;
  return head.headers.some(([name, value]) => name.toLowerCase() === 'content-type' && /^\s*text\/event-stream/i.test(value));
}

