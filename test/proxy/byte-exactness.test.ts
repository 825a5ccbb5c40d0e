/**
 * What a bot receives through the proxy must be byte-for-byte what it would have received directly: same
 * status, same end-to-end headers, same body bytes (compressed bodies stay compressed). Request bodies reach
 * the backend unchanged too. The capture records what a user should see of each.
 */
import crypto from 'node:crypto';
import type http from 'node:http';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Cleanup,
  type Backend,
  type Proxy,
  endToEndHeaders,
  exchangeFor,
  request,
  sha256,
  startBackend,
  startProxy,
  waitForEvent,
} from '../support/proxy-harness.js';

const MiB = 1024 * 1024;
const JSON_TEXT = JSON.stringify({ result: { temperature_c: 21.5, city: 'Zürich', note: 'snow ☃' }, tool_call_id: 'call_1' });
const GZIP_JSON_TEXT = JSON.stringify({ result: 'compressed', items: Array.from({ length: 50 }, (_, i) => ({ i, word: 'wind' })) });
const GZIPPED = zlib.gzipSync(Buffer.from(GZIP_JSON_TEXT));
const BINARY = crypto.randomBytes(64 * 1024);
const BIG = crypto.randomBytes(5 * MiB);
const CHUNKS = ['{"part":1,', '"text":"', 'x'.repeat(20_000), '","tail":', '"done"}'];
const SSE_CRLF = 'event: action\r\ndata: {"a":1}\r\n\r\n: comment\r\ndata: line one\r\ndata: line two\r\n\r\nevent: close\r\ndata: bye\r\n\r\n';
const SSE_LF = 'event: update-config\ndata: {"b":2}\n\nid: 7\ndata: plain\n\nevent: close\ndata: {}\n\n';

interface Kind {
  name: string;
  path: string;
  status: number;
  /** The exact bytes the backend writes. */
  body: Buffer;
}

const KINDS: Kind[] = [
  { name: 'JSON', path: '/json', status: 200, body: Buffer.from(JSON_TEXT) },
  { name: 'chunked (several writes)', path: '/chunked', status: 200, body: Buffer.from(CHUNKS.join('')) },
  { name: 'gzip-encoded JSON', path: '/gzip', status: 200, body: GZIPPED },
  { name: 'binary random bytes', path: '/binary', status: 200, body: BINARY },
  { name: 'empty 200', path: '/empty', status: 200, body: Buffer.alloc(0) },
  { name: '5 MiB random body', path: '/big', status: 200, body: BIG },
  { name: 'SSE with CRLF', path: '/sse-crlf', status: 200, body: Buffer.from(SSE_CRLF) },
  { name: 'SSE with LF', path: '/sse-lf', status: 200, body: Buffer.from(SSE_LF) },
  { name: '204 No Content', path: '/204', status: 204, body: Buffer.alloc(0) },
  { name: '304 Not Modified', path: '/304', status: 304, body: Buffer.alloc(0) },
];

