/**
 * Replay and Edit and resend from the UI: what the Replay dialog shows (one replay and its comparison, or a
 * run over several calls with its progress), and what the Edit and resend dialog edits.
 *
 * Requests are taken from the exchange on screen, live or in a session opened read-only (a snapshot of it is
 * kept, so closing the session does not lose the comparison); the core sends them and records each as a new
 * exchange in the live session, linked to the original (`replayOf`).
 */
import { create } from 'zustand';
import type { OutgoingRequest, ResendResult } from '../../../shared/bridge.js';
import type { FunctionCall } from '../../../shared/analysis/model.js';
import { parseIgnorePaths } from '../../../shared/replay/result-diff.js';
import {
  capturedAnswer,
  compareReplay,
  readableLines,
  replayedAnswer,
  replayRequestOf,
  replaySkipReason,
  type CapturedAnswer,
  type ReplayVerdict,
} from '../../../shared/replay/replay-request.js';
import type { ExchangeView } from '../../../shared/store/traffic-state.js';
import { getBridge } from '../bridge/get-bridge.js';
import { useDialogStore } from './dialog-store.js';
import { useTrafficStore } from './traffic-store.js';
import { currentTraffic } from './use-traffic.js';
import { useViewStore } from './view-store.js';

/** How long one replayed request may take, start to end of its answer, unless the user says otherwise. */
export const DEFAULT_REPLAY_TIMEOUT_MS = 10_000;

type IgnorePath = Extract<ReturnType<typeof parseIgnorePaths>, { ok: true }>['paths'][number];

/** The exchange a replay repeats, as it was on screen when the replay started. */
export interface ReplayOriginal {
  exchange: ExchangeView;
  /** The call the user started from, when it was a call (an exchange of the Traffic view has none). */
  callKey: string | null;
  callName: string | null;
  callId: string | null;
  /** The opened session it comes from; null when it is live traffic. */
  sessionLabel: string | null;
}

export interface ReplayRun {
  serial: number;
  original: ReplayOriginal;
  request: OutgoingRequest;
  /** Where the request is not exactly the captured one (a decoded body …). */
  warnings: string[];
  edited: boolean;
  /** The origin typed in place of the captured upstream's, or null. */
  against: string | null;
  sending: boolean;
  result: ResendResult | null;
  /** The core could not be asked, or refused the request (a sentence). */
  failure: string | null;
  captured: CapturedAnswer;
  verdict: ReplayVerdict | null;
  /** Fields left out of the comparison (the config file's `replay.ignore`). */
  ignored: readonly string[];
}

export type BatchItemState = 'waiting' | 'sending' | 'same' | 'different' | 'error' | 'skipped';

export interface BatchItem {
  /** One item per exchange: a request carrying several calls (Vapi) is sent once. */
  exchangeId: string;
  callKeys: string[];
  label: string;
  state: BatchItemState;
  /** Why it was skipped or failed; the difference lines when it differs. */
  detail: string | null;
  lines: string[];
  run: ReplayRun | null;
}

export interface BatchRun {
  title: string;
  against: string | null;
  timeoutMs: number;
  items: BatchItem[];
  running: boolean;
  stopped: boolean;
}

/** Which calls "Replay calls…" offers, computed when the dialog opens. */
export interface BatchScope {
  id: 'function' | 'shown';
  title: string;
  calls: FunctionCall[];
}

export interface ResendTarget {
  serial: number;
  original: ReplayOriginal;
  /** The request the editor starts with: the captured one, or the last one sent from the editor. */
  start: OutgoingRequest;
  warnings: string[];
}

export interface ReplayStore {
  /** What the Replay dialog shows. */
  mode: 'single' | 'batch';
  run: ReplayRun | null;
  batch: BatchRun | null;
  /** Offered scopes while the batch has not started. */
  scopes: BatchScope[];
  resend: ResendTarget | null;
  /** A replay refused before anything was sent (truncated body …), shown beside that exchange's button. */
  refusal: { exchangeId: string; text: string } | null;
  replay(original: ReplayOriginal, against?: string | null): Promise<void>;
  send(original: ReplayOriginal, request: OutgoingRequest, options: { edited: boolean; against: string | null; warnings: string[] }): Promise<void>;
  openResend(original: ReplayOriginal, start?: OutgoingRequest): void;
  openBatch(scopes: BatchScope[]): void;
  startBatch(scope: BatchScope, against: string | null, timeoutMs: number): Promise<void>;
  stopBatch(): void;
  /** From a batch's results list: shows that item's comparison. */
  showItem(run: ReplayRun): void;
  backToBatch(): void;
  dismissRefusal(): void;
}

