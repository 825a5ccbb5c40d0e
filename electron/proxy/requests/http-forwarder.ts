/**
 * Forwards one route's HTTP requests to its upstream through http-proxy-3 and records each exchange.
 *
 * Capture is a tee: listeners observe the request and response streams while http-proxy pipes them, so
 * bytes and SSE events reach the client as they arrive. Nothing here may throw into the server: every
 * failure becomes an event and, where the client still waits, a 502/504 with a JSON body naming the cause.
 */
import http, { type IncomingMessage, type ServerResponse, type ClientRequest } from 'node:http';
import https from 'node:https';
import zlib from 'node:zlib';
import { createProxyServer, type ProxyServer } from 'http-proxy-3';
import type { HeaderList } from '../../../shared/events.js';
import { BodyCapture, headerPairs } from '../body-capture.js';
import { headerValue } from '../../../shared/http-headers.js';
import type { RouteContext } from '../route-context.js';
import { SseCapture } from './sse-capture.js';
import { classifyUpstreamError, type UpstreamFailure } from '../upstream-error.js';

interface ExchangeState {
  id: string;
  requestHeaders: HeaderList;
  proxyReq: ClientRequest | null;
  headTimer: NodeJS.Timeout | null;
  timedOut: boolean;
  responded: boolean;
  /** Set once the exchange has its final event (body, error or abort), so later signals are ignored. */
  settled: boolean;
  res: ServerResponse;
  /** Ends the SSE capture of the response, when there is one. */
  endSse: ((complete: boolean) => void) | null;
}

const TIMEOUT_CODE = 'TOOLSCOPE_UPSTREAM_TIMEOUT';

export class HttpForwarder {
  private readonly proxy: ProxyServer;
  // Keep-alive to the upstream: a new TCP (and TLS) handshake per webhook call would add latency a voice
  // turn can hear, and http-proxy would otherwise also send `connection: close` upstream.
  private readonly agent: http.Agent;
  private readonly exchanges = new WeakMap<IncomingMessage, ExchangeState>();
  /** Exchanges without their final event yet: closing the route must record how each ended. */
  private readonly open = new Set<ExchangeState>();

  constructor(private readonly route: RouteContext) {
    this.agent = route.upstream.protocol === 'https:' || route.upstream.protocol === 'wss:'
      ? new https.Agent({ keepAlive: true })
      : new http.Agent({ keepAlive: true });
    this.proxy = createProxyServer({
      target: httpTarget(route.upstream),
      agent: this.agent,
      changeOrigin: true,
      preserveHeaderKeyCase: true,
      ws: false,
      xfwd: false,
    });
    this.proxy.on('proxyReq', (proxyReq, req) => {
      const state = this.exchanges.get(req as IncomingMessage);
      if (state) state.proxyReq = proxyReq;
    });
    this.proxy.on('proxyRes', (proxyRes, req, res) => {
      const state = this.exchanges.get(req as IncomingMessage);
      if (state) this.onResponse(state, proxyRes, res as ServerResponse);
    });
    // Without a listener http-proxy rethrows; every error already reaches the per-request callback.
    this.proxy.on('error', () => {});
    this.proxy.on('econnreset', (_error, req) => {
      const state = this.exchanges.get(req as IncomingMessage);
      if (state) this.clientGone(state, 'request');
    });
  }

