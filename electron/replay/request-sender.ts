/**
 * Sends a request from the core itself (replay, edit and resend from the UI) and records it in the live log as
 * a new exchange, the way a route records one it relays: `http.request` (with `replayOf`, and `edited` when the
 * user changed it), its body, then the response head, its SSE events and its body, or `http.error`. The bodies
 * go through the same BodyCapture (same cap, same content-encoding decoding) and SSE capture as a route's, so
 * the timeline and the analysis read the new exchange like any other.
 *
 * The request goes out on a fresh connection (no keep-alive) with the headers as given, except those that
 * belonged to the old connection (copyable-request.ts decides, as for "Copy as curl"); Host and Content-Length
 * are computed for this URL and these bytes. The whole exchange is bounded by `timeoutMs`, so a backend that is
 * down or hangs gives an `error`, never a hang. Only bad input throws.
 */
import http from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import type { BridgeParams, ResendResult } from '../../shared/bridge.js';
import type { CapturedBody, HeaderList, NewEvent } from '../../shared/events.js';
import { resendableHeaders } from '../../shared/export/copyable-request.js';
import type { EventLog } from '../core/event-log.js';
import type { IdSource } from '../core/id-source.js';
import { BodyCapture, headerPairs } from '../proxy/body-capture.js';
import { outgoingBytes } from '../proxy/outgoing-bytes.js';
import { SseCapture } from '../proxy/requests/sse-capture.js';
import { decoderFor, isEventStream } from '../proxy/requests/http-forwarder.js';
import { classifyUpstreamError, describeUpstreamError, timedOutSentence } from '../proxy/upstream-error.js';

export const DEFAULT_RESEND_TIMEOUT_MS = 10_000;

export type ResendParams = BridgeParams<'resendRequest'>;

export interface SenderContext {
  log: Pick<EventLog, 'append'>;
  ids: IdSource;
  /** The same cap the routes use for bodies. */
  bodyCap: number;
  /** Aborting ends the exchange at once, recorded as cut by Toolscope (the core is closing). */
  signal?: AbortSignal;
}

/** Methods whose requests Node would chunk when they have no Content-Length; an absent body is sent as length 0. */
const BODYLESS_METHODS = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT']);
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** A request ready to send: checked, with its bytes and the header list that goes on the wire. */
interface Prepared {
  url: URL;
  method: string;
  headers: HeaderList;
  body: Buffer | null;
}