let serial = 0;
let batchGeneration = 0;

export const useReplayStore = create<ReplayStore>((set, get) => ({
  mode: 'single',
  run: null,
  batch: null,
  scopes: [],
  resend: null,
  refusal: null,

  replay: async (original, against = null) => {
    const made = replayRequestOf(original.exchange, against ?? undefined);
    if ('refused' in made) {
      set({ refusal: { exchangeId: original.exchange.id, text: `Cannot replay ${labelOf(original.exchange)}: ${made.refused}. Edit and resend can send what was kept.` } });
      return;
    }
    set({ refusal: null });
    await get().send(original, made.request, { edited: false, against, warnings: made.warnings });
  },

  send: async (original, request, options) => {
    const mine = ++serial;
    const ignored = await ignorePaths();
    const run: ReplayRun = {
      serial: mine,
      original,
      request,
      warnings: options.warnings,
      edited: options.edited,
      against: options.against,
      sending: true,
      result: null,
      failure: null,
      captured: capturedAnswer(original.exchange),
      verdict: null,
      ignored: ignored.texts,
    };
    // A finished run over several calls is left behind; one still running stays reachable.
    set({ run, mode: 'single', batch: get().batch?.running ? get().batch : null });
    useDialogStore.getState().show('replay');
    const done = await sendRun(run, DEFAULT_REPLAY_TIMEOUT_MS, ignored.paths);
    // A newer replay started meanwhile owns the dialog now.
    if (get().run?.serial === mine) set({ run: done });
  },

  openResend: (original, start) => {
    let request = start;
    let warnings: string[] = [];
    if (!request) {
      const made = replayRequestOf(original.exchange);
      if ('refused' in made) {
        // Truncated or unreadable: the editor still opens, on what was captured, with the reason on top.
        const exchange = original.exchange;
        const body = exchange.requestBody;
        request = {
          method: exchange.request.method,
          url: /^https?:/i.test(exchange.request.upstreamUrl) ? exchange.request.upstreamUrl : 'http://127.0.0.1/',
          headers: exchange.request.headers.filter(([name]) => !/^(host|content-length|transfer-encoding|connection)$/i.test(name)),
          body: body ? { encoding: body.encoding, data: body.data } : null,
        };
        warnings = [`Not the captured request exactly: ${made.refused}.`];
      } else {
        request = made.request;
        warnings = made.warnings;
      }
    }
    set({ resend: { serial: ++serial, original, start: request, warnings } });
    useDialogStore.getState().show('resend');
  },

  openBatch: (scopes) => {
    set({ mode: 'batch', scopes, batch: get().batch?.running ? get().batch : null });
    useDialogStore.getState().show('replay');
  },

  startBatch: async (scope, against, timeoutMs) => {
    const mine = ++batchGeneration;
    const traffic = currentTraffic();
    const sessionLabel = useViewStore.getState().session?.label ?? null;
    // One item per exchange, in the order the calls started.
    const items: BatchItem[] = [];
    const byExchange = new Map<string, BatchItem>();
    for (const call of scope.calls) {
      if (call.source.kind !== 'exchange') continue;
      const existing = byExchange.get(call.source.id);
      if (existing) {
        existing.callKeys.push(call.key);
        continue;
      }
      const exchange = traffic.exchanges.get(call.source.id);
      const skip = replaySkipReason(call, exchange);
      const item: BatchItem = {
        exchangeId: call.source.id,
        callKeys: [call.key],
        label: `${call.name || '(unnamed)'}${call.callId ? ` ${call.callId}` : ''}`,
        state: skip ? 'skipped' : 'waiting',
        detail: skip,
        lines: [],
        run: null,
      };
      byExchange.set(call.source.id, item);
      items.push(item);
    }
    const publish = (patch: Partial<BatchRun> = {}) => {
      const current = get().batch;
      if (mine !== batchGeneration && !patch.stopped) return;
      set({ batch: { ...(current ?? { title: scope.title, against, timeoutMs, items, running: true, stopped: false }), ...patch, items: items.map((i) => ({ ...i })) } });
    };
    set({ mode: 'batch', batch: { title: scope.title, against, timeoutMs, items: items.map((i) => ({ ...i })), running: true, stopped: false } });
    const ignored = await ignorePaths();
    const calls = new Map(scope.calls.map((call) => [call.key, call]));
    for (const item of items) {
      if (mine !== batchGeneration) return;
      if (item.state === 'skipped') continue;
      const exchange = traffic.exchanges.get(item.exchangeId)!;
      const made = replayRequestOf(exchange, against ?? undefined);
      if ('refused' in made) {
        item.state = 'skipped';
        item.detail = made.refused;
        publish();
        continue;
      }
      item.state = 'sending';
      publish();
      const first = calls.get(item.callKeys[0]!);
      const run: ReplayRun = {
        serial: ++serial,
        original: { exchange, callKey: first?.key ?? null, callName: first?.name ?? null, callId: first?.callId ?? null, sessionLabel },
        request: made.request,
        warnings: made.warnings,
        edited: false,
        against,
        sending: true,
        result: null,
        failure: null,
        captured: capturedAnswer(exchange),
        verdict: null,
        ignored: ignored.texts,
      };
      const done = await sendRun(run, timeoutMs, ignored.paths);
      if (mine !== batchGeneration) return;
      item.run = done;
      const verdict = done.verdict;
      if (done.failure !== null) {
        item.state = 'error';
        item.detail = done.failure;
      } else if (verdict?.kind === 'error') {
        item.state = 'error';
        item.detail = verdict.message;
      } else if (verdict?.kind === 'different') {
        item.state = 'different';
        item.lines = differenceLines(done);
      } else if (verdict?.kind === 'uncompared') {
        item.state = 'skipped';
        item.detail = `sent, but not compared: ${verdict.reason}`;
      } else item.state = 'same';
      publish();
    }
    if (mine === batchGeneration) publish({ running: false });
  },

  stopBatch: () => {
    batchGeneration++;
    const batch = get().batch;
    if (!batch) return;
    // The request on the wire finishes in the core (it is recorded there); its row here says it was stopped.
    const items = batch.items.map((item) =>
      item.state === 'waiting'
        ? { ...item, state: 'skipped' as const, detail: 'not sent: stopped' }
        : item.state === 'sending'
          ? { ...item, state: 'skipped' as const, detail: 'stopped while it was being sent (the live session still records its answer)' }
          : item,
    );
    set({ batch: { ...batch, items, running: false, stopped: true } });
  },

  showItem: (run) => set({ run, mode: 'single' }),
  backToBatch: () => set({ mode: 'batch' }),
  dismissRefusal: () => set({ refusal: null }),
}));

