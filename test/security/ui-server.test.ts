/**
 * The browser UI server is reachable by every web page the user opens. It must answer only with the
 * per-launch token, only to its own Host (DNS rebinding) and its own Origin (cross-site WebSocket), never
 * serve a file outside its folder, never crash on a hostile request, and listen on loopback only.
 * The CLI side: bad flags and busy ports are one line on stderr and exit code 2.
 */
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { WebSocket, type RawData } from 'ws';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { bridgeMethods, bridgeServerMessageSchema } from '../../shared/bridge.js';
import { ToolscopeCore } from '../../electron/core/toolscope-core.js';
import { startUiServer, type UiServer } from '../../electron/server/ui-server.js';
import { requireBuiltCli, runCli, tempDir } from '../support/core-process.js';

const INDEX_HTML = '<!doctype html><title>Toolscope test UI</title>';
let dir: string;
let core: ToolscopeCore;
let ui: UiServer;
let server: http.Server;
let port: number;
let own: string; // host:port

beforeAll(async () => {
  dir = tempDir('ui');
  const staticDir = path.join(dir, 'static');
  fs.mkdirSync(path.join(staticDir, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(staticDir, 'index.html'), INDEX_HTML);
  fs.writeFileSync(path.join(staticDir, 'assets', 'app.js'), 'console.log(1)');
  // Files beside the static folder that traversal would reach.
  fs.writeFileSync(path.join(dir, 'package.json'), '{"secret":true}');
  fs.mkdirSync(path.join(dir, 'static-evil'));
  fs.writeFileSync(path.join(dir, 'static-evil', 'x.txt'), 'secret');
  core = new ToolscopeCore({ appVersion: 'test-ui', sessionFile: null });
  const createServer = vi.spyOn(http, 'createServer');
  try {
    ui = await startUiServer(core, { host: '127.0.0.1', port: 0, staticDir });
    server = createServer.mock.results.at(-1)!.value as http.Server;
  } finally {
    createServer.mockRestore();
  }
  port = ui.port;
  own = `127.0.0.1:${port}`;
});
afterAll(async () => {
  await ui?.close();
  await core?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

// ---- Raw HTTP, so paths and Host headers go out exactly as written ----

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}
function get(pathAndQuery: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: pathAndQuery, headers: { host: own, ...headers }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

// ---- The bridge WebSocket ----

type Opened = { socket: WebSocket; messages: unknown[]; next(): Promise<unknown> };

function connect(query: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string } | Opened> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/api/bridge${query}`, { headers: { host: own, origin: `http://${own}`, ...headers } });
    const messages: unknown[] = [];
    const waiting: ((m: unknown) => void)[] = [];
    socket.on('message', (data: RawData) => {
      const message = JSON.parse(data.toString());
      const waiter = waiting.shift();
      if (waiter) waiter(message);
      else messages.push(message);
    });
    socket.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    socket.once('open', () =>
      resolve({
        socket,
        messages,
        next: () => {
          const queued = messages.shift();
          if (queued !== undefined) return Promise.resolve(queued);
          return new Promise((r, j) => {
            const timer = setTimeout(() => j(new Error('no message from the bridge within 3 s')), 3_000);
            waiting.push((m) => {
              clearTimeout(timer);
              r(m);
            });
          });
        },
      }),
    );
    socket.once('error', (error) => {
      if (!/Unexpected server response/.test(error.message)) reject(error);
    });
  });
}

async function expectRefused(query: string, headers: Record<string, string>, status: number, reason: RegExp): Promise<void> {
  const result = await connect(query, headers);
  if ('socket' in result) {
    result.socket.terminate();
    throw new Error(`the bridge accepted a connection that must be refused with ${status}`);
  }
  expect(result.status).toBe(status);
  expect(result.body).toMatch(reason);
}

const tokenQuery = () => `?token=${encodeURIComponent(ui.token)}`;

