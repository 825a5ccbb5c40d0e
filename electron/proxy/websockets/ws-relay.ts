/**
 * Relays WebSocket upgrades on a route to its upstream at message level, recording every frame.
 *
 * The client's handshake is completed only after the upstream accepted its own, so the subprotocol the
 * upstream chose can be passed back, and an upstream that refuses the upgrade is seen by the client as the
 * same HTTP status instead of an open socket that dies. Messages keep their type (text or binary); close
 * codes and reasons are passed on in both directions; pings are answered by each side's `ws` endpoint.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { HeaderList, WsDirection } from '../../../shared/events.js';
import { asText, headerPairs } from '../body-capture.js';
import type { RouteContext } from '../route-context.js';
import { classifyUpstreamError } from '../upstream-error.js';
import { RealtimeAutoReply } from '../mocks/realtime-auto-reply.js';

/** Headers that belong to one hop or to the WebSocket handshake itself; `ws` sets its own. */
const NOT_FORWARDED = new Set([
  'host',
  'connection',
  'upgrade',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'sec-websocket-key',
  'sec-websocket-version',
  'sec-websocket-extensions',
  'sec-websocket-protocol',
  'sec-websocket-accept',
]);

/** Close codes that may not be sent on the wire (RFC 6455 7.4.1); they mean "no code" or "no close frame". */
const NO_CLOSE_FRAME = 1006;
const NO_STATUS = 1005;

