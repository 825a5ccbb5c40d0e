/**
 * Sends the webhook calls of a session again (`toolscope replay`) and compares each answer with the captured
 * one, so a team can run captured calls against a new backend build.
 *
 * A request goes out as "Copy as curl" would send it (copyable-request.ts decides which headers still make
 * sense on a new connection), with the captured body bytes, one at a time and in the session's order (a
 * backend with state sees the calls in the order it saw them first). An exchange that carried several calls
 * (a Vapi `tool-calls` request) is sent once; each of its calls gets the comparison of the whole answer.
 */
import http from 'node:http';
import https from 'node:https';
import zlib from 'node:zlib';
import type { LogEvent } from '../../shared/events.js';
import { analyseEvents } from '../../shared/analysis/session-report.js';
import { copyableRequestOf, resendOf } from '../../shared/export/copyable-request.js';
import { diffAnswers, type IgnorePaths, type ReplayAnswer } from '../../shared/replay/result-diff.js';
import { capturedAnswer, targetUrl } from '../../shared/replay/replay-request.js';
import { emptyTrafficState, foldEvents, type ExchangeView } from '../../shared/store/traffic-state.js';
import { SseStreamReader } from '../../shared/sse/sse-stream-reader.js';
import { describeUpstreamError as describeError, timedOutSentence } from '../proxy/upstream-error.js';

export const DEFAULT_REPLAY_TIMEOUT_MS = 10_000;

export interface ReplayOptions {
  /** Base URL whose origin replaces the captured upstream's; path and query stay as captured. */
  against?: string;
  /** Only calls of this function. */
  functionName?: string;
  timeoutMs?: number;
  ignore?: Extract<IgnorePaths, { ok: true }>['paths'];
}

export type ReplayStatus = 'same' | 'different' | 'error' | 'skipped';

export interface ReplayedCall {
  name: string;
  callId: string | null;
  exchangeId: string;
  status: ReplayStatus;
  /** Where it was sent (empty when skipped before sending). */
  url: string;
  diff: string[];
  /** Why it errored or was skipped. */
  error?: string;
}

type Outcome = Omit<ReplayedCall, 'name' | 'callId' | 'exchangeId'>;

export async function replayWebhookCalls(events: readonly LogEvent[], options: ReplayOptions = {}): Promise<ReplayedCall[]> {
  const traffic = foldEvents(emptyTrafficState(), events);
  const { report } = analyseEvents(events);
  const outcomes = new Map<string, Outcome>();
  const replayed: ReplayedCall[] = [];
  for (const call of report.calls) {
    if (call.source.kind !== 'exchange') continue;
    if (options.functionName !== undefined && call.name !== options.functionName) continue;
    const exchangeId = call.source.id;
    let outcome = outcomes.get(exchangeId);
    if (!outcome) {
      const exchange = traffic.exchanges.get(exchangeId);
      if (!exchange) outcome = skipped('its HTTP exchange is not in the session');
      // A mock's answer is not the backend's: comparing the backend with it would report a false difference.
      else if (call.status === 'mocked') outcome = skipped('answered by a mock rule, not by the backend');
      else outcome = await replayExchange(exchange, options);
      outcomes.set(exchangeId, outcome);
    }
    replayed.push({ name: call.name, callId: call.callId, exchangeId, ...outcome });
  }
  return replayed;
}

function skipped(reason: string, url = ''): Outcome {
  return { status: 'skipped', url, diff: [], error: reason };
}