describe('UI server: the bridge WebSocket', () => {
  it('refuses a connection without a token (401)', async () => {
    await expectRefused('', {}, 401, /missing token/);
    await expectRefused('?token=', {}, 401, /missing token/);
  });

  it('refuses a wrong token (401), including one that differs only in length or case', async () => {
    await expectRefused('?token=wrong', {}, 401, /wrong token/);
    await expectRefused(`?token=${encodeURIComponent(ui.token)}x`, {}, 401, /wrong token/);
    await expectRefused(`?token=${encodeURIComponent(ui.token.slice(0, -1))}`, {}, 401, /wrong token/);
    const flipped = ui.token[0] === ui.token[0]!.toUpperCase() ? ui.token[0]!.toLowerCase() : ui.token[0]!.toUpperCase();
    if (flipped !== ui.token[0]) await expectRefused(`?token=${encodeURIComponent(flipped + ui.token.slice(1))}`, {}, 401, /wrong token/);
  });

  it('refuses a foreign Origin even with the right token (403)', async () => {
    await expectRefused(tokenQuery(), { origin: 'http://evil.example' }, 403, /Origin "http:\/\/evil\.example" is not this server/);
    await expectRefused(tokenQuery(), { origin: `http://evil.example:${port}` }, 403, /not this server/);
    await expectRefused(tokenQuery(), { origin: 'null' }, 403, /not this server/);
    await expectRefused(tokenQuery(), { origin: `https://${own}` }, 403, /not this server/);
    await expectRefused(tokenQuery(), { origin: 'http://127.0.0.1:1' }, 403, /not this server/);
  });

  it('refuses a foreign Host even with the right token and a matching Origin (421, DNS rebinding)', async () => {
    await expectRefused(tokenQuery(), { host: `evil.example:${port}`, origin: `http://evil.example:${port}` }, 421, /Host "evil\.example:\d+" is not this server/);
    await expectRefused(tokenQuery(), { host: `evil.example:${port}` }, 421, /not this server/);
    await expectRefused(tokenQuery(), { host: `127.0.0.1:${port + 1}`, origin: `http://127.0.0.1:${port + 1}` }, 421, /not this server/);
  });

  it('refuses upgrades on any other path', async () => {
    const result = await new Promise<number>((resolve) => {
      const socket = new WebSocket(`ws://127.0.0.1:${port}/api/other${tokenQuery()}`, { headers: { origin: `http://${own}` } });
      socket.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      socket.once('open', () => {
        socket.terminate();
        resolve(101);
      });
      socket.once('error', () => {});
    });
    expect(result).toBe(403);
  });

  it('accepts the right token with its own Origin: a reset batch first, then calls are answered', async () => {
    core.log.append({ kind: 'core.error', context: 'test', message: 'before the UI connected' });
    const opened = await connect(tokenQuery());
    if (!('socket' in opened)) throw new Error(`refused with ${opened.status}: ${opened.body}`);
    const { socket, next } = opened;
    try {
      const first = bridgeServerMessageSchema.parse(await next());
      expect(first).toMatchObject({ type: 'batch', reset: true });
      expect(first.type === 'batch' && first.events).toEqual([expect.objectContaining({ kind: 'core.error', message: 'before the UI connected' })]);

      socket.send(JSON.stringify({ type: 'call', id: 1, method: 'info', params: {} }));
      const info = bridgeServerMessageSchema.parse(await next());
      expect(info).toMatchObject({ type: 'result', id: 1, ok: true });
      const value = bridgeMethods.info.result.parse(info.type === 'result' && info.ok ? info.value : null);
      expect(value).toMatchObject({ appVersion: 'test-ui', sessionFile: null, routes: [] });

      // Bad parameters: a readable error, and the socket stays usable.
      socket.send(JSON.stringify({ type: 'call', id: 2, method: 'addRoute', params: { listenPort: 'abc', upstream: 'http://127.0.0.1:1' } }));
      const bad = bridgeServerMessageSchema.parse(await next());
      expect(bad).toMatchObject({ type: 'result', id: 2, ok: false });
      expect(bad.type === 'result' && !bad.ok && bad.error).toMatch(/^invalid parameters for addRoute: listenPort: /);

      socket.send(JSON.stringify({ type: 'call', id: 3, method: 'deleteEverything', params: {} }));
      expect(await next()).toEqual({ type: 'result', id: 3, ok: false, error: 'unknown method "deleteEverything"' });

      // Malformed messages are ignored; the connection survives them.
      socket.send('{not json');
      socket.send(JSON.stringify({ type: 'call', id: 'x', method: 'info' }));
      socket.send(Buffer.from([1, 2, 3]));
      socket.send('null');
      socket.send(JSON.stringify({ type: 'call', id: 4, method: 'info', params: {} }));
      expect(await next()).toMatchObject({ type: 'result', id: 4, ok: true });
      expect(socket.readyState).toBe(WebSocket.OPEN);

      // Live events follow as non-reset batches.
      core.log.append({ kind: 'core.error', context: 'test', message: 'live' });
      expect(await next()).toMatchObject({ type: 'batch', reset: false, events: [expect.objectContaining({ message: 'live' })] });
    } finally {
      socket.close();
    }
  });

  it('also accepts the token as a Bearer header, and localhost as Host with its own Origin', async () => {
    const opened = await connect('', { authorization: `Bearer ${ui.token}`, host: `localhost:${port}`, origin: `http://localhost:${port}` });
    if (!('socket' in opened)) throw new Error(`refused with ${opened.status}: ${opened.body}`);
    expect(await opened.next()).toMatchObject({ type: 'batch', reset: true });
    opened.socket.close();
  });
});