export class WsRelay {
  private readonly server = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 0 });
  private readonly sockets = new Set<WebSocket>();
  /** Relayed connections whose close is not recorded yet, so closing the route can record it. */
  private readonly live = new Map<string, { client: WebSocket; upstream: WebSocket; closed: boolean }>();

  private readonly autoReply: RealtimeAutoReply;

  constructor(private readonly route: RouteContext) {
    this.autoReply = new RealtimeAutoReply(route);
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const { log, ids } = this.route;
    const connectionId = ids.next('w');
    const url = req.url ?? '/';
    const upstreamUrl = toWebSocketUrl(this.route.upstream, url);
    const headers = headerPairs(req.rawHeaders);
    const requestedProtocols = parseProtocols(req.headers['sec-websocket-protocol']);
    socket.on('error', () => {
      // A client socket that dies during the handshake is recorded through the upstream path below.
    });

    let upstream: WebSocket;
    try {
      upstream = new WebSocket(upstreamUrl, requestedProtocols, {
        headers: forwardedHeaders(headers),
        perMessageDeflate: false,
        handshakeTimeout: this.route.timeoutMs,
        maxPayload: 0,
        followRedirects: false,
      });
    } catch (error) {
      this.failUpgrade(connectionId, url, upstreamUrl, headers, socket, null, `cannot connect to ${upstreamUrl}: ${(error as Error).message}`);
      return;
    }
    this.sockets.add(upstream);
    let settled = false;

    upstream.on('unexpected-response', (_request, response) => {
      settled = true;
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        if (size < 64 * 1024) chunks.push(chunk);
        size += chunk.length;
      });
      response.on('end', () => {
        const body = Buffer.concat(chunks);
        const status = response.statusCode ?? 502;
        this.failUpgrade(
          connectionId,
          url,
          upstreamUrl,
          headers,
          socket,
          status,
          `the upstream answered the WebSocket upgrade with HTTP ${status}${body.length ? `: ${truncate(body.toString('utf8'), 300)}` : ''}`,
          { status, statusMessage: response.statusMessage ?? '', headers: headerPairs(response.rawHeaders), body },
        );
        this.sockets.delete(upstream);
      });
      response.on('error', () => {});
    });

    upstream.on('error', (error: NodeJS.ErrnoException) => {
      if (settled) return;
      settled = true;
      this.sockets.delete(upstream);
      const failure = classifyUpstreamError(error);
      this.failUpgrade(connectionId, url, upstreamUrl, headers, socket, null, failure.message);
    });

    upstream.on('open', () => {
      settled = true;
      if (socket.destroyed) {
        upstream.terminate();
        this.sockets.delete(upstream);
        log.append({
          kind: 'ws.upgrade-failed',
          connectionId,
          routeId: this.route.routeId,
          url,
          upstreamUrl,
          headers,
          status: null,
          message: 'the client went away before the upstream accepted the upgrade',
        });
        return;
      }
      // Frames the upstream sends before the client handshake completes are queued, never dropped.
      const early: { data: RawData; isBinary: boolean }[] = [];
      const queueEarly = (data: RawData, isBinary: boolean) => early.push({ data, isBinary });
      upstream.on('message', queueEarly);
      // handleUpgrade calls handleProtocols synchronously, so setting it right here answers this client only:
      // the client must get the protocol the upstream picked, not the server's own first choice.
      this.server.options.handleProtocols = () => upstream.protocol || false;
      this.server.handleUpgrade(
        req,
        socket,
        head,
        (client) => {
          this.sockets.add(client);
          log.append({
            kind: 'ws.open',
            connectionId,
            routeId: this.route.routeId,
            url,
            upstreamUrl,
            headers,
            requestedProtocols,
            protocol: upstream.protocol,
            remoteAddress: req.socket.remoteAddress ?? '',
          });
          upstream.off('message', queueEarly);
          this.pipe(connectionId, client, upstream);
          this.autoReply.open(connectionId, {
            url,
            headers,
            sendAsClient: (text) => this.sendAsClient(connectionId, upstream, text),
          });
          for (const { data, isBinary } of early) this.forward(connectionId, 'upstream-to-client', client, data, isBinary);
        },
      );
    });
  }

  /** Closes every relayed socket (the route is going down), recording that the proxy closed them. */
  close(): void {
    this.autoReply.closeAll();
    for (const [connectionId, connection] of this.live) {
      connection.closed = true;
      this.route.log.append({ kind: 'ws.close', connectionId, code: 1001, reason: 'the route was closed', by: 'proxy' });
      connection.client.close(1001, 'route closed');
      connection.upstream.close(1001, 'route closed');
    }
    this.live.clear();
    for (const socket of this.sockets) socket.terminate();
    this.sockets.clear();
    this.server.close();
  }

  private pipe(connectionId: string, client: WebSocket, upstream: WebSocket): void {
    const { log } = this.route;
    const connection = { client, upstream, closed: false };
    this.live.set(connectionId, connection);

    client.on('message', (data, isBinary) => this.forward(connectionId, 'client-to-upstream', upstream, data, isBinary));
    upstream.on('message', (data, isBinary) => this.forward(connectionId, 'upstream-to-client', client, data, isBinary));

    const onClose = (side: 'client' | 'upstream', other: WebSocket) => (code: number, reason: Buffer) => {
      this.sockets.delete(side === 'client' ? client : upstream);
      this.autoReply.close(connectionId);
      if (!connection.closed) {
        connection.closed = true;
        this.live.delete(connectionId);
        log.append({ kind: 'ws.close', connectionId, code, reason: reason.toString('utf8'), by: side });
      }
      passClose(other, code, reason);
    };
    client.on('close', onClose('client', upstream));
    upstream.on('close', onClose('upstream', client));

    const onError = (side: 'client' | 'upstream', other: WebSocket) => (error: Error) => {
      log.append({ kind: 'ws.error', connectionId, side, message: error.message });
      if (other.readyState === WebSocket.OPEN) other.close(1011, `${side} error`);
    };
    client.on('error', onError('client', upstream));
    upstream.on('error', onError('upstream', client));
  }

  private forward(connectionId: string, direction: WsDirection, target: WebSocket, data: RawData, isBinary: boolean): void {
    const buffer = toBuffer(data);
    const cap = this.route.frameCap;
    const kept = buffer.length > cap ? buffer.subarray(0, cap) : buffer;
    const truncated = kept.length < buffer.length;
    const text = isBinary ? null : asText(kept, 'text/plain', truncated);
    // A drop rule must decide before the frame is sent; without one the relay does not look at frames first.
    const drop =
      direction === 'upstream-to-client' && !isBinary && this.route.mocks.hasRealtimeDropRule()
        ? this.autoReply.dropDecision(connectionId, buffer.toString('utf8'))
        : null;
    this.route.log.append({
      kind: 'ws.frame',
      connectionId,
      direction,
      opcode: isBinary ? 'binary' : 'text',
      encoding: text === null ? 'base64' : 'utf8',
      data: text ?? kept.toString('base64'),
      size: buffer.length,
      truncated,
      // A withheld frame still crossed from the upstream to the proxy, so it is recorded, marked.
      ...(drop ? { dropped: true as const } : {}),
    });
    if (drop) {
      this.autoReply.recordDrop(connectionId, drop);
      return;
    }
    if (target.readyState === WebSocket.OPEN) target.send(buffer, { binary: isBinary });
    // After relaying: a mock's answer to a call never holds the call up on its way to the client.
    if (direction === 'upstream-to-client' && !isBinary && this.route.mocks.realtimeRules().length > 0) {
      this.autoReply.onServerFrame(connectionId, buffer.toString('utf8'));
    }
  }

  /** A mock's frame to the upstream, recorded like the client's own but marked as Toolscope's. */
  private sendAsClient(connectionId: string, upstream: WebSocket, text: string): boolean {
    if (upstream.readyState !== WebSocket.OPEN || !this.live.has(connectionId)) return false;
    const buffer = Buffer.from(text);
    const cap = this.route.frameCap;
    const kept = buffer.length > cap ? buffer.subarray(0, cap) : buffer;
    this.route.log.append({
      kind: 'ws.frame',
      connectionId,
      direction: 'client-to-upstream',
      opcode: 'text',
      encoding: 'utf8',
      data: asText(kept, 'text/plain', kept.length < buffer.length) ?? '',
      size: buffer.length,
      truncated: kept.length < buffer.length,
      origin: 'mock',
    });
    upstream.send(buffer, { binary: false });
    return true;
  }

  private failUpgrade(
    connectionId: string,
    url: string,
    upstreamUrl: string,
    headers: HeaderList,
    socket: Duplex,
    status: number | null,
    message: string,
    upstreamResponse?: { status: number; statusMessage: string; headers: HeaderList; body: Buffer },
  ): void {
    this.route.log.append({
      kind: 'ws.upgrade-failed',
      connectionId,
      routeId: this.route.routeId,
      url,
      upstreamUrl,
      headers,
      status,
      message,
    });
    if (socket.destroyed) return;
    if (upstreamResponse) {
      // Pass the upstream's answer on, so the client sees the same status it would have seen directly.
      const kept = upstreamResponse.headers.filter(([name]) => !/^(connection|transfer-encoding|content-length|keep-alive)$/i.test(name));
      const lines = [`HTTP/1.1 ${upstreamResponse.status} ${upstreamResponse.statusMessage}`];
      for (const [name, value] of kept) lines.push(`${name}: ${value}`);
      lines.push(`content-length: ${upstreamResponse.body.length}`, 'connection: close', '', '');
      socket.end(Buffer.concat([Buffer.from(lines.join('\r\n')), upstreamResponse.body]));
      return;
    }
    const payload = JSON.stringify({ error: 'upstream_unreachable', route: `${this.route.listenLabel()} -> ${upstreamUrl}`, message });
    socket.end(
      `HTTP/1.1 502 Bad Gateway\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(payload)}\r\nconnection: close\r\n\r\n${payload}`,
    );
  }
}

