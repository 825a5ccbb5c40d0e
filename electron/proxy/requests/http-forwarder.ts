/**
 * Forwards one route's HTTP requests to its upstream through http-proxy-3 and records each exchange.
 *
 * Capture is a tee: listeners observe the request and response streams while http-proxy pipes them, so
 * bytes and SSE events reach the client as they arrive. Nothing here may throw into the server: every
 * failure becomes an event and, where the client still waits, a 502/504 with a JSON body naming the cause.
 *
 * Breakpoints (electron/proxy/breakpoints/): a request-stage rule holds the request before the mock rules and
 * the upstream see it; a response-stage rule has http-proxy hand the upstream's answer to us (selfHandleResponse)
 * and holds it whole before the client gets it. With no enabled rule, neither reads a body first.
 */
import type http from 'node:http';
import type { IncomingMessage, ServerResponse, ClientRequest } from 'node:http';
import { PassThrough, Readable } from 'node:stream';
import zlib from 'node:zlib';
import { createProxyServer, type ProxyServer, type ServerOptions } from 'http-proxy-3';
import type { HeaderList } from '../../../shared/events.js';
import type { WebhookDialect } from '../../../shared/analysis/model.js';
import { webhookDialects } from '../../../shared/analysis/webhooks/webhook-dialects.js';
import { matchWebhookRule, readWebhookFacts, type WebhookFacts } from '../../../shared/mocks/mock-matcher.js';
import { matchWebhookBreakpoint, mayHoldWebhook, type BreakpointMatch } from '../../../shared/breakpoints/breakpoint-matcher.js';
import type { ReleasePauseParams } from '../../../shared/bridge.js';
import type { MockRule, WebhookHandler } from '../../../shared/mocks/mock-rule.js';
import { asText, BodyCapture, headerPairs } from '../body-capture.js';
import { headerValue } from '../../../shared/http-headers.js';
import type { RouteContext } from '../route-context.js';
import { SseCapture } from './sse-capture.js';
import { dropHopByHop, HOP_BY_HOP, upstreamAgent } from './hop-by-hop.js';
import { keepEmptyReason, losesEmptyQuery, restoreEmptyQuery } from './wire-fidelity.js';
import { classifyUpstreamError, type UpstreamFailure } from '../upstream-error.js';
import type { MockExchange, MockResponse } from '../mocks/mock-exchange.js';
import { ruleLabel, runWebhookMock, statusMessage } from '../mocks/webhook-mock-runner.js';
import type { HeldHandle, PreparedRelease } from '../breakpoints/pause-board.js';
import { bodyBytes, checkHeaders, checkJson, editedPath, framedHeaders, headerObject, isJsonContentType } from '../breakpoints/release-edits.js';
import { FRAMING_HEADERS } from '../outgoing-bytes.js';

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
  /** A mock rule's timers (delays, SSE script steps), cleared when the exchange ends. */
  mockTimers: Set<NodeJS.Timeout> | null;
  /** Set when a mock rule holds the exchange (no-answer): what the route timeout then reports. */
  heldBy: string | null;
  /** The request as the rules read it, once its body was read for a mock or breakpoint rule. */
  facts: WebhookFacts | null;
  /** What a breakpoint holds of this exchange (its request or its response), while it holds it. */
  pause: HeldHandle | null;
  /** The method a breakpoint edit gave the request; null to send the client's. */
  method: string | null;
  /** Set when a response-stage breakpoint will hold the upstream's answer. */
  responseBreakpoint: BreakpointMatch | null;
}

/** A response head as recorded and sent. */
interface ResponseHead {
  status: number;
  statusMessage: string;
  headers: HeaderList;
}

/** Records a response as it goes to the client, whoever produced it (the upstream or a mock). */
interface ResponseTap {
  push(chunk: Buffer): void;
  /** The response ended with all its bytes. */
  finish(): void;
  /** The producer broke off mid-body. */
  broke(message: string): void;
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
  /** Made on the first request a mock rule has to look at; a route without rules never needs them. */
  private dialects: WebhookDialect[] | null = null;
  /** The upstream as http(s)://, parsed once: a URL built per request showed in the profile of every call. */
  private readonly target: URL;
  /** `target` without a trailing slash, which each request's path is appended to for its recorded upstream URL. */
  private readonly targetBase: string;
  /**
   * Set while `proxy.web` makes the upstream request for a client target whose empty query http-proxy-3 drops
   * (wire-fidelity.ts); it makes that request synchronously, so the flag cannot reach another request.
   */
  private emptyQueryPending = false;