  handle(req: IncomingMessage, res: ServerResponse): void {
    const { log, ids } = this.route;
    const requestHeaders = headerPairs(req.rawHeaders);
    const state: ExchangeState = {
      id: ids.next('x'),
      requestHeaders,
      proxyReq: null,
      headTimer: null,
      timedOut: false,
      responded: false,
      settled: false,
      res,
      endSse: null,
    };
    this.exchanges.set(req, state);
    this.open.add(state);
    const url = req.url ?? '/';
    log.append({
      kind: 'http.request',
      exchangeId: state.id,
      routeId: this.route.routeId,
      method: req.method ?? 'GET',
      url,
      httpVersion: req.httpVersion,
      headers: requestHeaders,
      remoteAddress: req.socket.remoteAddress ?? '',
      upstreamUrl: joinUpstream(new URL(httpTarget(this.route.upstream)), url),
    });

    const requestBody = new BodyCapture(this.route.bodyCap);
    req.on('data', (chunk: Buffer) => requestBody.push(chunk));
    req.on('end', () => {
      log.append({ kind: 'http.request.body', exchangeId: state.id, body: requestBody.finish(requestHeaders) });
    });

    res.on('close', () => {
      if (!res.writableFinished) this.clientGone(state, state.responded ? 'response' : 'request');
    });

    state.headTimer = setTimeout(() => {
      state.headTimer = null;
      if (state.responded || state.settled) return;
      state.timedOut = true;
      const error = Object.assign(new Error(`no response from the upstream within ${this.route.timeoutMs} ms`), {
        code: TIMEOUT_CODE,
      });
      if (state.proxyReq) state.proxyReq.destroy(error);
      else this.onProxyError(state, error, req, res);
    }, this.route.timeoutMs);

    this.proxy.web(req, res, {}, (error, _req, errorRes) => {
      this.onProxyError(state, error as NodeJS.ErrnoException, req, errorRes as ServerResponse);
    });
  }

  /** Ends every open exchange, recording that the proxy (not a peer) cut it, before the sockets go. */
  close(): void {
    for (const state of [...this.open]) {
      this.clearTimer(state);
      state.endSse?.(false);
      if (!this.settle(state)) continue;
      this.route.log.append({
        kind: 'http.aborted',
        exchangeId: state.id,
        by: 'proxy',
        phase: state.responded ? 'response' : 'request',
        message: 'the route was closed while the exchange was in progress',
      });
      state.proxyReq?.destroy();
      state.res.destroy();
    }
    this.proxy.close();
    this.agent.destroy();
  }

  /** Marks the exchange ended; false when it already was (its final event is already in the log). */
  private settle(state: ExchangeState): boolean {
    if (state.settled) return false;
    state.settled = true;
    this.open.delete(state);
    return true;
  }

  private onResponse(state: ExchangeState, proxyRes: IncomingMessage, res: ServerResponse): void {
    const { log } = this.route;
    if (state.settled) {
      // The exchange already ended (the client got its 504) before the upstream answered. This happens when
      // http-proxy gave us no upstream request to cancel (it emits no 'proxyReq' for a request with an Expect
      // header): the late answer is not this exchange's response, and nobody reads it, so drop the connection.
      proxyRes.destroy();
      return;
    }
    state.responded = true;
    this.clearTimer(state);
    const headers = headerPairs(proxyRes.rawHeaders);
    log.append({
      kind: 'http.response',
      exchangeId: state.id,
      status: proxyRes.statusCode ?? 0,
      statusMessage: proxyRes.statusMessage ?? '',
      headers,
    });
    const body = new BodyCapture(this.route.bodyCap);
    const sse = isEventStream(headers) ? new SseCapture(log, state.id, decoderFor(headers)) : null;
    // The SSE capture ends once, however the stream stops: also when the client went away first (the
    // exchange is then already settled), so the user still sees the stream's end and any partial event.
    let sseEnded = false;
    const endSse = (complete: boolean) => {
      if (sseEnded) return;
      sseEnded = true;
      sse?.end(complete);
    };
    state.endSse = endSse;
    proxyRes.on('data', (chunk: Buffer) => {
      body.push(chunk);
      sse?.push(chunk);
    });
    proxyRes.on('end', () => {
      endSse(true);
      if (!this.settle(state)) return;
      log.append({ kind: 'http.response.body', exchangeId: state.id, body: body.finish(headers) });
    });
    const upstreamBroke = (error?: Error) => {
      endSse(false);
      if (!this.settle(state)) return;
      log.append({
        kind: 'http.aborted',
        exchangeId: state.id,
        by: 'upstream',
        phase: 'response',
        message: error?.message ? `upstream connection ended mid-body: ${error.message}` : 'upstream connection ended mid-body',
      });
      // The client must see a broken response, not a clean end that looks complete.
      res.destroy();
    };
    proxyRes.on('aborted', () => upstreamBroke());
    proxyRes.on('error', (error) => upstreamBroke(error));
    proxyRes.on('close', () => {
      if (!proxyRes.complete) upstreamBroke();
    });
  }

