/**
 * Shared helpers for the proxy tests: backends on loopback, a core with one route, a raw HTTP client that
 * collects a response byte-exactly (Node's http client never decompresses), and bounded waits on the log.
 *
 * Everything a helper starts is registered with a `Cleanup` that the calling test file runs in its
 * afterEach/afterAll, so no server, socket or core outlives the test that started it.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { ToolscopeCore } from '../../electron/core/toolscope-core.js';
import type { RouteInfo } from '../../shared/bridge.js';
import type { EventOf, LogEvent, LogEventKind } from '../../shared/events.js';

export const LOOPBACK = '127.0.0.1';

/** Runs registered teardown steps in reverse order; a failing step does not stop the others. */
export class Cleanup {
  private steps: (() => unknown)[] = [];

  add(step: () => unknown): void {
    this.steps.push(step);
  }

  async run(): Promise<void> {
    const steps = this.steps.reverse();
    this.steps = [];
    const errors: unknown[] = [];
    for (const step of steps) {
      try {
        await step();
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length > 0) throw errors[0];
  }
}

export function sha256(data: Buffer | string): string {
  return crypto.createHash('sha256').update(data).digest('hex');
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Rejects after `ms` with a message naming what was awaited, so a hang fails with a sentence. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export interface Backend {
  server: http.Server;
  port: number;
  /** http://127.0.0.1:PORT (no trailing slash) */
  url: string;
  close(): Promise<void>;
}

/** Closes a server and destroys every socket it accepted, including upgraded ones. */
function closer(server: http.Server | net.Server, sockets: Set<Socket>): () => Promise<void> {
  let closing: Promise<void> | null = null;
  return () => {
    closing ??= new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      if (!server.listening) return resolve();
      server.close(() => resolve());
      if (server instanceof http.Server) server.closeAllConnections();
    });
    return closing;
  };
}

function listen(server: http.Server | net.Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, LOOPBACK, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** An HTTP server on 127.0.0.1 (port 0 unless given) that answers with `handler`. */
export async function startBackend(
  cleanup: Cleanup,
  handler: (req: http.IncomingMessage, res: http.ServerResponse) => void,
  port = 0,
): Promise<Backend> {
  const server = http.createServer(handler);
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const close = closer(server, sockets);
  cleanup.add(close);
  const bound = await listen(server, port);
  return { server, port: bound, url: `http://${LOOPBACK}:${bound}`, close };
}

/** A port on 127.0.0.1 that nothing listens on (bound, then released). */
export async function deadPort(): Promise<number> {
  const server = net.createServer();
  const port = await listen(server, 0);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface Proxy {
  core: ToolscopeCore;
  route: RouteInfo;
  port: number;
  /** http://127.0.0.1:PORT (no trailing slash) */
  url: string;
  close(): Promise<void>;
}

/** A core (in memory, no session file) with one route on an ephemeral port to `upstream`. */
export async function startProxy(cleanup: Cleanup, upstream: string, options: { timeoutMs?: number } = {}): Promise<Proxy> {
  const core = new ToolscopeCore({ appVersion: 'test', sessionFile: null });
  const close = () => core.close();
  cleanup.add(close);
  const route = await core.addRoute({
    listenPort: 0,
    upstream,
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  });
  return { core, route, port: route.listen.port, url: `http://${route.listen.host}:${route.listen.port}`, close };
}

export interface RequestOptions {
  method?: string;
  path?: string;
  headers?: http.OutgoingHttpHeaders;
  /** Sent in one piece (with content-length). */
  body?: Buffer | string;
  /** Sent as separate writes without content-length, so the request is chunked. */
  chunks?: (Buffer | string)[];
  /** Called with each body chunk as it arrives; may destroy the request. */
  onData?: (chunk: Buffer, req: http.ClientRequest) => void;
  /** The whole exchange is given up (and reported in `error`, with `timedOut`) after this long. Default 10 s. */
  timeoutMs?: number;
}

export interface Collected {
  /** 0 when no response head arrived. */
  status: number;
  statusMessage: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  bodySha256: string;
  /** True only when the response ended cleanly with all its bytes. */
  complete: boolean;
  /** Set when the request or the response failed (reset, aborted, destroyed, timed out). */
  error: Error | null;
  /** True when the response neither completed nor failed within the time limit (a hang). */
  timedOut: boolean;
}

/**
 * Sends one request on a fresh connection and collects the response bytes exactly as they arrived. Always
 * resolves: a failure is reported in `error` with whatever had arrived, so a test can tell a clean response
 * from a broken one.
 */
export function requestSettled(port: number, options: RequestOptions = {}): Promise<Collected> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let response: http.IncomingMessage | null = null;
    let done = false;
    let timedOut = false;
    const finish = (error: Error | null) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      const body = Buffer.concat(chunks);
      resolve({
        status: response?.statusCode ?? 0,
        statusMessage: response?.statusMessage ?? '',
        headers: response?.headers ?? {},
        body,
        bodySha256: sha256(body),
        complete: error === null && (response?.complete ?? false),
        error,
        timedOut,
      });
    };
    const headers: http.OutgoingHttpHeaders = { ...options.headers };
    if (options.body !== undefined) headers['content-length'] = Buffer.byteLength(options.body);
    const req = http.request({
      host: LOOPBACK,
      port,
      method: options.method ?? 'GET',
      path: options.path ?? '/',
      headers,
      agent: false,
    });
    const limit = options.timeoutMs ?? 10_000;
    const timer = setTimeout(() => {
      timedOut = true;
      finish(new Error(`no complete response within ${limit} ms`));
      req.destroy();
    }, limit);
    req.on('error', (error) => finish(error));
    req.on('close', () => finish(response ? (response.complete ? null : new Error('response closed before it was complete')) : new Error('no response')));
    req.on('response', (res) => {
      response = res;
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        options.onData?.(chunk, req);
      });
      res.on('error', (error) => finish(error));
      res.on('end', () => finish(res.complete ? null : new Error('response ended before it was complete')));
    });
    if (options.chunks) {
      const parts = options.chunks;
      let i = 0;
      const writeNext = () => {
        if (i >= parts.length) return void req.end();
        req.write(parts[i++]!, () => setImmediate(writeNext));
      };
      writeNext();
    } else req.end(options.body);
  });
}