describe('UI server: HTTP', () => {
  it('GET / needs the token: 401 without, 401 with a wrong one, 200 with the index.html with it', async () => {
    const without = await get('/');
    expect(without.status).toBe(401);
    expect(without.body).toMatch(/token/);
    expect(without.body).not.toContain(INDEX_HTML);
    expect((await get('/?token=wrong')).status).toBe(401);
    expect((await get('/index.html')).status).toBe(401);
    const page = await get(`/${tokenQuery()}`);
    expect(page.status).toBe(200);
    expect(page.body).toBe(INDEX_HTML);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    // The token is in the page URL: it must not leak through Referer, and the page must not be framed.
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
  });

  it('refuses a foreign Host on every path (421), even with the token', async () => {
    for (const p of ['/', `/${tokenQuery()}`, '/assets/app.js', `/api/bridge${tokenQuery()}`]) {
      const res = await get(p, { host: `evil.example:${port}` });
      expect(res.status, p).toBe(421);
      expect(res.body).not.toContain(INDEX_HTML);
    }
  });

  it('guards /api/ with token and Origin', async () => {
    expect((await get('/api/anything')).status).toBe(401);
    expect((await get(`/api/anything${tokenQuery()}`, { origin: 'http://evil.example' })).status).toBe(403);
    expect((await get(`/api/anything${tokenQuery()}`)).status).toBe(404);
  });

  it.each([
    '/../package.json',
    '/%2e%2e/package.json',
    '/%2E%2E/package.json',
    '/..%2fpackage.json',
    '/%2e%2e%2fpackage.json',
    '/assets/..%2f..%2fpackage.json',
    '/..%5cpackage.json',
    '/....//package.json',
    '/../static-evil/x.txt',
    '/..%2fstatic-evil%2fx.txt',
  ])('does not serve %s (path traversal)', async (p) => {
    const res = await get(p);
    expect([400, 404]).toContain(res.status);
    expect(res.body).not.toMatch(/secret/);
  });

  it('does not serve an absolute path, encoded or not', async () => {
    const secret = path.join(dir, 'package.json');
    for (const p of [`/${encodeURIComponent(secret)}`, `/${secret.replace(/^\//, '')}`, `/%2f${encodeURIComponent(secret.slice(1))}`, `/${encodeURIComponent(`..${secret}`)}`]) {
      const res = await get(p);
      expect([400, 404], p).toContain(res.status);
      expect(res.body).not.toMatch(/secret/);
    }
  });

  it('serves a static asset without the token (the page loads its assets), with a content type', async () => {
    const res = await get('/assets/app.js');
    expect(res.status).toBe(200);
    expect(res.body).toBe('console.log(1)');
    expect(res.headers['content-type']).toMatch(/^text\/javascript/);
  });

  it.each(['/%00', '/assets/%00.js', '//', '///', '//%', '/%', '/%E0%A4%A'])('survives the hostile request target %s', async (p) => {
    const res = await get(p);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    // Still serving afterwards.
    expect((await get(`/${tokenQuery()}`)).status).toBe(200);
  });

  it('survives a hostile upgrade target', async () => {
    const status = await new Promise<number | string>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.write(`GET // HTTP/1.1\r\nHost: ${own}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`);
      });
      let text = '';
      socket.on('data', (c: Buffer) => (text += c.toString()));
      socket.on('close', () => resolve(/^HTTP\/1\.1 (\d+)/.exec(text)?.[1] ?? text));
      socket.on('error', () => {});
    });
    expect(status).toBe('403');
    expect((await get(`/${tokenQuery()}`)).status).toBe(200);
  });

  it('listens on 127.0.0.1 only', async () => {
    expect(server.address()).toMatchObject({ address: '127.0.0.1', family: 'IPv4', port });
    expect(ui.url).toBe(`http://127.0.0.1:${port}/`);
    expect(ui.openUrl).toBe(`http://127.0.0.1:${port}/?token=${encodeURIComponent(ui.token)}`);
    // Not reachable on this machine's other addresses.
    const external = Object.values(os.networkInterfaces())
      .flat()
      .filter((i) => i && !i.internal && i.family === 'IPv4')
      .map((i) => i!.address);
    for (const address of external) {
      const error = await new Promise<NodeJS.ErrnoException | null>((resolve) => {
        const socket = net.connect(port, address, () => {
          socket.destroy();
          resolve(null);
        });
        socket.on('error', resolve);
      });
      expect(error?.code, `connect to ${address}:${port}`).toBe('ECONNREFUSED');
    }
  });

  it('makes a fresh, long token per launch unless one is given', async () => {
    expect(ui.token).toMatch(/^[A-Za-z0-9_-]{32,}$/);
    const other = await startUiServer(core, { host: '127.0.0.1', port: 0, staticDir: dir });
    try {
      expect(other.token).not.toBe(ui.token);
    } finally {
      await other.close();
    }
  });
});