  constructor(private readonly route: RouteContext) {
    // It also keeps the client's hop-by-hop headers off the upstream request (hop-by-hop.ts).
    this.agent = upstreamAgent(route.upstream.protocol, (upstreamRequest) => {
      if (this.emptyQueryPending) restoreEmptyQuery(upstreamRequest);
      this.emptyQueryPending = false;
    });
    this.target = new URL(httpTarget(route.upstream));
    this.targetBase = this.target.href.endsWith('/') ? this.target.href.slice(0, -1) : this.target.href;
    this.proxy = createProxyServer({
      // A URL object: http-proxy-3 parses a string target again for every request.
      target: this.target,
      agent: this.agent,
      changeOrigin: true,
      preserveHeaderKeyCase: true,
      ws: false,
      xfwd: false,
    });
    // http-proxy-3's deleteLength pass gives a DELETE or OPTIONS without content-length a "content-length: 0" and
    // drops its transfer-encoding, so a chunked body went upstream unframed after an empty request: the upstream
    // read the body as the start of the next request on that connection. This runs after it, before the request
    // is made, and puts the client's framing back (an edited request's headers are already framed: left alone).
    this.proxy.before('web', 'stream', (req) => {
      const state = this.exchanges.get(req);
      if (!state || state.method !== null || (req.method !== 'DELETE' && req.method !== 'OPTIONS')) return;
      const length = headerValue(state.requestHeaders, 'content-length');
      const encoding = headerValue(state.requestHeaders, 'transfer-encoding');
      if (length === undefined) delete req.headers['content-length'];
      if (encoding !== undefined) req.headers['transfer-encoding'] = encoding;
    });
    this.proxy.on('proxyReq', (proxyReq, req) => {
      const state = this.exchanges.get(req as IncomingMessage);
      if (state) state.proxyReq = proxyReq;
    });
    this.proxy.on('proxyRes', (proxyRes, req, res) => {
      // Before http-proxy copies the head: repeated headers go on as the separate lines they were.
      for (const [name, values] of repeatedHeaders(proxyRes.rawHeaders)) proxyRes.headers[name.toLowerCase()] = values;
      // The upstream's Connection and Keep-Alive are about its connection to the proxy (see hop-by-hop.ts).
      dropHopByHop(proxyRes.headers);
      keepEmptyReason(proxyRes, res as ServerResponse);
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
      mockTimers: null,
      heldBy: null,
      facts: null,
      pause: null,
      method: null,
      responseBreakpoint: null,
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
      upstreamUrl: this.targetBase + (url.startsWith('/') ? url : `/${url}`),
    });

    const requestBody = new BodyCapture(this.route.bodyCap);
    req.on('data', (chunk: Buffer) => requestBody.push(chunk));
    req.on('end', () => {
      log.append({ kind: 'http.request.body', exchangeId: state.id, body: requestBody.finish(requestHeaders) });
    });

    res.on('close', () => {
      if (!res.writableFinished) this.clientGone(state, state.responded ? 'response' : 'request');
    });

    this.armHeadTimer(state, req, res);

    // Without a rule the request streams through untouched; only a rule that may answer or hold needs its body first.
    const rules = this.route.mocks.webhookRules();
    if (rules.length === 0 && !this.mayHold()) this.forward(state, req, res, null);
    else this.readThenDecide(state, req, res, rules);
  }

  /** The route's timeout for the upstream's response head; cleared while a breakpoint holds the exchange. */
  private armHeadTimer(state: ExchangeState, req: IncomingMessage, res: ServerResponse): void {
    this.clearTimer(state);
    state.headTimer = setTimeout(() => {
      state.headTimer = null;
      if (state.responded || state.settled) return;
      state.timedOut = true;
      const message = state.heldBy
        ? `${state.heldBy}: the route's timeout ended the exchange after ${this.route.timeoutMs} ms`
        : `no response from the upstream within ${this.route.timeoutMs} ms`;
      const error = Object.assign(new Error(message), { code: TIMEOUT_CODE });
      if (state.proxyReq) state.proxyReq.destroy(error);
      else this.onProxyError(state, error, req, res);
    }, this.route.timeoutMs);
  }

