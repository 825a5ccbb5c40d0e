/**
 * One route: a local listener that forwards HTTP to the upstream and relays WebSocket upgrades on the same
 * port. Binds to 127.0.0.1 unless told otherwise, because a debugging proxy open to the network is a hole.
 */
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { ListenAddress } from '../../shared/events.js';
import type { EventLog } from '../core/event-log.js';
import type { IdSource } from '../core/id-source.js';
import { MockRulesStore } from '../core/mock-rules-store.js';
import { BreakpointRulesStore } from '../core/breakpoint-rules-store.js';
import { PauseBoard } from './breakpoints/pause-board.js';
import { HttpForwarder } from './requests/http-forwarder.js';
import type { RouteContext } from './route-context.js';
import { WsRelay } from './websockets/ws-relay.js';

export interface RouteOptions {
  routeId: string;
  listenHost: string;
  listenPort: number;
  upstream: URL;
  timeoutMs: number;
  bodyCap: number;
  frameCap: number;
}

export class RouteListener {
  private readonly server: http.Server;
  private readonly forwarder: HttpForwarder;
  /** The WebSocket relay, which the core asks to inject frames into its connections. */
  readonly relay: WsRelay;
  private address: ListenAddress | null = null;

  constructor(
    readonly options: RouteOptions,
    log: EventLog,
    ids: IdSource,
    mocks: MockRulesStore = new MockRulesStore(),
    breakpoints: { rules: BreakpointRulesStore; pauses: PauseBoard } = { rules: new BreakpointRulesStore(), pauses: new PauseBoard(log, ids) },
  ) {
    const context: RouteContext = {
      routeId: options.routeId,
      upstream: options.upstream,
      timeoutMs: options.timeoutMs,
      bodyCap: options.bodyCap,
      frameCap: options.frameCap,
      log,
      ids,
      mocks,
      breakpoints: breakpoints.rules,
      pauses: breakpoints.pauses,
      listenLabel: () => (this.address ? `${this.address.host}:${this.address.port}` : `${options.listenHost}:${options.listenPort}`),
    };
    this.forwarder = new HttpForwarder(context);
    this.relay = new WsRelay(context);
    this.server = http.createServer((req, res) => this.forwarder.handle(req, res));
    this.server.on('upgrade', (req, socket, head) => this.relay.handleUpgrade(req, socket, head));
    // A malformed request line or header from a client is that client's problem, never the route's. It is told
    // why (408 when its headers did not arrive within headersTimeout: a slowloris; 431 for too big a head), and
    // the connection is closed: ending only our side let a client that keeps its side open hold the socket for
    // as long as it liked. Nothing is written into a response already under way on that connection.
    this.server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
      const inFlight = (socket as { _httpMessage?: { headersSent?: boolean } | null })._httpMessage;
      if (!socket.writable || inFlight?.headersSent) {
        socket.destroy();
        return;
      }
      const status =
        error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : error.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
      socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`, () => socket.destroy());
      // A client that does not even read the answer is cut off all the same.
      if (socket instanceof net.Socket) socket.setTimeout(5_000, () => socket.destroy());
    });
    // Long SSE streams and realtime sessions are normal here; Node's default request timeout would cut them.
    this.server.requestTimeout = 0;
    this.server.headersTimeout = 60_000;
    this.server.keepAliveTimeout = 5_000;
  }

  listen(): Promise<ListenAddress> {
    return new Promise((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException) => {
        this.server.off('listening', onListening);
        reject(describeListenError(error, this.options.listenHost, this.options.listenPort));
      };
      const onListening = () => {
        this.server.off('error', onError);
        const info = this.server.address() as AddressInfo;
        this.address = { host: info.address, port: info.port };
        resolve(this.address);
      };
      this.server.once('error', onError);
      this.server.once('listening', onListening);
      this.server.listen(this.options.listenPort, this.options.listenHost);
    });
  }

  get listenAddress(): ListenAddress | null {
    return this.address;
  }

  async close(): Promise<void> {
    this.relay.close();
    this.forwarder.close();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

export function describeListenError(error: NodeJS.ErrnoException, host: string, port: number): Error {
  const where = `${host}:${port}`;
  if (error.code === 'EADDRINUSE') return new Error(`port ${port} is already in use on ${host}; pick another port or stop what is using it`);
  if (error.code === 'EACCES') return new Error(`no permission to listen on ${where} (ports below 1024 need privileges)`);
  if (error.code === 'EADDRNOTAVAIL') return new Error(`cannot listen on ${where}: the address is not on this machine`);
  return new Error(`cannot listen on ${where}: ${error.message}`);
}