/** Checks the request and builds what is sent; throws a sentence for input that cannot be sent. */
export function prepareRequest(request: ResendParams['request']): Prepared {
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    throw new Error(`"${request.url}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`only http and https requests can be sent; "${request.url}" is ${url.protocol.slice(0, -1)}`);
  }
  if (url.username || url.password) throw new Error('the URL carries a user name or password; send credentials in an Authorization header instead');
  if (!TOKEN.test(request.method)) throw new Error(`"${request.method}" is not a valid HTTP method`);

  const body = request.body ? outgoingBytes(request.body.encoding, request.body.data) : null;
  if (request.body && !body) throw new Error('the body is marked base64 but is not valid base64');

  for (const [name, value] of request.headers) {
    try {
      http.validateHeaderName(name);
      http.validateHeaderValue(name, value);
    } catch (error) {
      throw new Error(`the header "${name}" cannot be sent: ${(error as Error).message}`);
    }
  }
  const headers: HeaderList = [['Host', url.host], ...resendableHeaders(request.headers)];
  const method = request.method;
  if (body !== null) headers.push(['Content-Length', String(body.length)]);
  else if (!BODYLESS_METHODS.has(method.toUpperCase())) headers.push(['Content-Length', '0']);
  return { url, method, headers, body };
}

/**
 * Sends the request and records the exchange under `routeId`. Resolves with what came back, or with `error`
 * for a network failure, a timeout or a cut answer; rejects only when the request itself cannot be sent.
 */
export function sendRequest(context: SenderContext, params: ResendParams, routeId: string): Promise<ResendResult> {
  const prepared = prepareRequest(params.request);
  const timeoutMs = params.timeoutMs ?? DEFAULT_RESEND_TIMEOUT_MS;
  const { log, ids } = context;
  const exchangeId = ids.next('x');
  const started = performance.now();

  log.append({
    kind: 'http.request',
    exchangeId,
    routeId,
    method: prepared.method,
    url: `${prepared.url.pathname}${prepared.url.search}`,
    httpVersion: '1.1',
    headers: prepared.headers,
    remoteAddress: '',
    upstreamUrl: prepared.url.href,
    ...(params.replayOf !== null ? { replayOf: params.replayOf } : {}),
    ...(params.edited ? { edited: true as const } : {}),
  });
  const requestBody = new BodyCapture(context.bodyCap);
  if (prepared.body) requestBody.push(prepared.body);
  log.append({ kind: 'http.request.body', exchangeId, body: requestBody.finish(prepared.headers) });

  return new Promise<ResendResult>((resolve) => {
    let settled = false;
    let head: { status: number; statusMessage: string; headers: HeaderList } | null = null;
    let responseBody: BodyCapture | null = null;
    let sse: SseCapture | null = null;
    const sseEvents: { type: string; data: string }[] = [];
    let sseEnded: Promise<void> = Promise.resolve();
    let markSseEnded: () => void = () => {};

    // The SSE capture appends to the log; this view of the log also keeps the dispatched events for the answer.
    const sseLog = {
      append: (event: NewEvent) => {
        const recorded = log.append(event);
        if (recorded.kind === 'sse.event' && recorded.dispatched) sseEvents.push({ type: recorded.type ?? 'message', data: recorded.data ?? '' });
        if (recorded.kind === 'sse.end') markSseEnded();
        return recorded;
      },
    };

    const partialResponse = (body: CapturedBody | null): ResendResult['response'] =>
      head ? { ...head, body: body ?? emptyBody(context.bodyCap), sse: [...sseEvents] } : null;

    const finish = (response: ResendResult['response'], error: string | null) => {
      resolve({ exchangeId, response, error, durationMs: Math.max(0, performance.now() - started) });
    };

    /** Ends the exchange with a failure: the head never came (http.error), or the body was cut (http.aborted). */
    const fail = (event: NewEvent, error: string) => {
      if (settled) return;
      settled = true;
      cleanup();
      req.destroy();
      const wasCapturing = sse !== null;
      sse?.end(false);
      log.append(event);
      const body = responseBody ? responseBody.finish(head!.headers) : null;
      // A stream's capture may still be decompressing; the answer waits for its last events (never long).
      void (wasCapturing ? withTimeout(sseEnded, 1000) : Promise.resolve()).then(() => finish(partialResponse(body), error));
    };

    const client = prepared.url.protocol === 'https:' ? https : http;
    const req = client.request(prepared.url, { method: prepared.method, headers: prepared.headers.flat(), agent: false }, (res) => {
      if (settled) {
        res.destroy();
        return;
      }
      head = { status: res.statusCode ?? 0, statusMessage: res.statusMessage ?? '', headers: headerPairs(res.rawHeaders) };
      log.append({ kind: 'http.response', exchangeId, ...head });
      const capture = new BodyCapture(context.bodyCap);
      responseBody = capture;
      if (isEventStream(head.headers)) {
        sseEnded = new Promise<void>((resolveEnd) => (markSseEnded = resolveEnd));
        sse = new SseCapture(sseLog, exchangeId, decoderFor(head.headers));
      }
      res.on('data', (chunk: Buffer) => {
        capture.push(chunk);
        sse?.push(chunk);
      });
      res.on('end', () => {
        if (settled) return;
        settled = true;
        const wasCapturing = sse !== null;
        sse?.end(true);
        const body = capture.finish(head!.headers);
        log.append({ kind: 'http.response.body', exchangeId, body });
        // The timer stays until the SSE capture has its end, so a stuck decoder still cannot hold the answer.
        void (wasCapturing ? withTimeout(sseEnded, Math.max(0, timeoutMs - (performance.now() - started))) : Promise.resolve()).then(() => {
          cleanup();
          finish(partialResponse(body), null);
        });
      });
      const broke = (error?: Error) => {
        const message = error?.message ? `upstream connection ended mid-body: ${error.message}` : 'upstream connection ended mid-body';
        fail({ kind: 'http.aborted', exchangeId, by: 'upstream', phase: 'response', message }, `the answer was cut off: ${message}`);
      };
      res.on('aborted', () => broke());
      res.on('error', (error) => broke(error));
      res.on('close', () => {
        if (!res.complete) broke();
      });
    });

    req.on('error', (error: NodeJS.ErrnoException) => {
      if (settled) return;
      if (head) {
        fail(
          { kind: 'http.aborted', exchangeId, by: 'upstream', phase: 'response', message: `upstream connection ended mid-body: ${error.message}` },
          `the answer was cut off: ${describeUpstreamError(error)}`,
        );
        return;
      }
      const failure = classifyUpstreamError(error);
      fail(
        { kind: 'http.error', exchangeId, cause: failure.cause, code: failure.code, message: failure.message, statusSent: null },
        describeUpstreamError(error),
      );
    });

    const timer = setTimeout(() => {
      const sentence = timedOutSentence(timeoutMs);
      fail({ kind: 'http.error', exchangeId, cause: 'timeout', code: 'ETIMEDOUT', message: `no complete answer from the upstream within ${timeoutMs} ms`, statusSent: null }, sentence);
    }, timeoutMs);

    const onAbort = () => {
      const message = 'Toolscope was closed while the request was being sent';
      fail({ kind: 'http.aborted', exchangeId, by: 'proxy', phase: head ? 'response' : 'request', message }, message);
    };
    context.signal?.addEventListener('abort', onAbort, { once: true });
    const cleanup = () => {
      clearTimeout(timer);
      context.signal?.removeEventListener('abort', onAbort);
    };
    if (context.signal?.aborted) {
      onAbort();
      return;
    }

    req.end(prepared.body ?? undefined);
  });
}

function emptyBody(cap: number): CapturedBody {
  return { encoding: 'utf8', data: '', size: 0, truncated: false, cap };
}

function withTimeout(promise: Promise<void>, ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    void promise.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