  /** Whether an enabled breakpoint rule may hold a request or response on this route (one length check when none). */
  private mayHold(): boolean {
    const rules = this.route.breakpoints.webhookRules();
    return rules.length > 0 && rules.some((rule) => mayHoldWebhook(rule, rule.stage === 'response' ? 'response' : 'request', this.route.routeId));
  }

  private forward(state: ExchangeState, req: IncomingMessage, res: ServerResponse, body: Readable | null): void {
    const options: ServerOptions = body ? { buffer: body } : {};
    if (state.method !== null) options.method = state.method;
    // An origin-form target goes upstream as the client wrote it: without toProxy, http-proxy-3 parses it as a
    // URL, which resolves dot segments ("/a/../b" reached the upstream as "/b").
    if (req.url?.startsWith('/')) options.toProxy = true;
    // http-proxy-3 sends the parsed `req.headers`, where repeated lines are joined; these go as separate lines
    // again (unless a breakpoint edit replaced the headers: then `req.headers` is what goes, as edited).
    const repeated = state.method === null ? repeatedHeaders(req.rawHeaders) : [];
    if (repeated.length > 0) options.headers = Object.fromEntries(repeated.map(([name, values]) => [name.toLowerCase(), values]));
    // A response-stage breakpoint decides on the request, so before it goes: then the answer comes to us, not the client.
    const breakpoints = this.route.breakpoints.webhookRules();
    if (state.facts && breakpoints.length > 0) {
      try {
        state.responseBreakpoint = matchWebhookBreakpoint(breakpoints, 'response', state.facts);
      } catch (error) {
        this.route.log.append({ kind: 'core.error', context: `breakpoints ${state.id}`, message: (error as Error).message });
      }
      if (state.responseBreakpoint) options.selfHandleResponse = true;
    }
    this.emptyQueryPending = options.toProxy === true && losesEmptyQuery(req.url ?? '', this.target);
    try {
      this.proxy.web(req, res, options, (error, _req, errorRes) => {
        this.onProxyError(state, error as NodeJS.ErrnoException, req, errorRes as ServerResponse);
      });
    } finally {
      this.emptyQueryPending = false;
    }
  }

