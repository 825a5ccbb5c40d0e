/**
 * Sends the webhook calls of a session again (`toolscope replay`) and compares each answer with the captured
 * one, so a team can run captured calls against a new backend build.
 *
 * A request goes out as the UI's Replay sends it (replay-request.ts, request-sender.ts: the headers that still
 * make sense on a new connection, the captured body bytes), one at a time and in the session's order (a
 * backend with state sees the calls in the order it saw them first). An exchange that carried several calls
 * (a Vapi `tool-calls` request) is sent once; each of its calls gets the comparison of the whole answer.
 */
import type { LogEvent } from '../../shared/events.js';
import { analyseEvents } from '../../shared/analysis/session-report.js';
import type { IgnorePaths } from '../../shared/replay/result-diff.js';
import { capturedAnswer, compareReplay, replayRequestOf, targetUrl } from '../../shared/replay/replay-request.js';
import { emptyTrafficState, foldEvents, type ExchangeView } from '../../shared/store/traffic-state.js';
import { EventLog } from '../core/event-log.js';
import { IdSource } from '../core/id-source.js';
import { sendRequest } from './request-sender.js';

export const DEFAULT_REPLAY_TIMEOUT_MS = 10_000;
/** Answers are compared whole; one bigger than this is reported instead of being held in memory. */
const MAX_COMPARED_BYTES = 256 * 1024 * 1024;

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
  // The same request, sender and comparison as the UI's Replay: only the log the exchange is recorded in is a
  // scratch one here (the command has no session to add it to).
  const request = replayRequestOf(exchange, options.against);
  if ('refused' in request) return skipped(request.refused);
  const url = request.request.url;
  const captured = capturedAnswer(exchange);
  if ('reason' in captured) return skipped(captured.reason, url);

  const result = await sendRequest(
    { log: new EventLog(), ids: new IdSource(), bodyCap: MAX_COMPARED_BYTES },
    { request: request.request, replayOf: exchange.id, routeId: exchange.routeId, edited: false, timeoutMs: options.timeoutMs ?? DEFAULT_REPLAY_TIMEOUT_MS },
    exchange.routeId,
  );
  // A cut answer (its head came, then the connection broke or the time ran out) is an error here, not a diff.
  if (result.error !== null || !result.response) return { status: 'error', url, diff: [], error: result.error ?? 'no answer came back' };
  if (result.response.body.truncated) return { status: 'error', url, diff: [], error: `the answer is over ${MAX_COMPARED_BYTES / 1024 / 1024} MiB, too big to compare` };
  const verdict = compareReplay(captured, result, options.ignore ?? []);
  return { status: verdict.kind === 'different' ? 'different' : 'same', url, diff: verdict.kind === 'different' ? verdict.lines : [] };
}

// What can be compared, and where a request goes, are the UI's Replay answers too (shared/replay/replay-request.ts).
export { targetUrl };