function passClose(target: WebSocket, code: number, reason: Buffer): void {
  if (target.readyState === WebSocket.CLOSED || target.readyState === WebSocket.CLOSING) return;
  if (code === NO_CLOSE_FRAME) target.terminate();
  else if (code === NO_STATUS || !isSendableCode(code)) target.close();
  else target.close(code, reason);
}

function isSendableCode(code: number): boolean {
  return (code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) || (code >= 3000 && code <= 4999);
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

function parseProtocols(header: string | undefined): string[] {
  if (!header) return [];
  return header
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
}

function forwardedHeaders(headers: HeaderList): Record<string, string> {
  const out = new Map<string, [string, string]>();
  for (const [name, value] of headers) {
    const lower = name.toLowerCase();
    if (NOT_FORWARDED.has(lower)) continue;
    const seen = out.get(lower);
    out.set(lower, seen ? [seen[0], `${seen[1]}, ${value}`] : [name, value]);
  }
  return Object.fromEntries(out.values());
}

export function toWebSocketUrl(upstream: URL, path: string): string {
  const base = new URL(upstream.href);
  if (base.protocol === 'http:') base.protocol = 'ws:';
  else if (base.protocol === 'https:') base.protocol = 'wss:';
  const prefix = base.pathname.endsWith('/') ? base.pathname.slice(0, -1) : base.pathname;
  const [pathname, query] = splitOnce(path, '?');
  base.pathname = prefix + (pathname.startsWith('/') ? pathname : `/${pathname}`);
  base.search = query === null ? '' : `?${query}`;
  return base.href;
}

function splitOnce(text: string, separator: string): [string, string | null] {
  const at = text.indexOf(separator);
  return at === -1 ? [text, null] : [text.slice(0, at), text.slice(at + 1)];
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