/** Like requestSettled, but rejects when the exchange did not complete cleanly. */
export async function request(port: number, options: RequestOptions = {}): Promise<Collected> {
  const result = await requestSettled(port, options);
  if (result.error) throw new Error(`${options.method ?? 'GET'} ${options.path ?? '/'} on port ${port} failed: ${result.error.message}`);
  return result;
}

/** Headers that belong to one hop (or to the moment), not to the response itself. */
export const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'date', 'proxy-connection', 'te', 'trailer', 'upgrade']);

/** The end-to-end headers of a response, for comparing a direct and a proxied fetch. */
export function endToEndHeaders(headers: http.IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name)) continue;
    out[name] = value;
  }
  return out;
}

/** Polls the log until an event matches, for at most `timeoutMs`. */
export async function waitForEvent<K extends LogEventKind>(
  core: ToolscopeCore,
  kind: K,
  predicate: (event: EventOf<K>) => boolean = () => true,
  timeoutMs = 5_000,
): Promise<EventOf<K>> {
  const intervalMs = 5;
  const rounds = Math.ceil(timeoutMs / intervalMs);
  for (let round = 0; round <= rounds; round++) {
    const found = core.log.all().find((event): event is EventOf<K> => event.kind === kind && predicate(event as EventOf<K>));
    if (found) return found;
    await delay(intervalMs);
  }
  const kinds = core.log.all().map((event) => event.kind).join(', ');
  throw new Error(`no ${kind} event matched within ${timeoutMs} ms; the log has: ${kinds}`);
}

/** Every event of one kind, optionally only those of one exchange or connection. */
export function eventsOf<K extends LogEventKind>(core: ToolscopeCore, kind: K, id?: string): EventOf<K>[] {
  return core.log.all().filter((event): event is EventOf<K> => {
    if (event.kind !== kind) return false;
    if (id === undefined) return true;
    return ownerId(event) === id;
  });
}

function ownerId(event: LogEvent): string | undefined {
  if ('exchangeId' in event) return event.exchangeId;
  if ('connectionId' in event) return event.connectionId;
  return undefined;
}

/** The exchange id of the (first) proxied request with this method and url. */
export async function exchangeFor(core: ToolscopeCore, url: string, method = 'GET'): Promise<string> {
  const event = await waitForEvent(core, 'http.request', (e) => e.url === url && e.method === method);
  return event.exchangeId;
}

/** A WebSocket upstream on 127.0.0.1 that runs `onConnection` for each client; closed by the cleanup. */
export async function startWsUpstream(cleanup: Cleanup, onConnection: (socket: WebSocket) => void): Promise<string> {
  const server = http.createServer();
  const sockets = new WebSocketServer({ server });
  sockets.on('connection', onConnection);
  await new Promise<void>((resolve) => server.listen(0, LOOPBACK, resolve));
  cleanup.add(
    () =>
      new Promise<void>((resolve) => {
        for (const client of sockets.clients) client.terminate();
        sockets.close();
        server.close(() => resolve());
      }),
  );
  return `ws://${LOOPBACK}:${(server.address() as AddressInfo).port}`;
}