  /**
   * Reads the request body (a webhook call is small) so a rule can match on the call's name and arguments,
   * then lets the first matching rule answer, or forwards the same bytes. A body over the capture cap is not
   * held: the rules see the request without its call, and a forwarded request streams on from where it was.
   */
  private readThenDecide(state: ExchangeState, req: IncomingMessage, res: ServerResponse, rules: readonly MockRule[]): void {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size <= this.route.bodyCap) return;
      req.off('data', onData);
      req.off('end', onEnd);
      this.decide(state, req, res, rules, null, new StreamingBody(chunks, req));
    };
    const onEnd = () => {
      const body = Buffer.concat(chunks, size);
      this.decide(state, req, res, rules, body, { stream: () => Readable.from([body], { objectMode: false }), release: () => {} });
    };
    req.on('data', onData);
    req.on('end', onEnd);
  }

  private decide(
    state: ExchangeState,
    req: IncomingMessage,
    res: ServerResponse,
    rules: readonly MockRule[],
    body: Buffer | null,
    source: BodySource,
  ): void {
    if (state.settled) return;
    let facts: WebhookFacts | null = null;
    try {
      const text = body === null ? null : asText(body, false);
      this.dialects ??= webhookDialects();
      facts = readWebhookFacts(
        { routeId: this.route.routeId, method: req.method ?? 'GET', url: req.url ?? '/', headers: state.requestHeaders },
        text,
        this.dialects,
      );
    } catch (error) {
      // The readers do not throw; if they ever do, the request goes where it would have gone anyway.
      this.route.log.append({ kind: 'core.error', context: `mock rules ${state.id}`, message: (error as Error).message });
    }
    if (!facts) {
      this.forward(state, req, res, source.stream());
      return;
    }
    state.facts = facts;
    // Order: a breakpoint holds the request first, then the mock rules see it (as released), then the upstream.
    if (this.holdRequest(state, req, res, facts, source)) return;
    this.mockOrForward(state, req, res, rules, facts, source);
  }

  private mockOrForward(
    state: ExchangeState,
    req: IncomingMessage,
    res: ServerResponse,
    rules: readonly MockRule[],
    facts: WebhookFacts,
    source: BodySource,
  ): void {
    let rule: MockRule | null = null;
    try {
      rule = rules.length === 0 ? null : matchWebhookRule(rules, facts);
    } catch (error) {
      this.route.log.append({ kind: 'core.error', context: `mock rules ${state.id}`, message: (error as Error).message });
    }
    if (!rule) {
      this.forward(state, req, res, source.stream());
      return;
    }
    runWebhookMock(rule, rule.handler as WebhookHandler, facts, this.mockExchange(state, req, res, source, rule));
  }

  /**
   * A request-stage breakpoint holds the request before the mock rules and the upstream see it; true when held.
   * The route's head timeout does not run while it is held (the user is looking at it), and starts again on release.
   */
  private holdRequest(state: ExchangeState, req: IncomingMessage, res: ServerResponse, facts: WebhookFacts, source: BodySource): boolean {
    const rules = this.route.breakpoints.webhookRules();
    if (rules.length === 0) return false;
    let match: BreakpointMatch | null = null;
    try {
      match = matchWebhookBreakpoint(rules, 'request', facts);
    } catch (error) {
      this.route.log.append({ kind: 'core.error', context: `breakpoints ${state.id}`, message: (error as Error).message });
    }
    if (!match) return false;
    this.clearTimer(state);
    const wasJson = facts.json !== undefined || isJsonContentType(state.requestHeaders);
    const ruleName = JSON.stringify(match.rule.name || match.rule.id);
    state.pause = this.route.pauses.hold({
      rule: match.rule,
      stage: 'request',
      exchangeId: state.id,
      functionName: match.call?.functionName ?? null,
      callId: match.call?.callId ?? null,
      prepare: (params) => this.prepareRequestRelease(state, req, res, source, params, wasJson, ruleName),
    });
    return true;
  }

  /** Checks a release of a held request (throwing a sentence to refuse it) and returns what it does. */
  private prepareRequestRelease(
    state: ExchangeState,
    req: IncomingMessage,
    res: ServerResponse,
    source: BodySource,
    params: ReleasePauseParams,
    wasJson: boolean,
    ruleName: string,
  ): PreparedRelease {
    const gone = () => state.settled || res.destroyed;
    switch (params.action) {
      case 'continue':
        return {
          run: () => {
            state.pause = null;
            if (gone()) return source.release();
            this.armHeadTimer(state, req, res);
            this.mockOrForward(state, req, res, this.route.mocks.webhookRules(), state.facts!, source);
          },
        };
      case 'edit': {
        const edit = params.request;
        if (!edit) throw new Error('releasing a held request edited needs the changed request (method, url, headers, body); the item is still held');
        checkHeaders(edit.headers, 'request');
        const bytes = bodyBytes(edit.body, 'request');
        checkJson(bytes, wasJson || isJsonContentType(edit.headers), 'request body');
        const path = editedPath(edit.url, this.target.href);
        const framed = edit.body !== null || headerValue(state.requestHeaders, 'content-length') !== undefined || headerValue(state.requestHeaders, 'transfer-encoding') !== undefined;
        const headers = framedHeaders(edit.headers, framed ? bytes.length : null);
        const capture = new BodyCapture(this.route.bodyCap);
        capture.push(bytes);
        const method = edit.method;
        return {
          request: { method, url: edit.url, headers, body: edit.body === null ? null : capture.finish(headers) },
          run: () => {
            state.pause = null;
            // The held bytes are replaced: a body still streaming in is read to its end and let go.
            source.release();
            if (gone()) return;
            req.url = path;
            req.headers = headerObject(headers);
            state.method = method;
            let facts = state.facts!;
            try {
              const text = asText(bytes, false);
              facts = readWebhookFacts({ routeId: this.route.routeId, method, url: path, headers }, text, (this.dialects ??= webhookDialects()));
            } catch {
              // The readers do not throw; the mock rules then see the request as it was held.
            }
            state.facts = facts;
            this.armHeadTimer(state, req, res);
            const edited: BodySource = { stream: () => Readable.from([bytes], { objectMode: false }), release: () => {} };
            this.mockOrForward(state, req, res, this.route.mocks.webhookRules(), facts, edited);
          },
        };
      }
      case 'answer': {
        const answer = params.response;
        if (!answer) throw new Error('answering a held request needs the response to send (status, headers, body); the item is still held');
        checkHeaders(answer.headers, 'answer');
        const bytes = bodyBytes(answer.body, 'answer');
        checkJson(bytes, isJsonContentType(answer.headers), 'answer body');
        const head: ResponseHead = { status: answer.status, statusMessage: statusMessage(answer.status), headers: framedHeaders(answer.headers, bytes.length) };
        return {
          run: () => {
            state.pause = null;
            source.release();
            this.sendWhole(state, res, head, bytes);
          },
        };
      }
      case 'drop':
        return {
          run: () => {
            state.pause = null;
            source.release();
            this.dropExchange(state, req, res, 'request', `the request was dropped at breakpoint ${ruleName}: the upstream never got it`);
          },
        };
    }
  }

  /** A whole response Toolscope sends (a held one released, an answer), recorded as the client gets it. */
  private sendWhole(state: ExchangeState, res: ServerResponse, head: ResponseHead, bytes: Buffer): void {
    if (state.settled || res.destroyed) return;
    try {
      // Head first: a header Node refuses throws here, before anything is recorded as sent.
      res.writeHead(head.status, head.statusMessage, head.headers.flat());
    } catch (error) {
      this.releaseFailed(state, res, error);
      return;
    }
    const tap = this.startResponse(state, head);
    res.on('close', () => state.endSse?.(false));
    res.end(bytes);
    tap.push(bytes);
    tap.finish();
  }

  /** Ends the exchange without an answer, recorded as aborted by the proxy (a drop at a breakpoint). */
  private dropExchange(state: ExchangeState, req: IncomingMessage, res: ServerResponse, phase: 'request' | 'response', message: string): void {
    this.clearTimer(state);
    if (!this.settle(state)) return;
    this.route.log.append({ kind: 'http.aborted', exchangeId: state.id, by: 'proxy', phase, message });
    res.destroy();
    if (phase === 'request') req.socket.destroy();
  }

  /** A release that could not be sent (a header Node refuses): recorded, and the client told with a 502. */
  private releaseFailed(state: ExchangeState, res: ServerResponse, error: unknown): void {
    this.clearTimer(state);
    if (!this.settle(state)) return;
    const message = `the breakpoint release could not be sent: ${error instanceof Error ? error.message : String(error)}`;
    const canAnswer = !res.headersSent && !res.destroyed;
    this.route.log.append({ kind: 'http.error', exchangeId: state.id, cause: 'other', code: 'TOOLSCOPE_RELEASE_FAILED', message, statusSent: canAnswer ? 502 : null });
    if (!canAnswer) {
      res.destroy();
      return;
    }
    const payload = JSON.stringify({ error: 'release_failed', message });
    const headers: HeaderList = [
      ['content-type', 'application/json'],
      ['content-length', String(Buffer.byteLength(payload))],
      ['x-toolscope-error', 'breakpoint'],
    ];
    this.route.log.append({ kind: 'http.response', exchangeId: state.id, status: 502, statusMessage: 'Bad Gateway', headers, synthetic: true });
    res.writeHead(502, Object.fromEntries(headers));
    res.end(payload);
  }

  /**
   * A response-stage breakpoint: the upstream's answer is read whole and held (its head timeout is over: the
   * upstream answered). An SSE stream is not held (holding it whole would stop a live stream until its end): it
   * goes on as usual. A body over the capture cap is not held either: what was read goes on, then the rest.
   */
  private holdResponse(state: ExchangeState, proxyRes: IncomingMessage, res: ServerResponse, match: BreakpointMatch): void {
    this.clearTimer(state);
    const head: ResponseHead = { status: proxyRes.statusCode ?? 0, statusMessage: proxyRes.statusMessage ?? '', headers: headerPairs(proxyRes.rawHeaders) };
    if (isEventStream(head.headers)) {
      this.passResponse(state, proxyRes, res, head, []);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const stop = () => {
      done = true;
      proxyRes.off('data', onData);
      proxyRes.off('end', onEnd);
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size <= this.route.bodyCap) return;
      stop();
      this.passResponse(state, proxyRes, res, head, chunks);
    };
    const onEnd = () => {
      stop();
      if (state.settled || res.destroyed) return;
      const body = Buffer.concat(chunks, size);
      const capture = new BodyCapture(this.route.bodyCap);
      capture.push(body);
      const captured = capture.finish(head.headers);
      const wasJson = isJsonContentType(head.headers);
      const ruleName = JSON.stringify(match.rule.name || match.rule.id);
      state.pause = this.route.pauses.hold({
        rule: match.rule,
        stage: 'response',
        exchangeId: state.id,
        functionName: match.call?.functionName ?? null,
        callId: match.call?.callId ?? null,
        response: { ...head, body: captured },
        prepare: (params) => this.prepareResponseRelease(state, res, head, body, captured.decoded === true, params, wasJson, ruleName),
      });
    };
    const broke = (error?: Error) => {
      if (done) return;
      stop();
      if (!this.settle(state)) return;
      const reason = error?.message ? `: ${error.message}` : '';
      this.route.log.append({
        kind: 'http.aborted',
        exchangeId: state.id,
        by: 'upstream',
        phase: 'response',
        message: `upstream connection ended mid-body${reason} (the response was being read for a breakpoint; the client got nothing)`,
      });
      res.destroy();
    };
    proxyRes.on('data', onData);
    proxyRes.on('end', onEnd);
    proxyRes.on('aborted', () => broke());
    proxyRes.on('error', (error) => broke(error));
    proxyRes.on('close', () => {
      if (!proxyRes.complete) broke();
    });
  }

  /** Checks a release of a held response and returns what it does. */
  private prepareResponseRelease(
    state: ExchangeState,
    res: ServerResponse,
    head: ResponseHead,
    body: Buffer,
    decoded: boolean,
    params: ReleasePauseParams,
    wasJson: boolean,
    ruleName: string,
  ): PreparedRelease {
    switch (params.action) {
      case 'continue': {
        const sent: ResponseHead = { ...head, headers: framedHeaders(head.headers, body.length) };
        return {
          run: () => {
            state.pause = null;
            this.sendWhole(state, res, sent, body);
          },
        };
      }
      case 'edit': {
        const edit = params.response;
        if (!edit) throw new Error('releasing a held response edited needs the changed response (status, headers, body); the item is still held');
        checkHeaders(edit.headers, 'response');
        const bytes = bodyBytes(edit.body, 'response');
        checkJson(bytes, wasJson || isJsonContentType(edit.headers), 'response body');
        // The held body was shown decoded, so an edit of it is plain: it is not sent under the old content-encoding.
        const headers = framedHeaders(decoded ? edit.headers.filter(([name]) => name.toLowerCase() !== 'content-encoding') : edit.headers, bytes.length);
        const sent: ResponseHead = { status: edit.status, statusMessage: edit.status === head.status ? head.statusMessage : statusMessage(edit.status), headers };
        return {
          run: () => {
            state.pause = null;
            this.sendWhole(state, res, sent, bytes);
          },
        };
      }
      case 'answer':
        throw new Error('only a held request can be answered; release a held response edited instead; the item is still held');
      case 'drop':
        return {
          run: () => {
            state.pause = null;
            this.dropExchange(state, res.req, res, 'response', `the response was dropped at breakpoint ${ruleName}: the client got nothing`);
          },
        };
    }
  }

  /** Sends an upstream response on as it streams (one a response breakpoint does not hold), after any bytes already read. */
  private passResponse(state: ExchangeState, proxyRes: IncomingMessage, res: ServerResponse, head: ResponseHead, buffered: Buffer[]): void {
    if (state.settled || res.destroyed) {
      proxyRes.destroy();
      return;
    }
    try {
      res.writeHead(head.status, head.statusMessage, head.headers.filter(([name]) => name.toLowerCase() !== 'transfer-encoding').flat());
    } catch (error) {
      proxyRes.destroy();
      this.releaseFailed(state, res, error);
      return;
    }
    const tap = this.startResponse(state, head);
    for (const chunk of buffered) {
      res.write(chunk);
      tap.push(chunk);
    }
    res.on('close', () => state.endSse?.(false));
    // Piped before the tap listens, so each chunk goes to the client before it is captured.
    proxyRes.pipe(res);
    tapUpstreamBody(proxyRes, res, tap);
  }

  private mockExchange(state: ExchangeState, req: IncomingMessage, res: ServerResponse, source: BodySource, rule: MockRule): MockExchange {
    const { log } = this.route;
    const exchange: MockExchange = {
      exchangeId: state.id,
      isOpen: () => !state.settled && !res.destroyed,
      hit: (callId, warnings) => {
        log.append({
          kind: 'mock.hit',
          ruleId: rule.id,
          ruleName: rule.name,
          handler: rule.handler.kind,
          exchangeId: state.id,
          callId,
          ...(warnings.length > 0 ? { warnings: [...warnings] } : {}),
        });
        this.route.mocks.recordHit(rule.id);
      },
      respond: (status, headers) => {
        source.release();
        if (!exchange.isOpen()) return CLOSED_RESPONSE;
        const message = statusMessage(status);
        // Head first: a header Node refuses throws here, before anything is recorded as sent.
        res.writeHead(status, message, headers.flat());
        const tap = this.startResponse(state, { status, statusMessage: message, headers });
        // A client that leaves mid-stream ends the script; its SSE capture must end too (a backend's ends when
        // http-proxy drops the upstream response).
        res.on('close', () => state.endSse?.(false));
        const write = (chunk: Buffer | string) => {
          if (res.destroyed) return;
          const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
          res.write(bytes);
          tap.push(bytes);
        };
        return {
          write,
          end: (last) => {
            if (last !== undefined) write(last);
            if (res.destroyed) return;
            res.end();
            tap.finish();
          },
        };
      },
      forward: () => {
        if (exchange.isOpen()) this.forward(state, req, res, source.stream());
      },
      close: (message) => {
        source.release();
        this.clearTimer(state);
        if (!this.settle(state)) return;
        log.append({ kind: 'http.aborted', exchangeId: state.id, by: 'proxy', phase: state.responded ? 'response' : 'request', message });
        res.destroy();
        req.socket.destroy();
      },
      hold: (message) => {
        source.release();
        state.heldBy = message;
      },
      later: (ms, action) => {
        const timers = (state.mockTimers ??= new Set());
        const timer = setTimeout(() => {
          timers.delete(timer);
          if (!exchange.isOpen()) return;
          try {
            action();
          } catch (error) {
            exchange.fail(error);
          }
        }, ms);
        timers.add(timer);
      },
      fail: (error) => {
        source.release();
        this.mockFailed(state, res, rule, error);
      },
    };
    return exchange;
  }

  /** A rule that could not be carried out: recorded as an error, and the client told which rule failed. */
  private mockFailed(state: ExchangeState, res: ServerResponse, rule: MockRule, error: unknown): void {
    this.clearTimer(state);
    state.endSse?.(false);
    if (!this.settle(state)) return;
    const message = `mock rule ${ruleLabel(rule)} failed: ${error instanceof Error ? error.message : String(error)}`;
    const canAnswer = !res.headersSent && !res.destroyed;
    this.route.log.append({ kind: 'http.error', exchangeId: state.id, cause: 'other', code: 'TOOLSCOPE_MOCK_FAILED', message, statusSent: canAnswer ? 502 : null });
    if (!canAnswer) {
      res.destroy();
      return;
    }
    const payload = JSON.stringify({ error: 'mock_failed', rule: { id: rule.id, name: rule.name }, message });
    const headers: HeaderList = [
      ['content-type', 'application/json'],
      ['content-length', String(Buffer.byteLength(payload))],
      ['x-toolscope-error', 'mock'],
    ];
    this.route.log.append({ kind: 'http.response', exchangeId: state.id, status: 502, statusMessage: 'Bad Gateway', headers, synthetic: true });
    res.writeHead(502, Object.fromEntries(headers));
    res.end(payload);
  }

  /** Ends every open exchange, recording that the proxy (not a peer) cut it, before the sockets go. */
  close(): void {
    for (const state of [...this.open]) {
      this.clearTimer(state);
      state.endSse?.(false);
      state.pause?.closed('the route was closed while the item was held');
      state.pause = null;
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
    if (state.mockTimers) for (const timer of state.mockTimers) clearTimeout(timer);
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
    if (state.responseBreakpoint) {
      this.holdResponse(state, proxyRes, res, state.responseBreakpoint);
      return;
    }
    // A chunked answer stays chunked: Node frames a response that ends before its first write (an empty body)
    // with content-length: 0 unless told otherwise. HTTP/1.0 clients cannot take chunks.
    if (/chunked/i.test(String(proxyRes.headers['transfer-encoding'] ?? '')) && res.req?.httpVersion === '1.1') res.setHeader('transfer-encoding', 'chunked');
    const tap = this.startResponse(state, {
      status: proxyRes.statusCode ?? 0,
      statusMessage: proxyRes.statusMessage ?? '',
      headers: headerPairs(proxyRes.rawHeaders),
    });
    // http-proxy-3 pipes the body to the client right after this event, and the body starts flowing on a later
    // tick: listening from the next tick puts the capture after the client's write for every chunk (an SSE
    // event reaches the bot before it is parsed and recorded), and still before the first chunk.
    process.nextTick(() => tapUpstreamBody(proxyRes, res, tap));
  }

  /** Records the response head, then its body (and SSE events) as the bytes pass. */
  private startResponse(state: ExchangeState, head: { status: number; statusMessage: string; headers: HeaderList }): ResponseTap {
    const { log } = this.route;
    state.responded = true;
    this.clearTimer(state);
    const { headers } = head;
    log.append({ kind: 'http.response', exchangeId: state.id, status: head.status, statusMessage: head.statusMessage, headers });
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
    return {
      push: (chunk) => {
        body.push(chunk);
        sse?.push(chunk);
      },
      finish: () => {
        endSse(true);
        if (!this.settle(state)) return;
        log.append({ kind: 'http.response.body', exchangeId: state.id, body: body.finish(headers) });
      },
      broke: (message) => {
        endSse(false);
        if (!this.settle(state)) return;
        log.append({ kind: 'http.aborted', exchangeId: state.id, by: 'upstream', phase: 'response', message });
      },
    };
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
    state.pause?.closed('the client closed the connection while the item was held');
    state.pause = null;
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

/** Headers that belong to one connection, or to the message framing, which Node and http-proxy set themselves. */
const FRAMING_OR_HOP: ReadonlySet<string> = new Set(['host', 'expect', ...FRAMING_HEADERS, ...HOP_BY_HOP]);

/**
 * End-to-end headers that occur more than once, with their values in order. Node's parsed `headers` join such
 * lines with ", " (or keep only the first, for content-type and a few more), which is not always the same
 * message: two empty values became ", ", sent on as ",". Sent as an array, each value is its own line again.
 */
function repeatedHeaders(raw: readonly string[]): [string, string[]][] {
  const byName = new Map<string, [string, string[]]>();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const lower = raw[i]!.toLowerCase();
    if (FRAMING_OR_HOP.has(lower)) continue;
    const entry = byName.get(lower);
    if (entry) entry[1].push(raw[i + 1]!);
    else byName.set(lower, [raw[i]!, [raw[i + 1]!]]);
  }
  return [...byName.values()].filter(([, values]) => values.length > 1);
}

/** Records the upstream's body as it passes; a body cut short is recorded as such and breaks the client's too. */
function tapUpstreamBody(proxyRes: IncomingMessage, res: ServerResponse, tap: ResponseTap): void {
  proxyRes.on('data', (chunk: Buffer) => tap.push(chunk));
  proxyRes.on('end', () => tap.finish());
  const upstreamBroke = (error?: Error) => {
    tap.broke(error?.message ? `upstream connection ended mid-body: ${error.message}` : 'upstream connection ended mid-body');
    // The client must see a broken response, not a clean end that looks complete.
    res.destroy();
  };
  proxyRes.on('aborted', () => upstreamBroke());
  proxyRes.on('error', (error) => upstreamBroke(error));
  proxyRes.on('close', () => {
    if (!proxyRes.complete) upstreamBroke();
  });
}

export function isEventStream(headers: HeaderList): boolean {
  return /^\s*text\/event-stream/i.test(headerValue(headers, 'content-type') ?? '');
}

/** A decompressor for an encoded SSE body, so events can be read from a gzip stream too. */
export function decoderFor(headers: HeaderList): zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress | null {
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

const CLOSED_RESPONSE: MockResponse = { write: () => {}, end: () => {} };

/** The request body for forwarding; `release` when the request will not be forwarded, so it is read to its end. */
interface BodySource {
  stream(): Readable;
  release(): void;
}

/**
 * A request that outgrew the cap while the rules were looking: the chunks read so far, then the rest as it
 * arrives. It is piped at once, so nothing is lost while a delay rule waits (the request is paused meanwhile).
 */
class StreamingBody implements BodySource {
  private readonly out = new PassThrough();

  constructor(
    head: Buffer[],
    private readonly req: IncomingMessage,
  ) {
    for (const chunk of head) this.out.write(chunk);
    req.pipe(this.out);
  }

  stream(): Readable {
    return this.out;
  }

  release(): void {
    this.req.unpipe(this.out);
    this.out.destroy();
    this.req.resume();
  }
}