  private onProxyError(state: ExchangeState, error: NodeJS.ErrnoException, req: IncomingMessage, res: ServerResponse): void {
    this.clearTimer(state);
    if (state.settled) return;
    if (req.destroyed && res.destroyed && !state.timedOut) {
      this.clientGone(state, state.responded ? 'response' : 'request');
      return;
    }
    this.settle(state);
    const failure: UpstreamFailure = state.timedOut
      ? { cause: 'timeout', code: 'ETIMEDOUT', message: error.message, status: 504 }
      : classifyUpstreamError(error);
    const canAnswer = !res.headersSent && !res.destroyed;
    this.route.log.append({
      kind: 'http.error',
      exchangeId: state.id,
      cause: failure.cause,
      code: failure.code,
      message: failure.message,
      statusSent: canAnswer ? failure.status : null,
    });
    if (!canAnswer) {
      res.destroy();
      return;
    }
    const payload = JSON.stringify({
      error: failure.cause === 'timeout' ? 'upstream_timeout' : 'upstream_unreachable',
      route: `${this.route.listenLabel()} -> ${this.route.upstream.href}`,
      cause: failure.cause,
      message: failure.message,
    });
    const headers: HeaderList = [
      ['content-type', 'application/json'],
      ['content-length', String(Buffer.byteLength(payload))],
      ['x-toolscope-error', failure.cause],
    ];
    this.route.log.append({
      kind: 'http.response',
      exchangeId: state.id,
      status: failure.status,
      statusMessage: failure.status === 504 ? 'Gateway Timeout' : 'Bad Gateway',
      headers,
      synthetic: true,
    });
    res.writeHead(failure.status, Object.fromEntries(headers));
    res.end(payload);
  }

  private clientGone(state: ExchangeState, phase: 'request' | 'response'): void {
    this.clearTimer(state);
    if (!this.settle(state)) return;
    state.proxyReq?.destroy();
    this.route.log.append({
      kind: 'http.aborted',
      exchangeId: state.id,
      by: 'client',
      phase,
      message: phase === 'response' ? 'client closed the connection while the response was streaming' : 'client closed the connection before the response',
    });
  }

  private clearTimer(state: ExchangeState): void {
    if (state.headTimer) clearTimeout(state.headTimer);
    state.headTimer = null;
  }
}

function isEventStream(headers: HeaderList): boolean {
  return /^\s*text\/event-stream/i.test(headerValue(headers, 'content-type') ?? '');
}

/** A decompressor for an encoded SSE body, so events can be read from a gzip stream too. */
function decoderFor(headers: HeaderList): zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress | null {
  const encoding = headerValue(headers, 'content-encoding')?.trim().toLowerCase();
  if (encoding === 'gzip' || encoding === 'x-gzip') return zlib.createGunzip();
  if (encoding === 'deflate') return zlib.createInflate();
  if (encoding === 'br') return zlib.createBrotliDecompress();
  return null;
}

/** A ws(s):// upstream serves webhooks over http(s):// on the same host. */
function httpTarget(upstream: URL): string {
  const target = new URL(upstream.href);
  if (target.protocol === 'ws:') target.protocol = 'http:';
  else if (target.protocol === 'wss:') target.protocol = 'https:';
  return target.href;
}

export function joinUpstream(upstream: URL, path: string): string {
  const base = upstream.href.endsWith('/') ? upstream.href.slice(0, -1) : upstream.href;
  return base + (path.startsWith('/') ? path : `/${path}`);
}
