/**
 * The browser UI server: serves the built renderer and the bridge WebSocket on a loopback address, behind
 * the per-launch token and Host/Origin checks of request-guard.ts.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { WebSocketServer } from 'ws';
import type { ToolscopeCore } from '../core/toolscope-core.js';
import { describeListenError } from '../proxy/route-listener.js';
import { hostBridgeSocket } from './bridge-socket-host.js';
import { bridgeMethods, SESSION_STREAM_PATH } from '../../shared/bridge.js';
import { allowedHostsFor, checkHost, checkOrigin, checkToken, type GuardConfig, type GuardVerdict } from './request-guard.js';

export interface UiServerOptions {
  host: string;
  port: number;
  staticDir: string;
  token?: string;
}

export interface UiServer {
  url: string;
  /** The URL with the token, to open in a browser. */
  openUrl: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  // The token travels in the page URL; it must not leak to other sites through Referer.
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
};

export async function startUiServer(core: ToolscopeCore, options: UiServerOptions): Promise<UiServer> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const guard: GuardConfig = { token, allowedHosts: new Set() };
  const sockets = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  sockets.on('connection', (socket) => hostBridgeSocket(core, socket));

  const server = http.createServer((req, res) => {
    const url = requestUrl(req);
    // An unparsable target (`GET //`) must be refused, not thrown: a throw here ends the whole process.
    if (!url) return send(res, 400, 'text/plain', 'bad request target');
    const verdict = firstFailure(checkHost(guard, req.headers.host));
    if (verdict) return refuse(res, verdict);
    if (url.pathname.startsWith('/api/')) {
      const apiVerdict = firstFailure(checkOrigin(guard, req.headers.origin, req.headers.host), checkToken(guard, tokenOf(req, url)));
      if (apiVerdict) return refuse(res, apiVerdict);
      if (url.pathname === SESSION_STREAM_PATH && req.method === 'GET') return streamSessionFile(url, res);
      return send(res, 404, 'application/json', JSON.stringify({ error: 'not found' }));
    }
    if (url.pathname === '/' || url.pathname === '/index.html') {
      const pageVerdict = firstFailure(checkToken(guard, url.searchParams.get('token')));
      if (pageVerdict) {
        return send(
          res,
          401,
          'text/plain; charset=utf-8',
          'Toolscope: open the UI address that `toolscope serve` printed; it carries this launch\'s access token (…/?token=…).\n',
        );
      }
    }
    serveStatic(options.staticDir, url.pathname, res);
  });

  server.on('upgrade', (req, socket: Duplex, head) => {
    const url = requestUrl(req);
    const verdict =
      url === null || url.pathname !== '/api/bridge'
        ? ({ ok: false, status: 403, reason: 'not an API endpoint' } as const)
        : firstFailure(checkHost(guard, req.headers.host), checkOrigin(guard, req.headers.origin, req.headers.host), checkToken(guard, tokenOf(req, url)));
    if (verdict && !verdict.ok) {
      socket.end(`HTTP/1.1 ${verdict.status} Refused\r\ncontent-type: text/plain\r\nconnection: close\r\ncontent-length: ${Buffer.byteLength(verdict.reason)}\r\n\r\n${verdict.reason}`);
      return;
    }
    sockets.handleUpgrade(req, socket, head, (ws) => sockets.emit('connection', ws, req));
  });
  server.on('clientError', (_error, socket) => socket.destroy());

  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(describeListenError(error, options.host, options.port)));
    server.listen(options.port, options.host, () => resolve((server.address() as AddressInfo).port));
  });
  guard.allowedHosts = allowedHostsFor(options.host, port);
  const hostForUrl = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host.includes(':') ? `[${options.host}]` : options.host;
  const url = `http://${hostForUrl}:${port}/`;
  return {
    url,
    openUrl: `${url}?token=${encodeURIComponent(token)}`,
    token,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of sockets.clients) client.terminate();
        sockets.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A session file's bytes from `offset` to `end`, streamed (see SESSION_STREAM_PATH). */
function streamSessionFile(url: URL, res: http.ServerResponse): void {
  const number = (name: string) => {
    const value = url.searchParams.get(name);
    return value === null || value.trim() === '' ? undefined : Number(value);
  };
  const parsed = bridgeMethods.readSession.params.safeParse({ path: url.searchParams.get('path') ?? '', offset: number('offset'), end: number('end') });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return send(res, 400, 'application/json', JSON.stringify({ error: `invalid parameters: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid'}` }));
  }
  const { offset, end } = parsed.data;
  const file = path.resolve(parsed.data.path);
  let size: number;
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) throw Object.assign(new Error('not a file'), { code: 'not a file' });
    size = stat.size;
  } catch (error) {
    return send(res, 404, 'application/json', JSON.stringify({ error: `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` }));
  }
  const stop = Math.min(end, size);
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'content-type': 'application/x-ndjson; charset=utf-8',
    'content-length': Math.max(0, stop - offset),
    'cache-control': 'no-store',
  });
  if (stop <= offset) return void res.end();
  const stream = fs.createReadStream(file, { start: offset, end: stop - 1, highWaterMark: 1024 * 1024 });
  stream.on('error', () => res.destroy());
  res.on('close', () => stream.destroy());
  stream.pipe(res);
}

function requestUrl(req: http.IncomingMessage): URL | null {
  try {
    return new URL(req.url ?? '/', 'http://placeholder');
  } catch {
    return null;
  }
}

function tokenOf(req: http.IncomingMessage, url: URL): string | null {
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length);
  return url.searchParams.get('token');
}

function firstFailure(...verdicts: GuardVerdict[]): Extract<GuardVerdict, { ok: false }> | null {
  for (const verdict of verdicts) if (!verdict.ok) return verdict;
  return null;
}

function refuse(res: http.ServerResponse, verdict: Extract<GuardVerdict, { ok: false }>): void {
  send(res, verdict.status, 'application/json', JSON.stringify({ error: verdict.reason }));
}

function send(res: http.ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': type, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
  res.end(body);
}

function serveStatic(root: string, pathname: string, res: http.ServerResponse): void {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return send(res, 400, 'text/plain', 'bad path');
  }
  // fs throws synchronously on a NUL in a path (`GET /%00`), which would end the process.
  if (decoded.includes('\0')) return send(res, 400, 'text/plain', 'bad path');
  const relative = decoded === '/' ? 'index.html' : decoded.replace(/^\/+/, '');
  const file = path.resolve(root, relative);
  if (!file.startsWith(path.resolve(root) + path.sep)) return send(res, 404, 'text/plain', 'not found');
  fs.readFile(file, (error, data) => {
    if (error) {
      if (relative === 'index.html') {
        return send(res, 500, 'text/plain; charset=utf-8', `The UI is not built (${root} is missing). Run \`npm run build\`.\n`);
      }
      return send(res, 404, 'text/plain', 'not found');
    }
    send(res, 200, CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream', data);
  });
}