function respond(req: http.IncomingMessage, res: http.ServerResponse): void {
  const common = { 'x-backend': 'byte-test', 'x-request-path': req.url ?? '' };
  switch (req.url) {
    case '/json':
      res.writeHead(200, { ...common, 'content-type': 'application/json; charset=utf-8', etag: '"json-v1"', 'x-custom': 'a b c', 'content-length': Buffer.byteLength(JSON_TEXT) });
      res.end(JSON_TEXT);
      return;
    case '/chunked': {
      res.writeHead(200, { ...common, 'content-type': 'text/plain; charset=utf-8', 'x-chunks': String(CHUNKS.length) });
      let i = 0;
      const next = () => {
        if (i >= CHUNKS.length) return void res.end();
        res.write(CHUNKS[i++]!, () => setImmediate(next));
      };
      next();
      return;
    }
    case '/gzip':
      res.writeHead(200, { ...common, 'content-type': 'application/json', 'content-encoding': 'gzip', vary: 'accept-encoding', etag: 'W/"gz-1"', 'content-length': GZIPPED.length });
      res.end(GZIPPED);
      return;
    case '/binary':
      res.writeHead(200, { ...common, 'content-type': 'application/octet-stream', 'content-length': BINARY.length, 'x-checksum': sha256(BINARY) });
      res.end(BINARY);
      return;
    case '/empty':
      res.writeHead(200, { ...common, 'content-length': 0, 'x-empty': 'yes' });
      res.end();
      return;
    case '/big':
      res.writeHead(200, { ...common, 'content-type': 'application/octet-stream', 'content-length': BIG.length });
      res.end(BIG);
      return;
    case '/sse-crlf':
    case '/sse-lf': {
      const text = req.url === '/sse-crlf' ? SSE_CRLF : SSE_LF;
      res.writeHead(200, { ...common, 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      // Cut mid-line (and, for CRLF, between CR and LF) to make the proxy's SSE reader work for it.
      const cut = text.indexOf('\n', 5);
      res.write(text.slice(0, cut), () => setImmediate(() => res.end(text.slice(cut))));
      return;
    }
    case '/204':
      res.writeHead(204, { ...common, 'x-kind': 'no-content' });
      res.end();
      return;
    case '/304':
      res.writeHead(304, { ...common, etag: '"v304"', 'cache-control': 'max-age=60', 'x-kind': 'not-modified' });
      res.end();
      return;
    default:
      if (req.method === 'POST' && req.url?.startsWith('/hash')) {
        const hash = crypto.createHash('sha256');
        let size = 0;
        req.on('data', (chunk: Buffer) => {
          hash.update(chunk);
          size += chunk.length;
        });
        req.on('end', () => {
          const answer = JSON.stringify({
            sha256: hash.digest('hex'),
            size,
            contentType: req.headers['content-type'] ?? null,
            transferEncoding: req.headers['transfer-encoding'] ?? null,
          });
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(answer);
        });
        return;
      }
      res.writeHead(404);
      res.end('not found');
  }
}

describe('byte-exactness through the proxy', () => {
  const cleanup = new Cleanup();
  let backend: Backend;
  let proxy: Proxy;

  beforeAll(async () => {
    backend = await startBackend(cleanup, respond);
    proxy = await startProxy(cleanup, backend.url);
  });
  afterAll(() => cleanup.run());

  const conditional = (kind: Kind) => (kind.path === '/304' ? { 'if-none-match': '"v304"' } : {});

  describe.each(KINDS)('$name response', (kind) => {
    it('arrives with the same status, end-to-end headers and body bytes as a direct fetch', async () => {
      const direct = await request(backend.port, { path: kind.path, headers: conditional(kind) });
      const proxied = await request(proxy.port, { path: kind.path, headers: conditional(kind) });

      // The backend really sent what this test thinks it sent.
      expect(direct.status).toBe(kind.status);
      expect(direct.body.length).toBe(kind.body.length);
      expect(direct.bodySha256).toBe(sha256(kind.body));

      expect(proxied.status).toBe(direct.status);
      expect(proxied.statusMessage).toBe(direct.statusMessage);
      expect(proxied.body.length).toBe(direct.body.length);
      expect(proxied.bodySha256).toBe(direct.bodySha256);
      expect(endToEndHeaders(proxied.headers)).toEqual(endToEndHeaders(direct.headers));
      // The ones a bot relies on, named, so a diff says which went missing.
      for (const name of ['content-type', 'content-encoding', 'content-length', 'etag', 'cache-control', 'x-backend', 'x-custom', 'x-kind']) {
        expect.soft(proxied.headers[name], name).toEqual(direct.headers[name]);
      }
    });
  });

  it('keeps a gzip body compressed on the wire and records it decoded for the user', async () => {
    const proxied = await request(proxy.port, { path: '/gzip' });
    expect(proxied.headers['content-encoding']).toBe('gzip');
    expect(proxied.body.equals(GZIPPED)).toBe(true);
    expect(zlib.gunzipSync(proxied.body).toString('utf8')).toBe(GZIP_JSON_TEXT);

    const id = await exchangeFor(proxy.core, '/gzip');
    const { body } = await waitForEvent(proxy.core, 'http.response.body', (e) => e.exchangeId === id);
    expect(body).toMatchObject({
      encoding: 'utf8',
      data: GZIP_JSON_TEXT,
      contentEncoding: 'gzip',
      decoded: true,
      decodedSize: Buffer.byteLength(GZIP_JSON_TEXT),
      size: GZIPPED.length,
      truncated: false,
    });
  });

  it('records a 5 MiB body truncated at the 1 MiB cap, with its real size', async () => {
    const proxied = await request(proxy.port, { path: '/big' });
    expect(proxied.bodySha256).toBe(sha256(BIG));

    const id = await exchangeFor(proxy.core, '/big');
    const { body } = await waitForEvent(proxy.core, 'http.response.body', (e) => e.exchangeId === id);
    expect(body.truncated).toBe(true);
    expect(body.size).toBe(5 * MiB);
    expect(body.cap).toBe(1 * MiB);
    expect(body.encoding).toBe('base64');
    const kept = Buffer.from(body.data, 'base64');
    expect(kept.length).toBe(1 * MiB);
    expect(kept.equals(BIG.subarray(0, 1 * MiB))).toBe(true);
  });

  it('records the SSE events of a CRLF stream, split where a client would split them', async () => {
    await request(proxy.port, { path: '/sse-crlf' });
    const id = await exchangeFor(proxy.core, '/sse-crlf');
    const end = await waitForEvent(proxy.core, 'sse.end', (e) => e.exchangeId === id);
    expect(end).toMatchObject({ events: 3, complete: true, leftover: null });
    const events = proxy.core.log.all().filter((e) => e.kind === 'sse.event' && e.exchangeId === id);
    expect(events.map((e) => (e.kind === 'sse.event' ? [e.raw, e.type, e.data] : null))).toEqual([
      ['event: action\r\ndata: {"a":1}\r\n\r\n', 'action', '{"a":1}'],
      [': comment\r\ndata: line one\r\ndata: line two\r\n\r\n', 'message', 'line one\nline two'],
      ['event: close\r\ndata: bye\r\n\r\n', 'close', 'bye'],
    ]);
  });

  describe('request bodies', () => {
    it('passes a JSON POST body unchanged and records its text', async () => {
      const text = JSON.stringify({ function_name: 'get_weather', tool_call_id: 'call_9', arguments: { city: 'Köln' } });
      const direct = await request(backend.port, { method: 'POST', path: '/hash/json', headers: { 'content-type': 'application/json' }, body: text });
      const proxied = await request(proxy.port, { method: 'POST', path: '/hash/json', headers: { 'content-type': 'application/json' }, body: text });
      const expected = { sha256: sha256(text), size: Buffer.byteLength(text), contentType: 'application/json' };
      expect(JSON.parse(direct.body.toString())).toMatchObject(expected);
      expect(JSON.parse(proxied.body.toString())).toMatchObject(expected);

      const id = await exchangeFor(proxy.core, '/hash/json', 'POST');
      const { body } = await waitForEvent(proxy.core, 'http.request.body', (e) => e.exchangeId === id);
      expect(body).toMatchObject({ encoding: 'utf8', data: text, size: Buffer.byteLength(text), truncated: false });
    });

    it('passes a 3 MiB binary body unchanged and records its real size past the cap', async () => {
      const payload = crypto.randomBytes(3 * MiB);
      const proxied = await request(proxy.port, { method: 'POST', path: '/hash/binary', headers: { 'content-type': 'application/octet-stream' }, body: payload });
      expect(JSON.parse(proxied.body.toString())).toMatchObject({ sha256: sha256(payload), size: payload.length });

      const id = await exchangeFor(proxy.core, '/hash/binary', 'POST');
      const { body } = await waitForEvent(proxy.core, 'http.request.body', (e) => e.exchangeId === id);
      expect(body).toMatchObject({ size: 3 * MiB, truncated: true, cap: 1 * MiB, encoding: 'base64' });
      expect(Buffer.from(body.data, 'base64').equals(payload.subarray(0, 1 * MiB))).toBe(true);
    });

    it('passes a chunked upload unchanged', async () => {
      const parts = [crypto.randomBytes(1000), Buffer.from('middle part\n'), crypto.randomBytes(70_000), Buffer.from([0, 13, 10, 13, 10])];
      const whole = Buffer.concat(parts);
      const direct = await request(backend.port, { method: 'POST', path: '/hash/chunked', chunks: parts });
      const proxied = await request(proxy.port, { method: 'POST', path: '/hash/chunked', chunks: parts });
      const expected = { sha256: sha256(whole), size: whole.length };
      const directAnswer = JSON.parse(direct.body.toString());
      expect(directAnswer).toMatchObject({ ...expected, transferEncoding: 'chunked' });
      expect(JSON.parse(proxied.body.toString())).toMatchObject(expected);

      const id = await exchangeFor(proxy.core, '/hash/chunked', 'POST');
      const { body } = await waitForEvent(proxy.core, 'http.request.body', (e) => e.exchangeId === id);
      expect(body.size).toBe(whole.length);
      expect(body.truncated).toBe(false);
    });
  });
});