describe('toolscope serve: usage errors', () => {
  beforeAll(() => requireBuiltCli());

  function expectUsageError(run: { code: number | null; stderr: string; stdout: string }, message: RegExp): void {
    expect(run.code).toBe(2);
    const lines = run.stderr.split('\n').filter((l) => l !== '');
    expect(lines, run.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
  }

  it('refuses --route nonsense and --ui-port abc with one line and exit code 2', async () => {
    const session = path.join(dir, 'unused.ndjson');
    const [route, uiPort, unknown] = await Promise.all([
      runCli(['serve', '--no-open', '--session', session, '--route', 'nonsense']),
      runCli(['serve', '--no-open', '--session', session, '--ui-port', 'abc']),
      runCli(['serve', '--no-open', '--session', session, '--no-such-flag']),
    ]);
    expectUsageError(route, /^toolscope: --route "nonsense" is not LISTEN=UPSTREAM \(for example 7801=http:\/\/127\.0\.0\.1:8000\)$/);
    expectUsageError(uiPort, /^toolscope: --ui-port "abc" is not a port \(0-65535\)$/);
    expectUsageError(unknown, /unknown option '--no-such-flag'/);
    expect(fs.existsSync(session)).toBe(false);
  });

  it('refuses a busy route port and a busy UI port with one line and exit code 2', async () => {
    const busy = net.createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const busyPort = (busy.address() as net.AddressInfo).port;
    try {
      const [route, uiPort] = await Promise.all([
        runCli(['serve', '--no-open', '--ui-port', '0', '--session', path.join(dir, 'busy1.ndjson'), '--route', `${busyPort}=http://127.0.0.1:9`]),
        runCli(['serve', '--no-open', '--ui-port', String(busyPort), '--session', path.join(dir, 'busy2.ndjson'), '--route', '0=http://127.0.0.1:9']),
      ]);
      expectUsageError(route, new RegExp(`^toolscope: port ${busyPort} is already in use on 127\\.0\\.0\\.1; pick another port or stop what is using it$`));
      expectUsageError(uiPort, new RegExp(`^toolscope: port ${busyPort} is already in use on 127\\.0\\.0\\.1`));
    } finally {
      await new Promise<void>((resolve) => busy.close(() => resolve()));
    }
  });
});
