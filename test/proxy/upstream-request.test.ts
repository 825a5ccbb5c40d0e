/**
 * What reaches the upstream is the client's request, minus what belongs to the client's own connection: the
 * request target as written, under the upstream's base path; hop-by-hop headers
 * (Connection, Keep-Alive, TE, and the headers Connection names) stay on the client's hop, so a client's
 * `Connection: close` does not close the proxy's kept-alive upstream connection.
 */
import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cleanup, LOOPBACK, startBackend, startProxy, within, type Proxy } from '../support/proxy-harness.js';

interface Seen {
  url: string;
  headers: http.IncomingHttpHeaders;
  /** The upstream connection this request came on (a new one per request means keep-alive was lost). */
  socket: number;
}

const cleanup = new Cleanup();
const seen: Seen[] = [];
let proxy: Proxy;
let based: Proxy;

beforeAll(async () => {
  const sockets = new WeakMap<net.Socket, number>();
  let nextSocket = 0;
  const backend = await startBackend(cleanup, (req, res) => {
    if (!sockets.has(req.socket)) sockets.set(req.socket, ++nextSocket);
    seen.push({ url: req.url ?? '', headers: req.headers, socket: sockets.get(req.socket)! });
    // The upstream's own connection settings, which are not the client's business.
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '2', 'keep-alive': 'timeout=77, max=1000' });
    res.end('{}');
  });
  proxy = await startProxy(cleanup, backend.url);
  based = await startProxy(cleanup, `${backend.url}/api/v2/`);
});
afterAll(() => cleanup.run());

/** Sends raw request bytes on a new connection and resolves with the whole answer once the server closes it. */
function rawExchange(port: number, head: string): Promise<string> {
  return within(
    new Promise<string>((resolve, reject) => {
      const socket = net.connect(port, LOOPBACK, () => socket.write(head));
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
      socket.on('error', reject);
      socket.on('close', () => resolve(text));
    }),
    10_000,
    'the answer',
  );
}

describe('the request that reaches the upstream', () => {
  it('keeps the target as the client wrote it (dot segments, empty parameters, double slashes), under the base path', async () => {
    for (const target of ['/x?a=1&&b=', '/a/./b/../c?q=%2F', '//double//slash?z', '/x?', '/?']) {
      seen.length = 0;
      const answer = await rawExchange(proxy.port, `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
      expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
      expect(seen.map((s) => s.url)).toEqual([target]);
    }
    seen.length = 0;
    await rawExchange(based.port, 'GET /tools/weather?city=Paris HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
    expect(seen.map((s) => s.url)).toEqual(['/api/v2/tools/weather?city=Paris']);
    seen.length = 0;
    await rawExchange(based.port, 'GET /tools/weather? HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
    expect(seen.map((s) => s.url)).toEqual(['/api/v2/tools/weather?']);
    // A request with Expect has its head written before the proxy sees it: it keeps the old rewriting.
    seen.length = 0;
    await rawExchange(proxy.port, 'POST /x? HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n{}');
    expect(seen.map((s) => s.url)).toEqual(['/x']);
  });

  it('passes on an empty reason phrase, and records it', async () => {
    // A bare HTTP/1.1 server, as some embedded tool backends are: "200 " with no phrase after it.
    const bare = net.createServer((socket) => {
      socket.once('data', () => socket.end('HTTP/1.1 200 \r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}'));
    });
    await new Promise<void>((resolve) => bare.listen(0, LOOPBACK, resolve));
    cleanup.add(() => new Promise<void>((resolve) => bare.close(() => resolve())));
    const bareProxy = await startProxy(cleanup, `http://${LOOPBACK}:${(bare.address() as net.AddressInfo).port}`);
    const answer = await rawExchange(bareProxy.port, 'GET /phrase HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 200 \r\n/);
    expect(answer.endsWith('{}')).toBe(true);
    const recorded = bareProxy.core.log.all().find((e) => e.kind === 'http.response');
    expect(recorded).toMatchObject({ status: 200, statusMessage: '' });
  });

  it("leaves the client's hop-by-hop headers on its own hop and keeps the upstream connection alive", async () => {
    seen.length = 0;
    for (let i = 0; i < 3; i++) {
      const answer = await rawExchange(
        proxy.port,
        `POST /call HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close, X-Hop-Secret\r\nX-Hop-Secret: 1\r\nKeep-Alive: timeout=5\r\nTE: trailers\r\nX-End-To-End: kept\r\nContent-Length: 2\r\n\r\n{}`,
      );
      // The client asked to close: it gets its answer, and its connection ends.
      expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
      expect(answer.toLowerCase()).toContain('connection: close');
    }
    expect(seen).toHaveLength(3);
    for (const request of seen) {
      expect(request.headers['x-end-to-end']).toBe('kept');
      expect(request.headers['x-hop-secret']).toBeUndefined();
      expect(request.headers['keep-alive']).toBeUndefined();
      expect(request.headers.te).toBeUndefined();
      expect(request.headers.connection).toBe('keep-alive');
      expect(request.headers['content-length']).toBe('2');
    }
    // One upstream connection for all three: the client's close did not reach it.
    expect(new Set(seen.map((s) => s.socket)).size).toBe(1);
  });

  it("keeps the upstream's Keep-Alive off the client's answer, and a keep-alive client's connection open", async () => {
    const answer = await within(
      new Promise<string>((resolve, reject) => {
        const socket = net.connect(proxy.port, LOOPBACK, () => socket.write('GET /alive HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'));
        let text = '';
        socket.on('error', reject);
        socket.on('data', (chunk: Buffer) => {
          text += chunk.toString('latin1');
          if (!text.endsWith('{}')) return;
          // Answered and still open: the client may send its next request on it.
          expect(socket.destroyed).toBe(false);
          socket.destroy();
          resolve(text);
        });
      }),
      10_000,
      'the answer',
    );
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(answer).not.toContain('timeout=77');
    expect(answer.toLowerCase()).toContain('connection: keep-alive');
  });

  it('does not drop the framing or the Host when a client names them in Connection', async () => {
    seen.length = 0;
    const answer = await rawExchange(proxy.port, 'POST /framed HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close, content-length, host\r\nContent-Length: 2\r\n\r\n{}');
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.headers['content-length']).toBe('2');
    expect(seen[0]!.headers.host).toBeDefined();
  });
});
