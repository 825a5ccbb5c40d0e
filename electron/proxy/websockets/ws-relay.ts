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
import type { HeaderList, LogEvent, WsDirection } from '../../../shared/events.js';
import { headerPairs } from '../body-capture.js';
import type { RouteContext } from '../route-context.js';
import { classifyUpstreamError } from '../upstream-error.js';
import { RealtimeAutoReply } from '../mocks/realtime-auto-reply.js';
import { captureFrame } from './frame-capture.js';
import { outgoingBytes } from '../outgoing-bytes.js';
import { FrameGate } from '../breakpoints/frame-gate.js';

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
/** Bytes queued towards a slow reader before the other side is paused, and the level it is resumed at. */
const PAUSE_ABOVE_BYTES = 16 * 1024 * 1024;
const RESUME_BELOW_BYTES = 4 * 1024 * 1024;
const NO_STATUS = 1005;
/** Closed connections whose close reason an injection refusal can still name. */
const MAX_REMEMBERED_CLOSES = 1000;

export class WsRelay {
  private readonly server = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 0 });
  private readonly sockets = new Set<WebSocket>();
  /** Relayed connections whose close is not recorded yet, so closing the route can record it. */
  private readonly live = new Map<string, { client: WebSocket; upstream: WebSocket; closed: boolean }>();
  /** How recently closed connections ended, so an injection into one is refused with the reason. */
  private readonly ended = new Map<string, { code: number; by: 'client' | 'upstream' | 'proxy' }>();

  private readonly autoReply: RealtimeAutoReply;
  /** Frame breakpoints: holds matching frames, and queues the frames behind a held one. */
  private readonly gate: FrameGate;

  constructor(private readonly route: RouteContext) {
    this.autoReply = new RealtimeAutoReply(route);
    this.gate = new FrameGate(route);
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
          this.gate.open(connectionId, url, headers);
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
    this.gate.closeAll('the route was closed while the frame was held');
    for (const [connectionId, connection] of this.live) {
      connection.closed = true;
      this.remember(connectionId, 1001, 'proxy');
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
        // Held frames and those behind them end before the close is recorded: they were never sent.
        this.gate.close(connectionId, `the ${side} closed the connection while the frame was held`);
        connection.closed = true;
        this.live.delete(connectionId);
        this.remember(connectionId, code, side);
        log.append({ kind: 'ws.close', connectionId, code, reason: reason.toString('utf8'), by: side });
      }
      // A side paused for a slow reader must read again, or it would never see its peer's close frame.
      if (other.isPaused) other.resume();
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
    // Breakpoints: with no frame rule and nothing held, every frame takes the usual path at once.
    if (this.route.breakpoints.frameRules().length === 0 && this.gate.idle()) {
      this.deliver(connectionId, direction, target, buffer, isBinary);
      return;
    }
    this.gate.offer(connectionId, direction, buffer, isBinary, {
      send: (bytes, binary) => this.deliver(connectionId, direction, target, bytes, binary),
      drop: (bytes, binary) => this.recordNotSent(connectionId, direction, bytes, binary),
    });
  }

  /** A frame that reached the proxy but was not sent on (dropped at a breakpoint, or its socket closed while held). */
  private recordNotSent(connectionId: string, direction: WsDirection, buffer: Buffer, isBinary: boolean): void {
    this.route.log.append({
      kind: 'ws.frame',
      connectionId,
      direction,
      ...captureFrame(buffer, isBinary, this.route.frameCap),
      dropped: true,
    });
  }

  /** Records a relayed frame and sends it on (unless a realtime-drop mock withholds it). */
  private deliver(connectionId: string, direction: WsDirection, target: WebSocket, buffer: Buffer, isBinary: boolean): void {
    // A drop rule must decide before the frame is sent; without one the relay does not look at frames first.
    const drop =
      direction === 'upstream-to-client' && !isBinary && this.route.mocks.hasRealtimeDropRule()
        ? this.autoReply.dropDecision(connectionId, buffer.toString('utf8'))
        : null;
    if (drop) {
      // A withheld frame still crossed from the upstream to the proxy, so it is recorded, marked.
      this.route.log.append({ kind: 'ws.frame', connectionId, direction, ...captureFrame(buffer, isBinary, this.route.frameCap), dropped: true });
      this.autoReply.recordDrop(connectionId, drop);
      return;
    }
    // Sent first, recorded after: the frame's way to its peer does not wait for its capture (ws copies the
    // buffer it masks, so the bytes recorded are still the bytes received).
    if (target.readyState === WebSocket.OPEN) {
      target.send(buffer, { binary: isBinary }, () => this.resumeIfDrained(connectionId, direction, target));
      // A peer that reads slower than the other side writes would have the proxy queue without bound: stop
      // reading from the writer until the reader catches up, as TCP would between the two directly.
      if (target.bufferedAmount > PAUSE_ABOVE_BYTES) this.sourceOf(connectionId, direction)?.pause();
    }
    this.route.log.append({ kind: 'ws.frame', connectionId, direction, ...captureFrame(buffer, isBinary, this.route.frameCap) });
    // After relaying: a mock's answer to a call never holds the call up on its way to the client.
    if (direction === 'upstream-to-client' && !isBinary && this.route.mocks.realtimeRules().length > 0) {
      this.autoReply.onServerFrame(connectionId, buffer.toString('utf8'));
    }
  }

  /** A mock's frame to the upstream, recorded like the client's own but marked as Toolscope's. */
  private sendAsClient(connectionId: string, upstream: WebSocket, text: string): boolean {
    if (upstream.readyState !== WebSocket.OPEN || !this.live.has(connectionId)) return false;
    this.sendOwnFrame(connectionId, 'client-to-upstream', upstream, Buffer.from(text), false, { origin: 'mock' });
    return true;
  }

  /** Whether this relay carried the connection (open now, or closed recently), so the core can ask it to inject. */
  hasConnection(connectionId: string): boolean {
    return this.live.has(connectionId) || this.ended.has(connectionId);
  }

  /**
   * Sends a frame the user wrote (or a captured one again) on a live connection: to the upstream as if the
   * client sent it, or to the client as if the upstream did. Recorded with `origin: 'inject'`; returns the seq
   * of that record. Throws a sentence, and records nothing, when the connection cannot take it.
   */
  inject(connectionId: string, direction: WsDirection, opcode: 'text' | 'binary', data: string, resentOf?: number): number {
    const connection = this.live.get(connectionId);
    if (!connection || connection.closed) {
      const ended = this.ended.get(connectionId);
      if (!ended) throw new Error(`connection ${connectionId} is not open on this route; nothing was sent`);
      throw new Error(`connection ${connectionId} is closed (closed by ${ended.by === 'proxy' ? 'Toolscope' : `the ${ended.by}`} with ${ended.code}); nothing was sent`);
    }
    const toUpstream = direction === 'client-to-upstream';
    const target = toUpstream ? connection.upstream : connection.client;
    if (target.readyState !== WebSocket.OPEN) {
      throw new Error(`connection ${connectionId} is closing on the ${toUpstream ? 'upstream' : 'client'} side; nothing was sent`);
    }
    const buffer = outgoingBytes(opcode === 'text' ? 'utf8' : 'base64', data);
    if (!buffer) throw new Error('a binary frame must be given as base64, and this is not valid base64; nothing was sent');
    const mark = resentOf === undefined ? { origin: 'inject' as const } : { origin: 'inject' as const, resentOf };
    return this.sendOwnFrame(connectionId, direction, target, buffer, opcode === 'binary', mark).seq;
  }

  private resumeIfDrained(connectionId: string, direction: WsDirection, target: WebSocket): void {
    const source = this.sourceOf(connectionId, direction);
    if (source?.isPaused && target.bufferedAmount <= RESUME_BELOW_BYTES) source.resume();
  }

  /** The socket a frame going `direction` is read from. */
  private sourceOf(connectionId: string, direction: WsDirection): WebSocket | null {
    const connection = this.live.get(connectionId);
    if (!connection) return null;
    return direction === 'client-to-upstream' ? connection.client : connection.upstream;
  }

  /** A frame Toolscope itself sends (a mock's, an injected one): recorded, capped like relayed frames, then sent. */
  private sendOwnFrame(
    connectionId: string,
    direction: WsDirection,
    target: WebSocket,
    buffer: Buffer,
    isBinary: boolean,
    mark: { origin: 'mock' | 'inject'; resentOf?: number },
  ): LogEvent {
    const event = this.route.log.append({
      kind: 'ws.frame',
      connectionId,
      direction,
      ...captureFrame(buffer, isBinary, this.route.frameCap),
      ...mark,
    });
    target.send(buffer, { binary: isBinary });
    return event;
  }

  private remember(connectionId: string, code: number, by: 'client' | 'upstream' | 'proxy'): void {
    this.ended.set(connectionId, { code, by });
    // Only the reason of recent closes is worth keeping; the oldest go first.
    if (this.ended.size > MAX_REMEMBERED_CLOSES) this.ended.delete(this.ended.keys().next().value!);
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