async function sendRun(run: ReplayRun, timeoutMs: number, ignore: readonly IgnorePath[]): Promise<ReplayRun> {
  try {
    const result = await getBridge().call('resendRequest', {
      request: run.request,
      replayOf: run.original.exchange.id,
      routeId: liveRouteOf(run.original),
      edited: run.edited,
      timeoutMs,
    });
    return { ...run, sending: false, result, verdict: compareReplay(run.captured, result, ignore) };
  } catch (error) {
    return { ...run, sending: false, failure: (error as Error).message };
  }
}

/** The new exchange is listed under the original's route when the live session has that route. */
function liveRouteOf(original: ReplayOriginal): string | null {
  const routeId = original.exchange.routeId;
  return useTrafficStore.getState().traffic.routes.has(routeId) ? routeId : null;
}

/** The config file's `replay.ignore` paths, read from the core once per replay (the file may change). */
async function ignorePaths(): Promise<{ paths: IgnorePath[]; texts: string[] }> {
  try {
    const info = await getBridge().call('info', {});
    const texts = info.config?.replay?.ignore ?? [];
    const parsed = parseIgnorePaths(texts);
    return parsed.ok ? { paths: parsed.paths, texts } : { paths: [], texts: [] };
  } catch {
    return { paths: [], texts: [] };
  }
}

/** A run's difference lines as a person reads them (SSE events by number and type). */
export function differenceLines(run: ReplayRun): string[] {
  if (run.verdict?.kind !== 'different') return [];
  const captured = 'reason' in run.captured ? null : run.captured.answer;
  const replayed = run.result?.response ? replayedAnswer(run.result.response) : null;
  return readableLines(run.verdict.lines, captured, replayed);
}

export function labelOf(exchange: ExchangeView): string {
  return `${exchange.request.method} ${exchange.request.url}`;
}

/** The original for a call or exchange on screen (live or in the opened session). */
export function originalOf(exchangeId: string, call?: FunctionCall | null): ReplayOriginal | null {
  const exchange = currentTraffic().exchanges.get(exchangeId);
  if (!exchange) return null;
  return { exchange, callKey: call?.key ?? null, callName: call?.name ?? null, callId: call?.callId ?? null, sessionLabel: useViewStore.getState().session?.label ?? null };
}