async function replayExchange(exchange: ExchangeView, options: ReplayOptions): Promise<Outcome> {
  const copy = copyableRequestOf(exchange, 'upstream');
  if (!copy) return skipped('no upstream URL was captured');
  const url = targetUrl(copy.url, options.against);
  if (exchange.requestBody?.truncated) return skipped('the captured request body is truncated, so it cannot be sent exactly', url);
  const captured = capturedAnswer(exchange);
  if ('reason' in captured) return skipped(captured.reason, url);

  const resend = resendOf(copy);
  const body = resend.body === null ? null : resend.body.kind === 'text' ? Buffer.from(resend.body.text, 'utf8') : Buffer.from(resend.body.data, 'base64');
  const answer = await send(url, resend.method, resend.headers, body, options.timeoutMs ?? DEFAULT_REPLAY_TIMEOUT_MS);
  if ('error' in answer) return { status: 'error', url, diff: [], error: answer.error };

  const diff = diffAnswers(captured.answer, answer.answer, options.ignore ?? []);
  // A changed status matters even when the body is the same (an empty 200 that became an empty 500).
  const lines = captured.status === answer.status ? diff.lines : [`~ (status): ${captured.status} → ${answer.status}`, ...diff.lines];
  return { status: lines.length === 0 ? 'same' : 'different', url, diff: lines };
}

// What can be compared, and where a request goes, are the UI's Replay answers too (shared/replay/replay-request.ts).
export { targetUrl };

function isEventStream(contentType: string | undefined): boolean {
  return contentType !== undefined && /^\s*text\/event-stream/i.test(contentType);
}

type Sent = { status: number; answer: ReplayAnswer } | { error: string };

/**
 * One request on a fresh connection (no keep-alive: the command exits when done), bounded by `timeoutMs`
 * from start to the end of the answer, so a backend that is down or hangs gives an error row, never a hang.
 */
function send(url: string, method: string, headers: [string, string][], body: Buffer | null, timeoutMs: number): Promise<Sent> {
  return new Promise((resolve) => {
    const outgoing: http.OutgoingHttpHeaders = {};
    for (const [name, value] of headers) {
      const key = name.toLowerCase();
      const previous = outgoing[key];
      outgoing[key] = previous === undefined ? value : [...(Array.isArray(previous) ? previous : [String(previous)]), value];
    }
    // copyable-request drops the captured length (it describes the old framing); this one frames these bytes.
    if (body) outgoing['content-length'] = String(body.length);
    let settled = false;
    const finish = (result: Sent) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const client = url.startsWith('https:') ? https : http;
    const req = client.request(url, { method, headers: outgoing, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', (error) => finish({ error: describeError(error) }));
      res.on('end', () => {
        const decoded = decode(Buffer.concat(chunks), res.headers['content-encoding']);
        if ('error' in decoded) return finish(decoded);
        const text = decoded.bytes.toString('utf8');
        const status = res.statusCode ?? 0;
        if (!isEventStream(res.headers['content-type'])) return finish({ status, answer: { kind: 'body', text } });
        // The same reader as the proxy's capture, so both sides see the same events.
        const reader = new SseStreamReader();
        const blocks = [...reader.push(text), ...reader.end().blocks];
        const events = blocks.filter((b) => b.dispatched).map((b) => ({ type: b.type ?? 'message', data: b.data ?? '' }));
        finish({ status, answer: { kind: 'sse', events } });
      });
    });
    const timer = setTimeout(() => {
      finish({ error: timedOutSentence(timeoutMs) });
      req.destroy();
    }, timeoutMs);
    req.on('error', (error) => finish({ error: describeError(error) }));
    req.end(body ?? undefined);
  });
}

/** The answer's bytes without its Content-Encoding (the captured side was decoded by the proxy too). */
function decode(bytes: Buffer, encoding: string | undefined): { bytes: Buffer } | { error: string } {
  const name = (encoding ?? '').trim().toLowerCase();
  try {
    if (name === 'gzip' || name === 'x-gzip') return { bytes: zlib.gunzipSync(bytes) };
    if (name === 'deflate') return { bytes: zlib.inflateSync(bytes) };
    if (name === 'br') return { bytes: zlib.brotliDecompressSync(bytes) };
    return { bytes };
  } catch (error) {
    return { error: `the answer could not be decoded (${name}: ${(error as Error).message})` };
  }
}
